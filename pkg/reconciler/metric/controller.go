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

// Package metric reconciles Metrics (autoscaling.internal.knative.dev) into
// the autoscaler's metric collections: one scrape loop and set of windows
// per Metric, whose state it reports in the Metric's Ready condition.
package metric

import (
	"context"

	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	metricinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/autoscaling/v1alpha1/metric"
	metricreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/autoscaling/v1alpha1/metric"
)

// NewController returns the metric controller driving collector. The
// collector enqueues a Metric when its collection's state changes.
func NewController(ctx context.Context, _ configmap.Watcher, collector metrics.Collector) *controller.Impl {
	c := &reconciler{collector: collector}
	impl := metricreconciler.NewImpl(ctx, c)
	metricinformer.Get(ctx).Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))
	collector.Watch(impl.EnqueueKey)
	return impl
}
