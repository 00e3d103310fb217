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

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

// ChannelOption enables further configuration of a Channel.
type ChannelOption func(*messagingv1.Channel)

// NewChannel creates a Channel with ChannelOptions, then defaults it (an
// InMemoryChannel template unless one was set).
func NewChannel(name, namespace string, o ...ChannelOption) *messagingv1.Channel {
	c := &messagingv1.Channel{
		TypeMeta: metav1.TypeMeta{
			APIVersion: "messaging.knative.dev/v1",
			Kind:       "Channel",
		},
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: namespace,
		},
	}
	for _, opt := range o {
		opt(c)
	}
	c.SetDefaults(context.Background())
	return c
}

// WithInitChannelConditions initializes the Channel's conditions.
func WithInitChannelConditions(c *messagingv1.Channel) {
	c.Status.InitializeConditions()
}

// WithNoAnnotations removes the annotations.
func WithNoAnnotations(c *messagingv1.Channel) {
	c.ObjectMeta.Annotations = nil
}

// WithChannelGeneration sets metadata.generation.
func WithChannelGeneration(gen int64) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Generation = gen
	}
}

// WithChannelObservedGeneration sets status.observedGeneration.
func WithChannelObservedGeneration(gen int64) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.ObservedGeneration = gen
	}
}

// WithChannelDeleted marks the Channel as being deleted.
func WithChannelDeleted(c *messagingv1.Channel) {
	t := metav1.NewTime(time.Unix(1e9, 0))
	c.ObjectMeta.SetDeletionTimestamp(&t)
}

// WithChannelFinalizers sets the Channel's finalizers.
func WithChannelFinalizers(finalizers ...string) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Finalizers = finalizers
	}
}

// WithChannelTemplate sets spec.channelTemplate.
func WithChannelTemplate(typeMeta metav1.TypeMeta) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Spec.ChannelTemplate = &messagingv1.ChannelTemplateSpec{
			TypeMeta: typeMeta,
		}
	}
}

// WithChannelSubscribers sets spec.subscribers (as the subscription
// reconciler writes them).
func WithChannelSubscribers(subscribers []eventingduckv1.SubscriberSpec) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Spec.Subscribers = subscribers
	}
}

// WithBackingChannelFailed marks BackingChannelReady False.
func WithBackingChannelFailed(reason, msg string) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.MarkBackingChannelFailed(reason, msg)
	}
}

// WithBackingChannelUnknown marks BackingChannelReady Unknown.
func WithBackingChannelUnknown(reason, msg string) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.MarkBackingChannelUnknown(reason, msg)
	}
}

// WithBackingChannelReady marks BackingChannelReady True.
func WithBackingChannelReady(c *messagingv1.Channel) {
	c.Status.MarkBackingChannelReady()
}

// WithChannelDelivery sets spec.delivery.
func WithChannelDelivery(d *eventingduckv1.DeliverySpec) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Spec.Delivery = d
	}
}

// WithBackingChannelObjRef sets status.channel.
func WithBackingChannelObjRef(objRef *duckv1.KReference) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.Channel = objRef
	}
}

// WithChannelNoAddress clears the address (Addressable False).
func WithChannelNoAddress() ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.SetAddress(nil)
	}
}

// WithChannelAddress sets the address through SetAddress.
func WithChannelAddress(addr *duckv1.Addressable) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.SetAddress(addr)
	}
}

// WithChannelReadySubscriber adds a ready subscriber status.
func WithChannelReadySubscriber(uid string) ChannelOption {
	return WithChannelReadySubscriberAndGeneration(uid, 0)
}

// WithChannelReadySubscriberAndGeneration adds a ready subscriber status at
// a generation.
func WithChannelReadySubscriberAndGeneration(uid string, observedGeneration int64) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.Subscribers = append(c.Status.Subscribers, eventingduckv1.SubscriberStatus{
			UID:                types.UID(uid),
			ObservedGeneration: observedGeneration,
			Ready:              corev1.ConditionTrue,
		})
	}
}

// WithChannelSubscriberStatuses sets status.subscribers.
func WithChannelSubscriberStatuses(subscriberStatuses []eventingduckv1.SubscriberStatus) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.Subscribers = subscriberStatuses
	}
}

// WithChannelStatusDLS marks the dead letter sink resolved.
func WithChannelStatusDLS(ds eventingduckv1.DeliveryStatus) ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.MarkDeadLetterSinkResolvedSucceeded(ds)
	}
}

// WithChannelDLSUnknown marks the dead letter sink not configured
// (upstream's name).
func WithChannelDLSUnknown() ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.MarkDeadLetterSinkNotConfigured()
	}
}

// WithChannelDLSResolvedFailed marks the dead letter sink unresolvable.
func WithChannelDLSResolvedFailed() ChannelOption {
	return func(c *messagingv1.Channel) {
		c.Status.MarkDeadLetterSinkResolvedFailed(
			"Unable to get the DeadLetterSink's URI",
			fmt.Sprintf(`services "%s" not found`,
				c.Spec.Delivery.DeadLetterSink.Ref.Name,
			),
		)
	}
}
