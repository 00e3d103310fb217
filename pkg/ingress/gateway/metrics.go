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
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.opencensus.io/tag"
	pkgmetrics "knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"
)

// Gateway request metrics: a count and a latency distribution per listener
// and response code, as Envoy's per-listener downstream stats in
// net-kourier (names as queue-proxy's, so dashboards read alike).
var (
	listenerKey          = tag.MustNewKey("listener")
	responseCodeKey      = tag.MustNewKey(metricskey.LabelResponseCode)
	responseCodeClassKey = tag.MustNewKey(metricskey.LabelResponseCodeClass)

	requestCountM = stats.Int64(
		"gateway_request_count",
		"The number of requests the Skiff gateway answered",
		stats.UnitDimensionless)
	requestLatencyM = stats.Float64(
		"gateway_request_latencies",
		"The time from request to the end of the response, in milliseconds",
		stats.UnitMilliseconds)

	registerViews = sync.OnceValue(func() error {
		keys := []tag.Key{listenerKey, responseCodeKey, responseCodeClassKey}
		return pkgmetrics.RegisterResourceView(
			&view.View{
				Description: requestCountM.Description(),
				Measure:     requestCountM,
				Aggregation: view.Count(),
				TagKeys:     keys,
			},
			&view.View{
				Description: requestLatencyM.Description(),
				Measure:     requestLatencyM,
				Aggregation: view.Distribution(0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000),
				TagKeys:     keys,
			},
		)
	})
)

// tagContexts caches one tagged context per (listener, code), so recording
// builds no tag map per request. Response codes are few.
type tagContexts struct {
	m sync.Map // tagKey → context.Context
}

type tagKey struct {
	l    Listener
	code int
}

func (t *tagContexts) get(l Listener, code int) context.Context {
	k := tagKey{l, code}
	if ctx, ok := t.m.Load(k); ok {
		return ctx.(context.Context)
	}
	ctx, err := tag.New(context.Background(),
		tag.Upsert(listenerKey, l.String()),
		tag.Upsert(responseCodeKey, strconv.Itoa(code)),
		tag.Upsert(responseCodeClassKey, strconv.Itoa(code/100)+"xx"))
	if err != nil {
		return context.Background()
	}
	t.m.Store(k, ctx)
	return ctx
}

// statusWriter records the response code. Unwrap lets
// http.ResponseController (used by the reverse proxy to flush and to
// hijack for websockets) reach the underlying writer.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// metricsHandler records every request of listener l.
type metricsHandler struct {
	next http.Handler
	l    Listener
	tags *tagContexts
}

func (h *metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		stats.Record(h.tags.get(h.l, code),
			requestCountM.M(1),
			requestLatencyM.M(float64(time.Since(start))/float64(time.Millisecond)))
	}()
	h.next.ServeHTTP(sw, r)
}
