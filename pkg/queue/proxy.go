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
	"errors"
	"net/http"
	"net/http/httputil"
	"sync"

	"go.uber.org/zap"

	netheader "knative.dev/networking/pkg/http/header"
)

// NoHostOverride signifies that no host overriding should be done and that
// the host should be inferred from the target of the reverse-proxy.
const NoHostOverride = ""

// NewHeaderPruningReverseProxy returns a httputil.ReverseProxy that proxies
// requests to the given target (host:port) after removing headersToRemove,
// as upstream serving's pkg/http.NewHeaderPruningReverseProxy. If
// hostOverride is set, it replaces the outgoing Host.
func NewHeaderPruningReverseProxy(target, hostOverride string, headersToRemove []string, useHTTPS bool) *httputil.ReverseProxy {
	scheme := "http"
	if useHTTPS {
		scheme = "https"
	}
	return &httputil.ReverseProxy{
		Director: func(req *http.Request) {
			req.URL.Scheme = scheme
			req.URL.Host = target
			if hostOverride != NoHostOverride {
				req.Host = hostOverride
			}
			// As httputil.NewSingleHostReverseProxy: without a User-Agent
			// the transport would add Go's default one.
			if _, ok := req.Header[netheader.UserAgentKey]; !ok {
				req.Header[netheader.UserAgentKey] = emptyUserAgent
			}
			for _, h := range headersToRemove {
				delete(req.Header, h)
			}
		},
	}
}

// emptyUserAgent is shared by all requests: header value slices are only
// read or replaced, never written in place.
var emptyUserAgent = []string{""}

// proxyBufferSize is the reverse proxy's copy buffer size (its default).
const proxyBufferSize = 32 * 1024

// NewBufferPool returns a pool of the reverse proxy's copy buffers. Unlike
// knative.dev/networking's pool it stores array pointers, so Put does not
// allocate a slice header per request.
func NewBufferPool() httputil.BufferPool {
	return &bufferPool{}
}

type bufferPool struct {
	pool sync.Pool // of *[proxyBufferSize]byte
}

func (b *bufferPool) Get() []byte {
	if buf, ok := b.pool.Get().(*[proxyBufferSize]byte); ok {
		return buf[:]
	}
	return make([]byte, proxyBufferSize)
}

func (b *bufferPool) Put(buf []byte) {
	if len(buf) == proxyBufferSize {
		b.pool.Put((*[proxyBufferSize]byte)(buf))
	}
}

// ProxyErrorHandler answers a failed proxy attempt with 502 and the error.
// A request cancelled by its client or by the timeout handler is not an
// error of the proxy and only logged at debug level; its response is
// discarded anyway.
func ProxyErrorHandler(logger *zap.SugaredLogger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled) {
			logger.Debugw("Proxied request cancelled", zap.Error(err))
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		logger.Errorw("Error reverse proxying request", zap.Error(err))
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
}
