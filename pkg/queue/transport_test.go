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
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// connCounter counts the connections a test server accepted.
type connCounter struct{ n atomic.Int32 }

func (c *connCounter) track(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		c.n.Add(1)
	}
}

func newTestServer(t *testing.T, h http.Handler) (*httptest.Server, *connCounter) {
	t.Helper()
	var cc connCounter
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = cc.track
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &cc
}

// recordingRoundTripper stands in for the fallback transport.
type recordingRoundTripper struct {
	n atomic.Int32
}

func (r *recordingRoundTripper) RoundTrip(*http.Request) (*http.Response, error) {
	r.n.Add(1)
	return &http.Response{StatusCode: http.StatusTeapot, Body: http.NoBody}, nil
}

func newTransport(srv *httptest.Server, maxIdle int) (*userContainerTransport, *recordingRoundTripper) {
	fb := &recordingRoundTripper{}
	return NewUserContainerTransport(srv.Listener.Addr().String(), maxIdle, fb).(*userContainerTransport), fb
}

func doReq(t *testing.T, rt http.RoundTripper, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip %s %s: %v", req.Method, req.URL, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, string(b)
}

func newReq(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestUserContainerTransportResponses(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-App", "yes")
		fmt.Fprintf(w, "host=%s ua=%q", r.Host, r.UserAgent())
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		io.WriteString(w, "a")
		w.(http.Flusher).Flush()
		io.WriteString(w, "b")
		w.Header().Set("X-Sum", "ab")
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/notmodified", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotModified) })
	mux.HandleFunc("/close", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	srv, conns := newTestServer(t, mux)

	tests := []struct {
		name        string
		method      string
		path        string
		wantStatus  int
		wantBody    string
		wantTrailer string
		wantNewConn bool // the connection cannot be reused afterwards
	}{
		{name: "GET", method: http.MethodGet, path: "/text", wantStatus: 200, wantBody: `host=example.com ua=""`},
		{name: "HEAD has no body", method: http.MethodHead, path: "/text", wantStatus: 200},
		{name: "OPTIONS", method: http.MethodOptions, path: "/text", wantStatus: 200, wantBody: `host=example.com ua=""`},
		{name: "chunked with trailer", method: http.MethodGet, path: "/chunked", wantStatus: 200, wantBody: "ab", wantTrailer: "ab"},
		{name: "204", method: http.MethodGet, path: "/nocontent", wantStatus: 204},
		{name: "304", method: http.MethodGet, path: "/notmodified", wantStatus: 304},
		{name: "Connection: close", method: http.MethodGet, path: "/close", wantStatus: 200, wantBody: "bye", wantNewConn: true},
	}
	tr, fb := newTransport(srv, 10)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := range 3 {
				before := conns.n.Load()
				req := newReq(t, tc.method, srv.URL+tc.path)
				req.Host = "example.com"
				req.Header["User-Agent"] = []string{""} // as the reverse proxy sends it
				resp, body := doReq(t, tr, req)
				if resp.StatusCode != tc.wantStatus || body != tc.wantBody {
					t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
				}
				if got := resp.Trailer.Get("X-Sum"); got != tc.wantTrailer {
					t.Errorf("trailer = %q, want %q", got, tc.wantTrailer)
				}
				newConn := conns.n.Load() != before
				if i > 0 && newConn != tc.wantNewConn {
					t.Errorf("request %d opened a new connection: %v, want %v", i, newConn, tc.wantNewConn)
				}
			}
		})
	}
	if n := fb.n.Load(); n != 0 {
		t.Errorf("fallback used %d times for fast-path requests", n)
	}
}

func TestUserContainerTransportFallback(t *testing.T) {
	srv, _ := newTestServer(t, http.NotFoundHandler())
	h2 := newReq(t, http.MethodGet, srv.URL)
	h2.ProtoMajor = 2
	withBody, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader("data"))
	upgrade := newReq(t, http.MethodGet, srv.URL)
	upgrade.Header.Set("Connection", "Upgrade")
	upgrade.Header.Set("Upgrade", "websocket")

	tests := []struct {
		name string
		req  *http.Request
	}{
		{"POST without body is not idempotent", newReq(t, http.MethodPost, srv.URL)},
		{"request with a body", withBody},
		{"h2c", h2},
		{"websocket upgrade", upgrade},
		{"another host", newReq(t, http.MethodGet, "http://example.com/")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, fb := newTransport(srv, 10)
			resp, err := tr.RoundTrip(tc.req)
			if err != nil || resp.StatusCode != http.StatusTeapot || fb.n.Load() != 1 {
				t.Errorf("RoundTrip = %v, %v; fallback calls %d, want the fallback", resp, err, fb.n.Load())
			}
		})
	}
}

