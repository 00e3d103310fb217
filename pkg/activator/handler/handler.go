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
	"fmt"
	"net/http"
	"net/http/httputil"
	"time"

	"go.opencensus.io/plugin/ochttp"
	"go.opencensus.io/trace"
	"go.uber.org/zap"
	k8serrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	netheader "knative.dev/networking/pkg/http/header"
	netproxy "knative.dev/networking/pkg/http/proxy"
	"knative.dev/pkg/logging/logkey"
	"knative.dev/pkg/tracing/propagation/tracecontextb3"

	"github.com/skiffhq/skiff/pkg/activator"
	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/queue"
	"github.com/skiffhq/skiff/pkg/reconciler/serverlessservice/resources/names"
)

// Throttler is what the activation handler needs of the throttler: wait
// for capacity of a revision, then run fn with the address of a backend.
type Throttler interface {
	Try(ctx context.Context, revID types.NamespacedName, fn func(dest string) error) error
}

// activationHandler waits until the revision has a backend with room for
// the request, then proxies the request to it.
//
// Timeouts, as upstream, count from the request's arrival at the activator:
// the revision's timeoutSeconds (and responseStartTimeoutSeconds) bound the
// time to the first byte of the response, waiting included. But the wait
// and the proxying are told apart: a request that never got a backend
// within the budget gets 503 saying so, one whose backend did not answer in
// time gets 504 ("activator request timeout").
type activationHandler struct {
	throttler        Throttler
	usePassthroughLb bool
	logger           *zap.SugaredLogger

	// proxy and tracingProxy forward to the backend in the request's
	// context; timeoutProxy is the one or the other under the remaining
	// time budget.
	proxy        *httputil.ReverseProxy
	tracingProxy *httputil.ReverseProxy
	timeoutProxy http.Handler
}

// New returns the activation handler. transport should be the transport the
// throttler probes with, so a probe's connection carries the first request.
func New(_ context.Context, t Throttler, transport http.RoundTripper, usePassthroughLb bool, logger *zap.SugaredLogger) http.Handler {
	a := &activationHandler{
		throttler:        t,
		usePassthroughLb: usePassthroughLb,
		logger:           logger,
	}
	bufferPool := netproxy.NewBufferPool()
	newProxy := func(tr http.RoundTripper) *httputil.ReverseProxy {
		return &httputil.ReverseProxy{
			Director:      a.director,
			Transport:     tr,
			BufferPool:    bufferPool,
			FlushInterval: netproxy.FlushInterval,
			ErrorHandler:  a.proxyError,
		}
	}
	a.proxy = newProxy(transport)
	a.tracingProxy = newProxy(&ochttp.Transport{Base: transport, Propagation: tracecontextb3.TraceContextB3Egress})
	a.timeoutProxy = queue.NewTimeoutHandler(http.HandlerFunc(a.serveProxy), "activator request timeout", remainingTimeouts)
	return a
}

// RevisionTimeouts returns the revision's timeouts, with the defaults for
// those it does not set.
func RevisionTimeouts(rev *v1.Revision) (timeout, responseStartTimeout, idleTimeout time.Duration) {
	timeout = apiconfig.DefaultRevisionTimeoutSeconds * time.Second
	responseStartTimeout = apiconfig.DefaultRevisionResponseStartTimeoutSeconds * time.Second
	idleTimeout = apiconfig.DefaultRevisionIdleTimeoutSeconds * time.Second
	if rev == nil {
		return timeout, responseStartTimeout, idleTimeout
	}
	if s := rev.Spec.TimeoutSeconds; s != nil {
		timeout = time.Duration(*s) * time.Second
	}
	if s := rev.Spec.ResponseStartTimeoutSeconds; s != nil {
		responseStartTimeout = time.Duration(*s) * time.Second
	}
	if s := rev.Spec.IdleTimeoutSeconds; s != nil {
		idleTimeout = time.Duration(*s) * time.Second
	}
	return timeout, responseStartTimeout, idleTimeout
}

// proxyTarget is where, and until when, to proxy a request.
type proxyTarget struct {
	dest  string
	revID types.NamespacedName
	// firstByteDeadline is when the response must have started.
	firstByteDeadline time.Time
	idleTimeout       time.Duration
	tracing           bool
}

type proxyTargetKey struct{}

