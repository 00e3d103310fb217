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
// Command eventing-controller is Knative Eventing's controller: the
// MTChannelBasedBroker and its triggers (upstream's mt-broker-controller),
// and the generic Channel and the Subscription reconcilers (upstream's
// cmd/controller), and the sources: PingSource, ApiServerSource and
// ContainerSource (the SinkBinding reconciler runs in the eventing webhook,
// as upstream). It runs as the ServiceAccount eventing-controller, the
// only one the webhook lets change channels' subscribers.
package main

import (
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/reconciler/apiserversource"
	"github.com/skiffhq/skiff/pkg/reconciler/broker"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/trigger"
	"github.com/skiffhq/skiff/pkg/reconciler/channel"
	"github.com/skiffhq/skiff/pkg/reconciler/containersource"
	"github.com/skiffhq/skiff/pkg/reconciler/pingsource"
	"github.com/skiffhq/skiff/pkg/reconciler/subscription"
)

func main() {
	sharedmain.MainWithContext(signals.NewContext(), "eventing-controller",
		// Messaging
		channel.NewController,
		subscription.NewController,

		// Eventing: the channel-based broker
		broker.NewController,
		trigger.NewController,

		// Sources
		apiserversource.NewController,
		containersource.NewController,
		pingsource.NewController,
	)
}
