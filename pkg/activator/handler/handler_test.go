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

package handler

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/ptr"

	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/queue"
)

var testRevID = types.NamespacedName{Namespace: "default", Name: "hello-00001"}

// fakeThrottler hands out dest at once, or fails with err, or waits for
// the context.
type fakeThrottler struct {
	dest string
	err  error
	wait bool
}

func (f *fakeThrottler) Try(ctx context.Context, _ types.NamespacedName, fn func(string) error) error {
	if f.wait {
		<-ctx.Done()
		return ctx.Err()
	}
	if f.err != nil {
		return f.err
	}
	return fn(f.dest)
}

func revision(timeout int64) *v1.Revision {
	return &v1.Revision{
		ObjectMeta: metav1.ObjectMeta{Namespace: testRevID.Namespace, Name: testRevID.Name},
		Spec:       v1.RevisionSpec{TimeoutSeconds: ptr.Int64(timeout)},
	}
}

func serve(t *testing.T, th Throttler, rev *v1.Revision, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	h := New(context.Background(), th, http.DefaultTransport, false, logtesting.TestLogger(t))
	ctx := WithRevisionAndID(req.Context(), rev, testRevID)
	ctx = activatorconfig.ToContext(ctx, &activatorconfig.Config{})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req.WithContext(ctx))
	return w
}

func TestActivationHandlerProxies(t *testing.T) {
	var seen *http.Request
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		io.WriteString(w, "from the pod")
	}))
	defer backend.Close()

	req := httptest.NewRequest(http.MethodGet, "http://hello.default.example.com/path?q=1", nil)
	req.Header.Set("Knative-Serving-Revision", testRevID.Name)
	req.Header.Set("Knative-Serving-Namespace", testRevID.Namespace)
	w := serve(t, &fakeThrottler{dest: strings.TrimPrefix(backend.URL, "http://")}, revision(300), req)

	if w.Code != http.StatusOK || w.Body.String() != "from the pod" {
		t.Fatalf("response = %d %q, want 200 from the pod", w.Code, w.Body.String())
	}
	for k, want := range map[string]string{
		"K-Proxy-Request":           "activator",
		"K-Original-Host":           "hello.default.example.com",
		"Knative-Serving-Revision":  "",
		"Knative-Serving-Namespace": "",
	} {
		if got := seen.Header.Get(k); got != want {
			t.Errorf("pod saw %s = %q, want %q", k, got, want)
		}
	}
	if seen.URL.RequestURI() != "/path?q=1" {
		t.Errorf("pod saw %s, want /path?q=1", seen.URL.RequestURI())
	}
}

func TestActivationHandlerErrors(t *testing.T) {
	notFound := apierrors.NewNotFound(schema.GroupResource{Resource: "revisions"}, testRevID.Name)
	tests := []struct {
		name       string
		throttler  *fakeThrottler
		timeout    int64
		wantStatus int
		wantBody   string
	}{{
		name:       "queue full",
		throttler:  &fakeThrottler{err: queue.ErrRequestQueueFull},
		timeout:    300,
		wantStatus: http.StatusServiceUnavailable,
		wantBody:   "pending request queue full",
	}, {
		name:       "no capacity within the revision's timeout",
		throttler:  &fakeThrottler{wait: true},
		timeout:    1,
		wantStatus: http.StatusServiceUnavailable,
		wantBody:   "timed out after 1s waiting for revision default/hello-00001 to have a ready pod with a free slot",
	}, {
		name:       "revision deleted meanwhile",
		throttler:  &fakeThrottler{err: notFound},
		timeout:    300,
		wantStatus: http.StatusNotFound,
		wantBody:   "revision default/hello-00001 not found",
	}, {
		name:       "anything else",
		throttler:  &fakeThrottler{err: errors.New("boom")},
		timeout:    300,
		wantStatus: http.StatusInternalServerError,
		wantBody:   "boom",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(t, tc.throttler, revision(tc.timeout), httptest.NewRequest(http.MethodGet, "/", nil))
			if w.Code != tc.wantStatus || !strings.Contains(w.Body.String(), tc.wantBody) {
				t.Errorf("response = %d %q, want %d containing %q", w.Code, w.Body.String(), tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestActivationHandlerProxyTimeoutIs504(t *testing.T) {
	release := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		<-release
	}))
	defer backend.Close()
	defer close(release) // before Close, which waits for the handler
	w := serve(t, &fakeThrottler{dest: strings.TrimPrefix(backend.URL, "http://")}, revision(1),
		httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusGatewayTimeout || !strings.Contains(w.Body.String(), "activator request timeout") {
		t.Errorf("response = %d %q, want 504 activator request timeout", w.Code, w.Body.String())
	}
}

func TestActivationHandlerBackendDown(t *testing.T) {
	backend := httptest.NewServer(http.NotFoundHandler())
	dest := strings.TrimPrefix(backend.URL, "http://")
	backend.Close()
	w := serve(t, &fakeThrottler{dest: dest}, revision(300), httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusBadGateway || !strings.Contains(w.Body.String(), "error proxying to revision default/hello-00001 at "+dest) {
		t.Errorf("response = %d %q, want 502 naming the revision and pod", w.Code, w.Body.String())
	}
}

func TestRevisionTimeouts(t *testing.T) {
	rev := revision(10)
	rev.Spec.ResponseStartTimeoutSeconds = ptr.Int64(5)
	rev.Spec.IdleTimeoutSeconds = ptr.Int64(3)
	if a, b, c := RevisionTimeouts(rev); a != 10*time.Second || b != 5*time.Second || c != 3*time.Second {
		t.Errorf("RevisionTimeouts = %v %v %v, want 10s 5s 3s", a, b, c)
	}
	if a, b, c := RevisionTimeouts(nil); a != 300*time.Second || b != 300*time.Second || c != 0 {
		t.Errorf("RevisionTimeouts(nil) = %v %v %v, want the defaults", a, b, c)
	}
}

func TestProbeHandler(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "next") })
	h := &ProbeHandler{NextHandler: next}
	tests := []struct {
		probe      string
		wantStatus int
		wantBody   string
	}{
		{probe: "activator", wantStatus: 200, wantBody: "activator"},
		{probe: "queue", wantStatus: 400, wantBody: "unexpected probe header value: queue"},
		{probe: "", wantStatus: 200, wantBody: "next"},
	}
	for _, tc := range tests {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.probe != "" {
			req.Header.Set("K-Network-Probe", tc.probe)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.wantStatus || strings.TrimSpace(w.Body.String()) != tc.wantBody {
			t.Errorf("probe %q: %d %q, want %d %q", tc.probe, w.Code, w.Body.String(), tc.wantStatus, tc.wantBody)
		}
	}
}

func TestHealthHandler(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	for _, tc := range []struct {
		err  error
		want int
	}{{nil, 200}, {errors.New("no autoscaler connection"), 500}} {
		h := &HealthHandler{HealthCheck: func() error { return tc.err }, NextHandler: next, Logger: logtesting.TestLogger(t)}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("User-Agent", "kube-probe/1.33")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("health with %v = %d, want %d", tc.err, w.Code, tc.want)
		}
	}
	w := httptest.NewRecorder()
	(&HealthHandler{HealthCheck: func() error { return nil }, NextHandler: next}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusTeapot {
		t.Errorf("non-probe request = %d, want it passed on", w.Code)
	}
}
