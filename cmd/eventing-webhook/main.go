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

// Command eventing-webhook is Knative Eventing's admission webhook:
// defaulting and validation of the Eventing, Messaging and Sources kinds and
// of the knative-eventing ConfigMaps, with self-managed certificates in
// Secret eventing-webhook-certs. As upstream, it also runs the SinkBinding
// reconciler and its binding webhook (SINK_BINDING_SELECTION_MODE=inclusion
// binds only where bindings.knative.dev/include=true).
package main

import (
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"
	"knative.dev/pkg/webhook"
	"knative.dev/pkg/webhook/certificates"

	"github.com/skiffhq/skiff/pkg/reconciler/sinkbinding"
	"github.com/skiffhq/skiff/pkg/webhook/eventing"
)

func main() {
	ctx := webhook.WithOptions(signals.NewContext(), webhook.Options{
		ServiceName: webhook.NameFromEnv(),
		Port:        webhook.PortFromEnv(8443),
		SecretName:  webhook.SecretNameFromEnv("eventing-webhook-certs"),
	})
	sharedmain.MainWithContext(ctx, "eventing-webhook",
		certificates.NewController,
		eventing.NewDefaultingAdmissionController,
		eventing.NewValidationAdmissionController,
		eventing.NewConfigValidationController,

		// For each binding we have a controller and a binding webhook.
		sinkbinding.NewController, sinkbinding.NewSinkBindingWebhook(sinkbinding.SelectorFromEnv()),
	)
}
