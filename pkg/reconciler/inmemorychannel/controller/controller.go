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
package controller

import (
	"context"

	"k8s.io/client-go/tools/cache"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment"
	"knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints"
	"knative.dev/pkg/client/injection/kube/informers/core/v1/service"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/system"

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/client/injection/informers/messaging/v1/inmemorychannel"
	inmemorychannelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/inmemorychannel"
	"github.com/skiffhq/skiff/pkg/reconciler/inmemorychannel/controller/resources"
)

// NewController creates the InMemoryChannel reconciler.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	imcInformer := inmemorychannel.Get(ctx)
	deploymentInformer := deployment.Get(ctx)
	serviceInformer := service.Get(ctx)
	endpointsInformer := endpoints.Get(ctx)

	r := &Reconciler{
		kubeClientSet:    kubeclient.Get(ctx),
		systemNamespace:  system.Namespace(),
		deploymentLister: deploymentInformer.Lister(),
		serviceLister:    serviceInformer.Lister(),
		endpointsLister:  endpointsInformer.Lister(),
	}
	impl := inmemorychannelreconciler.NewImpl(ctx, r)
	r.uriResolver = resolver.NewURIResolverFromTracker(ctx, impl.Tracker)

	imcInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))

	// The dispatcher serves every channel: when its Deployment, Service or
	// Endpoints change, look at all channels again.
	globalResync := func(interface{}) {
		impl.GlobalResync(imcInformer.Informer())
	}
	dispatcher := pkgreconciler.ChainFilterFuncs(
		pkgreconciler.NamespaceFilterFunc(system.Namespace()),
		pkgreconciler.NameFilterFunc(resources.DispatcherName))
	for _, inf := range []cache.SharedIndexInformer{deploymentInformer.Informer(), serviceInformer.Informer(), endpointsInformer.Informer()} {
		inf.AddEventHandler(cache.FilteringResourceEventHandler{
			FilterFunc: dispatcher,
			Handler:    controller.HandleAll(globalResync),
		})
	}
	// A channel Service changed or deleted behind our back is repaired.
	serviceInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterController(&messagingv1.InMemoryChannel{}),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	})
	return impl
}
