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

package gc

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
	configreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/configuration"
	gcconfig "github.com/skiffhq/skiff/pkg/gc"
	configns "github.com/skiffhq/skiff/pkg/reconciler/gc/config"
)

const controllerAgentName = "revision-gc-controller"

// NewController creates the revision garbage collector: a second
// Configuration controller that only deletes Revisions.
func NewController(
	ctx context.Context,
	cmw configmap.Watcher,
) *controller.Impl {
	logger := logging.FromContext(ctx)
	configurationInformer := configurationinformer.Get(ctx)
	revisionInformer := revisioninformer.Get(ctx)

	c := &reconciler{
		client:         servingclient.Get(ctx),
		revisionLister: revisionInformer.Lister(),
		clock:          &clock.RealClock{},
	}
	return configreconciler.NewImpl(ctx, c, func(impl *controller.Impl) controller.Options {
		configurationInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))
		// A revision changing routing state may make another collectable.
		revisionInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
			FilterFunc: controller.FilterController(&v1.Configuration{}),
			Handler:    controller.HandleAll(impl.EnqueueControllerOf),
		})

		// A config-gc change re-evaluates every Configuration.
		resync := configmap.TypeFilter(&gcconfig.Config{})(func(string, interface{}) {
			impl.GlobalResync(configurationInformer.Informer())
		})
		configStore := configns.NewStore(logging.WithLogger(ctx, logger.Named("config-store")), resync)
		configStore.WatchConfigs(cmw)

		return controller.Options{
			ConfigStore: configStore,
			AgentName:   controllerAgentName,
			// The configuration reconciler owns the Configuration's status.
			SkipStatusUpdates: true,
		}
	})
}
