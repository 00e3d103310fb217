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

// Package sources is the table-test factory of the source reconcilers:
// eventing's factory (fake kube, Skiff and dynamic clients, ducks, event
// recorder) with listers for the sources.knative.dev kinds and what the
// source reconcilers read (Deployments, Namespaces).
package sources

import (
	"context"

	gotesting "testing"

	"go.uber.org/zap"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/reconciler/testing"

	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	sourceslisters "github.com/skiffhq/skiff/pkg/client/listers/sources/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
)

// Listers serve the table row's objects.
type Listers struct {
	sorter testing.ObjectSorter
}

// NewListers indexes objs.
func NewListers(objs []runtime.Object) Listers {
	ls := Listers{sorter: testing.NewObjectSorter(eventing.NewScheme())}
	ls.sorter.AddObjects(objs...)
	return ls
}

// Ctor builds the reconciler under test from the faked context.
type Ctor func(context.Context, *Listers, configmap.Watcher) controller.Reconciler

// MakeFactory is eventing.MakeFactory with the sources' listers.
func MakeFactory(ctor Ctor, logger *zap.SugaredLogger) testing.Factory {
	return func(t *gotesting.T, r *testing.TableRow) (controller.Reconciler, testing.ActionRecorderList, testing.EventList) {
		ls := NewListers(r.Objects)
		return eventing.MakeFactory(func(ctx context.Context, _ *eventing.Listers, cmw configmap.Watcher) controller.Reconciler {
			return ctor(ctx, &ls, cmw)
		}, logger)(t, r)
	}
}

// GetPingSourceLister lists the row's PingSources.
func (l *Listers) GetPingSourceLister() sourceslisters.PingSourceLister {
	return sourceslisters.NewPingSourceLister(l.sorter.IndexerForObjectType(&sourcesv1.PingSource{}))
}

// GetApiServerSourceLister lists the row's ApiServerSources.
func (l *Listers) GetApiServerSourceLister() sourceslisters.ApiServerSourceLister {
	return sourceslisters.NewApiServerSourceLister(l.sorter.IndexerForObjectType(&sourcesv1.ApiServerSource{}))
}

// GetContainerSourceLister lists the row's ContainerSources.
func (l *Listers) GetContainerSourceLister() sourceslisters.ContainerSourceLister {
	return sourceslisters.NewContainerSourceLister(l.sorter.IndexerForObjectType(&sourcesv1.ContainerSource{}))
}

// GetSinkBindingLister lists the row's SinkBindings.
func (l *Listers) GetSinkBindingLister() sourceslisters.SinkBindingLister {
	return sourceslisters.NewSinkBindingLister(l.sorter.IndexerForObjectType(&sourcesv1.SinkBinding{}))
}

// GetDeploymentLister lists the row's Deployments.
func (l *Listers) GetDeploymentLister() appsv1listers.DeploymentLister {
	return appsv1listers.NewDeploymentLister(l.sorter.IndexerForObjectType(&appsv1.Deployment{}))
}

// GetNamespaceLister lists the row's Namespaces.
func (l *Listers) GetNamespaceLister() corev1listers.NamespaceLister {
	return corev1listers.NewNamespaceLister(l.sorter.IndexerForObjectType(&corev1.Namespace{}))
}
