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
package trigger

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
	"knative.dev/pkg/client/injection/ducks/duck/v1/source"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	servingv1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	triggerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/trigger"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/sources"
)

// The seed's trigger: hello-go on broker default in knative-samples,
// delivering to the Service hello-go.
const (
	testNS      = "knative-samples"
	brokerName  = "default"
	triggerName = "hello-go"
	triggerUID  = "b0532795-1042-4459-898f-d63afea8307d"
	key         = testNS + "/" + triggerName

	subscriptionName = "default-hello-go-b0532795-1042-4459-898f-d63afea8307d"
	channelName      = "default-kne-trigger"
	filterURI        = "http://broker-filter.knative-eventing.svc.cluster.local/triggers/knative-samples/hello-go/b0532795-1042-4459-898f-d63afea8307d"
	subscriberURI    = "http://hello-go.knative-samples.svc.cluster.local/"
	dependency       = `{"kind":"PingSource","name":"ping","apiVersion":"sources.knative.dev/v1"}`
)

var (
	imcGVK     = metav1.GroupVersionKind{Group: "messaging.knative.dev", Version: "v1", Kind: "InMemoryChannel"}
	brokerGVK  = metav1.GroupVersionKind{Group: "eventing.knative.dev", Version: "v1", Kind: "Broker"}
	serviceGVK = metav1.GroupVersionKind{Version: "v1", Kind: "Service"}
	ksvcGVK    = metav1.GroupVersionKind{Group: "serving.knative.dev", Version: "v1", Kind: "Service"}

	exponential     = eventingduckv1.BackoffPolicyExponential
	brokerDelivery  = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(10), BackoffPolicy: &exponential, BackoffDelay: ptr.String("PT0.2S")}
	triggerDelivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(3), Timeout: ptr.String("PT1S")}

	dlsRef    = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: testNS}}
	dlsStatus = duckv1.Addressable{URL: apis.HTTP("dls.knative-samples.svc.cluster.local")}
)

// readyBroker is the seed's broker once ready, with its channel recorded.
func readyBroker(opts ...BrokerOption) *eventingv1.Broker {
	return NewBroker(brokerName, testNS, append([]BrokerOption{
		WithBrokerDelivery(brokerDelivery.DeepCopy()),
		WithBrokerReady,
		WithChannelAddressAnnotation("http://default-kne-trigger-kn-channel.knative-samples.svc.cluster.local"),
		WithChannelAPIVersionAnnotation("messaging.knative.dev/v1"),
		WithChannelKindAnnotation("InMemoryChannel"),
		WithChannelNameAnnotation(channelName),
	}, opts...)...)
}

func newTrigger(opts ...TriggerOption) *eventingv1.Trigger {
	return NewTrigger(triggerName, testNS, brokerName, append([]TriggerOption{
		WithTriggerUID(triggerUID),
		WithTriggerFilter(map[string]string{"type": "dev.knative.samples.helloworld", "source": "dev.knative.samples/helloworldsource"}),
		WithTriggerSubscriberRef(serviceGVK, "hello-go", testNS),
	}, opts...)...)
}

// resolvedTrigger is the trigger up to its subscription.
func resolvedTrigger(opts ...TriggerOption) *eventingv1.Trigger {
	return newTrigger(append([]TriggerOption{
		WithInitTriggerConditions,
		WithTriggerBrokerReady(),
		WithTriggerSubscriberResolvedSucceeded(),
		WithTriggerStatusSubscriberURI(subscriberURI),
		WithTriggerDeadLetterSinkNotConfigured(),
	}, opts...)...)
}

func helloGoService() *corev1.Service {
	return NewService("hello-go", testNS)
}

func triggerOwnerRef() metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion:         "eventing.knative.dev/v1",
		Kind:               "Trigger",
		Name:               triggerName,
		UID:                types.UID(triggerUID),
		Controller:         ptr.Bool(true),
		BlockOwnerDeletion: ptr.Bool(true),
	}
}

