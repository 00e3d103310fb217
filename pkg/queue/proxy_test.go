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

	"go.uber.org/zap"
)

func TestBufferPool(t *testing.T) {
	pool := NewBufferPool()
	buf := pool.Get()
	if len(buf) != proxyBufferSize {
		t.Fatalf("len(Get()) = %d, want %d", len(buf), proxyBufferSize)
	}
	buf[0] = 42
	pool.Put(buf)
	pool.Put(make([]byte, 10)) // foreign sizes are dropped, not handed out
	for range 3 {
		if got := pool.Get(); len(got) != proxyBufferSize {
			t.Fatalf("len(Get()) = %d after Put of a small buffer", len(got))
		}
	}
	allocs := testing.AllocsPerRun(100, func() { pool.Put(pool.Get()) })
	if allocs != 0 {
		t.Errorf("Get+Put allocated %v times, want 0", allocs)
	}
}

func TestHeaderPruningReverseProxy(t *testing.T) {
	var got *http.Request
	app := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r }))
	defer app.Close()

	tests := []struct {
		name         string
		hostOverride string
		headers      map[string]string
		wantHost     string
		wantUA       string
	}{
		{name: "no override keeps the host", wantHost: "example.com"},
		{name: "override", hostOverride: "other.example.com", wantHost: "other.example.com"},
		{name: "user agent kept", headers: map[string]string{"User-Agent": "curl/8"}, wantHost: "example.com", wantUA: "curl/8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			proxy := NewHeaderPruningReverseProxy(app.Listener.Addr().String(), tc.hostOverride, RevisionHeaders, false)
			req := httptest.NewRequest(http.MethodGet, "http://example.com/p", nil)
			req.Header.Set(RevisionHeaderName, "rev")
			req.Header.Set(RevisionHeaderNamespace, "ns")
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			proxy.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d", rec.Code)
			}
			if got.Host != tc.wantHost || got.UserAgent() != tc.wantUA || got.URL.Path != "/p" {
				t.Errorf("app saw host %q UA %q path %q, want %q %q /p", got.Host, got.UserAgent(), got.URL.Path, tc.wantHost, tc.wantUA)
			}
			if got.Header.Get(RevisionHeaderName) != "" || got.Header.Get(RevisionHeaderNamespace) != "" {
				t.Error("revision headers reached the app")
			}
		})
	}
}

func TestProxyErrorHandler(t *testing.T) {
	proxy := NewHeaderPruningReverseProxy("127.0.0.1:1", NoHostOverride, nil, false)
	proxy.ErrorHandler = ProxyErrorHandler(zap.NewNop().Sugar())
	rec := httptest.NewRecorder()
	proxy.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusBadGateway || len(body) == 0 {
		t.Errorf("got %d %q, want 502 with the error", rec.Code, body)
	}
}
