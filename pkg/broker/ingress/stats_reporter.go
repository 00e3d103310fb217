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

package ingress

import (
	"context"
	"log"
	"strconv"
	"time"

	"go.opencensus.io/resource"
	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.opencensus.io/tag"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"

	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

var (
	// eventCountM counts events received by a Broker, by response code.
	eventCountM = stats.Int64(
		"event_count",
		"Number of events received by a Broker",
		stats.UnitDimensionless,
	)

	// dispatchTimeInMsecM records the time spent dispatching an event to a
	// Channel, in milliseconds.
	dispatchTimeInMsecM = stats.Float64(
		"event_dispatch_latencies",
		"The time spent dispatching an event to a Channel",
		stats.UnitMilliseconds,
	)

	eventTypeKey         = tag.MustNewKey(broker.LabelEventType)
	eventSchemeKey       = tag.MustNewKey(broker.LabelEventScheme)
	responseCodeKey      = tag.MustNewKey(broker.LabelResponseCode)
	responseCodeClassKey = tag.MustNewKey(broker.LabelResponseCodeClass)
)

// ReportArgs are the tags of one ingress measurement.
type ReportArgs struct {
	ns          string
	broker      string
	eventType   string
	eventScheme string
}

// StatsReporter reports ingress metrics with upstream's names and tags.
type StatsReporter interface {
	ReportEventCount(args *ReportArgs, responseCode int) error
	ReportEventDispatchTime(args *ReportArgs, responseCode int, d time.Duration) error
}

func init() {
	register()
}

func register() {
	tagKeys := []tag.Key{
		eventTypeKey, eventSchemeKey, responseCodeKey, responseCodeClassKey,
		broker.ContainerTagKey, broker.UniqueTagKey,
	}
	if err := metrics.RegisterResourceView(
		&view.View{
			Description: eventCountM.Description(),
			Measure:     eventCountM,
			Aggregation: view.Count(),
			TagKeys:     tagKeys,
		},
		&view.View{
			Description: dispatchTimeInMsecM.Description(),
			Measure:     dispatchTimeInMsecM,
			Aggregation: view.Distribution(metrics.Buckets125(1, 10000)...),
			TagKeys:     tagKeys,
		},
	); err != nil {
		log.Printf("failed to register opencensus views, %s", err)
	}
}

type reporter struct {
	container  string
	uniqueName string
	tags       kncloudevents.TagContextCache[tagKey]
}

type tagKey struct {
	args ReportArgs
	code int
}

// NewStatsReporter creates a reporter that collects and reports ingress metrics.
func NewStatsReporter(container, uniqueName string) StatsReporter {
	return &reporter{container: container, uniqueName: uniqueName}
}

func (r *reporter) ReportEventCount(args *ReportArgs, responseCode int) error {
	ctx, err := r.generateTag(args, responseCode)
	if err != nil {
		return err
	}
	metrics.Record(ctx, eventCountM.M(1))
	return nil
}

func (r *reporter) ReportEventDispatchTime(args *ReportArgs, responseCode int, d time.Duration) error {
	ctx, err := r.generateTag(args, responseCode)
	if err != nil {
		return err
	}
	metrics.Record(ctx, dispatchTimeInMsecM.M(float64(d)/float64(time.Millisecond)))
	return nil
}

func (r *reporter) generateTag(args *ReportArgs, responseCode int) (context.Context, error) {
	return r.tags.Get(tagKey{*args, responseCode}, func() (context.Context, error) {
		return r.buildTag(args, responseCode)
	})
}

func (r *reporter) buildTag(args *ReportArgs, responseCode int) (context.Context, error) {
	ctx := metricskey.WithResource(context.Background(), resource.Resource{
		Type: broker.ResourceTypeKnativeBroker,
		Labels: map[string]string{
			broker.LabelNamespaceName: args.ns,
			broker.LabelBrokerName:    args.broker,
		},
	})
	return tag.New(
		ctx,
		tag.Insert(broker.ContainerTagKey, r.container),
		tag.Insert(broker.UniqueTagKey, r.uniqueName),
		tag.Insert(eventTypeKey, args.eventType),
		tag.Insert(eventSchemeKey, args.eventScheme),
		tag.Insert(responseCodeKey, strconv.Itoa(responseCode)),
		tag.Insert(responseCodeClassKey, metrics.ResponseCodeClass(responseCode)))
}

// ReportEventDispatch records the event count and the dispatch time of one
// dispatch in a single call (one tag lookup, one record), for the hot path.
func (r *reporter) ReportEventDispatch(args *ReportArgs, responseCode int, d time.Duration) error {
	ctx, err := r.generateTag(args, responseCode)
	if err != nil {
		return err
	}
	metrics.RecordBatch(ctx, eventCountM.M(1), dispatchTimeInMsecM.M(float64(d)/float64(time.Millisecond)))
	return nil
}

type dispatchReporter interface {
	ReportEventDispatch(args *ReportArgs, responseCode int, d time.Duration) error
}

// reportDispatch records count and dispatch time, in one call when the
// reporter can.
func reportDispatch(r StatsReporter, args *ReportArgs, responseCode int, d time.Duration) {
	if b, ok := r.(dispatchReporter); ok {
		_ = b.ReportEventDispatch(args, responseCode, d)
		return
	}
	_ = r.ReportEventDispatchTime(args, responseCode, d)
	_ = r.ReportEventCount(args, responseCode)
}
