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

// Command broker-ingress is the MTChannelBasedBroker ingress:
// POST /<namespace>/<broker> forwards CloudEvents to the broker's channel.
package main

import (
	"context"
	"net/http"

	"go.uber.org/zap"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/broker/dataplane"
	"github.com/skiffhq/skiff/pkg/broker/ingress"
	brokerinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/broker"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

func main() {
	dataplane.Main("mt_broker_ingress", "INGRESS_PORT", func(ctx context.Context, logger *zap.Logger, env dataplane.Env) (http.Handler, error) {
		brokers := brokerinformer.Get(ctx).Lister()
		getBroker := func(ns, name string) (*eventingv1.Broker, error) { return brokers.Brokers(ns).Get(name) }
		return ingress.NewHandler(logger,
			ingress.NewStatsReporter(env.ContainerName, env.ReporterName()),
			broker.TTLDefaulter(logger, env.MaxTTL),
			ingress.ChannelAddressFromBrokers(getBroker),
			kncloudevents.NewDispatcher()), nil
	})
}
