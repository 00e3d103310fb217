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

// Package resources builds what the channel-based broker and its triggers
// own: the trigger channel and the triggers' Subscriptions.
package resources

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"knative.dev/pkg/kmeta"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/apis/messaging"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources/names"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

// TriggerChannelLabels are the labels of a broker's trigger channel.
func TriggerChannelLabels(brokerName string) map[string]string {
	return map[string]string{
		eventing.BrokerLabelKey:                 brokerName,
		"eventing.knative.dev/brokerEverything": "true",
	}
}

// TriggerChannelAnnotations are the annotations of a broker's trigger
// channel: cluster scope (the shared dispatcher serves it) and any
// messaging.knative.dev/* annotation of the broker, passed through.
func TriggerChannelAnnotations(b *eventingv1.Broker) map[string]string {
	annotations := map[string]string{
		eventing.ScopeAnnotationKey: eventing.ScopeCluster,
	}
	for k, v := range b.GetAnnotations() {
		if strings.HasPrefix(k, messaging.GroupName) {
			annotations[k] = v
		}
	}
	return annotations
}

// MakeTriggerChannel builds the broker's trigger channel,
// <broker>-kne-trigger, of the template's kind, carrying the broker's
// delivery spec and the template's own spec.
func MakeTriggerChannel(b *eventingv1.Broker, template messagingv1.ChannelTemplateSpec) (*unstructured.Unstructured, error) {
	return duck.NewPhysicalChannel(
		template.TypeMeta,
		metav1.ObjectMeta{
			Name:            names.TriggerChannelName(b.Name),
			Namespace:       b.Namespace,
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(b)},
			Labels:          TriggerChannelLabels(b.Name),
			Annotations:     TriggerChannelAnnotations(b),
		},
		duck.WithChannelableSpec(eventingduckv1.ChannelableSpec{Delivery: b.Spec.Delivery}),
		duck.WithPhysicalChannelSpec(template.Spec),
	)
}
