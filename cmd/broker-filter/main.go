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

// Command broker-filter is the MTChannelBasedBroker filter:
// POST /triggers/<namespace>/<trigger>/<uid> applies the Trigger's filter
// and forwards matching events to its subscriber.
package main

import (
	"context"
	"net/http"

	"go.uber.org/zap"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/kmeta"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker/dataplane"
	"github.com/skiffhq/skiff/pkg/broker/filter"
	brokerinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/broker"
	triggerinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/trigger"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

func main() {
	dataplane.Main("mt_broker_filter", "FILTER_PORT", func(ctx context.Context, logger *zap.Logger, env dataplane.Env) (http.Handler, error) {
		triggers := triggerinformer.Get(ctx)
		brokers := brokerinformer.Get(ctx).Lister()
		h := filter.NewHandler(logger,
			filter.NewStatsReporter(env.ContainerName, env.ReporterName()),
			func(ns, name string) (*eventingv1.Trigger, error) { return triggers.Lister().Triggers(ns).Get(name) },
			func(ns, name string) (*eventingv1.Broker, error) { return brokers.Brokers(ns).Get(name) },
			kncloudevents.NewDispatcher())
		_, err := triggers.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			DeleteFunc: func(obj interface{}) {
				if acc, err := kmeta.DeletionHandlingAccessor(obj); err == nil {
					h.ForgetTrigger(acc.GetNamespace(), acc.GetName())
				}
			},
		})
		return h, err
	})
}
