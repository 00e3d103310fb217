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
	"errors"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

// SubscriptionOption enables further configuration of a Subscription.
type SubscriptionOption func(*messagingv1.Subscription)

// NewSubscription creates a Subscription with SubscriptionOptions, then
// defaults it.
func NewSubscription(name, namespace string, so ...SubscriptionOption) *messagingv1.Subscription {
	s := &messagingv1.Subscription{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: namespace,
		},
	}
	for _, opt := range so {
		opt(s)
	}
	s.SetDefaults(context.Background())
	return s
}

// NewSubscriptionWithoutNamespace creates a Subscription with
// SubscriptionOptions but without a namespace.
func NewSubscriptionWithoutNamespace(name string, so ...SubscriptionOption) *messagingv1.Subscription {
	return NewSubscription(name, "", so...)
}

// WithSubscriptionUID sets the UID.
func WithSubscriptionUID(uid types.UID) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.UID = uid
	}
}

// WithSubscriptionGeneration sets metadata.generation.
func WithSubscriptionGeneration(gen int64) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Generation = gen
	}
}

// WithSubscriptionStatusObservedGeneration sets status.observedGeneration.
func WithSubscriptionStatusObservedGeneration(gen int64) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Status.ObservedGeneration = gen
	}
}

// WithSubscriptionGenerateName sets metadata.generateName.
func WithSubscriptionGenerateName(generateName string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.ObjectMeta.GenerateName = generateName
	}
}

// WithInitSubscriptionConditions initializes the Subscription's conditions.
func WithInitSubscriptionConditions(s *messagingv1.Subscription) {
	s.Status.InitializeConditions()
}

// WithSubscriptionReady replaces the status with a ready one.
func WithSubscriptionReady(s *messagingv1.Subscription) {
	s.Status = *eventingv1.TestHelper.ReadySubscriptionStatus()
}

// WithSubscriptionDeleted marks the Subscription as being deleted.
func WithSubscriptionDeleted(s *messagingv1.Subscription) {
	t := metav1.NewTime(time.Unix(1e9, 0))
	s.ObjectMeta.SetDeletionTimestamp(&t)
}

// WithSubscriptionOwnerReferences sets the owner references.
func WithSubscriptionOwnerReferences(ownerReferences []metav1.OwnerReference) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.ObjectMeta.OwnerReferences = ownerReferences
	}
}

// WithSubscriptionLabels sets the labels.
func WithSubscriptionLabels(labels map[string]string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.ObjectMeta.Labels = labels
	}
}

// WithSubscriptionChannel sets spec.channel (same namespace).
func WithSubscriptionChannel(gvk metav1.GroupVersionKind, name string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Channel = duckv1.KReference{
			APIVersion: apiVersion(gvk),
			Kind:       gvk.Kind,
			Name:       name,
		}
	}
}

// WithSubscriptionChannelRef sets spec.channel with a namespace.
func WithSubscriptionChannelRef(gvk metav1.GroupVersionKind, name string, namespace string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Channel = duckv1.KReference{
			APIVersion: apiVersion(gvk),
			Kind:       gvk.Kind,
			Name:       name,
			Namespace:  namespace,
		}
	}
}

// WithSubscriptionChannelUsingGroup sets spec.channel by group (kreference-group).
func WithSubscriptionChannelUsingGroup(gvk metav1.GroupVersionKind, name string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Channel = duckv1.KReference{
			Group: gvk.Group,
			Kind:  gvk.Kind,
			Name:  name,
		}
	}
}

// WithSubscriptionSubscriberRef sets the subscriber to a ref.
func WithSubscriptionSubscriberRef(gvk metav1.GroupVersionKind, name, namespace string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Subscriber = &duckv1.Destination{
			Ref: &duckv1.KReference{
				APIVersion: apiVersion(gvk),
				Kind:       gvk.Kind,
				Name:       name,
				Namespace:  namespace,
			},
		}
	}
}

// WithSubscriptionSubscriberRefUsingGroup sets the subscriber to a ref by group.
func WithSubscriptionSubscriberRefUsingGroup(gvk metav1.GroupVersionKind, name, namespace string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Subscriber = &duckv1.Destination{
			Ref: &duckv1.KReference{
				Group:     gvk.Group,
				Kind:      gvk.Kind,
				Name:      name,
				Namespace: namespace,
			},
		}
	}
}

// WithSubscriptionSubscriberURI sets the subscriber to a URI, as the trigger
// reconciler does with the broker filter's address.
func WithSubscriptionSubscriberURI(rawurl string) SubscriptionOption {
	uri, _ := apis.ParseURL(rawurl)
	return func(s *messagingv1.Subscription) {
		s.Spec.Subscriber = &duckv1.Destination{URI: uri}
	}
}

