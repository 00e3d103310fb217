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

// Package serving holds the admission controllers of the Serving webhook:
// defaulting and validation of every serving.knative.dev,
// autoscaling.internal.knative.dev and networking.internal.knative.dev kind,
// and validation of the knative-serving ConfigMaps.
package serving

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

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	apisconfig "github.com/skiffhq/skiff/pkg/apis/config"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	networkingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	servingv1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	autoscalerconfig "github.com/skiffhq/skiff/pkg/autoscaler/config"
	"github.com/skiffhq/skiff/pkg/deployment"
	"github.com/skiffhq/skiff/pkg/gc"
	routecfg "github.com/skiffhq/skiff/pkg/reconciler/route/config"
)

// Admission webhook names, as upstream Knative Serving registers them, so
// config/core/webhooks matches and existing clusters' objects line up.
const (
	DefaultingName       = "webhook.serving.knative.dev"
	ValidationName       = "validation.webhook.serving.knative.dev"
	ConfigValidationName = "config.webhook.serving.knative.dev"
)

// Types is every kind the Serving webhook defaults and validates.
var Types = map[schema.GroupVersionKind]resourcesemantics.GenericCRD{
	servingv1.SchemeGroupVersion.WithKind("Service"):                    &servingv1.Service{},
	servingv1.SchemeGroupVersion.WithKind("Configuration"):              &servingv1.Configuration{},
	servingv1.SchemeGroupVersion.WithKind("Revision"):                   &servingv1.Revision{},
	servingv1.SchemeGroupVersion.WithKind("Route"):                      &servingv1.Route{},
	autoscalingv1alpha1.SchemeGroupVersion.WithKind("PodAutoscaler"):    &autoscalingv1alpha1.PodAutoscaler{},
	autoscalingv1alpha1.SchemeGroupVersion.WithKind("Metric"):           &autoscalingv1alpha1.Metric{},
	networkingv1alpha1.SchemeGroupVersion.WithKind("Ingress"):           &networkingv1alpha1.Ingress{},
	networkingv1alpha1.SchemeGroupVersion.WithKind("ServerlessService"): &networkingv1alpha1.ServerlessService{},
}

// configStore watches config-defaults, config-features and
// config-autoscaler; its ToContext puts them into the admission context,
// where SetDefaults and Validate read them.
func configStore(ctx context.Context, cmw configmap.Watcher) *apisconfig.Store {
	store := apisconfig.NewStore(logging.FromContext(ctx).Named("config-store"))
	store.WatchConfigs(cmw)
	return store
}

// NewDefaultingAdmissionController defaults every Serving kind.
func NewDefaultingAdmissionController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	return defaulting.NewAdmissionController(ctx, DefaultingName, "/defaulting", Types,
		configStore(ctx, cmw).ToContext, true /* disallow unknown fields */)
}

// NewValidationAdmissionController validates every Serving kind, including
// immutability checks on update (the old object is in the context).
func NewValidationAdmissionController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	return validation.NewAdmissionController(ctx, ValidationName, "/resource-validation", Types,
		configStore(ctx, cmw).ToContext, true /* disallow unknown fields */)
}

// NewConfigValidationController rejects malformed knative-serving ConfigMaps
// before they reach the components.
func NewConfigValidationController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	return configmaps.NewAdmissionController(ctx, ConfigValidationName, "/config-validation", ConfigConstructors)
}

// ConfigConstructors parses each knative-serving ConfigMap the webhook
// validates.
var ConfigConstructors = configmap.Constructors{
	apisconfig.DefaultsConfigName:  apisconfig.NewDefaultsConfigFromConfigMap,
	apisconfig.FeaturesConfigName:  apisconfig.NewFeaturesConfigFromConfigMap,
	autoscalerconfig.ConfigName:    autoscalerconfig.NewConfigFromConfigMap,
	deployment.ConfigName:          deployment.NewConfigFromConfigMap,
	gc.ConfigName:                  gc.NewConfigFromConfigMap,
	netcfg.ConfigMapName:           netcfg.NewConfigFromConfigMap,
	routecfg.DomainConfigName:      routecfg.NewDomainFromConfigMap,
	logging.ConfigMapName():        logging.NewConfigFromConfigMap,
	leaderelection.ConfigMapName(): leaderelection.NewConfigFromConfigMap,
	metrics.ConfigMapName():        metrics.NewObservabilityConfigFromConfigMap,
	tracingconfig.ConfigName:       tracingconfig.NewTracingConfigFromConfigMap,
}