func (a *activationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tracingEnabled := activatorconfig.FromContext(r.Context()).TracingEnabled()
	revID := RevIDFrom(r.Context())
	timeout, responseStartTimeout, idleTimeout := RevisionTimeouts(RevisionFrom(r.Context()))
	firstByte := timeout
	if responseStartTimeout > 0 && responseStartTimeout < firstByte {
		firstByte = responseStartTimeout
	}
	deadline := time.Now().Add(firstByte)

	tryCtx, cancel := context.WithDeadline(r.Context(), deadline)
	defer cancel()
	var trySpan *trace.Span
	if tracingEnabled {
		tryCtx, trySpan = trace.StartSpan(tryCtx, "throttler_try")
	}

	err := a.throttler.Try(tryCtx, revID, func(dest string) error {
		trySpan.End()
		a.proxyTo(w, r, &proxyTarget{
			dest: dest, revID: revID, firstByteDeadline: deadline, idleTimeout: idleTimeout, tracing: tracingEnabled,
		})
		return nil
	})
	if err == nil {
		return
	}
	if trySpan != nil {
		trySpan.Annotate([]trace.Attribute{trace.StringAttribute("activator.throttler.error", err.Error())}, "ThrottlerTry")
		trySpan.End()
	}
	a.throttleError(w, r, revID, firstByte, err)
}

// throttleError answers a request that got no backend.
func (a *activationHandler) throttleError(w http.ResponseWriter, r *http.Request, revID types.NamespacedName, waited time.Duration, err error) {
	logger := a.logger.With(zap.String(logkey.Key, revID.String()))
	switch {
	case errors.Is(err, queue.ErrRequestQueueFull):
		logger.Warnw("Request refused: queue full", zap.Error(err))
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	case r.Context().Err() != nil:
		// The client went away while waiting; nobody reads this.
		logger.Debugw("Client went away while waiting for capacity", zap.Error(err))
		w.WriteHeader(http.StatusServiceUnavailable)
	case errors.Is(err, context.DeadlineExceeded):
		logger.Warnw("Request timed out waiting for capacity", zap.Duration("waited", waited))
		http.Error(w, fmt.Sprintf("timed out after %v waiting for revision %s to have a ready pod with a free slot",
			waited, revID), http.StatusServiceUnavailable)
	case k8serrors.IsNotFound(err):
		http.Error(w, "revision "+revID.String()+" not found", http.StatusNotFound)
	default:
		logger.Errorw("Throttler try error", zap.Error(err))
		http.Error(w, "error waiting for revision "+revID.String()+": "+err.Error(), http.StatusInternalServerError)
	}
}

func (a *activationHandler) proxyTo(w http.ResponseWriter, r *http.Request, pt *proxyTarget) {
	ctx := context.WithValue(r.Context(), proxyTargetKey{}, pt)
	if pt.tracing {
		var span *trace.Span
		ctx, span = trace.StartSpan(ctx, "activator_proxy")
		defer span.End()
	}
	a.timeoutProxy.ServeHTTP(w, r.WithContext(ctx))
}

// remainingTimeouts is the TimeoutFunc of the proxying: whatever is left of
// the first-byte budget after the wait, and the idle timeout.
func remainingTimeouts(r *http.Request) (time.Duration, time.Duration, time.Duration) {
	pt := r.Context().Value(proxyTargetKey{}).(*proxyTarget)
	left := time.Until(pt.firstByteDeadline)
	if left <= 0 {
		left = time.Nanosecond
	}
	return left, 0, pt.idleTimeout
}

func (a *activationHandler) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Context().Value(proxyTargetKey{}).(*proxyTarget).tracing {
		a.tracingProxy.ServeHTTP(w, r)
		return
	}
	a.proxy.ServeHTTP(w, r)
}

var activatorProxyValue = []string{activator.Name}

// director turns the request into one for the backend: straight to its
// address, the Host moved to K-Original-Host (queue-proxy moves it back),
// marked as proxied by the activator, without the revision headers.
func (a *activationHandler) director(req *http.Request) {
	pt := req.Context().Value(proxyTargetKey{}).(*proxyTarget)
	req.URL.Scheme = "http"
	req.URL.Host = pt.dest
	netheader.RewriteHostIn(req)
	if a.usePassthroughLb {
		// The ingress routes this exact pod by the private Service's host.
		req.Host = names.PrivateService(pt.revID.Name) + "." + pt.revID.Namespace
	}
	req.Header[netheader.ProxyKey] = activatorProxyValue
	// Without a User-Agent the transport would add Go's.
	if _, ok := req.Header[netheader.UserAgentKey]; !ok {
		req.Header[netheader.UserAgentKey] = []string{""}
	}
	for _, h := range activator.RevisionHeaders {
		delete(req.Header, h)
	}
}

func (a *activationHandler) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	pt := r.Context().Value(proxyTargetKey{}).(*proxyTarget)
	if errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled) {
		a.logger.Debugw("Proxied request cancelled", zap.String(logkey.Key, pt.revID.String()), zap.Error(err))
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	a.logger.Errorw("Error reverse proxying request", zap.String(logkey.Key, pt.revID.String()),
		zap.String("dest", pt.dest), zap.Error(err))
	http.Error(w, "error proxying to revision "+pt.revID.String()+" at "+pt.dest+": "+err.Error(), http.StatusBadGateway)
}
