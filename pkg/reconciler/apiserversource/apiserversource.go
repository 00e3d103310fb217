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

// Package apiserversource reconciles ApiServerSources: it resolves the
// sink, finds the namespaces to watch, checks with SubjectAccessReviews
// that the source's ServiceAccount may get, list and watch every resource
// there (a source without the permissions is not Ready, naming what is
// missing, instead of running an adapter that crash-loops), and runs one
// receive adapter Deployment per source as that ServiceAccount.
package apiserversource

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"

	apisources "github.com/skiffhq/skiff/pkg/apis/sources"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	apiserversourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/apiserversource"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

const (
	apiserversourceDeploymentCreated = "ApiServerSourceDeploymentCreated"
	apiserversourceDeploymentUpdated = "ApiServerSourceDeploymentUpdated"

	// NoSufficientPermissionsReason is the reason of a False
	// SufficientPermissions condition.
	NoSufficientPermissionsReason = "NoSufficientPermissions"

	// component names the adapter in config-logging.
	component = "apiserversource"
)

func newWarningSinkNotFound(sink *duckv1.Destination) pkgreconciler.Event {
	b, _ := json.Marshal(sink)
	return pkgreconciler.NewEvent(corev1.EventTypeWarning, "SinkNotFound", "Sink not found: %s", string(b))
}

// Reconciler reconciles ApiServerSources.
type Reconciler struct {
	kubeClientSet kubernetes.Interface

	deploymentLister appsv1listers.DeploymentLister
	namespaceLister  corev1listers.NamespaceLister

	// receiveAdapterImage is the adapter's image (APISERVER_RA_IMAGE).
	receiveAdapterImage string
	// ceSource is the events' source: the apiserver's URL.
	ceSource     string
	sinkResolver *resolver.URIResolver
	configs      reconcilersource.ConfigAccessor
}

// Check that our Reconciler implements Interface and Finalizer.
var (
	_ apiserversourcereconciler.Interface = (*Reconciler)(nil)
	_ apiserversourcereconciler.Finalizer = (*Reconciler)(nil)
)

// ReconcileKind runs the phases in order; each stops the reconcile when
// it fails, so no adapter runs without a sink or without permissions.
func (r *Reconciler) ReconcileKind(ctx context.Context, source *v1.ApiServerSource) pkgreconciler.Event {
	reconcilersource.ReconcileOIDCIdentity(ctx, &source.Status)
	for _, phase := range []func(context.Context, *v1.ApiServerSource) error{
		r.reconcileSink,
		r.reconcileNamespaces,
		r.reconcilePermissions,
		r.reconcileReceiveAdapter,
		r.reconcileEventTypes,
	} {
		if err := phase(ctx, source); err != nil {
			return err
		}
	}
	return nil
}

// FinalizeKind clears the advertised event types of a deleted source; its
// adapter goes with it (owner reference).
func (r *Reconciler) FinalizeKind(ctx context.Context, source *v1.ApiServerSource) pkgreconciler.Event {
	logging.FromContext(ctx).Info("Deleting source")
	source.Status.CloudEventAttributes = []duckv1.CloudEventAttributes{}
	return nil
}

// reconcileEventTypes advertises the event types of the source's mode.
func (r *Reconciler) reconcileEventTypes(_ context.Context, src *v1.ApiServerSource) error {
	var eventTypes []string
	switch src.Spec.EventMode {
	case v1.ReferenceMode:
		eventTypes = apisources.ApiServerSourceEventReferenceModeTypes
	case v1.ResourceMode:
		eventTypes = apisources.ApiServerSourceEventResourceModeTypes
	default:
		src.Status.CloudEventAttributes = []duckv1.CloudEventAttributes{}
		return fmt.Errorf("no EventType available for EventMode: %s", src.Spec.EventMode)
	}
	attrs := make([]duckv1.CloudEventAttributes, 0, len(eventTypes))
	for _, t := range eventTypes {
		attrs = append(attrs, duckv1.CloudEventAttributes{Type: t, Source: r.ceSource})
	}
	src.Status.CloudEventAttributes = attrs
	return nil
}
