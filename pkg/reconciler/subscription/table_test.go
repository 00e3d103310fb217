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
package subscription

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	fakedynamicclient "knative.dev/pkg/injection/clients/dynamicclient/fake"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
	subscriptionreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/subscription"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"
)

// The seed's trigger subscription: broker-filter subscribed to the broker's
// channel default-kne-trigger, replies going back to the broker.
const (
	testNS           = "knative-samples"
	subscriptionName = "default-hello-go-b0532795-1042-4459-898f-d63afea8307d"
	subscriptionUID  = "5b1f1a8e-0000-4000-8000-000000000001"
	key              = testNS + "/" + subscriptionName
	channelName      = "default-kne-trigger"
	finalizerName    = "subscriptions.messaging.knative.dev"

	filterURI  = "http://broker-filter.knative-eventing.svc.cluster.local/triggers/knative-samples/hello-go/b0532795-1042-4459-898f-d63afea8307d"
	ingressURI = "http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default"
	dlsURI     = "http://dls.knative-samples.svc.cluster.local"
)

var (
	imcGVK            = metav1.GroupVersionKind{Group: "messaging.knative.dev", Version: "v1", Kind: "InMemoryChannel"}
	genericChannelGVK = metav1.GroupVersionKind{Group: "messaging.knative.dev", Version: "v1", Kind: "Channel"}
	brokerGVK         = metav1.GroupVersionKind{Group: "eventing.knative.dev", Version: "v1", Kind: "Broker"}
	serviceGVK        = metav1.GroupVersionKind{Version: "v1", Kind: "Service"}

	exponential = eventingduckv1.BackoffPolicyExponential
	delivery    = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(10), BackoffPolicy: &exponential, BackoffDelay: ptr.String("PT0.2S")}
)

func newSubscription(opts ...SubscriptionOption) *messagingv1.Subscription {
	return NewSubscription(subscriptionName, testNS, append([]SubscriptionOption{
		WithSubscriptionUID(subscriptionUID),
		WithSubscriptionGeneration(1),
		WithSubscriptionFinalizers(finalizerName),
		WithSubscriptionChannel(imcGVK, channelName),
		WithSubscriptionSubscriberURI(filterURI),
		WithSubscriptionReply(brokerGVK, "default", testNS),
		WithSubscriptionDelivery(delivery.DeepCopy()),
	}, opts...)...)
}

// resolved is the Subscription once its references are resolved.
func resolved(opts ...SubscriptionOption) *messagingv1.Subscription {
	return newSubscription(append([]SubscriptionOption{
		WithInitSubscriptionConditions,
		MarkReferencesResolved,
		WithSubscriptionStatusObservedGeneration(1),
		WithSubscriptionPhysicalSubscriptionSubscriber(&duckv1.Addressable{URL: mustURL(filterURI)}),
		WithSubscriptionPhysicalSubscriptionReply(&duckv1.Addressable{URL: mustURL(ingressURI)}),
	}, opts...)...)
}

func mustURL(s string) *apis.URL {
	u, err := apis.ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

// theBroker is the reply: a Broker with its ingress address.
func theBroker() runtime.Object {
	return NewBroker("default", testNS, WithBrokerAddressURI(mustURL(ingressURI)))
}

// subscriberSpec is how the Subscription appears in the channel's
// spec.subscribers.
func subscriberSpec(d *eventingduckv1.DeliverySpec) eventingduckv1.SubscriberSpec {
	return eventingduckv1.SubscriberSpec{
		Name:          ptr.String(subscriptionName),
		UID:           subscriptionUID,
		Generation:    1,
		SubscriberURI: mustURL(filterURI),
		ReplyURI:      mustURL(ingressURI),
		Delivery:      d,
	}
}

func withChannelResourceVersion(rv string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.ResourceVersion = rv
	}
}

func theChannel(opts ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	return NewInMemoryChannel(channelName, testNS, append([]InMemoryChannelOption{
		withChannelResourceVersion("7"),
		WithInitInMemoryChannelConditions,
		WithInMemoryChannelAddress(duckv1.Addressable{URL: apis.HTTP("default-kne-trigger-kn-channel.knative-samples.svc.cluster.local")}),
	}, opts...)...)
}

