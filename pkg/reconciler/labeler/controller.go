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

package labeler

import (
	"context"

	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	configurationinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	routeinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/route"
	routereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/route"
	"github.com/skiffhq/skiff/pkg/reconciler/configuration/config"
)

// NewController returns the labeler: a second Route controller that marks
// the Configurations and Revisions each Route references.
func NewController(
	ctx context.Context,
	cmw configmap.Watcher,
) *controller.Impl {
	logger := logging.FromContext(ctx)
	routeInformer := routeinformer.Get(ctx)
	configInformer := configurationinformer.Get(ctx)
	revisionInformer := revisioninformer.Get(ctx)

	configStore := config.NewStore(logger.Named("config-store"))
	configStore.WatchConfigs(cmw)

	c := &Reconciler{}
	impl := routereconciler.NewImpl(ctx, c, func(*controller.Impl) controller.Options {
		return controller.Options{
			ConfigStore: configStore,
			// The route reconciler owns the Route's status.
			SkipStatusUpdates: true,
		}
	})

	routeInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))
	// Forget what a deleted Route tracked.
	routeInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		DeleteFunc: impl.Tracker.OnDeletedObserver,
	})

	// A referenced Configuration or Revision that appears or changes
	// requeues the Routes that reference it.
	configInformer.Informer().AddEventHandler(controller.HandleAll(
		controller.EnsureTypeMeta(
			impl.Tracker.OnChanged,
			v1.SchemeGroupVersion.WithKind("Configuration"),
		),
	))
	revisionInformer.Informer().AddEventHandler(controller.HandleAll(
		controller.EnsureTypeMeta(
			impl.Tracker.OnChanged,
			v1.SchemeGroupVersion.WithKind("Revision"),
		),
	))

	client := servingclient.Get(ctx)
	clock := &clock.RealClock{}
	c.caccV2 = newConfigurationAccessor(client, impl.Tracker, configInformer.Lister(), configInformer.Informer().GetIndexer(), clock)
	c.raccV2 = newRevisionAccessor(client, impl.Tracker, revisionInformer.Lister(), revisionInformer.Informer().GetIndexer(), clock)

	return impl
}
