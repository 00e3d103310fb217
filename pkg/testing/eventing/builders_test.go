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
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

var (
	imcGVK     = metav1.GroupVersionKind{Group: "messaging.knative.dev", Version: "v1", Kind: "InMemoryChannel"}
	serviceGVK = metav1.GroupVersionKind{Version: "v1", Kind: "Service"}
)

func TestAPIVersion(t *testing.T) {
	if got := apiVersion(imcGVK); got != "messaging.knative.dev/v1" {
		t.Errorf("apiVersion(imc) = %q", got)
	}
	if got := apiVersion(serviceGVK); got != "v1" {
		t.Errorf("apiVersion(core) = %q", got)
	}
}

func TestNewBroker(t *testing.T) {
	addr := apis.HTTP("broker-ingress.knative-eventing.svc.cluster.local")
	addr.Path = "/ns/default"
	b := NewBroker("default", "ns",
		WithInitBrokerConditions,
		WithBrokerGeneration(2),
		WithBrokerStatusObservedGeneration(2),
		WithIngressAvailable(),
		WithFilterAvailable(),
		WithTriggerChannelReady(),
		WithBrokerAddressURI(addr),
		WithDLSNotConfigured(),
		WithChannelAddressAnnotation("http://default-kne-trigger-kn-channel.ns.svc.cluster.local"),
	)
	if !b.IsReady() {
		t.Errorf("broker not ready: %+v", b.Status.Conditions)
	}
	if got := b.Annotations[eventing.BrokerClassKey]; got != eventing.MTChannelBrokerClassValue {
		t.Errorf("class = %q, want the built-in default", got)
	}
	if b.Spec.Config == nil || b.Spec.Config.Name != "config-br-default-channel" {
		t.Errorf("spec.config = %+v", b.Spec.Config)
	}
	if got := b.Status.Annotations[eventing.BrokerChannelAddressStatusAnnotationKey]; got == "" {
		t.Error("channel address annotation missing")
	}
	if b.Status.Address.URL.String() != "http://broker-ingress.knative-eventing.svc.cluster.local/ns/default" {
		t.Errorf("address = %v", b.Status.Address.URL)
	}

	failing := NewBroker("default", "ns", WithBrokerClass("Other"), WithBrokerReady, WithIngressFailed("Boom", "ingress"))
	if failing.IsReady() {
		t.Error("broker with failed ingress is ready")
	}
	if failing.Annotations[eventing.BrokerClassKey] != "Other" {
		t.Error("WithBrokerClass overridden by defaults")
	}
	dls := NewBroker("b", "ns", WithDeadLeaderSink(duckv1.Destination{Ref: &duckv1.KReference{Kind: "Service", APIVersion: "v1", Name: "dls"}}), WithDLSResolvedFailed())
	if dls.Spec.Delivery.DeadLetterSink.Ref.Namespace != "ns" {
		t.Error("DLS namespace not defaulted")
	}
	if c := dls.Status.GetCondition(eventingv1.BrokerConditionDeadLetterSinkResolved); c == nil || c.Status != corev1.ConditionFalse {
		t.Errorf("DeadLetterSinkResolved = %+v", c)
	}
}

func TestNewTrigger(t *testing.T) {
	tr := NewTrigger("t", "ns", "default",
		WithTriggerUID("uid"),
		WithTriggerSubscriberRef(serviceGVK, "svc", "ns"),
		WithTriggerFilter(map[string]string{"type": "dev.knative.foo"}),
		WithInitTriggerConditions,
		WithTriggerBrokerReady(),
		WithTriggerSubscribed(),
		WithTriggerDependencyReady(),
		WithTriggerSubscriberResolvedSucceeded(),
		WithTriggerDeadLetterSinkNotConfigured(),
		WithTriggerStatusSubscriberURI("http://svc.ns.svc.cluster.local"),
	)
	if !tr.Status.IsReady() {
		t.Errorf("trigger not ready: %+v", tr.Status.Conditions)
	}
	if tr.Labels[eventing.BrokerLabelKey] != "default" {
		t.Errorf("labels = %v", tr.Labels)
	}
	if tr.Spec.Subscriber.Ref.APIVersion != "v1" || tr.Spec.Subscriber.Ref.Kind != "Service" {
		t.Errorf("subscriber = %+v", tr.Spec.Subscriber.Ref)
	}
	if tr.Status.SubscriberURI.String() != "http://svc.ns.svc.cluster.local" {
		t.Errorf("subscriberUri = %v", tr.Status.SubscriberURI)
	}

	plain := NewTrigger("t", "ns", "default", WithTriggerSubscriberURI("http://example.com"))
	if plain.Spec.Filter == nil {
		t.Error("NewTrigger did not default the filter")
	}

	bad := NewTrigger("t", "ns", "default", WithTriggerSubscriberURI("http://example.com"), WithInitTriggerConditions, WithTriggerBrokerFailed("NotFound", "no broker"))
	if c := bad.Status.GetTopLevelCondition(); c.Status != corev1.ConditionFalse || c.Reason != "NotFound" {
		t.Errorf("Ready = %+v", c)
	}

	defer func() {
		if recover() == nil {
			t.Error("WithTriggerSubscriber accepted an empty destination")
		}
	}()
	WithTriggerSubscriber(duckv1.Destination{})
}

