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

package channel

import (
	"context"
	"log"
	"strconv"
	"time"

	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.opencensus.io/tag"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"

	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

const (
	// LabelUniqueName is the label for the unique name per stats_reporter instance.
	LabelUniqueName = "unique_name"
	// LabelContainerName is the label for the immutable name of the container.
	LabelContainerName = metricskey.ContainerName
)

var (
	// eventCountM counts events dispatched by the channel, by response code.
	eventCountM = stats.Int64(
		"event_count",
		"Number of events dispatched by the channel",
		stats.UnitDimensionless,
	)

	// dispatchTimeInMsecM records the time spent dispatching an event to a
	// subscriber, in milliseconds.
	dispatchTimeInMsecM = stats.Float64(
		"event_dispatch_latencies",
		"The time spent by the channel dispatching an event",
		stats.UnitMilliseconds,
	)

	namespaceKey         = tag.MustNewKey(metricskey.LabelNamespaceName)
	eventTypeKey         = tag.MustNewKey("event_type")
	eventSchemeKey       = tag.MustNewKey("event_scheme")
	responseCodeKey      = tag.MustNewKey(metricskey.LabelResponseCode)
	responseCodeClassKey = tag.MustNewKey(metricskey.LabelResponseCodeClass)
	// ContainerTagKey and UniqueTagKey identify the reporting process.
	ContainerTagKey = tag.MustNewKey(LabelContainerName)
	UniqueTagKey    = tag.MustNewKey(LabelUniqueName)
)

// ReportArgs are the tags of one channel measurement.
type ReportArgs struct {
	Ns          string
	EventType   string
	EventScheme string
}

// StatsReporter reports channel metrics with upstream's names and tags.
type StatsReporter interface {
	ReportEventCount(args *ReportArgs, responseCode int) error
	ReportEventDispatchTime(args *ReportArgs, responseCode int, d time.Duration) error
}

func init() {
	register()
}

func register() {
	tagKeys := []tag.Key{
		namespaceKey, eventTypeKey, eventSchemeKey, responseCodeKey, responseCodeClassKey,
		UniqueTagKey, ContainerTagKey,
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
		log.Print("failed to register opencensus views, " + err.Error())
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

// NewStatsReporter creates a reporter that collects and reports channel metrics.
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
	return tag.New(
		context.Background(),
		tag.Insert(namespaceKey, args.Ns),
		tag.Insert(eventTypeKey, args.EventType),
		tag.Insert(eventSchemeKey, args.EventScheme),
		tag.Insert(responseCodeKey, strconv.Itoa(responseCode)),
		tag.Insert(responseCodeClassKey, metrics.ResponseCodeClass(responseCode)),
		tag.Insert(ContainerTagKey, r.container),
		tag.Insert(UniqueTagKey, r.uniqueName))
}

// NoopReporter discards measurements (tests, benchmarks of other parts).
type NoopReporter struct{}

func (NoopReporter) ReportEventCount(*ReportArgs, int) error                       { return nil }
func (NoopReporter) ReportEventDispatchTime(*ReportArgs, int, time.Duration) error { return nil }

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

// ReportDispatch records count and dispatch time, in one call when the
// reporter can.
func ReportDispatch(r StatsReporter, args *ReportArgs, responseCode int, d time.Duration) {
	if b, ok := r.(dispatchReporter); ok {
		_ = b.ReportEventDispatch(args, responseCode, d)
		return
	}
	_ = r.ReportEventDispatchTime(args, responseCode, d)
	_ = r.ReportEventCount(args, responseCode)
}
