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

package metric

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/types"
	pkgreconciler "knative.dev/pkg/reconciler"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	metricreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/autoscaling/v1alpha1/metric"
)

// reconciler starts, updates and stops metric collections.
type reconciler struct {
	collector metrics.Collector
}

var (
	_ metricreconciler.Interface        = (*reconciler)(nil)
	_ pkgreconciler.OnDeletionInterface = (*reconciler)(nil)
)

// ReconcileKind creates or updates the Metric's collection and reports its
// last scrape error in the Ready condition. Errors are not returned:
// retrying does not help, and the collector enqueues the Metric again when
// its state changes.
func (r *reconciler) ReconcileKind(_ context.Context, metric *autoscalingv1alpha1.Metric) pkgreconciler.Event {
	err := r.collector.CreateOrUpdate(metric)
	switch {
	case err == nil:
		metric.Status.MarkMetricReady()
	case errors.Is(err, metrics.ErrFailedGetEndpoints):
		metric.Status.MarkMetricNotReady("NoEndpoints", err.Error())
	case errors.Is(err, metrics.ErrDidNotReceiveStat):
		metric.Status.MarkMetricFailed("DidNotReceiveStat", err.Error())
	default:
		metric.Status.MarkMetricFailed("CollectionFailed", "Failed to reconcile metric collection: "+err.Error())
	}
	return nil
}

// ObserveDeletion stops the deleted Metric's collection.
func (r *reconciler) ObserveDeletion(_ context.Context, key types.NamespacedName) error {
	r.collector.Delete(key.Namespace, key.Name)
	return nil
}
