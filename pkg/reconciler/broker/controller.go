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
package broker

import (
	"context"

	"go.uber.org/zap"
	"k8s.io/client-go/tools/cache"
	configmapinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/configmap"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection/clients/dynamicclient"
	namespacedinformerfactory "knative.dev/pkg/injection/clients/namespacedkube/informers/factory"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
	brokerinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/broker"
	brokerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/broker"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources/names"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

// NewController creates the MTChannelBasedBroker reconciler.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)
	brokerInformer := brokerinformer.Get(ctx)
	configmapInformer := configmapinformer.Get(ctx)

	// Only the shared filter's and ingress's Endpoints matter, all in the
	// system namespace: watch just that namespace.
	endpointsInformer := namespacedinformerfactory.Get(ctx).Core().V1().Endpoints()
	if err := controller.StartInformers(ctx.Done(), endpointsInformer.Informer()); err != nil {
		logger.Fatalw("Failed to start namespaced endpoints informer", zap.Error(err))
	}

	brokerFilter := pkgreconciler.AnnotationFilterFunc(brokerreconciler.ClassAnnotationKey, eventing.MTChannelBrokerClassValue, false /*allowUnset*/)

	r := &Reconciler{
		dynamicClientSet: dynamicclient.Get(ctx),
		endpointsLister:  endpointsInformer.Lister(),
		configmapLister:  configmapInformer.Lister(),
	}
	impl := brokerreconciler.NewImpl(ctx, r, eventing.MTChannelBrokerClassValue, func(*controller.Impl) controller.Options {
		return controller.Options{PromoteFilterFunc: brokerFilter}
	})
	r.channelableTracker = duck.NewListableTrackerFromTracker(ctx, channelable.Get, impl.Tracker)
	r.uriResolver = resolver.NewURIResolverFromTracker(ctx, impl.Tracker)

	brokerInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: brokerFilter,
		Handler:    controller.HandleAll(impl.Enqueue),
	})

	// The shared filter and ingress serve every broker: when their
	// endpoints change (e.g. during installation), look at all brokers again.
	globalResync := func(interface{}) {
		impl.FilteredGlobalResync(brokerFilter, brokerInformer.Informer())
	}
	for _, name := range []string{names.BrokerFilterName, names.BrokerIngressName} {
		endpointsInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
			FilterFunc: pkgreconciler.ChainFilterFuncs(
				pkgreconciler.NamespaceFilterFunc(system.Namespace()),
				pkgreconciler.NameFilterFunc(name)),
			Handler: controller.HandleAll(globalResync),
		})
	}
	return impl
}