// subscription is the trigger's Subscription: the broker-filter as
// subscriber, the broker as reply, the broker's delivery by default.
func subscription(opts ...SubscriptionOption) *messagingv1.Subscription {
	return NewSubscription(subscriptionName, testNS, append([]SubscriptionOption{
		WithSubscriptionOwnerReferences([]metav1.OwnerReference{triggerOwnerRef()}),
		WithSubscriptionLabels(map[string]string{
			eventing.BrokerLabelKey:        brokerName,
			"eventing.knative.dev/trigger": triggerName,
		}),
		WithSubscriptionChannel(imcGVK, channelName),
		WithSubscriptionSubscriberURI(filterURI),
		WithSubscriptionReply(brokerGVK, brokerName, testNS),
		WithSubscriptionDelivery(brokerDelivery.DeepCopy()),
	}, opts...)...)
}

func pingSource(generation, observed int64, ready corev1.ConditionStatus) *sourcesv1.PingSource {
	return NewPingSource("ping", testNS,
		WithPingSourceObjectMetaGeneration(generation),
		WithPingSourceStatusObservedGeneration(observed),
		func(s *sourcesv1.PingSource) {
			s.Status.Conditions = duckv1.Conditions{{Type: apis.ConditionReady, Status: ready, Reason: "Because"}}
		})
}

