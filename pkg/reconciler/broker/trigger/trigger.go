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

// Package trigger reconciles the Triggers of MTChannelBasedBrokers: each gets
// a Subscription on its broker's trigger channel whose subscriber is the
// shared broker-filter, and its subscriber resolved into status.subscriberUri
// for the filter to deliver to.
package trigger

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	triggerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/trigger"
	eventinglisters "github.com/skiffhq/skiff/pkg/client/listers/eventing/v1"
	messaginglisters "github.com/skiffhq/skiff/pkg/client/listers/messaging/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

const (
	// Reasons of the events the reconciler records.
	subscriptionDeleteFailed = "SubscriptionDeleteFailed"
	subscriptionCreateFailed = "SubscriptionCreateFailed"
	subscriptionGetFailed    = "SubscriptionGetFailed"
)

// Reconciler reconciles Triggers of channel-based Brokers.
type Reconciler struct {
	eventingClientSet clientset.Interface

	subscriptionLister messaginglisters.SubscriptionLister
	brokerLister       eventinglisters.BrokerLister

	// sourceTracker watches the sources named by knative.dev/dependency.
	sourceTracker duck.ListableTracker
	// uriResolver resolves (and tracks) subscribers and dead letter sinks.
	uriResolver *resolver.URIResolver
}

// Check that our Reconciler implements Interface.
var _ triggerreconciler.Interface = (*Reconciler)(nil)

// ReconcileKind waits for the trigger's broker to be ready, then resolves the
// subscriber and dead letter sink, subscribes the trigger to the broker's
// channel and reports the dependency's readiness.
func (r *Reconciler) ReconcileKind(ctx context.Context, t *eventingv1.Trigger) pkgreconciler.Event {
	b, err := r.brokerLister.Brokers(t.Namespace).Get(t.Spec.Broker)
	if apierrs.IsNotFound(err) {
		// The broker's creation brings us back.
		t.Status.MarkBrokerFailed("BrokerDoesNotExist", "Broker %q does not exist", t.Spec.Broker)
		return nil
	} else if err != nil {
		t.Status.MarkBrokerFailed("FailedToGetBroker", "Failed to get broker %q : %s", t.Spec.Broker, err)
		return fmt.Errorf("getting broker %q: %w", t.Spec.Broker, err)
	}
	if b.Annotations[eventing.BrokerClassKey] != eventing.MTChannelBrokerClassValue {
		logging.FromContext(ctx).Infof("Ignoring trigger %s/%s of a broker of another class", t.Namespace, t.Name)
		return nil
	}

	t.Status.PropagateBrokerCondition(b.Status.GetTopLevelCondition())
	if !b.IsReady() {
		// The broker's readiness brings us back.
		return nil
	}

	for _, phase := range []func(context.Context, *eventingv1.Trigger, *eventingv1.Broker) error{
		r.resolveSubscriber,
		r.resolveDeadLetterSink,
		r.reconcileSubscription,
		r.checkDependency,
	} {
		if err := phase(ctx, t, b); err != nil {
			return err
		}
	}
	return nil
}

// resolveSubscriber resolves spec.subscriber into status.subscriberUri, where
// the broker-filter delivers the trigger's events.
func (r *Reconciler) resolveSubscriber(ctx context.Context, t *eventingv1.Trigger, b *eventingv1.Broker) error {
	dest := *t.Spec.Subscriber.DeepCopy()
	if dest.Ref != nil && dest.Ref.Namespace == "" {
		dest.Ref.Namespace = t.Namespace
	}
	addr, err := r.uriResolver.AddressableFromDestinationV1(ctx, dest, t)
	if err != nil {
		logging.FromContext(ctx).Errorw("Unable to get the Subscriber's URI", zap.Error(err))
		t.Status.MarkSubscriberResolvedFailed("Unable to get the Subscriber's URI", "%v", err)
		t.Status.SubscriberURI = nil
		t.Status.SubscriberCACerts = nil
		t.Status.SubscriberAudience = nil
		return fmt.Errorf("resolving the subscriber: %w", err)
	}
	url := addr.URL
	if isCoreService(dest.Ref) && dest.URI == nil && url.Path == "" {
		// A Service is addressed at its root, as
		// http://hello-go.knative-samples.svc.cluster.local/ (what
		// kubectl get trigger has always shown).
		url = url.DeepCopy()
		url.Path = "/"
	}
	t.Status.SubscriberURI = url
	t.Status.SubscriberCACerts = addr.CACerts
	t.Status.SubscriberAudience = addr.Audience
	t.Status.MarkSubscriberResolvedSucceeded()
	return nil
}

func isCoreService(ref *duckv1.KReference) bool {
	return ref != nil && ref.APIVersion == "v1" && ref.Kind == "Service"
}

