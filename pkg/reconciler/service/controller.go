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

package service

import (
	"context"

	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"

	cfgmap "github.com/skiffhq/skiff/pkg/apis/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	configurationinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	routeinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/route"
	kserviceinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/service"
	ksvcreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/service"
)

// NewController creates the Service controller: Services are reconciled
// when they change and when the Configuration or Route they control does.
func NewController(
	ctx context.Context,
	cmw configmap.Watcher,
) *controller.Impl {
	logger := logging.FromContext(ctx)
	serviceInformer := kserviceinformer.Get(ctx)
	routeInformer := routeinformer.Get(ctx)
	configurationInformer := configurationinformer.Get(ctx)
	revisionInformer := revisioninformer.Get(ctx)

	// Defaults are applied to existing children before comparing them, so
	// the store must hold config-defaults and config-features.
	configStore := cfgmap.NewStore(logger.Named("config-store"))
	configStore.WatchConfigs(cmw)

	c := NewReconciler(
		servingclient.Get(ctx),
		configurationInformer.Lister(),
		revisionInformer.Lister(),
		routeInformer.Lister(),
	)
	impl := ksvcreconciler.NewImpl(ctx, c, func(*controller.Impl) controller.Options {
		return controller.Options{ConfigStore: configStore}
	})

	serviceInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))

	handleControllerOf := cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterController(&v1.Service{}),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	}
	configurationInformer.Informer().AddEventHandler(handleControllerOf)
	routeInformer.Informer().AddEventHandler(handleControllerOf)

	return impl
}
