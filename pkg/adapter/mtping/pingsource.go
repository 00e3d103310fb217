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

package mtping

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/kmeta"
	pkgreconciler "knative.dev/pkg/reconciler"

	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	pingsourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/pingsource"
)

func newPingSourceSkipped() pkgreconciler.Event {
	return pkgreconciler.NewEvent(corev1.EventTypeNormal, "PingSourceSkipped", "PingSource is not ready")
}

func newPingSourceSynchronized() pkgreconciler.Event {
	return pkgreconciler.NewEvent(corev1.EventTypeNormal, "PingSourceSynchronized", "PingSource adapter is synchronized")
}

// Reconciler schedules the PingSources this replica leads.
type Reconciler struct {
	mtadapter MTAdapter
}

// Check that our Reconciler implements ReconcileKind.
var _ pingsourcereconciler.Interface = (*Reconciler)(nil)

// ReconcileKind schedules a Ready source. A source that is not Ready is
// left as it is (its Deployed condition flaps while this very Deployment
// rolls), except that a source whose sink is gone stops ticking.
func (r *Reconciler) ReconcileKind(ctx context.Context, source *sourcesv1.PingSource) pkgreconciler.Event {
	if !source.Status.IsReady() {
		if c := source.Status.GetCondition(sourcesv1.PingSourceConditionSinkProvided); c != nil && c.Status == corev1.ConditionFalse {
			r.mtadapter.Remove(source)
		}
		return newPingSourceSkipped()
	}
	r.mtadapter.Update(ctx, source)
	return newPingSourceSynchronized()
}

// removeFunc unschedules a source that is deleted or being deleted: its
// ticks stop as soon as its deletion starts, not once its finalizer is
// gone.
func (r *Reconciler) removeFunc(obj interface{}) {
	if obj == nil {
		return
	}
	acc, err := kmeta.DeletionHandlingAccessor(obj)
	if err != nil {
		return
	}
	if source, ok := acc.(*sourcesv1.PingSource); ok && source != nil {
		r.mtadapter.Remove(source)
	}
}

// isBeingDeleted tells whether obj is a PingSource with a deletion
// timestamp.
func isBeingDeleted(obj interface{}) bool {
	source, ok := obj.(*sourcesv1.PingSource)
	return ok && source.DeletionTimestamp != nil
}
