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

package apiserversource

import (
	"context"

	"github.com/kelseyhightower/envconfig"
	"k8s.io/client-go/tools/cache"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	deploymentinformer "knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment"
	"knative.dev/pkg/client/injection/kube/informers/core/v1/namespace"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/resolver"

	"github.com/skiffhq/skiff/pkg/apis/feature"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	apiserversourceinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/apiserversource"
	apiserversourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/apiserversource"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

// envConfig is the controller's environment: the adapter image.
type envConfig struct {
	Image string `envconfig:"APISERVER_RA_IMAGE" required:"true"`
}

// NewController creates the ApiServerSource reconciler.
func NewController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)

	env := &envConfig{}
	if err := envconfig.Process("", env); err != nil {
		logger.Panicf("unable to process APIServerSource's required environment variables: %v", err)
	}

	deploymentInformer := deploymentinformer.Get(ctx)
	apiServerSourceInformer := apiserversourceinformer.Get(ctx)
	namespaceInformer := namespace.Get(ctx)

	var globalResync func(interface{})
	featureStore := feature.NewStore(logger.Named("feature-config-store"), func(string, interface{}) {
		if globalResync != nil {
			globalResync(nil)
		}
	})
	featureStore.WatchConfigs(cmw)

	r := &Reconciler{
		kubeClientSet:       kubeclient.Get(ctx),
		deploymentLister:    deploymentInformer.Lister(),
		namespaceLister:     namespaceInformer.Lister(),
		receiveAdapterImage: env.Image,
		ceSource:            GetCfgHost(ctx),
		configs:             reconcilersource.WatchConfigurations(ctx, component, cmw),
	}
	impl := apiserversourcereconciler.NewImpl(ctx, r, func(*controller.Impl) controller.Options {
		return controller.Options{ConfigStore: featureStore}
	})
	globalResync = func(interface{}) {
		impl.GlobalResync(apiServerSourceInformer.Informer())
	}
	r.sinkResolver = resolver.NewURIResolverFromTracker(ctx, impl.Tracker)

	apiServerSourceInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))

	deploymentInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterController(&v1.ApiServerSource{}),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	})

	// A namespace appearing, going or relabelled changes what the sources
	// with a namespace selector watch.
	namespaceInformer.Informer().AddEventHandler(controller.HandleAll(func(interface{}) {
		globalResync(nil)
	}))
	return impl
}