func TestReconcile(t *testing.T) {
	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:    "broker does not exist",
		Key:     key,
		Objects: []runtime.Object{newTrigger()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newTrigger(WithInitTriggerConditions,
				WithTriggerBrokerFailed("BrokerDoesNotExist", `Broker "default" does not exist`)),
		}},
	}, {
		Name:    "broker not ready yet: nothing subscribed",
		Key:     key,
		Objects: []runtime.Object{newTrigger(), NewBroker(brokerName, testNS, WithInitBrokerConditions, WithTriggerChannelFailed("NoAddress", "Channel does not have an address."))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newTrigger(WithInitTriggerConditions,
				WithTriggerBrokerFailed("NoAddress", "Channel does not have an address.")),
		}},
	}, {
		Name: "broker without channel annotations",
		Key:  key,
		Objects: []runtime.Object{newTrigger(), helloGoService(),
			NewBroker(brokerName, testNS, WithBrokerReady)},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(
				WithTriggerBrokerFailed("MissingBrokerChannel", `Failed to get broker "default" annotations: Broker.Status.Annotations nil or missing values`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to find Broker's Trigger channel: Broker.Status.Annotations nil or missing values"),
		},
	}, {
		Name:    "subscriber Service does not exist",
		Key:     key,
		Objects: []runtime.Object{newTrigger(), readyBroker()},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newTrigger(WithInitTriggerConditions, WithTriggerBrokerReady(),
				WithTriggerSubscriberResolvedFailed("Unable to get the Subscriber's URI", `failed to get object knative-samples/hello-go: services "hello-go" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `resolving the subscriber: failed to get object knative-samples/hello-go: services "hello-go" not found`),
		},
	}, {
		Name:        "seed: trigger hello-go resolves its Service and subscribes the broker-filter to the broker's channel",
		Key:         key,
		Objects:     []runtime.Object{newTrigger(), readyBroker(), helloGoService()},
		WantCreates: []runtime.Object{subscription()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:    "subscription becomes ready: trigger ready",
		Key:     key,
		Objects: []runtime.Object{resolvedTrigger(WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()), readyBroker(), helloGoService(), subscription(WithSubscriptionReady)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerSubscribed(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:    "steady state",
		Key:     key,
		Objects: []runtime.Object{resolvedTrigger(WithTriggerSubscribed(), WithTriggerDependencyReady()), readyBroker(), helloGoService(), subscription(WithSubscriptionReady)},
	}, {
		Name: "subscription fails: trigger not ready",
		Key:  key,
		Objects: []runtime.Object{resolvedTrigger(WithTriggerSubscribed(), WithTriggerDependencyReady()), readyBroker(), helloGoService(),
			subscription(WithInitSubscriptionConditions, WithSubscriptionReferencesNotResolved("SubscriberResolveFailed", "no filter"))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerNotSubscribed("SubscriberResolveFailed", "no filter"), WithTriggerDependencyReady()),
		}},
	}, {
		Name: "subscriber is a Knative Service: its address",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithTriggerSubscriberRef(ksvcGVK, "hello-go", testNS)), readyBroker(),
			&servingv1.Service{
				ObjectMeta: metav1.ObjectMeta{Name: "hello-go", Namespace: testNS},
				Status: servingv1.ServiceStatus{RouteStatusFields: servingv1.RouteStatusFields{
					URL:     apis.HTTP("hello-go.knative-samples.example.com"),
					Address: &duckv1.Addressable{URL: apis.HTTP("hello-go.knative-samples.svc.cluster.local")},
				}},
			}},
		WantCreates: []runtime.Object{subscription()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerSubscriberRef(ksvcGVK, "hello-go", testNS),
				WithTriggerStatusSubscriberURI("http://hello-go.knative-samples.svc.cluster.local"),
				WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:        "subscriber is a URI: used as is",
		Key:         key,
		Objects:     []runtime.Object{newTrigger(WithTriggerSubscriberURI("http://example.com/events")), readyBroker()},
		WantCreates: []runtime.Object{subscription()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerSubscriberURI("http://example.com/events"),
				WithTriggerStatusSubscriberURI("http://example.com/events"),
				WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:        "trigger delivery goes onto the subscription instead of the broker's",
		Key:         key,
		Objects:     []runtime.Object{newTrigger(WithTriggerDelivery(triggerDelivery.DeepCopy())), readyBroker(), helloGoService()},
		WantCreates: []runtime.Object{subscription(WithSubscriptionDelivery(triggerDelivery.DeepCopy()))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerDelivery(triggerDelivery.DeepCopy()),
				WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:    "trigger dead letter sink resolved, and copied onto the subscription",
		Key:     key,
		Objects: []runtime.Object{newTrigger(WithTriggerDeadLetterSink(dlsRef)), readyBroker(), helloGoService(), NewService("dls", testNS)},
		WantCreates: []runtime.Object{subscription(WithSubscriptionDelivery(&eventingduckv1.DeliverySpec{
			DeadLetterSink: dlsRef.DeepCopy(),
		}))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerDeadLetterSink(dlsRef),
				WithTriggerStatusDeadLetterSinkURI(dlsStatus), WithTriggerDeadLetterSinkResolvedSucceeded(),
				WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:    "trigger dead letter sink missing",
		Key:     key,
		Objects: []runtime.Object{newTrigger(WithTriggerDeadLetterSink(dlsRef)), readyBroker(), helloGoService()},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerDeadLetterSink(dlsRef),
				WithTriggerDeadLetterSinkResolvedFailed("Unable to get the dead letter sink's URI", `failed to get object knative-samples/dls: services "dls" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `resolving the dead letter sink: failed to get object knative-samples/dls: services "dls" not found`),
		},
	}, {
		Name: "broker's dead letter sink used when the trigger has none",
		Key:  key,
		Objects: []runtime.Object{newTrigger(), helloGoService(),
			readyBroker(WithBrokerDeadLetterSink(dlsRef), WithBrokerStatusDLS(dlsStatus))},
		WantCreates: []runtime.Object{subscription(WithSubscriptionDelivery(&eventingduckv1.DeliverySpec{
			DeadLetterSink: dlsRef.DeepCopy(),
			Retry:          ptr.Int32(10), BackoffPolicy: &exponential, BackoffDelay: ptr.String("PT0.2S"),
		}))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerStatusDeadLetterSinkURI(dlsStatus), WithTriggerDeadLetterSinkResolvedSucceeded(),
				WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name:    "subscription create fails",
		Key:     key,
		Objects: []runtime.Object{newTrigger(), readyBroker(), helloGoService()},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "subscriptions"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{subscription()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerNotSubscribed("NotSubscribed", "creating subscription: inducing failure for create subscriptions")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "SubscriptionCreateFailed", "Create Trigger's subscription failed: inducing failure for create subscriptions"),
			Eventf(corev1.EventTypeWarning, "InternalError", "creating subscription: inducing failure for create subscriptions"),
		},
	}, {
		Name: "subscription not owned by the trigger",
		Key:  key,
		Objects: []runtime.Object{newTrigger(), readyBroker(), helloGoService(),
			subscription(WithSubscriptionOwnerReferences(nil))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerNotSubscribed("SubscriptionNotOwnedByTrigger", `trigger "hello-go" does not own subscription "default-hello-go-b0532795-1042-4459-898f-d63afea8307d"`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `trigger "hello-go" does not own subscription "default-hello-go-b0532795-1042-4459-898f-d63afea8307d"`),
		},
	}, {
		Name: "trigger delivery changed: subscription replaced",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithTriggerDelivery(triggerDelivery.DeepCopy())), readyBroker(), helloGoService(),
			subscription(WithSubscriptionReady)},
		WantDeletes: []clientgotesting.DeleteActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{
				Namespace: testNS,
				Verb:      "delete",
				Resource:  messagingv1.SchemeGroupVersion.WithResource("subscriptions"),
			},
			Name: subscriptionName,
		}},
		WantCreates: []runtime.Object{subscription(WithSubscriptionDelivery(triggerDelivery.DeepCopy()))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerDelivery(triggerDelivery.DeepCopy()),
				WithTriggerSubscriptionNotConfigured(), WithTriggerDependencyReady()),
		}},
	}, {
		Name: "deleting the outdated subscription fails",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithTriggerDelivery(triggerDelivery.DeepCopy())), readyBroker(), helloGoService(),
			subscription(WithSubscriptionReady)},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("delete", "subscriptions"),
		},
		WantErr: true,
		WantDeletes: []clientgotesting.DeleteActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{
				Namespace: testNS,
				Verb:      "delete",
				Resource:  messagingv1.SchemeGroupVersion.WithResource("subscriptions"),
			},
			Name: subscriptionName,
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithTriggerDelivery(triggerDelivery.DeepCopy()),
				WithTriggerNotSubscribed("NotSubscribed", "deleting subscription: inducing failure for delete subscriptions")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "SubscriptionDeleteFailed", "Delete Trigger's subscription failed: inducing failure for delete subscriptions"),
			Eventf(corev1.EventTypeWarning, "InternalError", "deleting subscription: inducing failure for delete subscriptions"),
		},
	}, {
		Name: "dependency ready",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithDependencyAnnotation(dependency)), readyBroker(), helloGoService(),
			subscription(WithSubscriptionReady), pingSource(1, 1, corev1.ConditionTrue)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithDependencyAnnotation(dependency), WithTriggerSubscribed(), WithTriggerDependencyReady()),
		}},
	}, {
		Name: "dependency not ready",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithDependencyAnnotation(dependency)), readyBroker(), helloGoService(),
			subscription(WithSubscriptionReady), pingSource(1, 1, corev1.ConditionFalse)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithDependencyAnnotation(dependency), WithTriggerSubscribed(),
				WithTriggerDependencyFailed("Because", "")),
		}},
	}, {
		Name: "dependency has not seen its latest spec",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithDependencyAnnotation(dependency)), readyBroker(), helloGoService(),
			subscription(WithSubscriptionReady), pingSource(2, 1, corev1.ConditionTrue)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithDependencyAnnotation(dependency), WithTriggerSubscribed(),
				WithTriggerDependencyUnknown("GenerationNotEqual", "The dependency's metadata.generation, 2, is not equal to its status.observedGeneration, 1.")),
		}},
	}, {
		Name: "dependency does not exist",
		Key:  key,
		Objects: []runtime.Object{newTrigger(WithDependencyAnnotation(dependency)), readyBroker(), helloGoService(),
			subscription(WithSubscriptionReady)},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: resolvedTrigger(WithDependencyAnnotation(dependency), WithTriggerSubscribed(),
				WithTriggerDependencyFailed("DependencyDoesNotExist", `Dependency does not exist: pingsources.sources.knative.dev "ping" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `getting the dependency: pingsources.sources.knative.dev "ping" not found`),
		},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			eventingClientSet:  fakeclient.Get(ctx),
			subscriptionLister: listers.GetSubscriptionLister(),
			brokerLister:       listers.GetBrokerLister(),
			sourceTracker:      duck.NewListableTrackerFromTracker(ctx, source.Get, tracker.New(func(types.NamespacedName) {}, 0)),
			uriResolver:        resolver.NewURIResolverFromTracker(ctx, tracker.New(func(types.NamespacedName) {}, 0)),
		}
		return triggerreconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetTriggerLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}
