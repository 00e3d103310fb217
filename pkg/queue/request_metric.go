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
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.opencensus.io/resource"
	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.opencensus.io/tag"
	pkgmetrics "knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"

	netheader "knative.dev/networking/pkg/http/header"
)

// Names and tags as upstream serving's pkg/metrics, so dashboards built for
// upstream's revision_request_count and friends work unchanged.
const (
	resourceTypeKnativeRevision = "knative_revision"
	labelServiceName            = "service_name"
	labelConfigurationName      = "configuration_name"
	labelRevisionName           = "revision_name"
	labelRouteTag               = "route_tag"
	containerName               = "queue-proxy"

	defaultTagName   = "DEFAULT"
	undefinedTagName = "UNDEFINED"
	disabledTagName  = "DISABLED"
)

var (
	podKey               = tag.MustNewKey(metricskey.PodName)
	containerKey         = tag.MustNewKey(metricskey.ContainerName)
	responseCodeKey      = tag.MustNewKey(metricskey.LabelResponseCode)
	responseCodeClassKey = tag.MustNewKey(metricskey.LabelResponseCodeClass)
	routeTagKey          = tag.MustNewKey(labelRouteTag)

	// NOTE: 0 should not be used as boundary. See
	// https://github.com/census-ecosystem/opencensus-go-exporter-stackdriver/issues/98
	defaultLatencyDistribution = view.Distribution(
		5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600,
		700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000)

	requestCountM = stats.Int64(
		"request_count",
		"The number of requests that are routed to queue-proxy",
		stats.UnitDimensionless)
	responseTimeInMsecM = stats.Float64(
		"request_latencies",
		"The response time in millisecond",
		stats.UnitMilliseconds)
	appRequestCountM = stats.Int64(
		"app_request_count",
		"The number of requests that are routed to user-container",
		stats.UnitDimensionless)
	appResponseTimeInMsecM = stats.Float64(
		"app_request_latencies",
		"The response time in millisecond",
		stats.UnitMilliseconds)
	queueDepthM = stats.Int64(
		"queue_depth",
		"The current number of items in the serving and waiting queue, or not reported if unlimited concurrency.",
		stats.UnitDimensionless)
)

// podRevisionContext returns a context carrying the pod tags and the
// knative_revision resource.
func podRevisionContext(pod, ns, svc, cfg, rev string) (context.Context, error) {
	ctx, err := tag.New(context.Background(), tag.Upsert(podKey, pod), tag.Upsert(containerKey, containerName))
	if err != nil {
		return nil, err
	}
	if svc == "" {
		svc = metricskey.ValueUnknown
	}
	return metricskey.WithResource(ctx, resource.Resource{
		Type: resourceTypeKnativeRevision,
		Labels: map[string]string{
			metricskey.LabelNamespaceName: ns,
			labelServiceName:              svc,
			labelConfigurationName:        cfg,
			labelRevisionName:             rev,
		},
	}), nil
}

// taggedContexts caches the base context augmented with response tags, so a
// request does not build a new tag map for every recording.
type taggedContexts struct {
	base     context.Context
	withTag  bool
	contexts sync.Map // responseKey → context.Context
	size     atomic.Int32
}

// maxTaggedContexts bounds the cache: route tags come from a request header.
const maxTaggedContexts = 1024

type responseKey struct {
	code     int
	routeTag string
}

func (t *taggedContexts) get(code int, routeTag string) context.Context {
	k := responseKey{code: code, routeTag: routeTag}
	if ctx, ok := t.contexts.Load(k); ok {
		return ctx.(context.Context)
	}
	mutators := []tag.Mutator{
		tag.Upsert(responseCodeKey, strconv.Itoa(code)),
		tag.Upsert(responseCodeClassKey, strconv.Itoa(code/100)+"xx"),
	}
	if t.withTag {
		mutators = append(mutators, tag.Upsert(routeTagKey, routeTag))
	}
	ctx, err := tag.New(t.base, mutators...)
	if err != nil {
		return t.base
	}
	if t.size.Add(1) <= maxTaggedContexts {
		t.contexts.Store(k, ctx)
	}
	return ctx
}

