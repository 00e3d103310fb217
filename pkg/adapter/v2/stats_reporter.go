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

package adapter

import (
	"context"
	"sync"

	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.opencensus.io/tag"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"
)

// Metric label names, as upstream eventing's pkg/metrics.
const (
	LabelName              = "name"
	LabelResourceGroup     = "resource_group"
	LabelEventType         = "event_type"
	LabelEventScheme       = "event_scheme"
	LabelEventSource       = "event_source"
	LabelResponseCode      = metricskey.LabelResponseCode
	LabelResponseCodeClass = metricskey.LabelResponseCodeClass
	LabelNamespaceName     = metricskey.LabelNamespaceName
	LabelResponseError     = metricskey.LabelResponseError
	LabelResponseTimeout   = metricskey.LabelResponseTimeout
)

var (
	// eventCountM counts the events an adapter sent, by response code.
	eventCountM = stats.Int64("event_count", "Number of events sent", stats.UnitDimensionless)
	// retryEventCountM counts the retried attempts.
	retryEventCountM = stats.Int64("retry_event_count", "Number of retry events sent", stats.UnitDimensionless)

	namespaceTagKey        = tag.MustNewKey(LabelNamespaceName)
	eventSourceKey         = tag.MustNewKey(LabelEventSource)
	eventTypeKey           = tag.MustNewKey(LabelEventType)
	eventSchemeKey         = tag.MustNewKey(LabelEventScheme)
	sourceNameKey          = tag.MustNewKey(LabelName)
	sourceResourceGroupKey = tag.MustNewKey(LabelResourceGroup)
	responseCodeKey        = tag.MustNewKey(LabelResponseCode)
	responseCodeClassKey   = tag.MustNewKey(LabelResponseCodeClass)
	responseErrorKey       = tag.MustNewKey(LabelResponseError)
	responseTimeoutKey     = tag.MustNewKey(LabelResponseTimeout)

	registerOnce sync.Once
)

// ReportArgs are the tags of one reported send.
type ReportArgs struct {
	Namespace     string
	EventType     string
	EventScheme   string
	EventSource   string
	Name          string
	ResourceGroup string
	Error         string
	Timeout       bool
}

// StatsReporter records the sends of an adapter.
type StatsReporter interface {
	// ReportEventCount counts one event sent with the given response code
	// (0 when the send failed without a response).
	ReportEventCount(args *ReportArgs, responseCode int) error
	// ReportRetryEventCount counts one retried attempt.
	ReportRetryEventCount(args *ReportArgs, responseCode int) error
}

type reporter struct{}

var _ StatsReporter = (*reporter)(nil)

// NewStatsReporter registers the source views (once per process) and
// returns a reporter recording into them.
func NewStatsReporter() (StatsReporter, error) {
	var err error
	registerOnce.Do(func() { err = registerViews() })
	if err != nil {
		return nil, err
	}
	return &reporter{}, nil
}

func (r *reporter) ReportEventCount(args *ReportArgs, responseCode int) error {
	ctx, err := generateTag(args, responseCode)
	if err != nil {
		return err
	}
	metrics.Record(ctx, eventCountM.M(1))
	return nil
}

func (r *reporter) ReportRetryEventCount(args *ReportArgs, responseCode int) error {
	ctx, err := generateTag(args, responseCode)
	if err != nil {
		return err
	}
	metrics.Record(ctx, retryEventCountM.M(1))
	return nil
}

func generateTag(args *ReportArgs, responseCode int) (context.Context, error) {
	return tag.New(context.Background(),
		tag.Insert(namespaceTagKey, args.Namespace),
		tag.Insert(eventSourceKey, args.EventSource),
		tag.Insert(eventTypeKey, args.EventType),
		tag.Insert(eventSchemeKey, args.EventScheme),
		tag.Insert(sourceNameKey, args.Name),
		tag.Insert(sourceResourceGroupKey, args.ResourceGroup),
		metrics.MaybeInsertIntTag(responseCodeKey, responseCode, responseCode > 0),
		metrics.MaybeInsertStringTag(responseCodeClassKey, metrics.ResponseCodeClass(responseCode), responseCode > 0),
		tag.Insert(responseErrorKey, args.Error),
		metrics.MaybeInsertBoolTag(responseTimeoutKey, args.Timeout, args.Error != ""))
}

func registerViews() error {
	tagKeys := []tag.Key{
		namespaceTagKey, eventSourceKey, eventTypeKey, eventSchemeKey, sourceNameKey,
		sourceResourceGroupKey, responseCodeKey, responseCodeClassKey, responseErrorKey, responseTimeoutKey,
	}
	return view.Register(
		&view.View{
			Description: eventCountM.Description(),
			Measure:     eventCountM,
			Aggregation: view.Count(),
			TagKeys:     tagKeys,
		},
		&view.View{
			Description: retryEventCountM.Description(),
			Measure:     retryEventCountM,
			Aggregation: view.Count(),
			TagKeys:     tagKeys,
		},
	)
}