func channelPatch(name, patch string) clientgotesting.PatchActionImpl {
	action := clientgotesting.PatchActionImpl{Name: name, Patch: []byte(patch)}
	action.Namespace = testNS
	return action
}

func patchFinalizers(finalizers string) clientgotesting.PatchActionImpl {
	return channelPatch(subscriptionName, `{"metadata":{"finalizers":`+finalizers+`,"resourceVersion":""}}`)
}

const seedSubscriberPatch = `{"metadata":{"resourceVersion":"7"},"spec":{"subscribers":[{"delivery":{"backoffDelay":"PT0.2S","backoffPolicy":"exponential","retry":10},"generation":1,"name":"` +
	subscriptionName + `","replyUri":"` + ingressURI + `","subscriberUri":"` + filterURI + `","uid":"` + subscriptionUID + `"}]}}`

func TestReconcile(t *testing.T) {
	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:    "first reconcile adds the finalizer",
		Key:     key,
		Objects: []runtime.Object{newSubscription(WithSubscriptionFinalizers()), theBroker(), theChannel()},
		WantPatches: []clientgotesting.PatchActionImpl{
			channelPatch(channelName, seedSubscriberPatch),
			patchFinalizers(`["` + finalizerName + `"]`),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel, WithSubscriptionFinalizers()),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", "Updated %q finalizers", subscriptionName),
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name:    "channel does not exist",
		Key:     key,
		Objects: []runtime.Object{newSubscription()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newSubscription(WithInitSubscriptionConditions, WithSubscriptionStatusObservedGeneration(1),
				WithSubscriptionReferencesResolvedUnknown("ChannelReferenceFailed", `Failed to get Spec.Channel or backing channel: inmemorychannels.messaging.knative.dev "default-kne-trigger" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "ChannelReferenceFailed", `Failed to get Spec.Channel or backing channel: inmemorychannels.messaging.knative.dev "default-kne-trigger" not found`),
		},
	}, {
		Name:        "seed: the broker-filter subscription is added to the channel default-kne-trigger",
		Key:         key,
		Objects:     []runtime.Object{newSubscription(), theBroker(), theChannel()},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName, seedSubscriberPatch)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name: "channel not ready with the subscriber yet",
		Key:  key,
		Objects: []runtime.Object{resolved(MarkAddedToChannel), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{subscriberSpec(delivery.DeepCopy())}))},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "SubscriptionNotMarkedReadyByChannel",
				`Failed to get subscription status: subscription %q not present in channel %q subscriber's list`, subscriptionName, channelName),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel, WithSubscriptionChannelUnknown("SubscriptionNotMarkedReadyByChannel",
				`Failed to get subscription status: subscription "`+subscriptionName+`" not present in channel "`+channelName+`" subscriber's list`)),
		}},
	}, {
		Name: "channel reports the subscriber ready: subscription ready",
		Key:  key,
		Objects: []runtime.Object{resolved(MarkAddedToChannel), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{subscriberSpec(delivery.DeepCopy())}),
				WithInMemoryChannelReadySubscriberAndGeneration(subscriptionUID, 1))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkSubscriptionReady),
		}},
	}, {
		Name: "steady state",
		Key:  key,
		Objects: []runtime.Object{resolved(MarkSubscriptionReady), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{subscriberSpec(delivery.DeepCopy())}),
				WithInMemoryChannelReadySubscriberAndGeneration(subscriptionUID, 1))},
	}, {
		Name: "channel reports an older generation of the subscriber: not ready",
		Key:  key,
		Objects: []runtime.Object{resolved(MarkSubscriptionReady, WithSubscriptionGeneration(2)), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{subscriberSpec(delivery.DeepCopy())}),
				WithInMemoryChannelReadySubscriberAndGeneration(subscriptionUID, 1))},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName,
			`{"metadata":{"resourceVersion":"7"},"spec":{"subscribers":[{"delivery":{"backoffDelay":"PT0.2S","backoffPolicy":"exponential","retry":10},"generation":2,"name":"`+
				subscriptionName+`","replyUri":"`+ingressURI+`","subscriberUri":"`+filterURI+`","uid":"`+subscriptionUID+`"}]}}`)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkSubscriptionReady, WithSubscriptionGeneration(2), WithSubscriptionStatusObservedGeneration(2)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name: "channel reports the subscriber failed",
		Key:  key,
		Objects: []runtime.Object{resolved(MarkSubscriptionReady), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{subscriberSpec(delivery.DeepCopy())}),
				WithInMemoryChannelStatusSubscribers([]eventingduckv1.SubscriberStatus{{UID: subscriptionUID, ObservedGeneration: 1, Ready: corev1.ConditionFalse}}))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkSubscriptionReady, WithSubscriptionChannelFailed("SubscriptionNotMarkedReadyByChannel", "Subscription marked by Channel as False")),
		}},
	}, {
		Name:    "subscriber Service does not exist",
		Key:     key,
		Objects: []runtime.Object{newSubscription(WithSubscriptionSubscriberRef(serviceGVK, "hello-go", testNS)), theBroker(), theChannel()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newSubscription(WithSubscriptionSubscriberRef(serviceGVK, "hello-go", testNS), WithInitSubscriptionConditions, WithSubscriptionStatusObservedGeneration(1),
				WithSubscriptionReferencesNotResolved("SubscriberResolveFailed", `Failed to resolve spec.subscriber: failed to get object knative-samples/hello-go: services "hello-go" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "SubscriberResolveFailed", `Failed to resolve spec.subscriber: failed to get object knative-samples/hello-go: services "hello-go" not found`),
		},
	}, {
		Name:    "reply Broker does not exist",
		Key:     key,
		Objects: []runtime.Object{newSubscription(), theChannel()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newSubscription(WithInitSubscriptionConditions, WithSubscriptionStatusObservedGeneration(1),
				WithSubscriptionPhysicalSubscriptionSubscriber(&duckv1.Addressable{URL: mustURL(filterURI)}),
				WithSubscriptionReferencesNotResolved("ReplyResolveFailed", `Failed to resolve spec.reply: failed to get object knative-samples/default: brokers.eventing.knative.dev "default" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "ReplyResolveFailed", `Failed to resolve spec.reply: failed to get object knative-samples/default: brokers.eventing.knative.dev "default" not found`),
		},
	}, {
		Name: "dead letter sink resolved and given to the channel with the retry settings",
		Key:  key,
		Objects: []runtime.Object{
			newSubscription(WithSubscriptionDelivery(&eventingduckv1.DeliverySpec{
				Retry: ptr.Int32(3), DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: testNS}},
			})),
			theBroker(), theChannel(), NewService("dls", testNS)},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName,
			`{"metadata":{"resourceVersion":"7"},"spec":{"subscribers":[{"delivery":{"deadLetterSink":{"uri":"`+dlsURI+`"},"retry":3},"generation":1,"name":"`+
				subscriptionName+`","replyUri":"`+ingressURI+`","subscriberUri":"`+filterURI+`","uid":"`+subscriptionUID+`"}]}}`)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel,
				WithSubscriptionDelivery(&eventingduckv1.DeliverySpec{
					Retry: ptr.Int32(3), DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: testNS}},
				}),
				WithSubscriptionDeadLetterSink(&duckv1.Addressable{URL: mustURL(dlsURI)})),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name: "no delivery of its own: the channel's",
		Key:  key,
		Objects: []runtime.Object{newSubscription(WithSubscriptionDelivery(nil)), theBroker(),
			theChannel(WithInMemoryChannelDelivery(&eventingduckv1.DeliverySpec{Retry: ptr.Int32(5)}))},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName,
			`{"metadata":{"resourceVersion":"7"},"spec":{"subscribers":[{"delivery":{"retry":5},"generation":1,"name":"`+
				subscriptionName+`","replyUri":"`+ingressURI+`","subscriberUri":"`+filterURI+`","uid":"`+subscriptionUID+`"}]}}`)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel, WithSubscriptionDelivery(nil)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name:    "patching the channel fails",
		Key:     key,
		Objects: []runtime.Object{newSubscription(), theBroker(), theChannel()},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "inmemorychannels"),
		},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName, seedSubscriberPatch)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkNotAddedToChannel("PhysicalChannelSyncFailed",
				"Failed to sync physical Channel: patching channel knative-samples/default-kne-trigger: inducing failure for patch inmemorychannels")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "PhysicalChannelSyncFailed",
				`Failed to synchronize to channel "default-kne-trigger": patching channel knative-samples/default-kne-trigger: inducing failure for patch inmemorychannels`),
		},
	}, {
		Name: "other subscribers of the channel are kept",
		Key:  key,
		Objects: []runtime.Object{newSubscription(), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{{UID: "other", Generation: 1, SubscriberURI: mustURL("http://other")}}))},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName,
			`{"metadata":{"resourceVersion":"7"},"spec":{"subscribers":[{"generation":1,"subscriberUri":"http://other","uid":"other"},{"delivery":{"backoffDelay":"PT0.2S","backoffPolicy":"exponential","retry":10},"generation":1,"name":"`+
				subscriptionName+`","replyUri":"`+ingressURI+`","subscriberUri":"`+filterURI+`","uid":"`+subscriptionUID+`"}]}}`)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name: "deleted: the subscriber is removed from the channel, then the finalizer",
		Key:  key,
		Objects: []runtime.Object{resolved(MarkSubscriptionReady, WithSubscriptionDeleted), theBroker(),
			theChannel(WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{
				{UID: "other", Generation: 1, SubscriberURI: mustURL("http://other")},
				subscriberSpec(delivery.DeepCopy()),
			}))},
		WantPatches: []clientgotesting.PatchActionImpl{
			channelPatch(channelName, `{"metadata":{"resourceVersion":"7"},"spec":{"subscribers":[{"generation":1,"subscriberUri":"http://other","uid":"other"}]}}`),
			patchFinalizers(`[]`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", "Updated %q finalizers", subscriptionName),
			Eventf(corev1.EventTypeNormal, "SubscriberRemoved", "Subscription was removed from channel %q", channelName),
		},
	}, {
		Name:        "deleted after its channel: just the finalizer",
		Key:         key,
		Objects:     []runtime.Object{resolved(MarkSubscriptionReady, WithSubscriptionDeleted)},
		WantPatches: []clientgotesting.PatchActionImpl{patchFinalizers(`[]`)},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", "Updated %q finalizers", subscriptionName),
		},
	}, {
		Name: "generic Channel: the subscriber goes into its backing channel",
		Key:  key,
		Objects: []runtime.Object{newSubscription(WithSubscriptionChannel(genericChannelGVK, channelName)), theBroker(),
			NewChannel(channelName, testNS, WithInitChannelConditions, WithBackingChannelReady,
				WithChannelAddress(&duckv1.Addressable{URL: apis.HTTP("default-kne-trigger-kn-channel.knative-samples.svc.cluster.local")}),
				WithChannelDLSUnknown(), func(c *messagingv1.Channel) { c.Status.MarkDeadLetterSinkNotConfigured() },
				WithBackingChannelObjRef(&duckv1.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: channelName, Namespace: testNS})),
			theChannel()},
		WantPatches: []clientgotesting.PatchActionImpl{channelPatch(channelName, seedSubscriberPatch)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolved(MarkAddedToChannel, WithSubscriptionChannel(genericChannelGVK, channelName)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "SubscriberSync", "Subscription was synchronized to channel %q", channelName),
		},
	}, {
		Name: "generic Channel not ready: no backing channel yet",
		Key:  key,
		Objects: []runtime.Object{newSubscription(WithSubscriptionChannel(genericChannelGVK, channelName)), theBroker(),
			NewChannel(channelName, testNS, WithInitChannelConditions)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newSubscription(WithSubscriptionChannel(genericChannelGVK, channelName), WithInitSubscriptionConditions, WithSubscriptionStatusObservedGeneration(1),
				WithSubscriptionReferencesResolvedUnknown("ChannelReferenceFailed", "Failed to get Spec.Channel or backing channel: channel default-kne-trigger is not ready")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "ChannelReferenceFailed", "Failed to get Spec.Channel or backing channel: channel default-kne-trigger is not ready"),
		},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		tr := tracker.New(func(types.NamespacedName) {}, 0)
		r := &Reconciler{
			dynamicClientSet:    fakedynamicclient.Get(ctx),
			channelLister:       listers.GetChannelLister(),
			channelableTracker:  duck.NewListableTrackerFromTracker(ctx, channelable.Get, tr),
			destinationResolver: resolver.NewURIResolverFromTracker(ctx, tr),
			tracker:             tr,
		}
		return subscriptionreconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetSubscriptionLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}
