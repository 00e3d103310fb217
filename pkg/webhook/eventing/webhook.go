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

// Package eventing holds the admission controllers of the Eventing webhook:
// defaulting and validation of every eventing.knative.dev,
// messaging.knative.dev and sources.knative.dev kind, and validation of the
// knative-eventing ConfigMaps.
package eventing

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/leaderelection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/metrics"
	tracingconfig "knative.dev/pkg/tracing/config"
	"knative.dev/pkg/webhook/configmaps"
	"knative.dev/pkg/webhook/resourcesemantics"
	"knative.dev/pkg/webhook/resourcesemantics/defaulting"
	"knative.dev/pkg/webhook/resourcesemantics/validation"

	eventingconfig "github.com/skiffhq/skiff/pkg/apis/eventing/config"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/apis/feature"
	messagingconfig "github.com/skiffhq/skiff/pkg/apis/messaging/config"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	sourcesconfig "github.com/skiffhq/skiff/pkg/apis/sources/config"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// Admission webhook names, as upstream Knative Eventing registers them.
const (
	DefaultingName       = "webhook.eventing.knative.dev"
	ValidationName       = "validation.webhook.eventing.knative.dev"
	ConfigValidationName = "config.webhook.eventing.knative.dev"
)

// Types is every kind the Eventing webhook defaults and validates.
var Types = map[schema.GroupVersionKind]resourcesemantics.GenericCRD{
	eventingv1.SchemeGroupVersion.WithKind("Broker"):           &eventingv1.Broker{},
	eventingv1.SchemeGroupVersion.WithKind("Trigger"):          &eventingv1.Trigger{},
	messagingv1.SchemeGroupVersion.WithKind("Channel"):         &messagingv1.Channel{},
	messagingv1.SchemeGroupVersion.WithKind("InMemoryChannel"): &messagingv1.InMemoryChannel{},
	messagingv1.SchemeGroupVersion.WithKind("Subscription"):    &messagingv1.Subscription{},
	sourcesv1.SchemeGroupVersion.WithKind("PingSource"):        &sourcesv1.PingSource{},
	sourcesv1.SchemeGroupVersion.WithKind("ApiServerSource"):   &sourcesv1.ApiServerSource{},
	sourcesv1.SchemeGroupVersion.WithKind("ContainerSource"):   &sourcesv1.ContainerSource{},
	sourcesv1.SchemeGroupVersion.WithKind("SinkBinding"):       &sourcesv1.SinkBinding{},
}

// contextFunc watches the ConfigMaps that defaults and validation read
// (config-br-defaults, default-ch-webhook, config-ping-defaults,
// config-features) and returns the decorator that puts them into the
// admission context.
func contextFunc(ctx context.Context, cmw configmap.Watcher) func(context.Context) context.Context {
	logger := logging.FromContext(ctx)
	brokers := eventingconfig.NewStore(logger.Named("config-store"))
	brokers.WatchConfigs(cmw)
	channels := messagingconfig.NewStore(logger.Named("channel-config-store"))
	channels.WatchConfigs(cmw)
	pings := sourcesconfig.NewStore(logger.Named("ping-config-store"))
	pings.WatchConfigs(cmw)
	features := feature.NewStore(logger.Named("feature-config-store"))
	features.WatchConfigs(cmw)
	return func(ctx context.Context) context.Context {
		return features.ToContext(pings.ToContext(channels.ToContext(brokers.ToContext(ctx))))
	}
}

// NewDefaultingAdmissionController defaults every Eventing kind (broker
// class, trigger broker label, channel template, delivery, ...).
func NewDefaultingAdmissionController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	return defaulting.NewAdmissionController(ctx, DefaultingName, "/defaulting", Types,
		contextFunc(ctx, cmw), true /* disallow unknown fields */)
}

// NewValidationAdmissionController validates every Eventing kind, including
// immutable fields on update (the old object is in the context).
func NewValidationAdmissionController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	return validation.NewAdmissionController(ctx, ValidationName, "/resource-validation", Types,
		contextFunc(ctx, cmw), true /* disallow unknown fields */)
}

// NewConfigValidationController rejects malformed knative-eventing
// ConfigMaps before they reach the components.
func NewConfigValidationController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	return configmaps.NewAdmissionController(ctx, ConfigValidationName, "/config-validation", ConfigConstructors)
}

// ConfigConstructors parses each knative-eventing ConfigMap the webhook
// validates.
var ConfigConstructors = configmap.Constructors{
	eventingconfig.DefaultsConfigName:         eventingconfig.NewDefaultsConfigFromConfigMap,
	messagingconfig.ChannelDefaultsConfigName: messagingconfig.NewChannelDefaultsConfigFromConfigMap,
	sourcesconfig.PingDefaultsConfigName:      sourcesconfig.NewPingDefaultsConfigFromConfigMap,
	feature.FlagsConfigName:                   feature.NewFlagsConfigFromConfigMap,
	logging.ConfigMapName():                   logging.NewConfigFromConfigMap,
	leaderelection.ConfigMapName():            leaderelection.NewConfigFromConfigMap,
	metrics.ConfigMapName():                   metrics.NewObservabilityConfigFromConfigMap,
	tracingconfig.ConfigName:                  tracingconfig.NewTracingConfigFromConfigMap,
}
