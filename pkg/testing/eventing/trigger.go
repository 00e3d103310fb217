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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
)

// TriggerOption enables further configuration of a Trigger.
type TriggerOption func(*eventingv1.Trigger)

// NewTrigger creates a Trigger on broker with TriggerOptions, then defaults
// it (pass-all filter, broker label).
func NewTrigger(name, namespace, broker string, to ...TriggerOption) *eventingv1.Trigger {
	t := &eventingv1.Trigger{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: namespace,
		},
		Spec: eventingv1.TriggerSpec{
			Broker: broker,
		},
	}
	for _, opt := range to {
		opt(t)
	}
	t.SetDefaults(context.Background())
	return t
}

// NewTriggerWithBrokerRef creates a Trigger without spec.broker; use
// WithTriggerBrokerRef to point it at a Broker.
func NewTriggerWithBrokerRef(name, namespace string, to ...TriggerOption) *eventingv1.Trigger {
	t := &eventingv1.Trigger{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: namespace,
		},
	}
	for _, opt := range to {
		opt(t)
	}
	t.SetDefaults(context.Background())
	return t
}

// WithTriggerSubscriberURI sets the subscriber to a URI.
func WithTriggerSubscriberURI(rawurl string) TriggerOption {
	uri, _ := apis.ParseURL(rawurl)
	return func(t *eventingv1.Trigger) {
		t.Spec.Subscriber = duckv1.Destination{URI: uri}
	}
}

// WithBrokerLabels sets the eventing.knative.dev/broker label.
func WithBrokerLabels(brokerName, _ string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		if t.Labels == nil {
			t.Labels = make(map[string]string)
		}
		t.Labels[eventing.BrokerLabelKey] = brokerName
	}
}

// WithTriggerSubscriber sets the subscriber; it panics on an invalid
// Destination so a broken test fixture fails loudly.
func WithTriggerSubscriber(sub duckv1.Destination) TriggerOption {
	if err := sub.Validate(context.Background()).Filter(apis.ErrorLevel); err != nil {
		panic(err)
	}
	return func(t *eventingv1.Trigger) {
		t.Spec.Subscriber = sub
	}
}

// WithTriggerFilter sets the attribute filter.
func WithTriggerFilter(attributes map[string]string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Spec.Filter = &eventingv1.TriggerFilter{Attributes: attributes}
	}
}

// WithTriggerFilters sets the Subscriptions API filters.
func WithTriggerFilters(filters ...eventingv1.SubscriptionsAPIFilter) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Spec.Filters = filters
	}
}

// WithTriggerDelivery sets spec.delivery.
func WithTriggerDelivery(d *eventingduckv1.DeliverySpec) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Spec.Delivery = d
	}
}

// WithTriggerDeadLeaderSink sets spec.delivery.deadLetterSink (upstream's
// name, typo included).
func WithTriggerDeadLeaderSink(destination duckv1.Destination) TriggerOption {
	return WithTriggerDeadLetterSink(destination)
}

// WithTriggerDeadLetterSink sets spec.delivery.deadLetterSink.
func WithTriggerDeadLetterSink(destination duckv1.Destination) TriggerOption {
	return func(t *eventingv1.Trigger) {
		if t.Spec.Delivery == nil {
			t.Spec.Delivery = new(eventingduckv1.DeliverySpec)
		}
		t.Spec.Delivery.DeadLetterSink = &destination
	}
}

// WithTriggerRetry sets retry count, backoff policy and delay.
func WithTriggerRetry(count int32, backoffPolicy *eventingduckv1.BackoffPolicyType, backoffDelay *string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		if t.Spec.Delivery == nil {
			t.Spec.Delivery = new(eventingduckv1.DeliverySpec)
		}
		t.Spec.Delivery.Retry = ptr.Int32(count)
		t.Spec.Delivery.BackoffPolicy = backoffPolicy
		t.Spec.Delivery.BackoffDelay = backoffDelay
	}
}

// WithTriggerSubscriberRef sets the subscriber to a ref.
func WithTriggerSubscriberRef(gvk metav1.GroupVersionKind, name, namespace string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Spec.Subscriber = duckv1.Destination{
			Ref: &duckv1.KReference{
				APIVersion: apiVersion(gvk),
				Kind:       gvk.Kind,
				Name:       name,
				Namespace:  namespace,
			},
		}
	}
}

// WithTriggerSubscriberRefAndURIReference sets the subscriber to a ref plus
// a relative URI.
func WithTriggerSubscriberRefAndURIReference(gvk metav1.GroupVersionKind, name, namespace string, rawuri string) TriggerOption {
	uri, _ := apis.ParseURL(rawuri)
	return func(t *eventingv1.Trigger) {
		t.Spec.Subscriber = duckv1.Destination{
			Ref: &duckv1.KReference{
				APIVersion: apiVersion(gvk),
				Kind:       gvk.Kind,
				Name:       name,
				Namespace:  namespace,
			},
			URI: uri,
		}
	}
}

// WithInitTriggerConditions initializes the Trigger's conditions.
func WithInitTriggerConditions(t *eventingv1.Trigger) {
	t.Status.InitializeConditions()
}

// WithTriggerGeneration sets metadata.generation.
func WithTriggerGeneration(gen int64) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Generation = gen
	}
}

// WithTriggerStatusObservedGeneration sets status.observedGeneration.
func WithTriggerStatusObservedGeneration(gen int64) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.ObservedGeneration = gen
	}
}

// WithTriggerFinalizers sets the Trigger's finalizers.
func WithTriggerFinalizers(finalizers ...string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Finalizers = finalizers
	}
}

