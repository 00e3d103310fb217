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

package eventing

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
)

// BrokerOption enables further configuration of a Broker.
type BrokerOption func(*eventingv1.Broker)

// NewBroker creates a Broker with BrokerOptions, then defaults it.
func NewBroker(name, namespace string, o ...BrokerOption) *eventingv1.Broker {
	b := &eventingv1.Broker{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: namespace,
			Name:      name,
		},
	}
	for _, opt := range o {
		opt(b)
	}
	b.SetDefaults(context.Background())
	return b
}

// WithInitBrokerConditions initializes the Broker's conditions.
func WithInitBrokerConditions(b *eventingv1.Broker) {
	b.Status.InitializeConditions()
}

// WithBrokerFinalizers sets the Broker's finalizers.
func WithBrokerFinalizers(finalizers ...string) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Finalizers = finalizers
	}
}

// WithBrokerAnnotation sets one annotation.
func WithBrokerAnnotation(key, value string) BrokerOption {
	return func(b *eventingv1.Broker) {
		if b.Annotations == nil {
			b.Annotations = map[string]string{}
		}
		b.Annotations[key] = value
	}
}

// WithBrokerLabel sets one label.
func WithBrokerLabel(key, value string) BrokerOption {
	return func(b *eventingv1.Broker) {
		if b.Labels == nil {
			b.Labels = map[string]string{}
		}
		b.Labels[key] = value
	}
}

// WithBrokerUID sets the Broker's UID.
func WithBrokerUID(uid string) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.UID = types.UID(uid)
	}
}

// WithBrokerResourceVersion sets the resource version.
func WithBrokerResourceVersion(rv string) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.ResourceVersion = rv
	}
}

// WithBrokerGeneration sets metadata.generation.
func WithBrokerGeneration(gen int64) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Generation = gen
	}
}

// WithBrokerStatusObservedGeneration sets status.observedGeneration.
func WithBrokerStatusObservedGeneration(gen int64) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.ObservedGeneration = gen
	}
}

// WithBrokerDeletionTimestamp marks the Broker as being deleted.
func WithBrokerDeletionTimestamp(b *eventingv1.Broker) {
	t := metav1.NewTime(time.Unix(1e9, 0))
	b.ObjectMeta.SetDeletionTimestamp(&t)
}

// WithBrokerConfig sets spec.config.
func WithBrokerConfig(config *duckv1.KReference) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Spec.Config = config
	}
}

// WithBrokerDelivery sets spec.delivery.
func WithBrokerDelivery(d *eventingduckv1.DeliverySpec) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Spec.Delivery = d
	}
}

// WithBrokerAddress sets the Broker's address through SetAddress.
func WithBrokerAddress(address *duckv1.Addressable) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.SetAddress(address)
	}
}

// WithBrokerAddressURI sets the Broker's address to uri.
func WithBrokerAddressURI(uri *apis.URL) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.SetAddress(&duckv1.Addressable{
			Name: &uri.Scheme,
			URL:  uri,
		})
	}
}

// WithBrokersAddresses sets status.addresses and marks the Broker Addressable.
func WithBrokersAddresses(addresses []duckv1.Addressable) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.Addresses = addresses
		b.GetConditionSet().Manage(b.GetStatus()).MarkTrue(eventingv1.BrokerConditionAddressable)
	}
}

// WithBrokerReady sets the status to ready, with no dead letter sink.
func WithBrokerReady(b *eventingv1.Broker) {
	b.Status = *eventingv1.TestHelper.ReadyBrokerStatusWithoutDLS()
}

// WithBrokerReadyWithDLS sets the status to ready, with a (blank) resolved
// dead letter sink.
func WithBrokerReadyWithDLS(b *eventingv1.Broker) {
	b.Status = *eventingv1.TestHelper.ReadyBrokerStatus()
}

// WithTriggerChannelFailed calls .Status.MarkTriggerChannelFailed on the Broker.
func WithTriggerChannelFailed(reason, msg string) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkTriggerChannelFailed(reason, msg)
	}
}

// WithFilterFailed calls .Status.MarkFilterFailed on the Broker.
func WithFilterFailed(reason, msg string) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkFilterFailed(reason, msg)
	}
}

// WithIngressFailed calls .Status.MarkIngressFailed on the Broker.
func WithIngressFailed(reason, msg string) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkIngressFailed(reason, msg)
	}
}

// WithTriggerChannelReady propagates an addressable trigger channel.
func WithTriggerChannelReady() BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.PropagateTriggerChannelReadiness(eventingv1.TestHelper.ReadyChannelStatus())
	}
}

