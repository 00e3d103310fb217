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

package route

import (
	"context"

	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	endpointsinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints"
	serviceinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/service"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	ingressinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/ingress"
	configurationinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	routeinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/route"
	routereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/route"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
)

// NewController returns the Route controller: Routes are reconciled when
// they change, when a KIngress or placeholder Service they own changes, when
// a Configuration or Revision their traffic refers to changes, and all of
// them when config-domain or config-network changes.
func NewController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	return newController(ctx, cmw, clock.RealClock{})
}

type reconcilerOption func(*Reconciler)

func newController(ctx context.Context, cmw configmap.Watcher, clock clock.PassiveClock, opts ...reconcilerOption) *controller.Impl {
	logger := logging.FromContext(ctx)
	serviceInformer := serviceinformer.Get(ctx)
	endpointsInformer := endpointsinformer.Get(ctx)
	routeInformer := routeinformer.Get(ctx)
	configInformer := configurationinformer.Get(ctx)
	revisionInformer := revisioninformer.Get(ctx)
	ingressInformer := ingressinformer.Get(ctx)

	c := &Reconciler{
		kubeclient:          kubeclient.Get(ctx),
		client:              servingclient.Get(ctx),
		configurationLister: configInformer.Lister(),
		revisionLister:      revisionInformer.Lister(),
		serviceLister:       serviceInformer.Lister(),
		endpointsLister:     endpointsInformer.Lister(),
		ingressLister:       ingressInformer.Lister(),
		clock:               clock,
	}
	impl := routereconciler.NewImpl(ctx, c, func(impl *controller.Impl) controller.Options {
		// Hosts depend on these two: every Route is recomputed on change.
		resync := configmap.TypeFilter(&netcfg.Config{}, &config.Domain{})(func(string, interface{}) {
			impl.GlobalResync(routeInformer.Informer())
		})
		configStore := config.NewStore(logging.WithLogger(ctx, logger.Named("config-store")), resync)
		configStore.WatchConfigs(cmw)
		return controller.Options{ConfigStore: configStore}
	})
	c.enqueueAfter = impl.EnqueueAfter

	routeInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))

	handleControllerOf := cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterController(&v1.Route{}),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	}
	serviceInformer.Informer().AddEventHandler(handleControllerOf)
	ingressInformer.Informer().AddEventHandler(handleControllerOf)

	c.tracker = impl.Tracker
	// Forget what a Route tracked once it is gone.
	routeInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		DeleteFunc: c.tracker.OnDeletedObserver,
	})

	// Objects coming through informers may lack TypeMeta, which the tracker
	// matches on; EnsureTypeMeta fills it in.
	configInformer.Informer().AddEventHandler(controller.HandleAll(
		controller.EnsureTypeMeta(c.tracker.OnChanged, v1.SchemeGroupVersion.WithKind("Configuration")),
	))
	revisionInformer.Informer().AddEventHandler(controller.HandleAll(
		controller.EnsureTypeMeta(c.tracker.OnChanged, v1.SchemeGroupVersion.WithKind("Revision")),
	))

	for _, opt := range opts {
		opt(c)
	}
	return impl
}
