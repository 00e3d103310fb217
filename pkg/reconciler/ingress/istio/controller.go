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

package istio

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	endpointsinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints"
	podinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/pod"
	serviceinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/service"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/reconciler"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	ingressinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/ingress"
	ingressreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/networking/v1alpha1/ingress"
	istioclient "github.com/skiffhq/skiff/pkg/client/istio/injection/client"
	gatewayinformer "github.com/skiffhq/skiff/pkg/client/istio/injection/informers/networking/v1beta1/gateway"
	virtualserviceinformer "github.com/skiffhq/skiff/pkg/client/istio/injection/informers/networking/v1beta1/virtualservice"
	"github.com/skiffhq/skiff/pkg/ingress/status"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
)

// classFilter selects the KIngresses of the istio class.
var classFilter = reconciler.AnnotationFilterFunc(networking.IngressClassAnnotationKey, netcfg.IstioIngressClassName, false)

// NewController returns the net-istio KIngress controller: KIngresses of
// the istio class are reconciled when they or their VirtualServices change,
// and all of them when config-istio or config-network changes.
func NewController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)
	virtualServiceInformer := virtualserviceinformer.Get(ctx)
	gatewayInformer := gatewayinformer.Get(ctx)
	serviceInformer := serviceinformer.Get(ctx)
	endpointsInformer := endpointsinformer.Get(ctx)
	podInformer := podinformer.Get(ctx)
	ingressInformer := ingressinformer.Get(ctx)

	r := &Reconciler{
		istioClientSet:       istioclient.Get(ctx),
		virtualServiceLister: virtualServiceInformer.Lister(),
	}
	impl := ingressreconciler.NewImpl(ctx, r, netcfg.IstioIngressClassName, func(impl *controller.Impl) controller.Options {
		resync := configmap.TypeFilter(&config.Istio{}, &netcfg.Config{})(func(string, interface{}) {
			impl.FilteredGlobalResync(classFilter, ingressInformer.Informer())
		})
		configStore := config.NewStore(logger.Named("config-store"), resync)
		configStore.WatchConfigs(cmw)
		return controller.Options{
			ConfigStore:       configStore,
			PromoteFilterFunc: classFilter,
		}
	})

	ingressInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: classFilter,
		Handler:    controller.HandleAll(impl.Enqueue),
	})
	virtualServiceInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterController(&v1alpha1.Ingress{}),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	})

	prober := status.NewProber(
		logger.Named("status-manager"),
		NewProbeTargetLister(logger.Named("probe-lister"), gatewayInformer.Lister(), endpointsInformer.Lister(), serviceInformer.Lister()),
		func(ing *v1alpha1.Ingress) {
			impl.EnqueueKey(types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name})
		})
	r.statusManager = prober
	prober.Start(ctx.Done())

	// A gateway pod that goes away cannot answer: stop waiting for it.
	podInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		DeleteFunc: prober.CancelPodProbing,
	})
	ingressInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		DeleteFunc: prober.CancelIngressProbing,
	})
	return impl
}