// resolveDeadLetterSink resolves the trigger's dead letter sink, else takes
// the broker's.
func (r *Reconciler) resolveDeadLetterSink(ctx context.Context, t *eventingv1.Trigger, b *eventingv1.Broker) error {
	switch {
	case t.Spec.Delivery != nil && t.Spec.Delivery.DeadLetterSink != nil:
		addr, err := r.uriResolver.AddressableFromDestinationV1(ctx, *t.Spec.Delivery.DeadLetterSink, t)
		if err != nil {
			t.Status.DeliveryStatus = eventingduckv1.DeliveryStatus{}
			logging.FromContext(ctx).Errorw("Unable to get the dead letter sink's URI", zap.Error(err))
			t.Status.MarkDeadLetterSinkResolvedFailed("Unable to get the dead letter sink's URI", "%v", err)
			return fmt.Errorf("resolving the dead letter sink: %w", err)
		}
		t.Status.DeliveryStatus = eventingduckv1.NewDeliveryStatusFromAddressable(addr)
		t.Status.MarkDeadLetterSinkResolvedSucceeded()
	case b.Spec.Delivery != nil && b.Spec.Delivery.DeadLetterSink != nil:
		if !b.Status.DeliveryStatus.IsSet() {
			t.Status.DeliveryStatus = eventingduckv1.DeliveryStatus{}
			t.Status.MarkDeadLetterSinkResolvedFailed(fmt.Sprintf("Broker %s didn't set status.deadLetterSinkURI", b.Name), "")
			return fmt.Errorf("broker %s didn't set status.deadLetterSinkURI", b.Name)
		}
		t.Status.DeliveryStatus = b.Status.DeliveryStatus
		t.Status.MarkDeadLetterSinkResolvedSucceeded()
	default:
		t.Status.DeliveryStatus = eventingduckv1.DeliveryStatus{}
		t.Status.MarkDeadLetterSinkNotConfigured()
	}
	return nil
}

// reconcileSubscription subscribes the trigger to the broker's channel and
// reports the Subscription's readiness.
func (r *Reconciler) reconcileSubscription(ctx context.Context, t *eventingv1.Trigger, b *eventingv1.Broker) error {
	brokerTrigger, err := brokerChannelRef(b)
	if err != nil {
		t.Status.MarkBrokerFailed("MissingBrokerChannel", "Failed to get broker %q annotations: %s", t.Spec.Broker, err)
		return fmt.Errorf("failed to find Broker's Trigger channel: %w", err)
	}
	sub, err := r.subscribeToBrokerChannel(ctx, b, t, brokerTrigger)
	if err != nil {
		logging.FromContext(ctx).Errorw("Unable to Subscribe", zap.Error(err))
		if t.Status.GetCondition(eventingv1.TriggerConditionSubscribed).GetReason() != "SubscriptionNotOwnedByTrigger" {
			t.Status.MarkNotSubscribed("NotSubscribed", "%v", err)
		}
		return err
	}
	t.Status.PropagateSubscriptionCondition(sub.Status.GetTopLevelCondition())
	return nil
}

// subscribeToBrokerChannel makes the trigger's Subscription: events of the
// broker's channel go to the filter at /triggers/<ns>/<trigger>/<uid>,
// replies go back to the broker, and the trigger's delivery (else the
// broker's) makes the channel dispatcher retry and dead-letter.
func (r *Reconciler) subscribeToBrokerChannel(ctx context.Context, b *eventingv1.Broker, t *eventingv1.Trigger, brokerTrigger *corev1.ObjectReference) (*messagingv1.Subscription, error) {
	dest := &duckv1.Destination{URI: resources.FilterSubscriberURI(t)}
	delivery := t.Spec.Delivery.DeepCopy()
	if delivery == nil {
		delivery = b.Spec.Delivery.DeepCopy()
	}
	expected := resources.NewSubscription(t, brokerTrigger, dest, resources.BrokerReply(b), delivery)

	recorder := controller.GetEventRecorder(ctx)
	sub, err := r.subscriptionLister.Subscriptions(t.Namespace).Get(expected.Name)
	switch {
	case apierrs.IsNotFound(err):
		logging.FromContext(ctx).Infow("Creating subscription", zap.String("name", expected.Name))
		sub, err = r.eventingClientSet.MessagingV1().Subscriptions(t.Namespace).Create(ctx, expected, metav1.CreateOptions{})
		if err != nil {
			recorder.Eventf(t, corev1.EventTypeWarning, subscriptionCreateFailed, "Create Trigger's subscription failed: %v", err)
			return nil, fmt.Errorf("creating subscription: %w", err)
		}
		return sub, nil
	case err != nil:
		recorder.Eventf(t, corev1.EventTypeWarning, subscriptionGetFailed, "Getting the Trigger's Subscription failed: %v", err)
		return nil, fmt.Errorf("getting subscription: %w", err)
	case !metav1.IsControlledBy(sub, t):
		t.Status.MarkNotSubscribed("SubscriptionNotOwnedByTrigger", "trigger %q does not own subscription %q", t.Name, sub.Name)
		return nil, fmt.Errorf("trigger %q does not own subscription %q", t.Name, sub.Name)
	case equality.Semantic.DeepDerivative(expected.Spec, sub.Spec):
		return sub, nil
	}

	// spec.channel is immutable: replace the Subscription rather than
	// update it.
	logging.FromContext(ctx).Infow("Replacing differing subscription", zap.Any("expected", expected.Spec), zap.Any("actual", sub.Spec))
	if err := r.eventingClientSet.MessagingV1().Subscriptions(t.Namespace).Delete(ctx, sub.Name, metav1.DeleteOptions{}); err != nil {
		recorder.Eventf(t, corev1.EventTypeWarning, subscriptionDeleteFailed, "Delete Trigger's subscription failed: %v", err)
		return nil, fmt.Errorf("deleting subscription: %w", err)
	}
	sub, err = r.eventingClientSet.MessagingV1().Subscriptions(t.Namespace).Create(ctx, expected, metav1.CreateOptions{})
	if err != nil {
		recorder.Eventf(t, corev1.EventTypeWarning, subscriptionCreateFailed, "Create Trigger's subscription failed: %v", err)
		return nil, fmt.Errorf("creating subscription: %w", err)
	}
	return sub, nil
}