// WithTriggerBrokerReady propagates a ready Broker.
func WithTriggerBrokerReady() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.PropagateBrokerCondition(eventingv1.TestHelper.ReadyBrokerCondition())
	}
}

// WithTriggerBrokerFailed marks the Broker as failed.
func WithTriggerBrokerFailed(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkBrokerFailed(reason, message)
	}
}

// WithTriggerBrokerNotConfigured marks the Broker as not having been reconciled.
func WithTriggerBrokerNotConfigured() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkBrokerNotConfigured()
	}
}

// WithTriggerBrokerUnknown marks the Broker as unknown.
func WithTriggerBrokerUnknown(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkBrokerUnknown(reason, message)
	}
}

// WithTriggerBrokerRef sets spec.brokerRef.
func WithTriggerBrokerRef(gvk metav1.GroupVersionKind, name string, namespace string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Spec.BrokerRef = &duckv1.KReference{
			APIVersion: apiVersion(gvk),
			Kind:       gvk.Kind,
			Name:       name,
			Namespace:  namespace,
		}
	}
}

// WithTriggerNotSubscribed marks SubscriptionReady False.
func WithTriggerNotSubscribed(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkNotSubscribed(reason, message)
	}
}

// WithTriggerSubscribedUnknown marks SubscriptionReady Unknown.
func WithTriggerSubscribedUnknown(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkSubscribedUnknown(reason, message)
	}
}

// WithTriggerSubscriptionNotConfigured marks SubscriptionReady not configured.
func WithTriggerSubscriptionNotConfigured() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkSubscriptionNotConfigured()
	}
}

// WithTriggerSubscribed propagates a ready Subscription.
func WithTriggerSubscribed() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.PropagateSubscriptionCondition(eventingv1.TestHelper.ReadySubscriptionCondition())
	}
}

// WithTriggerStatusSubscriberURI sets status.subscriberUri.
func WithTriggerStatusSubscriberURI(uri string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		u, _ := apis.ParseURL(uri)
		t.Status.SubscriberURI = u
	}
}

// WithTriggerStatusSubscriberCACerts sets status.subscriberCACerts.
func WithTriggerStatusSubscriberCACerts(caCerts string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.SubscriberCACerts = &caCerts
	}
}

// WithTriggerStatusDeadLetterSinkURI sets the resolved dead letter sink.
func WithTriggerStatusDeadLetterSinkURI(uri duckv1.Addressable) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.DeliveryStatus = eventingduckv1.NewDeliveryStatusFromAddressable(&uri)
	}
}

// WithLabel sets one label on the Trigger.
func WithLabel(key, value string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		if t.Labels == nil {
			t.Labels = make(map[string]string)
		}
		t.Labels[key] = value
	}
}

// WithAnnotation sets one annotation on the Trigger.
func WithAnnotation(key, value string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		if t.Annotations == nil {
			t.Annotations = make(map[string]string)
		}
		t.Annotations[key] = value
	}
}

// WithDependencyAnnotation sets the knative.dev/dependency annotation.
func WithDependencyAnnotation(dependencyAnnotation string) TriggerOption {
	return WithAnnotation(eventingv1.DependencyAnnotation, dependencyAnnotation)
}

// WithTriggerDependencyReady marks DependencyReady True.
func WithTriggerDependencyReady() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkDependencySucceeded()
	}
}

// WithTriggerDependencyFailed marks DependencyReady False.
func WithTriggerDependencyFailed(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkDependencyFailed(reason, message)
	}
}

// WithTriggerDependencyUnknown marks DependencyReady Unknown.
func WithTriggerDependencyUnknown(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkDependencyUnknown(reason, message)
	}
}

// WithTriggerSubscriberResolvedSucceeded marks SubscriberResolved True.
func WithTriggerSubscriberResolvedSucceeded() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkSubscriberResolvedSucceeded()
	}
}

// WithTriggerSubscriberResolvedFailed marks SubscriberResolved False.
func WithTriggerSubscriberResolvedFailed(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkSubscriberResolvedFailed(reason, message)
	}
}

// WithTriggerSubscriberResolvedUnknown marks SubscriberResolved Unknown.
func WithTriggerSubscriberResolvedUnknown(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkSubscriberResolvedUnknown(reason, message)
	}
}

// WithTriggerDeadLetterSinkResolvedFailed marks DeadLetterSinkResolved False.
func WithTriggerDeadLetterSinkResolvedFailed(reason, message string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkDeadLetterSinkResolvedFailed(reason, message)
	}
}

// WithTriggerDeadLetterSinkResolvedSucceeded marks DeadLetterSinkResolved True.
func WithTriggerDeadLetterSinkResolvedSucceeded() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkDeadLetterSinkResolvedSucceeded()
	}
}

// WithTriggerDeadLetterSinkCACerts sets status.deadLetterSinkCACerts.
func WithTriggerDeadLetterSinkCACerts(ca string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.DeadLetterSinkCACerts = &ca
	}
}

// WithTriggerDeadLetterSinkNotConfigured marks DeadLetterSinkResolved True,
// not configured.
func WithTriggerDeadLetterSinkNotConfigured() TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.Status.MarkDeadLetterSinkNotConfigured()
	}
}

// WithTriggerDeleted marks the Trigger as being deleted.
func WithTriggerDeleted(t *eventingv1.Trigger) {
	deleteTime := metav1.NewTime(time.Unix(1e9, 0))
	t.ObjectMeta.SetDeletionTimestamp(&deleteTime)
}

// WithTriggerUID sets the Trigger's UID.
func WithTriggerUID(uid string) TriggerOption {
	return func(t *eventingv1.Trigger) {
		t.UID = types.UID(uid)
	}
}