// The views are registered once per process (OpenCensus rejects a second
// registration of a view with the same name).
var (
	registerRequestViews = sync.OnceValue(func() error {
		keys := []tag.Key{podKey, containerKey, responseCodeKey, responseCodeClassKey, routeTagKey}
		return pkgmetrics.RegisterResourceView(
			&view.View{
				Description: "The number of requests that are routed to queue-proxy",
				Measure:     requestCountM,
				Aggregation: view.Count(),
				TagKeys:     keys,
			},
			&view.View{
				Description: "The response time in millisecond",
				Measure:     responseTimeInMsecM,
				Aggregation: defaultLatencyDistribution,
				TagKeys:     keys,
			},
		)
	})
	registerAppRequestViews = sync.OnceValue(func() error {
		keys := []tag.Key{podKey, containerKey, responseCodeKey, responseCodeClassKey}
		return pkgmetrics.RegisterResourceView(&view.View{
			Description: "The number of requests that are routed to user-container",
			Measure:     appRequestCountM,
			Aggregation: view.Count(),
			TagKeys:     keys,
		}, &view.View{
			Description: "The response time in millisecond",
			Measure:     appResponseTimeInMsecM,
			Aggregation: defaultLatencyDistribution,
			TagKeys:     keys,
		}, &view.View{
			Description: "The number of items queued at this queue proxy.",
			Measure:     queueDepthM,
			Aggregation: view.LastValue(),
			TagKeys:     keys,
		})
	})
)

type requestMetricsHandler struct {
	next     http.Handler
	contexts *taggedContexts
}

// NewRequestMetricsHandler creates an http.Handler that records the count and
// latency of requests routed to queue-proxy (probes excluded).
func NewRequestMetricsHandler(next http.Handler, ns, service, config, rev, pod string) (http.Handler, error) {
	if err := registerRequestViews(); err != nil {
		return nil, err
	}
	ctx, err := podRevisionContext(pod, ns, service, config, rev)
	if err != nil {
		return nil, err
	}
	return &requestMetricsHandler{next: next, contexts: &taggedContexts{base: ctx, withTag: true}}, nil
}

func (h *requestMetricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rr := NewResponseRecorder(w, http.StatusOK)
	start := time.Now()
	defer func() {
		if netheader.IsProbe(r) {
			return
		}
		code := rr.ResponseCode
		err := recover()
		if err != nil {
			code = http.StatusInternalServerError
		}
		ctx := h.contexts.get(code, GetRouteTagNameFromRequest(r))
		pkgmetrics.RecordBatch(ctx, requestCountM.M(1),
			responseTimeInMsecM.M(float64(time.Since(start).Milliseconds())))
		if err != nil {
			panic(err)
		}
	}()
	h.next.ServeHTTP(rr, r)
}

type appRequestMetricsHandler struct {
	next     http.Handler
	contexts *taggedContexts
	breaker  *Breaker
}

// NewAppRequestMetricsHandler creates an http.Handler that records the count
// and latency of requests routed to the user container, and the breaker's
// queue depth.
func NewAppRequestMetricsHandler(next http.Handler, b *Breaker, ns, service, config, rev, pod string) (http.Handler, error) {
	if err := registerAppRequestViews(); err != nil {
		return nil, err
	}
	ctx, err := podRevisionContext(pod, ns, service, config, rev)
	if err != nil {
		return nil, err
	}
	return &appRequestMetricsHandler{next: next, contexts: &taggedContexts{base: ctx}, breaker: b}, nil
}

func (h *appRequestMetricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rr := NewResponseRecorder(w, http.StatusOK)
	start := time.Now()
	if h.breaker != nil {
		pkgmetrics.Record(h.contexts.base, queueDepthM.M(int64(h.breaker.InFlight())))
	}
	defer func() {
		if netheader.IsProbe(r) {
			return
		}
		code := rr.ResponseCode
		err := recover()
		if err != nil {
			code = http.StatusInternalServerError
		}
		pkgmetrics.RecordBatch(h.contexts.get(code, ""), appRequestCountM.M(1),
			appResponseTimeInMsecM.M(float64(time.Since(start).Milliseconds())))
		if err != nil {
			panic(err)
		}
	}()
	h.next.ServeHTTP(rr, r)
}

// GetRouteTagNameFromRequest extracts the value of the tag header from
// http.Request: DISABLED without tag routing, DEFAULT for the default route
// without a tag, UNDEFINED for an unknown tag that fell back to the default
// route, else the tag.
func GetRouteTagNameFromRequest(r *http.Request) string {
	name := first(r.Header, netheader.RouteTagKey)
	isDefaultRoute := first(r.Header, netheader.DefaultRouteKey)
	switch {
	case name == "" && isDefaultRoute == "":
		return disabledTagName
	case name == "":
		return defaultTagName
	case isDefaultRoute == "true":
		return undefinedTagName
	default:
		return name
	}
}