// checkDependency reports the readiness of the source the
// knative.dev/dependency annotation names (DependencyReady True without one).
func (r *Reconciler) checkDependency(ctx context.Context, t *eventingv1.Trigger, _ *eventingv1.Broker) error {
	annotation, ok := t.GetAnnotations()[eventingv1.DependencyAnnotation]
	if !ok {
		t.Status.MarkDependencySucceeded()
		return nil
	}
	ref, err := eventingv1.GetObjRefFromDependencyAnnotation(annotation)
	if err != nil {
		t.Status.MarkDependencyFailed("ReferenceError", "Unable to unmarshal objectReference from dependency annotation of trigger: %v", err)
		return fmt.Errorf("getting object ref from dependency annotation %q: %w", annotation, err)
	}
	// The dependency is in the trigger's namespace (the webhook checks).
	if err := r.sourceTracker.TrackInNamespace(ctx, t)(ref); err != nil {
		return fmt.Errorf("tracking dependency: %w", err)
	}
	lister, err := r.sourceTracker.ListerFor(ref)
	if err != nil {
		t.Status.MarkDependencyUnknown("ListerDoesNotExist", "Failed to retrieve lister: %v", err)
		return fmt.Errorf("retrieving lister: %w", err)
	}
	obj, err := lister.ByNamespace(t.Namespace).Get(ref.Name)
	if err != nil {
		if apierrs.IsNotFound(err) {
			t.Status.MarkDependencyFailed("DependencyDoesNotExist", "Dependency does not exist: %v", err)
		} else {
			t.Status.MarkDependencyUnknown("DependencyGetFailed", "Failed to get dependency: %v", err)
		}
		return fmt.Errorf("getting the dependency: %w", err)
	}
	dependency, ok := obj.(*duckv1.Source)
	if !ok {
		return fmt.Errorf("dependency %s/%s is a %T, not a Source", t.Namespace, ref.Name, obj)
	}
	// Until the source has seen its latest spec, its conditions are stale.
	if dependency.GetGeneration() != dependency.Status.ObservedGeneration {
		t.Status.MarkDependencyUnknown("GenerationNotEqual", "The dependency's metadata.generation, %d, is not equal to its status.observedGeneration, %d.",
			dependency.GetGeneration(), dependency.Status.ObservedGeneration)
		return nil
	}
	t.Status.PropagateDependencyStatus(dependency)
	return nil
}

// brokerChannelRef reads where the broker's trigger channel is from the
// broker's status annotations.
func brokerChannelRef(b *eventingv1.Broker) (*corev1.ObjectReference, error) {
	ref := &corev1.ObjectReference{
		Kind:       b.Status.Annotations[eventing.BrokerChannelKindStatusAnnotationKey],
		APIVersion: b.Status.Annotations[eventing.BrokerChannelAPIVersionStatusAnnotationKey],
		Name:       b.Status.Annotations[eventing.BrokerChannelNameStatusAnnotationKey],
		Namespace:  b.Namespace,
	}
	if ref.Kind == "" || ref.APIVersion == "" || ref.Name == "" {
		return nil, errors.New("Broker.Status.Annotations nil or missing values") //nolint:stylecheck // upstream's message
	}
	return ref, nil
}