// flakyKeepAliveServer answers one request per connection with a
// keep-alive response, then closes the connection, like an app whose idle
// timeout is shorter than ours.
func flakyKeepAliveServer(t *testing.T) (addr string, accepted *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted = &atomic.Int32{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				_ = req
			}()
		}
	}()
	return ln.Addr().String(), accepted
}

func TestUserContainerTransportRetriesStaleIdleConnection(t *testing.T) {
	addr, accepted := flakyKeepAliveServer(t)
	tr := NewUserContainerTransport(addr, 10, &recordingRoundTripper{}).(*userContainerTransport)
	for i := range 5 {
		resp, body := doReq(t, tr, newReq(t, http.MethodGet, "http://"+addr+"/"))
		if resp.StatusCode != 200 || body != "ok" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
		// Let the server's close reach us, so the pooled connection is dead.
		time.Sleep(10 * time.Millisecond)
	}
	if got := accepted.Load(); got != 5 {
		t.Errorf("connections = %d, want 5 (each retry dials once)", got)
	}
}

func TestUserContainerTransportCancellation(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", func(http.ResponseWriter, *http.Request) { <-release })
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for {
			if _, err := io.WriteString(w, strings.Repeat("x", 1024)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-release:
				return
			default:
			}
		}
	})
	srv, _ := newTestServer(t, mux)
	tr, _ := newTransport(srv, 10)

	t.Run("cancelled while waiting for the response", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		req := newReq(t, http.MethodGet, srv.URL+"/hang").WithContext(ctx)
		go func() {
			time.Sleep(20 * time.Millisecond)
			cancel()
		}()
		if _, err := tr.RoundTrip(req); !errors.Is(err, context.Canceled) {
			t.Errorf("RoundTrip = %v, want context.Canceled", err)
		}
		if len(tr.idle) != 0 {
			t.Error("a cancelled connection went back to the pool")
		}
	})

	t.Run("closing an endless body does not drain it", func(t *testing.T) {
		resp, err := tr.RoundTrip(newReq(t, http.MethodGet, srv.URL+"/stream"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 4096)); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // must return, not read the endless stream
		if len(tr.idle) != 0 {
			t.Error("a half-read connection went back to the pool")
		}
	})
}

func TestUserContainerTransportInformationalResponses(t *testing.T) {
	srv, _ := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
		io.WriteString(w, "final")
	}))
	tr, _ := newTransport(srv, 10)
	var got []int
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			got = append(got, code)
			return nil
		},
	})
	resp, body := doReq(t, tr, newReq(t, http.MethodGet, srv.URL).WithContext(ctx))
	if resp.StatusCode != 200 || body != "final" || len(got) != 1 || got[0] != http.StatusEarlyHints {
		t.Errorf("got %d %q with 1xx %v, want 200 final after 103", resp.StatusCode, body, got)
	}
}

func TestUserContainerTransportConcurrentAndMaxIdle(t *testing.T) {
	srv, conns := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(time.Millisecond)
		io.WriteString(w, "ok")
	}))
	const maxIdle = 4
	tr, _ := newTransport(srv, maxIdle)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				resp, err := tr.RoundTrip(newReq(t, http.MethodGet, srv.URL))
				if err != nil {
					t.Error(err)
					return
				}
				if b, _ := io.ReadAll(resp.Body); string(b) != "ok" {
					t.Errorf("body %q", b)
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	tr.mu.Lock()
	idle := len(tr.idle)
	tr.mu.Unlock()
	if idle > maxIdle {
		t.Errorf("idle connections = %d, want ≤ %d", idle, maxIdle)
	}
	if n := conns.n.Load(); n >= 400 {
		t.Errorf("%d connections for 400 requests: keep-alive is not working", n)
	}
}

func TestUserContainerTransportIdleTimeout(t *testing.T) {
	srv, conns := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	tr, _ := newTransport(srv, 10)
	tr.idleTimeout = time.Nanosecond
	doReq(t, tr, newReq(t, http.MethodGet, srv.URL))
	doReq(t, tr, newReq(t, http.MethodGet, srv.URL))
	if n := conns.n.Load(); n != 2 {
		t.Errorf("connections = %d, want 2 (the idle one expired)", n)
	}
}

func BenchmarkUserContainerTransport(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello, world!\n") }))
	defer srv.Close()
	std := &http.Transport{MaxIdleConnsPerHost: 100, DisableCompression: true}
	for _, tc := range []struct {
		name string
		rt   http.RoundTripper
	}{
		{"net/http.Transport", std},
		{"userContainerTransport", NewUserContainerTransport(srv.Listener.Addr().String(), 100, std)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				resp, err := tc.rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
