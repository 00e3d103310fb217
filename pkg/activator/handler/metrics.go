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
	"strconv"
	"sync"
	"sync/atomic"

	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.opencensus.io/tag"
	pkgmetrics "knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"

	"github.com/skiffhq/skiff/pkg/activator"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

// The activator's metrics, names and tags as upstream.
var (
	requestConcurrencyM = stats.Float64(
		"request_concurrency",
		"Concurrent requests that are routed to Activator",
		stats.UnitDimensionless)
	requestCountM = stats.Int64(
		"request_count",
		"The number of requests that are routed to Activator",
		stats.UnitDimensionless)
	responseTimeInMsecM = stats.Float64(
		"request_latencies",
		"The response time in millisecond",
		stats.UnitMilliseconds)

	podKey               = tag.MustNewKey(metricskey.PodName)
	containerKey         = tag.MustNewKey(metricskey.ContainerName)
	responseCodeKey      = tag.MustNewKey(metricskey.LabelResponseCode)
	responseCodeClassKey = tag.MustNewKey(metricskey.LabelResponseCodeClass)

	// NOTE: 0 must not be a boundary (census-ecosystem/opencensus-go-exporter-stackdriver#98).
	defaultLatencyDistribution = view.Distribution(5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400,
		450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000)
)

func init() {
	if err := pkgmetrics.RegisterResourceView(
		&view.View{
			Description: "Concurrent requests that are routed to Activator",
			Measure:     requestConcurrencyM,
			Aggregation: view.LastValue(),
			TagKeys:     []tag.Key{podKey, containerKey},
		},
		&view.View{
			Description: "The number of requests that are routed to Activator",
			Measure:     requestCountM,
			Aggregation: view.Count(),
			TagKeys:     []tag.Key{podKey, containerKey, responseCodeKey, responseCodeClassKey},
		},
		&view.View{
			Description: "The response time in millisecond",
			Measure:     responseTimeInMsecM,
			Aggregation: defaultLatencyDistribution,
			TagKeys:     []tag.Key{podKey, containerKey, responseCodeKey, responseCodeClassKey},
		},
	); err != nil {
		panic(err)
	}
}

// podRevisionContext returns a context recording for the revision, from
// this activator pod.
func podRevisionContext(pod string, rev *v1.Revision) context.Context {
	ctx := asmetrics.RevisionContext(rev.Namespace, rev.Labels[serving.ServiceLabelKey],
		rev.Labels[serving.ConfigurationLabelKey], rev.Name)
	ctx, _ = tag.New(ctx, tag.Upsert(podKey, pod), tag.Upsert(containerKey, activator.Name))
	return ctx
}

// responseCodeClass returns "2xx" for 200 and so on.
func responseCodeClass(code int) string {
	return strconv.Itoa(code/100) + "xx"
}

// maxCachedContexts bounds contextCache: revisions come and go.
const maxCachedContexts = 4096

// contextCache keeps the tagged contexts per revision and response code:
// building one costs several allocations, recording with one none.
type contextCache struct {
	pod  string
	m    sync.Map // ctxKey → context.Context
	size atomic.Int32
}

type ctxKey struct {
	ns, name string
	code     int // 0: no response code tags
}

func (c *contextCache) get(rev *v1.Revision, code int) context.Context {
	k := ctxKey{ns: rev.Namespace, name: rev.Name, code: code}
	if v, ok := c.m.Load(k); ok {
		return v.(context.Context)
	}
	ctx := podRevisionContext(c.pod, rev)
	if code != 0 {
		ctx, _ = tag.New(ctx, tag.Upsert(responseCodeKey, strconv.Itoa(code)),
			tag.Upsert(responseCodeClassKey, responseCodeClass(code)))
	}
	if c.size.Load() < maxCachedContexts {
		if _, loaded := c.m.LoadOrStore(k, ctx); !loaded {
			c.size.Add(1)
		}
	}
	return ctx
}