func TestNewInMemoryChannel(t *testing.T) {
	imc := NewInMemoryChannel("c", "ns",
		WithInitInMemoryChannelConditions,
		WithInMemoryChannelReady(duckv1.Addressable{URL: apis.HTTP("c-kn-channel.ns.svc.cluster.local")}),
		WithInMemoryChannelStatusDLS(nil),
		WithInMemoryChannelDeploymentReady(),
		WithInMemoryChannelReadySubscriberAndGeneration("u1", 3),
		WithInMemoryChannelSubscribers([]eventingduckv1.SubscriberSpec{{UID: "u1", Generation: 3, SubscriberURI: apis.HTTP("s")}}),
	)
	if !imc.IsReady() {
		t.Errorf("imc not ready: %+v", imc.Status.Conditions)
	}
	if imc.Annotations["messaging.knative.dev/subscribable"] != "v1" {
		t.Errorf("annotations = %v", imc.Annotations)
	}
	want := []eventingduckv1.SubscriberStatus{{UID: "u1", ObservedGeneration: 3, Ready: corev1.ConditionTrue}}
	if diff := cmp.Diff(want, imc.Status.Subscribers); diff != "" {
		t.Error("subscriber statuses (-want, +got):", diff)
	}
	notReady := NewInMemoryChannel("c", "ns",
		WithInitInMemoryChannelConditions,
		WithInMemoryChannelReady(duckv1.Addressable{URL: apis.HTTP("x")}),
		WithInMemoryChannelStatusDLS(nil),
		WithInMemoryChannelEndpointsNotReady("DispatcherEndpointsNotReady", "none"),
	)
	if c := notReady.Status.GetTopLevelCondition(); c.Status != corev1.ConditionFalse || c.Reason != "DispatcherEndpointsNotReady" {
		t.Errorf("Ready = %+v", c)
	}
}

func TestNewSubscription(t *testing.T) {
	s := NewSubscription("sub", "ns",
		WithSubscriptionChannel(imcGVK, "c"),
		WithSubscriptionSubscriberRef(serviceGVK, "svc", ""),
		WithSubscriptionReady,
	)
	if !s.Status.IsReady() {
		t.Errorf("subscription not ready: %+v", s.Status.Conditions)
	}
	if s.Spec.Subscriber.Ref.Namespace != "ns" {
		t.Error("subscriber namespace not defaulted")
	}
	if s.Spec.Channel.APIVersion != "messaging.knative.dev/v1" || s.Spec.Channel.Kind != "InMemoryChannel" {
		t.Errorf("channel = %+v", s.Spec.Channel)
	}
	if err := s.Validate(context.Background()); err != nil {
		t.Error("built Subscription does not validate:", err)
	}
	partial := NewSubscription("sub", "ns", WithInitSubscriptionConditions, MarkReferencesResolved, MarkNotAddedToChannel("Failed", "x"))
	if partial.Status.IsReady() || partial.Status.IsAddedToChannel() || !partial.Status.AreReferencesResolved() {
		t.Errorf("partial status = %+v", partial.Status.Conditions)
	}
}

func TestNewChannel(t *testing.T) {
	c := NewChannel("c", "ns", WithInitChannelConditions, WithBackingChannelReady,
		WithChannelAddress(&duckv1.Addressable{URL: apis.HTTP("c-kn-channel.ns.svc.cluster.local")}),
		WithChannelDLSUnknown())
	if !c.Status.IsReady() {
		t.Errorf("channel not ready: %+v", c.Status.Conditions)
	}
	want := &messagingv1.ChannelTemplateSpec{TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}}
	if diff := cmp.Diff(want, c.Spec.ChannelTemplate); diff != "" {
		t.Error("template (-want, +got):", diff)
	}
	if err := c.Validate(context.Background()); err != nil {
		t.Error("built Channel does not validate:", err)
	}
	noAddr := NewChannel("c", "ns", WithInitChannelConditions, WithChannelNoAddress())
	if c := noAddr.Status.GetCondition(messagingv1.ChannelConditionAddressable); c.Status != corev1.ConditionFalse {
		t.Errorf("Addressable = %+v", c)
	}
}
