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

package pingsource

import (
	"context"

	"go.uber.org/zap"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/client-go/tools/cache"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	deploymentinformer "knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	"github.com/skiffhq/skiff/pkg/apis/feature"
	pingsourceinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/pingsource"
	pingsourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/pingsource"
	"github.com/skiffhq/skiff/pkg/reconciler/pingsource/resources"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

// NewController creates the PingSource reconciler.
func NewController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)

	leaderElectionConfig, err := sharedmain.GetLeaderElectionConfig(ctx)
	if err != nil {
		logger.Fatalw("Error loading leader election configuration", zap.Error(err))
	}
	cc := leaderElectionConfig.GetComponentConfig(component)
	leConfig, err := adapter.LeaderElectionComponentConfigToJSON(&cc)
	if err != nil {
		logger.Fatalw("Error converting leader election configuration to JSON", zap.Error(err))
	}

	deploymentInformer := deploymentinformer.Get(ctx)
	pingSourceInformer := pingsourceinformer.Get(ctx)

	var globalResync func(interface{})
	featureStore := feature.NewStore(logger.Named("feature-config-store"), func(string, interface{}) {
		if globalResync != nil {
			globalResync(nil)
		}
	})
	featureStore.WatchConfigs(cmw)

	r := &Reconciler{
		kubeClientSet:    kubeclient.Get(ctx),
		deploymentLister: deploymentInformer.Lister(),
		leConfig:         leConfig,
		configAcc:        reconcilersource.WatchConfigurations(ctx, component, cmw),
	}
	impl := pingsourcereconciler.NewImpl(ctx, r, func(*controller.Impl) controller.Options {
		return controller.Options{ConfigStore: featureStore}
	})
	globalResync = func(interface{}) {
		impl.GlobalResync(pingSourceInformer.Informer())
	}
	r.tracker = impl.Tracker
	r.sinkResolver = resolver.NewURIResolverFromTracker(ctx, impl.Tracker)

	pingSourceInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))

	// Every source tracks the shared adapter Deployment.
	deploymentInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterWithNameAndNamespace(system.Namespace(), resources.MTAdapterName),
		Handler: controller.HandleAll(controller.EnsureTypeMeta(
			r.tracker.OnChanged, appsv1.SchemeGroupVersion.WithKind("Deployment"))),
	})
	return impl
}
