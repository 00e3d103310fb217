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
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	netheader "knative.dev/networking/pkg/http/header"
	pkgmetrics "knative.dev/pkg/metrics"
)

func TestGetRouteTagNameFromRequest(t *testing.T) {
	tests := []struct {
		name, tag, isDefault, want string
	}{
		{name: "no tag routing", want: disabledTagName},
		{name: "default route", isDefault: "true", want: defaultTagName},
		{name: "unknown tag fell back to the default route", tag: "blue", isDefault: "true", want: undefinedTagName},
		{name: "tagged route", tag: "blue", isDefault: "false", want: "blue"},
		{name: "tag without default header", tag: "green", want: "green"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.tag != "" {
				req.Header.Set(netheader.RouteTagKey, tc.tag)
			}
			if tc.isDefault != "" {
				req.Header.Set(netheader.DefaultRouteKey, tc.isDefault)
			}
			if got := GetRouteTagNameFromRequest(req); got != tc.want {
				t.Errorf("GetRouteTagNameFromRequest = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRequestMetricsHandlersPassThrough(t *testing.T) {
	pkgmetrics.InitForTesting()
	breaker := NewBreaker(BreakerParams{QueueDepth: 10, MaxConcurrency: 1, InitialCapacity: 1})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, "made")
	})
	inner, err := NewAppRequestMetricsHandler(app, breaker, "ns", "svc", "cfg", "rev", "pod")
	if err != nil {
		t.Fatal("NewAppRequestMetricsHandler:", err)
	}
	h, err := NewRequestMetricsHandler(inner, "ns", "svc", "cfg", "rev", "pod")
	if err != nil {
		t.Fatal("NewRequestMetricsHandler:", err)
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusCreated || rec.Body.String() != "made" {
		t.Errorf("got %d %q, want 201 made", rec.Code, rec.Body.String())
	}

	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the handler's panic", p)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/panic", nil))
}

func TestResponseRecorder(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantCode int
		wantSize int
	}{
		{"implicit ok", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "abc") }, http.StatusOK, 3},
		{"explicit code", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }, http.StatusNotFound, 0},
		{"second WriteHeader ignored", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "12")
		}, http.StatusAccepted, 2},
		{"informational header then final", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusConflict)
		}, http.StatusConflict, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rr := NewResponseRecorder(httptest.NewRecorder(), http.StatusOK)
			tc.handler(rr, httptest.NewRequest(http.MethodGet, "/", nil))
			if rr.ResponseCode != tc.wantCode || rr.ResponseSize != tc.wantSize {
				t.Errorf("code/size = %d/%d, want %d/%d", rr.ResponseCode, rr.ResponseSize, tc.wantCode, tc.wantSize)
			}
		})
	}
}
