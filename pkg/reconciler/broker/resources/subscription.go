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

package resources

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/broker/filter"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources/names"
)

// TriggerLabelKey labels a trigger's Subscription with the trigger's name.
const TriggerLabelKey = "eventing.knative.dev/trigger"

// SubscriptionName is <broker>-<trigger>-<uid>, shortened to a valid name.
func SubscriptionName(t *eventingv1.Trigger) string {
	return kmeta.ChildName(fmt.Sprintf("%s-%s-", t.Spec.Broker, t.Name), string(t.GetUID()))
}

// SubscriptionLabels are the labels of a trigger's Subscription.
func SubscriptionLabels(t *eventingv1.Trigger) map[string]string {
	return map[string]string{
		eventing.BrokerLabelKey: t.Spec.Broker,
		TriggerLabelKey:         t.Name,
	}
}

// FilterSubscriberURI is where the trigger channel sends a trigger's events:
// http://broker-filter.<system ns>.svc.cluster.local/triggers/<ns>/<trigger>/<uid>.
func FilterSubscriberURI(t *eventingv1.Trigger) *apis.URL {
	return &apis.URL{
		Scheme: "http",
		Host:   names.FilterHost(),
		Path:   filter.TriggerPath(t),
	}
}

// BrokerReply is the reply destination of a trigger's Subscription: the
// broker itself, resolved to its ingress address, so replies re-enter the
// broker.
func BrokerReply(b *eventingv1.Broker) *duckv1.Destination {
	return &duckv1.Destination{
		Ref: &duckv1.KReference{
			APIVersion: eventingv1.SchemeGroupVersion.String(),
			Kind:       "Broker",
			Name:       b.Name,
			Namespace:  b.Namespace,
		},
	}
}

// NewSubscription builds the Subscription of trigger t to the broker's
// trigger channel: the filter as subscriber, reply as given, and delivery
// (the trigger's, else the broker's), so the channel dispatcher retries and
// dead-letters on the trigger's behalf.
func NewSubscription(t *eventingv1.Trigger, brokerTrigger *corev1.ObjectReference, dest, reply *duckv1.Destination, delivery *eventingduckv1.DeliverySpec) *messagingv1.Subscription {
	return &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       t.Namespace,
			Name:            SubscriptionName(t),
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(t)},
			Labels:          SubscriptionLabels(t),
		},
		Spec: messagingv1.SubscriptionSpec{
			Channel: duckv1.KReference{
				APIVersion: brokerTrigger.APIVersion,
				Kind:       brokerTrigger.Kind,
				Name:       brokerTrigger.Name,
			},
			Subscriber: dest,
			Reply:      reply,
			Delivery:   delivery,
		},
	}
}