// WithSubscriptionReplyURI sets the reply to a URI.
func WithSubscriptionReplyURI(rawurl string) SubscriptionOption {
	uri, _ := apis.ParseURL(rawurl)
	return func(s *messagingv1.Subscription) {
		s.Spec.Reply = &duckv1.Destination{URI: uri}
	}
}

// WithSubscriptionReply sets the reply to a ref.
func WithSubscriptionReply(gvk metav1.GroupVersionKind, name, namespace string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Reply = &duckv1.Destination{
			Ref: &duckv1.KReference{
				APIVersion: apiVersion(gvk),
				Kind:       gvk.Kind,
				Name:       name,
				Namespace:  namespace,
			},
		}
	}
}

// WithSubscriptionDelivery sets spec.delivery.
func WithSubscriptionDelivery(d *eventingduckv1.DeliverySpec) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Delivery = d
	}
}

// WithSubscriptionDeliveryRef sets spec.delivery to a dead letter sink ref.
func WithSubscriptionDeliveryRef(gvk metav1.GroupVersionKind, name, namespace string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Spec.Delivery = &eventingduckv1.DeliverySpec{
			DeadLetterSink: &duckv1.Destination{
				Ref: &duckv1.KReference{
					APIVersion: apiVersion(gvk),
					Kind:       gvk.Kind,
					Name:       name,
					Namespace:  namespace,
				},
			},
		}
	}
}

// WithSubscriptionPhysicalSubscriptionSubscriber sets the resolved subscriber.
func WithSubscriptionPhysicalSubscriptionSubscriber(subscriber *duckv1.Addressable) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		if subscriber == nil {
			panic(errors.New("nil subscriber"))
		}
		s.Status.PhysicalSubscription.SubscriberURI = subscriber.URL
		s.Status.PhysicalSubscription.SubscriberCACerts = subscriber.CACerts
		s.Status.PhysicalSubscription.SubscriberAudience = subscriber.Audience
	}
}

// WithSubscriptionPhysicalSubscriptionReply sets the resolved reply.
func WithSubscriptionPhysicalSubscriptionReply(reply *duckv1.Addressable) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		if reply == nil {
			panic(errors.New("nil reply"))
		}
		s.Status.PhysicalSubscription.ReplyURI = reply.URL
		s.Status.PhysicalSubscription.ReplyCACerts = reply.CACerts
		s.Status.PhysicalSubscription.ReplyAudience = reply.Audience
	}
}

// WithSubscriptionDeadLetterSink sets the resolved dead letter sink.
func WithSubscriptionDeadLetterSink(dls *duckv1.Addressable) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		if dls == nil {
			panic(errors.New("nil URI"))
		}
		s.Status.PhysicalSubscription.DeliveryStatus = eventingduckv1.NewDeliveryStatusFromAddressable(dls)
	}
}

// WithSubscriptionFinalizers sets the finalizers.
func WithSubscriptionFinalizers(finalizers ...string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Finalizers = finalizers
	}
}

// MarkSubscriptionReady marks the channel ready, references resolved and
// the subscription added to the channel.
func MarkSubscriptionReady(s *messagingv1.Subscription) {
	s.Status.MarkChannelReady()
	s.Status.MarkReferencesResolved()
	s.Status.MarkAddedToChannel()
}

// MarkAddedToChannel marks AddedToChannel True.
func MarkAddedToChannel(s *messagingv1.Subscription) {
	s.Status.MarkAddedToChannel()
}

// MarkNotAddedToChannel marks AddedToChannel False.
func MarkNotAddedToChannel(reason, msg string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Status.MarkNotAddedToChannel(reason, msg)
	}
}

// MarkReferencesResolved marks ReferencesResolved True.
func MarkReferencesResolved(s *messagingv1.Subscription) {
	s.Status.MarkReferencesResolved()
}

// WithSubscriptionReferencesNotResolved marks ReferencesResolved False.
func WithSubscriptionReferencesNotResolved(reason, msg string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Status.MarkReferencesNotResolved(reason, msg)
	}
}

// WithSubscriptionReferencesResolvedUnknown marks ReferencesResolved Unknown.
func WithSubscriptionReferencesResolvedUnknown(reason, msg string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Status.MarkReferencesResolvedUnknown(reason, msg)
	}
}

// WithSubscriptionChannelFailed marks ChannelReady False.
func WithSubscriptionChannelFailed(reason, msg string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Status.MarkChannelFailed(reason, msg)
	}
}

// WithSubscriptionChannelUnknown marks ChannelReady Unknown.
func WithSubscriptionChannelUnknown(reason, msg string) SubscriptionOption {
	return func(s *messagingv1.Subscription) {
		s.Status.MarkChannelUnknown(reason, msg)
	}
}
