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
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/http2"
	netproxy "knative.dev/networking/pkg/http/proxy"
)

// errNoEndpoints is returned for a backend without any address.
type errNoEndpoints struct {
	key BackendKey
	err error
}

func (e *errNoEndpoints) Error() string {
	if e.err != nil {
		return "no endpoints for " + e.key.String() + ": " + e.err.Error()
	}
	return "no endpoints for " + e.key.String()
}

// transports are shared by every backend.
type transports struct {
	h1  http.RoundTripper
	h2c http.RoundTripper
}

func newTransports(o *Options) transports {
	dialer := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	h1 := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		MaxIdleConns:          0, // no global limit: per host below
		MaxIdleConnsPerHost:   o.MaxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: o.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		// A proxy passes bodies through as they are.
		DisableCompression: true,
		ForceAttemptHTTP2:  false,
	}
	t := transports{
		h1: h1,
		h2c: &http2.Transport{
			AllowHTTP:          true,
			DisableCompression: true,
			DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
		},
	}
	// The fast path has no response-header timer.
	if o.ResponseHeaderTimeout == 0 && !o.DisableFastPath {
		t.h1 = newFastTransport(h1, dialer.DialContext, o.MaxIdleConnsPerHost)
	}
	return t
}

// backendTransport sends a request to one of the backend's endpoints, round
// robin, trying the next endpoint when a connection cannot be established
// (nothing was sent, so this is safe for any request): an endpoint that
// just went away, before the Endpoints update arrived, costs no error.
type backendTransport struct {
	b           *Backend
	t           transports
	maxAttempts int
}

func (bt *backendTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := bt.b.state.Load()
	n := len(st.addrs)
	if n == 0 {
		return nil, &errNoEndpoints{key: bt.b.key, err: st.err}
	}
	rt := bt.t.h1
	if st.h2c {
		rt = bt.t.h2c
	}
	attempts := min(n, bt.maxAttempts)
	var body *retryBody
	if attempts > 1 && req.Body != nil && req.Body != http.NoBody {
		// Transports close the body when they fail; keep it open for the
		// next attempt. The server closes the real body.
		body = &retryBody{r: req.Body}
		req.Body = body
	}
	start := int(bt.b.next.Add(1))
	for i := 0; ; i++ {
		req.URL.Host = st.addrs[(start+i)%n]
		resp, err := rt.RoundTrip(req)
		if err == nil || i+1 >= attempts || !isDialError(err) || req.Context().Err() != nil || (body != nil && body.read.Load()) {
			return resp, err
		}
	}
}

// retryBody lets a request body outlive a failed attempt.
type retryBody struct {
	r    io.ReadCloser
	read atomic.Bool
}

func (b *retryBody) Read(p []byte) (int, error) {
	b.read.Store(true)
	return b.r.Read(p)
}

func (*retryBody) Close() error { return nil }

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// newProxy builds the handler of a backend: a reverse proxy to its
// endpoints, or, while the backend names this gateway itself (an
// ExternalName placeholder Service), the internal listener in process.
func (g *Gateway) newProxy(b *Backend) http.Handler {
	rp := &httputil.ReverseProxy{
		Director: func(r *http.Request) {
			r.URL.Scheme = "http"
			if _, ok := r.Header[forwardedProto]; !ok {
				r.Header[forwardedProto] = httpValue
			}
		},
		Transport:     &backendTransport{b: b, t: g.transports, maxAttempts: g.opts.Retries + 1},
		BufferPool:    g.bufferPool,
		FlushInterval: netproxy.FlushInterval,
		ErrorHandler:  g.proxyError,
		ErrorLog:      zap.NewStdLog(g.logger.Desugar()),
	}
	lb := &loopback{g: g}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.state.Load().local {
			lb.ServeHTTP(w, r)
			return
		}
		rp.ServeHTTP(w, r)
	})
}

const forwardedProto = "X-Forwarded-Proto"

var httpValue = []string{"http"}[:1:1]

// loopback dispatches to the internal listener in process, for backends
// that are this gateway (an ExternalName Service naming it).
type loopback struct{ g *Gateway }

type loopDepthKey struct{}

const maxLoopDepth = 3

func (l *loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	depth, _ := r.Context().Value(loopDepthKey{}).(int)
	if depth >= maxLoopDepth {
		http.Error(w, "routing loop through the gateway", http.StatusLoopDetected)
		return
	}
	l.g.routers[Internal].ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loopDepthKey{}, depth+1)))
}

// proxyError answers a request the proxy could not complete.
func (g *Gateway) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	var noEps *errNoEndpoints
	switch {
	case r.Context().Err() != nil && errors.Is(err, context.Canceled):
		// The client went away; nobody reads this.
		w.WriteHeader(http.StatusBadGateway)
		return
	case errors.As(err, &noEps):
		g.logger.Debugw("No endpoints", zap.String("host", r.Host), zap.Error(err))
		http.Error(w, "no healthy upstream", http.StatusServiceUnavailable)
	case errors.Is(err, context.DeadlineExceeded):
		http.Error(w, "upstream request timeout", http.StatusGatewayTimeout)
	case isDialError(err):
		g.logger.Infow("Upstream connect error", zap.String("host", r.Host), zap.Error(err))
		http.Error(w, "upstream connect error", http.StatusServiceUnavailable)
	default:
		g.logger.Infow("Proxy error", zap.String("host", r.Host), zap.Error(err))
		http.Error(w, "upstream error", http.StatusBadGateway)
	}
}
