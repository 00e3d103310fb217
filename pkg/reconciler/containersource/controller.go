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

package containersource

import (
	"context"

	"k8s.io/client-go/tools/cache"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	deploymentinformer "knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	eventingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	containersourceinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/containersource"
	sinkbindinginformer "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/sinkbinding"
	containersourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/containersource"
)

// NewController creates the ContainerSource reconciler.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	containersourceInformer := containersourceinformer.Get(ctx)
	sinkbindingInformer := sinkbindinginformer.Get(ctx)
	deploymentInformer := deploymentinformer.Get(ctx)

	r := &Reconciler{
		kubeClientSet:     kubeclient.Get(ctx),
		eventingClientSet: eventingclient.Get(ctx),
		deploymentLister:  deploymentInformer.Lister(),
		sinkBindingLister: sinkbindingInformer.Lister(),
	}
	impl := containersourcereconciler.NewImpl(ctx, r)

	containersourceInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))
	deploymentInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterControllerGVK(v1.SchemeGroupVersion.WithKind("ContainerSource")),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	})
	sinkbindingInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterControllerGVK(v1.SchemeGroupVersion.WithKind("ContainerSource")),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	})
	return impl
}
