/*
Copyright 2026 The Skiff Authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package queue

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	netheader "knative.dev/networking/pkg/http/header"
)

func TestDrainerDispatch(t *testing.T) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "inner") })
	health := func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "healthy") }

	tests := []struct {
		name             string
		headers          map[string]string
		want, wantDrain  int
		wantBody         string
		wantHashResponse string
	}{{
		name:     "user request",
		want:     http.StatusOK,
		wantBody: "inner",
		// Requests are still served while draining.
		wantDrain: http.StatusOK,
	}, {
		name:      "queue readiness probe",
		headers:   map[string]string{netheader.ProbeKey: Name},
		want:      http.StatusOK,
		wantBody:  "healthy",
		wantDrain: http.StatusServiceUnavailable,
	}, {
		name:      "kubelet probe by user agent",
		headers:   map[string]string{netheader.UserAgentKey: netheader.KubeProbeUAPrefix + "1.33"},
		want:      http.StatusOK,
		wantBody:  "healthy",
		wantDrain: http.StatusServiceUnavailable,
	}, {
		name:      "kubelet probe by header",
		headers:   map[string]string{netheader.KubeletProbeKey: "queue"},
		want:      http.StatusOK,
		wantBody:  "healthy",
		wantDrain: http.StatusServiceUnavailable,
	}, {
		name:      "activator probe by user agent",
		headers:   map[string]string{netheader.UserAgentKey: netheader.ActivatorUserAgent},
		want:      http.StatusOK,
		wantBody:  "healthy",
		wantDrain: http.StatusServiceUnavailable,
	}, {
		name:             "network probe echoes its hash",
		headers:          map[string]string{netheader.ProbeKey: netheader.ProbeValue, netheader.HashKey: "abc"},
		want:             http.StatusOK,
		wantHashResponse: "abc",
		wantDrain:        http.StatusServiceUnavailable,
	}, {
		name:      "network probe without hash",
		headers:   map[string]string{netheader.ProbeKey: netheader.ProbeValue},
		want:      http.StatusBadRequest,
		wantDrain: http.StatusServiceUnavailable,
	}, {
		name:      "other probe values go to the app",
		headers:   map[string]string{netheader.ProbeKey: "activator"},
		want:      http.StatusOK,
		wantBody:  "inner",
		wantDrain: http.StatusOK,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &Drainer{
				Inner:                 inner,
				HealthCheck:           health,
				HealthCheckUAPrefixes: []string{netheader.ActivatorUserAgent},
				QuietPeriod:           time.Hour,
			}
			do := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				for k, v := range tc.headers {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				d.ServeHTTP(rec, req)
				return rec
			}
			rec := do()
			if rec.Code != tc.want {
				t.Errorf("status = %d, want %d", rec.Code, tc.want)
			}
			if tc.wantBody != "" && rec.Body.String() != tc.wantBody {
				t.Errorf("body = %q, want %q", rec.Body.String(), tc.wantBody)
			}
			if got := rec.Header().Get(netheader.HashKey); got != tc.wantHashResponse {
				t.Errorf("hash header = %q, want %q", got, tc.wantHashResponse)
			}

			go d.Drain()
			for !d.Draining() {
				time.Sleep(time.Millisecond)
			}
			if rec := do(); rec.Code != tc.wantDrain {
				t.Errorf("while draining: status = %d, want %d", rec.Code, tc.wantDrain)
			}
			d.Reset()
			if rec := do(); rec.Code != tc.want {
				t.Errorf("after Reset: status = %d, want %d", rec.Code, tc.want)
			}
		})
	}
}

func TestDrainerWaitsForQuietPeriodAfterLastRequest(t *testing.T) {
	const quiet = 300 * time.Millisecond
	d := &Drainer{Inner: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), QuietPeriod: quiet}
	drained := make(chan time.Time)
	go func() {
		d.Drain()
		drained <- time.Now()
	}()
	for !d.Draining() {
		time.Sleep(time.Millisecond)
	}
	var last time.Time
	for range 10 {
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		last = time.Now()
		time.Sleep(quiet / 10)
	}
	if got := <-drained; got.Before(last.Add(quiet)) {
		t.Errorf("Drain returned %v after the last request, want ≥ %v", got.Sub(last), quiet)
	}
	// Later callers return at once.
	d.Drain()
}

func TestDrainerResetUnblocksDrain(t *testing.T) {
	d := &Drainer{Inner: http.NotFoundHandler(), QuietPeriod: time.Hour}
	done := make(chan struct{})
	go func() {
		d.Drain()
		close(done)
	}()
	for !d.Draining() {
		time.Sleep(time.Millisecond)
	}
	d.Reset()
	<-done
	if d.Draining() {
		t.Error("still draining after Reset")
	}
}

func TestDrainerWaitForInFlight(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	d := &Drainer{Inner: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(started)
		<-release
	})}
	go d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	<-started
	if got := d.InFlight(); got != 1 {
		t.Errorf("InFlight = %d, want 1", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := d.WaitForInFlight(ctx); err == nil {
		t.Error("WaitForInFlight returned nil with a request in flight")
	}
	close(release)
	if err := d.WaitForInFlight(context.Background()); err != nil {
		t.Error("WaitForInFlight:", err)
	}
}
