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

package kpa

import (
	"context"

	"k8s.io/client-go/tools/cache"
	podinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/pod"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/autoscaling/v1alpha1/podscalable"
	metricinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/autoscaling/v1alpha1/metric"
	painformer "github.com/skiffhq/skiff/pkg/client/injection/informers/autoscaling/v1alpha1/podautoscaler"
	sksinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/serverlessservice"
	pareconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/autoscaling/v1alpha1/podautoscaler"
	"github.com/skiffhq/skiff/pkg/deployment"
	areconciler "github.com/skiffhq/skiff/pkg/reconciler/autoscaling"
	"github.com/skiffhq/skiff/pkg/reconciler/autoscaling/config"
	"github.com/skiffhq/skiff/pkg/reconciler/autoscaling/kpa/resources"
)

// NewController returns a new KPA reconcile controller. deciders is the
// autoscaler (its MultiScaler); the controller re-reconciles a PA whenever
// deciders reports a new decision for it. To run it with sharedmain, close
// over the deciders:
//
//	func(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
//		return kpa.NewController(ctx, cmw, multiScaler)
//	}
func NewController(
	ctx context.Context,
	cmw configmap.Watcher,
	deciders resources.Deciders,
) *controller.Impl {
	logger := logging.FromContext(ctx)
	paInformer := painformer.Get(ctx)
	sksInformer := sksinformer.Get(ctx)
	// Upstream watches only pods labelled with a revision UID through a
	// filtered informer; its injection package is not vendored, so this
	// informer sees every pod and the handler below filters.
	podsInformer := podinformer.Get(ctx)
	metricInformer := metricinformer.Get(ctx)
	psInformerFactory := podscalable.Get(ctx)

	onlyKPAClass := pkgreconciler.AnnotationFilterFunc(
		autoscaling.ClassAnnotationKey, autoscaling.KPA, false /*allowUnset*/)

	c := &Reconciler{
		Base: &areconciler.Base{
			Client:       servingclient.Get(ctx),
			SKSLister:    sksInformer.Lister(),
			MetricLister: metricInformer.Lister(),
		},
		podsLister: podsInformer.Lister(),
		deciders:   deciders,
	}
	impl := pareconciler.NewImpl(ctx, c, autoscaling.KPA, func(impl *controller.Impl) controller.Options {
		logger.Info("Setting up ConfigMap receivers")
		configsToResync := []interface{}{
			&autoscalerconfig.Config{},
			&deployment.Config{},
		}
		resync := configmap.TypeFilter(configsToResync...)(func(string, interface{}) {
			impl.FilteredGlobalResync(onlyKPAClass, paInformer.Informer())
		})
		configStore := config.NewStore(logger.Named("config-store"), resync)
		configStore.WatchConfigs(cmw)
		return controller.Options{ConfigStore: configStore}
	})
	c.scaler = newScaler(ctx, psInformerFactory, impl.EnqueueAfter)

	logger.Info("Setting up KPA-Class event handlers")

	paInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: onlyKPAClass,
		Handler:    controller.HandleAll(impl.Enqueue),
	})

	onlyPAControlled := controller.FilterController(&autoscalingv1alpha1.PodAutoscaler{})
	handleMatchingControllers := cache.FilteringResourceEventHandler{
		FilterFunc: pkgreconciler.ChainFilterFuncs(onlyKPAClass, onlyPAControlled),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	}
	sksInformer.Informer().AddEventHandler(handleMatchingControllers)
	metricInformer.Informer().AddEventHandler(handleMatchingControllers)

	// Watch the knative pods.
	podsInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: pkgreconciler.LabelExistsFilterFunc(serving.RevisionLabelKey),
		Handler:    controller.HandleAll(impl.EnqueueLabelOfNamespaceScopedResource("", serving.RevisionLabelKey)),
	})

	// Have the Deciders enqueue the PAs whose decisions have changed.
	deciders.Watch(impl.EnqueueKey)

	return impl
}
