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
	"strconv"
	"time"

	"go.opencensus.io/trace"

	netheader "knative.dev/networking/pkg/http/header"
	netstats "knative.dev/networking/pkg/http/stats"
)

// ProxyHandler sends requests to the `next` handler at a rate controlled by
// the passed `breaker` (nil: unlimited), while recording stats to `stats`.
//
// Requests from the activator (K-Proxy-Request: activator) are counted as
// proxied, the Host saved by the activator in K-Original-Host is restored,
// and a request that finds the breaker's queue full gets a 503 whose body
// names the limit.
func ProxyHandler(breaker *Breaker, stats *netstats.RequestStats, tracingEnabled bool, next http.Handler) http.HandlerFunc {
	var queueFullMsg string
	if breaker != nil {
		queueFullMsg = ErrRequestQueueFull.Error() + ": containerConcurrency is " +
			strconv.Itoa(breaker.Capacity()) + " and " + strconv.FormatInt(breaker.totalSlots-int64(breaker.Capacity()), 10) +
			" requests are already queued at this pod"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if netheader.IsKubeletProbe(r) {
			next.ServeHTTP(w, r)
			return
		}

		if tracingEnabled {
			proxyCtx, proxySpan := trace.StartSpan(r.Context(), "queue_proxy")
			r = r.WithContext(proxyCtx)
			defer proxySpan.End()
		}

		in, out := netstats.ReqIn, netstats.ReqOut
		if netheader.GetKnativeProxyValue(r) == ActivatorName {
			in, out = netstats.ProxiedIn, netstats.ProxiedOut
		}
		stats.HandleEvent(netstats.ReqEvent{Time: time.Now(), Type: in})
		defer func() {
			stats.HandleEvent(netstats.ReqEvent{Time: time.Now(), Type: out})
		}()
		netheader.RewriteHostOut(r)

		if breaker == nil {
			next.ServeHTTP(w, r)
			return
		}

		var waitSpan *trace.Span
		if tracingEnabled {
			_, waitSpan = trace.StartSpan(r.Context(), "queue_wait")
		}
		if err := breaker.Maybe(r.Context(), func() {
			waitSpan.End()
			next.ServeHTTP(w, r)
		}); err != nil {
			waitSpan.End()
			switch {
			case errors.Is(err, ErrRequestQueueFull):
				http.Error(w, queueFullMsg, http.StatusServiceUnavailable)
			case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
				// The request timed out or the client went away while
				// queued; the timeout handler answers in the first case.
				http.Error(w, "request canceled while waiting for a free container slot: "+err.Error(), http.StatusServiceUnavailable)
			default:
				w.WriteHeader(http.StatusInternalServerError)
			}
		}
	}
}
