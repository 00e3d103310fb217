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
// Package subscription reconciles Subscriptions: it resolves the subscriber,
// reply and dead letter sink, writes them into the channel's
// spec.subscribers (the Channelable duck, so any channel kind works), and
// reports whether the channel's dispatcher has taken the subscriber on.
package subscription

import (
	"context"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"knative.dev/pkg/apis"
	duckapis "knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	subscriptionreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/subscription"
	listers "github.com/skiffhq/skiff/pkg/client/listers/messaging/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

const (
	// Reasons of the events and conditions of the reconciliation.
	physicalChannelSyncFailed           = "PhysicalChannelSyncFailed"
	subscriptionNotMarkedReadyByChannel = "SubscriptionNotMarkedReadyByChannel"
	channelReferenceFailed              = "ChannelReferenceFailed"
	subscriberResolveFailed             = "SubscriberResolveFailed"
	replyResolveFailed                  = "ReplyResolveFailed"
	deadLetterSinkResolveFailed         = "DeadLetterSinkResolveFailed"
)

var channelGVK = messagingv1.SchemeGroupVersion.WithKind("Channel")

// Reconciler reconciles Subscriptions.
type Reconciler struct {
	dynamicClientSet dynamic.Interface

	// channelLister reads generic Channels, for their backing channel.
	channelLister listers.ChannelLister
	// channelableTracker reads (and watches) the channel of any kind.
	channelableTracker  duck.ListableTracker
	destinationResolver *resolver.URIResolver
	// tracker watches generic Channels through channelLister's informer.
	tracker tracker.Interface
}

// Check that our Reconciler implements Interface and Finalizer.
var (
	_ subscriptionreconciler.Interface = (*Reconciler)(nil)
	_ subscriptionreconciler.Finalizer = (*Reconciler)(nil)
)

// ReconcileKind implements Interface.ReconcileKind.
func (r *Reconciler) ReconcileKind(ctx context.Context, sub *messagingv1.Subscription) pkgreconciler.Event {
	channel, err := r.getChannel(ctx, sub)
	if err != nil {
		logging.FromContext(ctx).Warnw("Failed to get Spec.Channel or backing channel as Channelable duck type",
			zap.Error(err), zap.Any("channel", sub.Spec.Channel))
		sub.Status.MarkReferencesResolvedUnknown(channelReferenceFailed, "Failed to get Spec.Channel or backing channel: %s", err)
		return pkgreconciler.NewEvent(corev1.EventTypeWarning, channelReferenceFailed, "Failed to get Spec.Channel or backing channel: %w", err)
	}

	for _, phase := range []func(context.Context, *messagingv1.Subscription, *eventingduckv1.Channelable) pkgreconciler.Event{
		r.resolveSubscriptionURIs,
		r.syncChannel,
		r.checkChannelStatusForSubscription,
	} {
		if event := phase(ctx, sub, channel); event != nil {
			return event
		}
	}
	return nil
}

// FinalizeKind removes the subscriber from the channel, if it was added.
func (r *Reconciler) FinalizeKind(ctx context.Context, sub *messagingv1.Subscription) pkgreconciler.Event {
	channel, err := r.getChannel(ctx, sub)
	if err != nil {
		// A channel that is gone has no subscribers to remove.
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if sub.Status.IsAddedToChannel() {
		return r.syncChannel(ctx, sub, channel)
	}
	return nil
}

// resolveSubscriptionURIs resolves the subscriber, reply and dead letter
// sink into status.physicalSubscription.
func (r *Reconciler) resolveSubscriptionURIs(ctx context.Context, sub *messagingv1.Subscription, channel *eventingduckv1.Channelable) pkgreconciler.Event {
	sub.Status.MarkReferencesResolvedUnknown("Resolving", "Subscription resolution interrupted.")
	ps := &sub.Status.PhysicalSubscription

	addr, event := r.resolveDestination(ctx, sub, sub.Spec.Subscriber, subscriberResolveFailed, "spec.subscriber")
	if event != nil {
		return event
	}
	ps.SubscriberURI, ps.SubscriberCACerts, ps.SubscriberAudience = addressFields(addr)

	addr, event = r.resolveDestination(ctx, sub, sub.Spec.Reply, replyResolveFailed, "spec.reply")
	if event != nil {
		return event
	}
	ps.ReplyURI, ps.ReplyCACerts, ps.ReplyAudience = addressFields(addr)

	if event := r.resolveDeadLetterSink(ctx, sub, channel); event != nil {
		return event
	}
	sub.Status.MarkReferencesResolved()
	return nil
}

// resolveDestination resolves an optional destination (nil address when
// there is none).
func (r *Reconciler) resolveDestination(ctx context.Context, sub *messagingv1.Subscription, d *duckv1.Destination, reason, field string) (*duckv1.Addressable, pkgreconciler.Event) {
	if isNilOrEmptyDestination(d) {
		return nil, nil
	}
	dest := d.DeepCopy()
	// Done by the webhook too; kept for Subscriptions stored before it.
	dest.SetDefaults(apis.WithinParent(ctx, sub.ObjectMeta))
	addr, err := r.destinationResolver.AddressableFromDestinationV1(ctx, *dest, sub)
	if err != nil {
		logging.FromContext(ctx).Warnw("Failed to resolve "+field, zap.Error(err), zap.Any("destination", dest))
		sub.Status.MarkReferencesNotResolved(reason, "Failed to resolve %s: %v", field, err)
		return nil, pkgreconciler.NewEvent(corev1.EventTypeWarning, reason, "Failed to resolve %s: %w", field, err)
	}
	return addr, nil
}

func addressFields(addr *duckv1.Addressable) (*apis.URL, *string, *string) {
	if addr == nil {
		return nil, nil, nil
	}
	return addr.URL, addr.CACerts, addr.Audience
}

// resolveDeadLetterSink resolves the Subscription's dead letter sink, else
// takes the channel's.
func (r *Reconciler) resolveDeadLetterSink(ctx context.Context, sub *messagingv1.Subscription, channel *eventingduckv1.Channelable) pkgreconciler.Event {
	ps := &sub.Status.PhysicalSubscription
	if sub.Spec.Delivery != nil && sub.Spec.Delivery.DeadLetterSink != nil {
		addr, err := r.destinationResolver.AddressableFromDestinationV1(ctx, *sub.Spec.Delivery.DeadLetterSink, sub)
		if err != nil {
			ps.DeliveryStatus = eventingduckv1.DeliveryStatus{}
			sub.Status.MarkReferencesNotResolved(deadLetterSinkResolveFailed, "Failed to resolve spec.delivery.deadLetterSink: %v", err)
			return pkgreconciler.NewEvent(corev1.EventTypeWarning, deadLetterSinkResolveFailed, "Failed to resolve spec.delivery.deadLetterSink: %w", err)
		}
		ps.DeliveryStatus = eventingduckv1.NewDeliveryStatusFromAddressable(addr)
		return nil
	}
	if channel.Spec.Delivery != nil && channel.Spec.Delivery.DeadLetterSink != nil {
		if !channel.Status.DeliveryStatus.IsSet() {
			ps.DeliveryStatus = eventingduckv1.DeliveryStatus{}
			sub.Status.MarkReferencesNotResolved(deadLetterSinkResolveFailed, "channel %s didn't set status.deadLetterSinkURI", channel.Name)
			return pkgreconciler.NewEvent(corev1.EventTypeWarning, deadLetterSinkResolveFailed, "channel %s didn't set status.deadLetterSinkURI", channel.Name)
		}
		ps.DeliveryStatus = channel.Status.DeliveryStatus
		return nil
	}
	ps.DeliveryStatus = eventingduckv1.DeliveryStatus{}
	return nil
}

// syncChannel adds (or, when the Subscription is being deleted, removes) the
// subscriber in the channel's spec.subscribers.
func (r *Reconciler) syncChannel(ctx context.Context, sub *messagingv1.Subscription, channel *eventingduckv1.Channelable) pkgreconciler.Event {
	patched, err := r.patchSubscriber(ctx, sub, channel)
	if err != nil {
		logging.FromContext(ctx).Warnw("Failed to sync physical Channel", zap.Error(err))
		sub.Status.MarkNotAddedToChannel(physicalChannelSyncFailed, "Failed to sync physical Channel: %v", err)
		return pkgreconciler.NewEvent(corev1.EventTypeWarning, physicalChannelSyncFailed, "Failed to synchronize to channel %q: %w", channel.Name, err)
	}
	if !sub.DeletionTimestamp.IsZero() {
		if patched {
			return pkgreconciler.NewEvent(corev1.EventTypeNormal, "SubscriberRemoved", "Subscription was removed from channel %q", channel.Name)
		}
		return nil
	}
	sub.Status.MarkAddedToChannel()
	if patched {
		return pkgreconciler.NewEvent(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channel.Name)
	}
	return nil
}

// patchSubscriber merge-patches the channel's subscribers, reporting whether
// anything changed. The patch carries the channel's resourceVersion: merge
// patches replace the whole list, so a concurrent change by another
// Subscription must fail (and be retried) rather than be overwritten.
func (r *Reconciler) patchSubscriber(ctx context.Context, sub *messagingv1.Subscription, channel *eventingduckv1.Channelable) (bool, error) {
	after := channel.DeepCopy()
	if sub.DeletionTimestamp.IsZero() {
		addSubscriber(after, sub)
	} else {
		removeSubscriber(after, sub)
	}
	patch, err := duckapis.CreateMergePatch(channel, after)
	if err != nil {
		return false, fmt.Errorf("creating patch: %w", err)
	}
	// An empty merge patch is {}.
	if len(patch) <= 2 {
		return false, nil
	}
	if patch, err = withResourceVersion(patch, channel.ResourceVersion); err != nil {
		return false, err
	}

	gvr, _ := meta.UnsafeGuessKindToResource(channel.GroupVersionKind())
	_, err = r.dynamicClientSet.Resource(gvr).Namespace(channel.Namespace).Patch(ctx, channel.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		if !sub.DeletionTimestamp.IsZero() && apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("patching channel %s/%s: %w", channel.Namespace, channel.Name, err)
	}
	logging.FromContext(ctx).Debugw("Patched channel subscribers", zap.ByteString("patch", patch))
	return true, nil
}

func withResourceVersion(patch []byte, rv string) ([]byte, error) {
	if rv == "" {
		return patch, nil
	}
	var m map[string]interface{}
	if err := json.Unmarshal(patch, &m); err != nil {
		return nil, fmt.Errorf("reading patch: %w", err)
	}
	md, _ := m["metadata"].(map[string]interface{})
	if md == nil {
		md = map[string]interface{}{}
		m["metadata"] = md
	}
	md["resourceVersion"] = rv
	return json.Marshal(m)
}

func removeSubscriber(channel *eventingduckv1.Channelable, sub *messagingv1.Subscription) {
	for i, s := range channel.Spec.Subscribers {
		if s.UID == sub.UID {
			channel.Spec.Subscribers = append(channel.Spec.Subscribers[:i], channel.Spec.Subscribers[i+1:]...)
			return
		}
	}
}

func addSubscriber(channel *eventingduckv1.Channelable, sub *messagingv1.Subscription) {
	ps := sub.Status.PhysicalSubscription
	name := sub.Name
	want := eventingduckv1.SubscriberSpec{
		Name:               &name,
		UID:                sub.UID,
		Generation:         sub.Generation,
		SubscriberURI:      ps.SubscriberURI,
		SubscriberCACerts:  ps.SubscriberCACerts,
		SubscriberAudience: ps.SubscriberAudience,
		ReplyURI:           ps.ReplyURI,
		ReplyCACerts:       ps.ReplyCACerts,
		ReplyAudience:      ps.ReplyAudience,
		Delivery:           deliverySpec(sub, channel),
		Auth:               sub.Status.Auth,
	}
	for i, s := range channel.Spec.Subscribers {
		if s.UID == sub.UID {
			channel.Spec.Subscribers[i] = want
			return
		}
	}
	channel.Spec.Subscribers = append(channel.Spec.Subscribers, want)
}

// deliverySpec is the subscriber's delivery in the channel: the resolved
// dead letter sink, and the Subscription's retry settings, else the
// channel's.
func deliverySpec(sub *messagingv1.Subscription, channel *eventingduckv1.Channelable) *eventingduckv1.DeliverySpec {
	var delivery *eventingduckv1.DeliverySpec
	if ds := sub.Status.PhysicalSubscription.DeliveryStatus; ds.IsSet() {
		dest := eventingduckv1.NewDestinationFromDeliveryStatus(ds)
		delivery = &eventingduckv1.DeliverySpec{DeadLetterSink: &dest}
	}
	source := sub.Spec.Delivery
	if source == nil {
		source = channel.Spec.Delivery
	}
	if source != nil && (source.BackoffDelay != nil || source.Retry != nil || source.BackoffPolicy != nil ||
		source.Timeout != nil || source.RetryAfterMax != nil) {
		if delivery == nil {
			delivery = &eventingduckv1.DeliverySpec{}
		}
		delivery.BackoffPolicy = source.BackoffPolicy
		delivery.Retry = source.Retry
		delivery.BackoffDelay = source.BackoffDelay
		delivery.Timeout = source.Timeout
		delivery.RetryAfterMax = source.RetryAfterMax
	}
	return delivery
}

// checkChannelStatusForSubscription reports whether the channel's
// dispatcher took on this generation of the subscriber.
func (r *Reconciler) checkChannelStatusForSubscription(ctx context.Context, sub *messagingv1.Subscription, channel *eventingduckv1.Channelable) pkgreconciler.Event {
	for _, ss := range channel.Status.Subscribers {
		if ss.UID != sub.UID || ss.ObservedGeneration != sub.Generation {
			continue
		}
		switch ss.Ready {
		case corev1.ConditionTrue:
			sub.Status.MarkChannelReady()
		case corev1.ConditionFalse:
			sub.Status.MarkChannelFailed(subscriptionNotMarkedReadyByChannel, "Subscription marked by Channel as False")
		default:
			sub.Status.MarkChannelUnknown(subscriptionNotMarkedReadyByChannel, "Subscription marked by Channel as Unknown")
		}
		return nil
	}
	err := fmt.Errorf("subscription %q not present in channel %q subscriber's list", sub.Name, channel.Name)
	logging.FromContext(ctx).Debugw("Subscriber not in the channel's status yet", zap.Error(err))
	sub.Status.MarkChannelUnknown(subscriptionNotMarkedReadyByChannel, "Failed to get subscription status: %s", err)
	return pkgreconciler.NewEvent(corev1.EventTypeWarning, subscriptionNotMarkedReadyByChannel, "Failed to get subscription status: %w", err)
}

// getChannel returns the Subscription's channel as a Channelable; for a
// generic Channel, its backing channel, which holds the subscribers.
func (r *Reconciler) getChannel(ctx context.Context, sub *messagingv1.Subscription) (*eventingduckv1.Channelable, error) {
	ref := sub.Spec.Channel
	obj, err := r.trackAndFetchChannel(ctx, sub, ref)
	if err != nil {
		return nil, err
	}

	if gvk := obj.GetObjectKind().GroupVersionKind(); gvk.Group == channelGVK.Group && gvk.Kind == channelGVK.Kind {
		// Watch the Channel through the typed informer we read it from:
		// the duck informer's cache may lag behind it.
		if err := r.tracker.TrackReference(tracker.Reference{
			APIVersion: channelGVK.GroupVersion().String(),
			Kind:       channelGVK.Kind,
			Namespace:  sub.Namespace,
			Name:       ref.Name,
		}, sub); err != nil {
			return nil, fmt.Errorf("tracking channel %s: %w", ref.Name, err)
		}
		channel, err := r.channelLister.Channels(sub.Namespace).Get(ref.Name)
		if err != nil {
			return nil, err
		}
		if !channel.Status.IsReady() || channel.Status.Channel == nil {
			return nil, fmt.Errorf("channel %s is not ready", ref.Name)
		}
		backing := channel.Status.Channel
		obj, err = r.trackAndFetchChannel(ctx, sub, duckv1.KReference{
			APIVersion: backing.APIVersion, Kind: backing.Kind, Name: backing.Name, Namespace: sub.Namespace,
		})
		if err != nil {
			return nil, err
		}
	}

	ch, ok := obj.(*eventingduckv1.Channelable)
	if !ok {
		return nil, fmt.Errorf("failed to convert to Channelable Object: %+v", obj)
	}
	return ch.DeepCopy(), nil
}

// trackAndFetchChannel reads ref (in the Subscription's namespace) through
// the Channelable duck, watching it for the Subscription. Tracking comes
// first, so a channel created later brings the Subscription back.
func (r *Reconciler) trackAndFetchChannel(ctx context.Context, sub *messagingv1.Subscription, ref duckv1.KReference) (runtime.Object, error) {
	if err := r.channelableTracker.TrackKReference(ctx, sub, sub.Namespace)(ref); err != nil {
		return nil, pkgreconciler.NewEvent(corev1.EventTypeWarning, "TrackerFailed", "unable to track changes to spec.channel: %w", err)
	}
	lister, err := r.channelableTracker.ListerForKReference(ref)
	if err != nil {
		return nil, fmt.Errorf("getting lister for channel %s: %w", ref.Name, err)
	}
	return lister.ByNamespace(sub.Namespace).Get(ref.Name)
}

func isNilOrEmptyDestination(d *duckv1.Destination) bool {
	return d == nil || equality.Semantic.DeepEqual(d, &duckv1.Destination{})
}
