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
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func timeouts(timeout, responseStart, idle time.Duration) TimeoutFunc {
	return func(*http.Request) (time.Duration, time.Duration, time.Duration) {
		return timeout, responseStart, idle
	}
}

// blockUntilCancelled waits for the request's context and records its error.
func blockUntilCancelled(gotErr *atomic.Value) http.HandlerFunc {
	return func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		gotErr.Store(r.Context().Err())
	}
}

func TestTimeoutHandler(t *testing.T) {
	const long = time.Hour
	tests := []struct {
		name                         string
		timeout, responseStart, idle time.Duration
		handler                      func(cancelErr *atomic.Value) http.HandlerFunc
		wantStatus                   int
		wantBody                     string
		wantCancelled                bool
		wantNoHeader                 string
	}{{
		name:       "fast response",
		timeout:    long,
		handler:    func(*atomic.Value) http.HandlerFunc { return writeBody("hello") },
		wantStatus: http.StatusOK,
		wantBody:   "hello",
	}, {
		name:          "no response before the timeout",
		timeout:       50 * time.Millisecond,
		handler:       blockUntilCancelled,
		wantStatus:    http.StatusGatewayTimeout,
		wantBody:      "request timeout",
		wantCancelled: true,
	}, {
		name:          "no response before the response-start timeout",
		timeout:       long,
		responseStart: 50 * time.Millisecond,
		handler:       blockUntilCancelled,
		wantStatus:    http.StatusGatewayTimeout,
		wantBody:      "request timeout",
		wantCancelled: true,
	}, {
		name:          "idle timeout before any byte",
		timeout:       long,
		idle:          50 * time.Millisecond,
		handler:       blockUntilCancelled,
		wantStatus:    http.StatusGatewayTimeout,
		wantBody:      "request timeout",
		wantCancelled: true,
	}, {
		name:    "headers set but not sent are dropped from the 504",
		timeout: 50 * time.Millisecond,
		handler: func(v *atomic.Value) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "1000")
				w.Header().Set("X-From-App", "yes")
				blockUntilCancelled(v)(w, r)
			}
		},
		wantStatus:    http.StatusGatewayTimeout,
		wantBody:      "request timeout",
		wantCancelled: true,
		wantNoHeader:  "X-From-App",
	}, {
		name:    "a started response outlives the timeout",
		timeout: 30 * time.Millisecond,
		handler: func(*atomic.Value) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "first ")
				w.(http.Flusher).Flush()
				time.Sleep(120 * time.Millisecond)
				io.WriteString(w, "second")
			}
		},
		wantStatus: http.StatusOK,
		wantBody:   "first second",
	}, {
		name:    "steady writes keep the idle timeout away",
		timeout: long,
		idle:    500 * time.Millisecond,
		handler: func(*atomic.Value) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				for range 20 {
					io.WriteString(w, ".")
					w.(http.Flusher).Flush()
					time.Sleep(5 * time.Millisecond)
				}
			}
		},
		wantStatus: http.StatusOK,
		wantBody:   strings.Repeat(".", 20),
	}, {
		name:    "a stalled stream hits the idle timeout",
		timeout: long,
		idle:    50 * time.Millisecond,
		handler: func(v *atomic.Value) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "partial ")
				w.(http.Flusher).Flush()
				blockUntilCancelled(v)(w, r)
				// Writes after the timeout are refused.
				if _, err := io.WriteString(w, "late"); !errors.Is(err, http.ErrHandlerTimeout) {
					panic("write after timeout returned " + errString(err))
				}
			}
		},
		wantStatus:    http.StatusOK,
		wantBody:      "partial request timeout",
		wantCancelled: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cancelErr atomic.Value
			h := NewTimeoutHandler(tc.handler(&cancelErr), "request timeout", timeouts(tc.timeout, tc.responseStart, tc.idle))
			srv := httptest.NewServer(h)
			defer srv.Close()

			// Twice: the second request reuses the pooled state.
			for range 2 {
				resp, err := http.Get(srv.URL)
				if err != nil {
					t.Fatal("Get:", err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.wantStatus || string(body) != tc.wantBody {
					t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
				}
				if tc.wantNoHeader != "" && resp.Header.Get(tc.wantNoHeader) != "" {
					t.Errorf("504 carries the app's header %s", tc.wantNoHeader)
				}
				if got := cancelErr.Load(); tc.wantCancelled && got != context.Canceled {
					t.Errorf("handler context error = %v, want context.Canceled", got)
				}
			}
		})
	}
}

func writeBody(s string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, s) }
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func TestTimeoutHandlerPropagatesPanics(t *testing.T) {
	h := NewTimeoutHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}), "request timeout", timeouts(time.Hour, 0, time.Hour))
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want boom", p)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestTimeoutHandlerHijackedConnectionEndsAtTimeout(t *testing.T) {
	// As upstream, a websocket (a hijacked connection) is bounded by the
	// revision timeout: its context ends, which closes the proxied stream.
	cancelled := make(chan struct{})
	h := NewTimeoutHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error("Hijack:", err)
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nhello")
		brw.Flush()
		<-r.Context().Done()
		close(cancelled)
	}), "request timeout", timeouts(100*time.Millisecond, 0, 0))
	srv := httptest.NewServer(h)
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal("ReadResponse:", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("status = %d, want 101", resp.StatusCode)
	}
	<-cancelled
}

func BenchmarkTimeoutHandler(b *testing.B) {
	h := NewTimeoutHandler(writeBody("ok"), "request timeout", timeouts(300*time.Second, 0, 0))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, req)
	}
}
