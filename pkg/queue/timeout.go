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
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// TimeoutFunc returns the timeouts to apply to a request: the overall
// timeout (timeoutSeconds) and the response-start timeout, both of which
// only apply until the first byte of the response is written, and the idle
// timeout, the longest allowed gap between writes. Zero disables the latter
// two; the first is always set.
type TimeoutFunc func(req *http.Request) (timeout, responseStartTimeout, idleTimeout time.Duration)

// NewTimeoutHandler returns a Handler that runs h with the timeouts returned
// by timeoutFunc, as upstream serving's pkg/http/handler.NewTimeoutHandler:
//
//   - if no byte of the response is written within the timeout or the
//     response-start timeout, the client gets 504 Gateway Timeout with msg;
//   - if a started response stalls for the idle timeout, msg is appended;
//   - after a timeout, h's request context is cancelled (which aborts the
//     proxied request) and h's writes fail with http.ErrHandlerTimeout.
//
// Unlike upstream it does not run h on a goroutine of its own: h runs on the
// server's goroutine, timers fire through time.AfterFunc only when they
// expire, and the per-request state (writer and timers) is pooled. The
// timer callback only marks the request as timed out and cancels its context;
// the response is written by the request's own goroutine once h returns, so
// the ResponseWriter is never used by two goroutines at once.
//
// Websockets (hijacked connections) stay subject to the first timeout, as
// upstream: the connection is closed when it expires.
func NewTimeoutHandler(h http.Handler, msg string, timeoutFunc TimeoutFunc) http.Handler {
	return &timeoutHandler{handler: h, body: msg, timeoutFunc: timeoutFunc}
}

type timeoutHandler struct {
	handler     http.Handler
	timeoutFunc TimeoutFunc
	body        string
	pool        sync.Pool
}

func (h *timeoutHandler) get() *timeoutWriter {
	if v := h.pool.Get(); v != nil {
		return v.(*timeoutWriter)
	}
	tw := &timeoutWriter{}
	// Created stopped; armed per request with Reset.
	tw.firstByteTimer = time.AfterFunc(time.Hour, tw.onFirstByteTimeout)
	tw.firstByteTimer.Stop()
	tw.idleTimer = time.AfterFunc(time.Hour, tw.onIdleTimeout)
	tw.idleTimer.Stop()
	return tw
}

func (h *timeoutHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	timeout, responseStartTimeout, idleTimeout := h.timeoutFunc(r)
	// Both only apply before the first byte, with the same response: arm
	// one timer with the earlier of the two.
	firstByte := timeout
	if responseStartTimeout > 0 && (firstByte <= 0 || responseStartTimeout < firstByte) {
		firstByte = responseStartTimeout
	}

	ctx, cancel := context.WithCancel(r.Context())
	tw := h.get()
	tw.w = w
	tw.cancel = cancel
	tw.idleTimeout = idleTimeout
	if idleTimeout > 0 {
		tw.lastWrite = time.Now()
		tw.idleTimer.Reset(idleTimeout)
	}
	if firstByte > 0 {
		tw.firstByteTimer.Reset(firstByte)
	}

	defer func() {
		p := recover()
		tw.mu.Lock()
		tw.done = true
		timedOut, wrote, hijacked := tw.timedOut, tw.wrote, tw.hijacked
		tw.mu.Unlock()
		// A timer that cannot be stopped has fired and its callback may
		// still be running: leave that writer to the garbage collector
		// instead of reusing it.
		stopped := true
		if firstByte > 0 {
			stopped = tw.firstByteTimer.Stop() && stopped
		}
		if idleTimeout > 0 {
			stopped = tw.idleTimer.Stop() && stopped
		}
		cancel()
		if p != nil {
			panic(p)
		}
		if timedOut && !hijacked {
			if !wrote {
				hdr := w.Header()
				clear(hdr)
				hdr.Set("Content-Type", "text/plain; charset=utf-8")
				hdr.Set("X-Content-Type-Options", "nosniff")
				w.WriteHeader(http.StatusGatewayTimeout)
			}
			io.WriteString(w, h.body)
		}
		if stopped {
			tw.reset()
			h.pool.Put(tw)
		}
	}()

	h.handler.ServeHTTP(tw, r.WithContext(ctx))
}

// timeoutWriter guards the ResponseWriter: once the request timed out,
// nothing h writes reaches the client.
type timeoutWriter struct {
	w      http.ResponseWriter
	cancel context.CancelFunc

	firstByteTimer, idleTimer *time.Timer
	idleTimeout               time.Duration

	mu        sync.Mutex
	done      bool // the handler returned; late timer callbacks do nothing
	timedOut  bool
	wrote     bool // a header or body byte was written
	hijacked  bool
	lastWrite time.Time // only kept when idleTimeout > 0
}

// reset clears the per-request state; the timers are kept for reuse.
func (tw *timeoutWriter) reset() {
	tw.w, tw.cancel = nil, nil
	tw.idleTimeout = 0
	tw.done, tw.timedOut, tw.wrote, tw.hijacked = false, false, false, false
	tw.lastWrite = time.Time{}
}

var (
	_ http.Flusher  = (*timeoutWriter)(nil)
	_ http.Hijacker = (*timeoutWriter)(nil)
)

func (tw *timeoutWriter) onFirstByteTimeout() {
	tw.mu.Lock()
	if tw.done || tw.wrote || tw.timedOut {
		tw.mu.Unlock()
		return
	}
	tw.timedOut = true
	cancel := tw.cancel
	tw.mu.Unlock()
	cancel()
}

func (tw *timeoutWriter) onIdleTimeout() {
	tw.mu.Lock()
	if tw.done || tw.timedOut {
		tw.mu.Unlock()
		return
	}
	if idle := time.Since(tw.lastWrite); idle < tw.idleTimeout {
		// Written since the timer was armed: wait for the rest of the period.
		tw.idleTimer.Reset(tw.idleTimeout - idle)
		tw.mu.Unlock()
		return
	}
	tw.timedOut = true
	cancel := tw.cancel
	tw.mu.Unlock()
	cancel()
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (tw *timeoutWriter) Unwrap() http.ResponseWriter {
	return tw.w
}

func (tw *timeoutWriter) Header() http.Header { return tw.w.Header() }

func (tw *timeoutWriter) Write(p []byte) (int, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	tw.wrote = true
	if tw.idleTimeout > 0 {
		tw.lastWrite = time.Now()
	}
	return tw.w.Write(p)
}

func (tw *timeoutWriter) WriteHeader(code int) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		return
	}
	// 1xx headers are informational; the real response is still to come.
	if code >= 200 {
		tw.wrote = true
	}
	if tw.idleTimeout > 0 {
		tw.lastWrite = time.Now()
	}
	tw.w.WriteHeader(code)
}

// Flush implements http.Flusher. Flushing after a timeout does nothing, so a
// late flush never reaches a writer the server has already finished.
func (tw *timeoutWriter) Flush() {
	tw.FlushError() //nolint:errcheck // http.Flusher has no error
}

// FlushError is used by http.ResponseController (and so by the reverse proxy).
func (tw *timeoutWriter) FlushError() error {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		return http.ErrHandlerTimeout
	}
	return http.NewResponseController(tw.w).Flush()
}

// Hijack hands the connection over for protocol upgrades (websockets).
func (tw *timeoutWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.timedOut {
		return nil, nil, http.ErrHandlerTimeout
	}
	c, rw, err := http.NewResponseController(tw.w).Hijack()
	if err == nil {
		tw.hijacked = true
	}
	return c, rw, err
}