// WithFilterAvailable propagates available filter endpoints.
func WithFilterAvailable() BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.PropagateFilterAvailability(eventingv1.TestHelper.AvailableEndpoints())
	}
}

// WithIngressAvailable propagates available ingress endpoints.
func WithIngressAvailable() BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.PropagateIngressAvailability(eventingv1.TestHelper.AvailableEndpoints())
	}
}

// WithBrokerClass sets the eventing.knative.dev/broker.class annotation.
func WithBrokerClass(bc string) BrokerOption {
	return WithBrokerAnnotation(eventing.BrokerClassKey, bc)
}

func withBrokerStatusAnnotation(key, value string) BrokerOption {
	return func(b *eventingv1.Broker) {
		if b.Status.Annotations == nil {
			b.Status.Annotations = make(map[string]string, 1)
		}
		b.Status.Annotations[key] = value
	}
}

// WithChannelAddressAnnotation sets the knative.dev/channelAddress status annotation.
func WithChannelAddressAnnotation(address string) BrokerOption {
	return withBrokerStatusAnnotation(eventing.BrokerChannelAddressStatusAnnotationKey, address)
}

// WithChannelCACertsAnnotation sets the knative.dev/channelCACerts status annotation.
func WithChannelCACertsAnnotation(caCerts string) BrokerOption {
	return withBrokerStatusAnnotation(eventing.BrokerChannelCACertsStatusAnnotationKey, caCerts)
}

// WithChannelAPIVersionAnnotation sets the knative.dev/channelAPIVersion status annotation.
func WithChannelAPIVersionAnnotation(apiVersion string) BrokerOption {
	return withBrokerStatusAnnotation(eventing.BrokerChannelAPIVersionStatusAnnotationKey, apiVersion)
}

// WithChannelKindAnnotation sets the knative.dev/channelKind status annotation.
func WithChannelKindAnnotation(kind string) BrokerOption {
	return withBrokerStatusAnnotation(eventing.BrokerChannelKindStatusAnnotationKey, kind)
}

// WithChannelNameAnnotation sets the knative.dev/channelName status annotation.
func WithChannelNameAnnotation(name string) BrokerOption {
	return withBrokerStatusAnnotation(eventing.BrokerChannelNameStatusAnnotationKey, name)
}

// WithChannelNamespaceAnnotation sets the knative.dev/channelNamespace status annotation.
func WithChannelNamespaceAnnotation(namespace string) BrokerOption {
	return withBrokerStatusAnnotation(eventing.BrokerChannelNamespaceStatusAnnotationKey, namespace)
}

// WithBrokerStatusDLS marks the dead letter sink resolved to dls.
func WithBrokerStatusDLS(dls duckv1.Addressable) BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.NewDeliveryStatusFromAddressable(&dls))
	}
}

// WithDeadLeaderSink sets spec.delivery.deadLetterSink (upstream's name,
// typo included, so upstream-style tests read the same).
func WithDeadLeaderSink(d duckv1.Destination) BrokerOption {
	return WithBrokerDeadLetterSink(d)
}

// WithBrokerDeadLetterSink sets spec.delivery.deadLetterSink.
func WithBrokerDeadLetterSink(d duckv1.Destination) BrokerOption {
	return func(b *eventingv1.Broker) {
		if b.Spec.Delivery == nil {
			b.Spec.Delivery = new(eventingduckv1.DeliverySpec)
		}
		b.Spec.Delivery.DeadLetterSink = &d
	}
}

// WithBrokerDeliveryRetries sets spec.delivery.retry.
func WithBrokerDeliveryRetries(retry int32) BrokerOption {
	return func(b *eventingv1.Broker) {
		if b.Spec.Delivery == nil {
			b.Spec.Delivery = new(eventingduckv1.DeliverySpec)
		}
		b.Spec.Delivery.Retry = &retry
	}
}

// WithAddressableUnknown marks Addressable Unknown with empty reason.
func WithAddressableUnknown() BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkBrokerAddressableUnknown("", "")
	}
}

// WithDLSResolvedFailed marks the dead letter sink unresolvable, as the
// broker reconciler does when the sink's ref does not exist.
func WithDLSResolvedFailed() BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkDeadLetterSinkResolvedFailed(
			"Unable to get the DeadLetterSink's URI",
			fmt.Sprintf(`brokers.eventing.knative.dev "%s" not found`,
				b.Spec.Delivery.DeadLetterSink.Ref.Name,
			),
		)
	}
}

// WithDLSNotConfigured marks DeadLetterSinkResolved True, not configured.
func WithDLSNotConfigured() BrokerOption {
	return func(b *eventingv1.Broker) {
		b.Status.MarkDeadLetterSinkNotConfigured()
	}
}
