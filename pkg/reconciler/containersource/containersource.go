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

// Package containersource reconciles ContainerSources: a Deployment runs
// the source's pod template, and a SinkBinding (<name>-sinkbinding) whose
// subject is that Deployment gives its containers K_SINK and
// K_CE_OVERRIDES; the source's status is the SinkBinding's (sink URI)
// plus the Deployment's availability.
package containersource

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	pkgreconciler "knative.dev/pkg/reconciler"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	containersourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/containersource"
	listers "github.com/skiffhq/skiff/pkg/client/listers/sources/v1"
)

const (
	sourceReconciled   = "ContainerSourceReconciled"
	deploymentCreated  = "ContainerSourceDeploymentCreated"
	deploymentUpdated  = "ContainerSourceDeploymentUpdated"
	sinkBindingCreated = "ContainerSourceSinkBindingCreated"
	sinkBindingUpdated = "ContainerSourceSinkBindingUpdated"
)

func newReconciledNormal(namespace, name string) pkgreconciler.Event {
	return pkgreconciler.NewEvent(corev1.EventTypeNormal, sourceReconciled, "ContainerSource reconciled: \"%s/%s\"", namespace, name)
}

// Reconciler reconciles ContainerSources.
type Reconciler struct {
	kubeClientSet     kubernetes.Interface
	eventingClientSet clientset.Interface

	sinkBindingLister listers.SinkBindingLister
	deploymentLister  appsv1listers.DeploymentLister
}

// Check that our Reconciler implements Interface.
var _ containersourcereconciler.Interface = (*Reconciler)(nil)

// ReconcileKind binds the sink first, so the Deployment's first pods
// already get K_SINK from the binding webhook.
func (r *Reconciler) ReconcileKind(ctx context.Context, source *v1.ContainerSource) pkgreconciler.Event {
	for _, phase := range []func(context.Context, *v1.ContainerSource) error{
		r.reconcileSinkBinding,
		r.reconcileReceiveAdapter,
	} {
		if err := phase(ctx, source); err != nil {
			return err
		}
	}
	return newReconciledNormal(source.Namespace, source.Name)
}
