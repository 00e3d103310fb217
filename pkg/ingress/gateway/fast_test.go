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

package gateway

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// countingServer counts the connections it accepted.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	s := httptest.NewUnstartedServer(h)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

func newTestFastTransport() *fastTransport {
	var d net.Dialer
	return newFastTransport(http.DefaultTransport, d.DialContext, 10)
}

func do(t *testing.T, rt http.RoundTripper, method, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, string(b)
}

func TestFastTransportReusesConnections(t *testing.T) {
	s, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			for i := range 3 {
				fmt.Fprintf(w, "part%d;", i)
				w.(http.Flusher).Flush()
			}
			return
		}
		io.WriteString(w, "hello "+r.Method)
	})
	ft := newTestFastTransport()
	for _, tc := range []struct{ method, path, want string }{
		{http.MethodGet, "/", "hello GET"},
		{http.MethodHead, "/", ""},
		{http.MethodGet, "/chunked", "part0;part1;part2;"},
		{http.MethodOptions, "/", "hello OPTIONS"},
		{http.MethodGet, "/", "hello GET"},
	} {
		if _, body := do(t, ft, tc.method, s.URL+tc.path); body != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.method, tc.path, body, tc.want)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for sequential requests, want 1 reused", n)
	}
}

func TestFastTransportRetriesAConnectionTheBackendClosed(t *testing.T) {
	s, conns := countingServer(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	ft := newTestFastTransport()
	do(t, ft, http.MethodGet, s.URL)
	s.CloseClientConnections() // the pooled connection is now dead
	if resp, body := do(t, ft, http.MethodGet, s.URL); resp.StatusCode != 200 || body != "ok" {
		t.Errorf("after the backend closed the idle connection: %d %q", resp.StatusCode, body)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one redialled)", n)
	}
}

func TestFastTransportHonoursConnectionClose(t *testing.T) {
	s, conns := countingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	ft := newTestFastTransport()
	for range 3 {
		if _, body := do(t, ft, http.MethodGet, s.URL); body != "bye" {
			t.Errorf("body %q", body)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3: a closing response's connection is not reused", n)
	}
}

// TestFastTransportEarlyCloseOfAStream: closing the body of an endless
// response returns at once and releases the backend.
func TestFastTransportEarlyCloseOfAStream(t *testing.T) {
	released := make(chan struct{})
	s, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(released)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, strings.Repeat("x", 1024)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	ft := newTestFastTransport()
	req, _ := http.NewRequest(http.MethodGet, s.URL, nil)
	resp, err := ft.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // would hang draining forever without closing the conn
	<-released
}

func TestFastTransportCancellation(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ft := newTestFastTransport()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	errc := make(chan error, 1)
	go func() {
		_, err := ft.RoundTrip(req)
		errc <- err
	}()
	cancel()
	if err := <-errc; err == nil {
		t.Error("a cancelled request returned no error")
	}
}

func TestFastTransportFallback(t *testing.T) {
	var used atomic.Int32
	fallback := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		used.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})
	s, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	var d net.Dialer
	ft := newFastTransport(fallback, d.DialContext, 10)
	for _, tc := range []struct {
		name     string
		req      func() *http.Request
		fallback bool
	}{
		{"GET", func() *http.Request { r, _ := http.NewRequest(http.MethodGet, s.URL, nil); return r }, false},
		{"POST with a body", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader("x"))
			return r
		}, true},
		{"upgrade", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, s.URL, nil)
			r.Header.Set("Upgrade", "websocket")
			return r
		}, true},
	} {
		before := used.Load()
		resp, err := ft.RoundTrip(tc.req())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if got := used.Load() > before; got != tc.fallback {
			t.Errorf("%s: fallback used %v, want %v", tc.name, got, tc.fallback)
		}
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
