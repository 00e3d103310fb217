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

// Package pingsource reconciles PingSources: it resolves the sink, makes
// sure the shared pingsource-mt-adapter Deployment runs (scaled up from
// zero, its environment current) and reports it in the source's status.
// The adapter itself (pkg/adapter/mtping) watches the PingSources and
// schedules the Ready ones.
package pingsource

import (
	"context"
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"

	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	pingsourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/pingsource"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

const (
	// pingSourceDeploymentUpdated is the event of the adapter's Deployment
	// being scaled up or given a new environment.
	pingSourceDeploymentUpdated = "PingSourceDeploymentUpdated"

	// component names the adapter in config-leader-election and
	// config-logging.
	component = "pingsource"
)

func newWarningSinkNotFound(sink *duckv1.Destination) pkgreconciler.Event {
	b, _ := json.Marshal(sink)
	return pkgreconciler.NewEvent(corev1.EventTypeWarning, "SinkNotFound", "Sink not found: %s", string(b))
}

// Reconciler reconciles PingSources.
type Reconciler struct {
	kubeClientSet    kubernetes.Interface
	deploymentLister appsv1listers.DeploymentLister

	tracker      tracker.Interface
	sinkResolver *resolver.URIResolver

	// configAcc gives the adapter's logging, metrics and tracing config.
	configAcc reconcilersource.ConfigAccessor
	// leConfig is the adapter's leader election configuration (JSON).
	leConfig string
}

// Check that our Reconciler implements Interface and Finalizer.
var (
	_ pingsourcereconciler.Interface = (*Reconciler)(nil)
	_ pingsourcereconciler.Finalizer = (*Reconciler)(nil)
)

// ReconcileKind resolves the source's sink, then runs the shared adapter.
func (r *Reconciler) ReconcileKind(ctx context.Context, source *sourcesv1.PingSource) pkgreconciler.Event {
	reconcilersource.ReconcileOIDCIdentity(ctx, &source.Status)
	for _, phase := range []func(context.Context, *sourcesv1.PingSource) error{
		r.reconcileSink,
		r.reconcileReceiveAdapter,
	} {
		if err := phase(ctx, source); err != nil {
			return err
		}
	}
	source.Status.CloudEventAttributes = []duckv1.CloudEventAttributes{{
		Type:   sourcesv1.PingSourceEventType,
		Source: sourcesv1.PingSourceSource(source.Namespace, source.Name),
	}}
	return nil
}

// FinalizeKind clears the advertised event types of a deleted source (the
// adapter stops its ticks as soon as it sees the deletion).
func (r *Reconciler) FinalizeKind(ctx context.Context, source *sourcesv1.PingSource) pkgreconciler.Event {
	logging.FromContext(ctx).Info("Deleting source")
	source.Status.CloudEventAttributes = []duckv1.CloudEventAttributes{}
	return nil
}
