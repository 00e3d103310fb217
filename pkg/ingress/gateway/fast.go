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
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// fastTransport sends bodiless idempotent HTTP/1.1 requests (GET, HEAD,
// OPTIONS, TRACE without upgrade) — the bulk of latency-sensitive traffic —
// on the calling goroutine over pooled keep-alive connections.
// net/http's Transport hands each request to a per-connection writer
// goroutine and each response back from a reader goroutine; on a proxy hop
// those wakeups are a large share of the CPU. Everything else goes to
// fallback.
//
// Without a reader goroutine, an idle connection the backend closed is only
// noticed on reuse: such a failure, before any response byte, is retried
// once on a new connection (safe for these requests) and the endpoint's
// other idle connections are dropped.
type fastTransport struct {
	fallback    http.RoundTripper
	dial        func(ctx context.Context, network, addr string) (net.Conn, error)
	maxIdle     int
	idleTimeout time.Duration

	mu   sync.Mutex
	idle map[string][]*fastConn // per address, most recently used last
}

func newFastTransport(fallback http.RoundTripper, dial func(ctx context.Context, network, addr string) (net.Conn, error), maxIdle int) *fastTransport {
	return &fastTransport{
		fallback:    fallback,
		dial:        dial,
		maxIdle:     maxIdle,
		idleTimeout: 90 * time.Second,
		idle:        map[string][]*fastConn{},
	}
}

type fastConn struct {
	addr      string
	conn      net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
	reused    bool
}

// aLongTimeAgo is a deadline in the past: it makes blocked I/O return now.
var aLongTimeAgo = time.Unix(1, 0)

func fastEligible(req *http.Request) bool {
	if req.URL.Scheme != "http" || (req.Body != nil && req.Body != http.NoBody) || req.ContentLength > 0 {
		return false
	}
	if len(req.Header["Upgrade"]) > 0 || len(req.Trailer) > 0 || req.Close {
		return false
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// RoundTrip implements http.RoundTripper.
func (t *fastTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !fastEligible(req) {
		return t.fallback.RoundTrip(req)
	}
	ctx := req.Context()
	pc, err := t.getConn(ctx, req.URL.Host, true)
	if err != nil {
		return nil, err
	}
	resp, err := t.roundTrip(pc, req)
	var nr nothingRead
	if err == nil || !pc.reused || !errors.As(err, &nr) || ctx.Err() != nil {
		return resp, err
	}
	// The backend closed this idle connection (and probably the others).
	t.closeIdle(req.URL.Host)
	if pc, err = t.getConn(ctx, req.URL.Host, false); err != nil {
		return nil, err
	}
	return t.roundTrip(pc, req)
}

// nothingRead is a failure before any byte of the response arrived.
type nothingRead struct{ error }

func (e nothingRead) Unwrap() error { return e.error }

func (t *fastTransport) roundTrip(pc *fastConn, req *http.Request) (*http.Response, error) {
	// Cancellation (client gone, timeout) unblocks the I/O.
	stop := context.AfterFunc(req.Context(), func() { pc.conn.SetDeadline(aLongTimeAgo) })
	fail := func(err error) (*http.Response, error) {
		stop()
		pc.conn.Close()
		return nil, err
	}
	if err := req.Write(pc.bw); err != nil {
		return fail(nothingRead{err})
	}
	if err := pc.bw.Flush(); err != nil {
		return fail(nothingRead{err})
	}
	if _, err := pc.br.Peek(1); err != nil {
		return fail(nothingRead{err})
	}
	resp, err := http.ReadResponse(pc.br, req)
	if err != nil {
		return fail(err)
	}
	reusable := !resp.Close && resp.ProtoAtLeast(1, 1) && resp.StatusCode != http.StatusSwitchingProtocols
	resp.Body = &fastBody{t: t, pc: pc, body: resp.Body, stop: stop, reusable: reusable}
	return resp, nil
}

// fastBody returns the connection to the pool once the body was read to
// the end; a body closed early closes the connection instead.
type fastBody struct {
	t        *fastTransport
	pc       *fastConn
	body     io.ReadCloser
	stop     func() bool
	reusable bool
	done     bool
}

func (b *fastBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.finish(true)
	} else if err != nil {
		b.finish(false)
	}
	return n, err
}

func (b *fastBody) Close() error {
	if !b.done {
		// Not read to the end: the connection cannot be reused, and closing
		// it first keeps body.Close from draining an endless stream.
		b.finish(false)
	}
	return nil
}

func (b *fastBody) finish(eof bool) {
	b.done = true
	if !b.stop() || !eof || !b.reusable {
		b.pc.conn.Close()
		b.body.Close()
		return
	}
	b.body.Close()
	b.t.putConn(b.pc)
}

func (t *fastTransport) getConn(ctx context.Context, addr string, allowIdle bool) (*fastConn, error) {
	if allowIdle {
		now := time.Now()
		t.mu.Lock()
		for list := t.idle[addr]; len(list) > 0; list = t.idle[addr] {
			pc := list[len(list)-1]
			t.idle[addr] = list[:len(list)-1]
			if now.Sub(pc.idleSince) > t.idleTimeout {
				pc.conn.Close()
				continue
			}
			t.mu.Unlock()
			pc.reused = true
			pc.conn.SetDeadline(time.Time{})
			return pc, nil
		}
		t.mu.Unlock()
	}
	conn, err := t.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &fastConn{addr: addr, conn: conn, br: bufio.NewReaderSize(conn, 4096), bw: bufio.NewWriterSize(conn, 4096)}, nil
}

func (t *fastTransport) putConn(pc *fastConn) {
	pc.idleSince = time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.idle[pc.addr]
	if len(list) >= t.maxIdle {
		pc.conn.Close()
		return
	}
	t.idle[pc.addr] = append(list, pc)
}

func (t *fastTransport) closeIdle(addr string) {
	t.mu.Lock()
	list := t.idle[addr]
	delete(t.idle, addr)
	t.mu.Unlock()
	for _, pc := range list {
		pc.conn.Close()
	}
}

// CloseIdleConnections closes every idle connection.
func (t *fastTransport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = map[string][]*fastConn{}
	t.mu.Unlock()
	for _, list := range idle {
		for _, pc := range list {
			pc.conn.Close()
		}
	}
	if ci, ok := t.fallback.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}
