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

package v1

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

func TestInMemoryChannelSetDefaults(t *testing.T) {
	tests := []struct {
		name    string
		initial InMemoryChannel
		want    InMemoryChannel
	}{{
		name:    "duck annotation added",
		initial: InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}},
		want: InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns",
			Annotations: map[string]string{"messaging.knative.dev/subscribable": "v1"}}},
	}, {
		name: "existing annotation kept, DLS namespace defaulted",
		initial: InMemoryChannel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"messaging.knative.dev/subscribable": "v1beta1"}},
			Spec: InMemoryChannelSpec{ChannelableSpec: eventingduckv1.ChannelableSpec{Delivery: &eventingduckv1.DeliverySpec{
				DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls"}},
			}}},
		},
		want: InMemoryChannel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"messaging.knative.dev/subscribable": "v1beta1"}},
			Spec: InMemoryChannelSpec{ChannelableSpec: eventingduckv1.ChannelableSpec{Delivery: &eventingduckv1.DeliverySpec{
				DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: "ns"}},
			}}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.initial.DeepCopy()
			got.SetDefaults(context.Background())
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
		})
	}
}

func TestInMemoryChannelValidation(t *testing.T) {
	tests := []struct {
		name string
		imc  InMemoryChannel
		want string
	}{{
		name: "empty is valid",
	}, {
		name: "subscribers with a subscriber or reply URI",
		imc: InMemoryChannel{Spec: InMemoryChannelSpec{ChannelableSpec: eventingduckv1.ChannelableSpec{
			SubscribableSpec: eventingduckv1.SubscribableSpec{Subscribers: []eventingduckv1.SubscriberSpec{
				{SubscriberURI: apis.HTTP("a")}, {ReplyURI: apis.HTTP("b")},
			}},
		}}},
	}, {
		name: "subscriber with neither URI",
		imc: InMemoryChannel{Spec: InMemoryChannelSpec{ChannelableSpec: eventingduckv1.ChannelableSpec{
			SubscribableSpec: eventingduckv1.SubscribableSpec{Subscribers: []eventingduckv1.SubscriberSpec{
				{SubscriberURI: apis.HTTP("a")}, {UID: "u"},
			}},
		}}},
		want: "missing field(s): spec.subscribers[1].replyUri, spec.subscribers[1].subscriberUri\nexpected at least one of, got none",
	}, {
		name: "subscriber delivery is validated",
		imc: InMemoryChannel{Spec: InMemoryChannelSpec{ChannelableSpec: eventingduckv1.ChannelableSpec{
			SubscribableSpec: eventingduckv1.SubscribableSpec{Subscribers: []eventingduckv1.SubscriberSpec{
				{SubscriberURI: apis.HTTP("a"), Delivery: &eventingduckv1.DeliverySpec{BackoffDelay: ptr.String("1s")}},
			}},
		}}},
		want: "invalid value: 1s: spec.subscribers[0].delivery.backoffDelay",
	}, {
		name: "channel delivery is validated",
		imc: InMemoryChannel{Spec: InMemoryChannelSpec{ChannelableSpec: eventingduckv1.ChannelableSpec{
			Delivery: &eventingduckv1.DeliverySpec{Retry: ptr.Int32(-1)},
		}}},
		want: "invalid value: -1: spec.delivery.retry",
	}, {
		name: "namespace scope",
		imc:  InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"eventing.knative.dev/scope": "namespace"}}},
	}, {
		name: "bad scope annotation",
		imc:  InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"eventing.knative.dev/scope": "galaxy"}}},
		want: "invalid value: galaxy: metadata.annotations[eventing.knative.dev/scope]\nexpected either 'cluster' or 'namespace'",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.imc.Validate(context.Background()).Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestInMemoryChannelSubscribersChangeAllowed(t *testing.T) {
	withSubs := func(uids ...string) *InMemoryChannel {
		imc := &InMemoryChannel{}
		for _, u := range uids {
			imc.Spec.Subscribers = append(imc.Spec.Subscribers, eventingduckv1.SubscriberSpec{UID: types.UID("u" + u), SubscriberURI: apis.HTTP(u)})
		}
		return imc
	}
	asUser := func(name string) context.Context {
		return apis.WithUserInfo(context.Background(), &authenticationv1.UserInfo{Username: name})
	}
	tests := []struct {
		name      string
		ctx       context.Context
		original  *InMemoryChannel
		updated   *InMemoryChannel
		wantError bool
	}{
		{name: "controller adds a subscriber", ctx: asUser(EventingControllerSAName), original: withSubs("a"), updated: withSubs("a", "b")},
		{name: "user adds a subscriber", ctx: asUser("alice"), original: withSubs("a"), updated: withSubs("a", "b"), wantError: true},
		{name: "anonymous removes a subscriber", ctx: context.Background(), original: withSubs("a"), updated: withSubs(), wantError: true},
		{name: "user changes nothing in subscribers", ctx: asUser("alice"), original: withSubs("a"), updated: withSubs("a")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := apis.WithinUpdate(tc.ctx, tc.original)
			err := tc.updated.Validate(ctx)
			if (err != nil) != tc.wantError {
				t.Fatalf("Validate() = %v, wantError %v", err, tc.wantError)
			}
			if err != nil && err.WrappedErrors()[0].Paths[0] != "spec.subscribers" {
				t.Errorf("error path = %v", err.WrappedErrors()[0].Paths)
			}
		})
	}
	if err := withSubs("a").CheckSubscribersChangeAllowed(context.Background(), nil); err != nil {
		t.Error("nil original =", err)
	}
}

func TestInMemoryChannelLifecycle(t *testing.T) {
	ready := func(s *InMemoryChannelStatus) {
		s.MarkServiceTrue()
		s.MarkEndpointsTrue()
		s.MarkChannelServiceTrue()
		s.SetAddress(&duckv1.Addressable{URL: apis.HTTP("imc-kn-channel.ns.svc.cluster.local")})
		s.MarkDeadLetterSinkNotConfigured()
	}
	deployment := func(status corev1.ConditionStatus) *appsv1.DeploymentStatus {
		return &appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{
			{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue},
			{Type: appsv1.DeploymentAvailable, Status: status, Reason: "R", Message: "M"},
		}}
	}
	tests := []struct {
		name       string
		mark       func(*InMemoryChannelStatus)
		wantReady  corev1.ConditionStatus
		wantReason string
		wantDisp   corev1.ConditionStatus // DispatcherReady, "" if absent
	}{
		{name: "initialized", mark: func(*InMemoryChannelStatus) {}, wantReady: corev1.ConditionUnknown},
		{name: "all ready", mark: ready, wantReady: corev1.ConditionTrue},
		{name: "dispatcher available does not gate Ready", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.PropagateDispatcherStatus(deployment(corev1.ConditionTrue))
		}, wantReady: corev1.ConditionTrue, wantDisp: corev1.ConditionTrue},
		{name: "dispatcher unavailable does not gate Ready", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.PropagateDispatcherStatus(deployment(corev1.ConditionFalse))
		}, wantReady: corev1.ConditionTrue, wantDisp: corev1.ConditionFalse},
		{name: "dispatcher unknown", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.PropagateDispatcherStatus(deployment(corev1.ConditionUnknown))
		}, wantReady: corev1.ConditionTrue, wantDisp: corev1.ConditionUnknown},
		{name: "dispatcher failed / unknown marks", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkDispatcherUnknown("Starting", "")
			s.MarkDispatcherFailed("DispatcherDeploymentDoesNotExist", "")
		}, wantReady: corev1.ConditionTrue, wantDisp: corev1.ConditionFalse},
		{name: "service failed", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkServiceFailed("DispatcherServiceDoesNotExist", "")
		}, wantReady: corev1.ConditionFalse, wantReason: "DispatcherServiceDoesNotExist"},
		{name: "service unknown", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkServiceUnknown("Checking", "")
		}, wantReady: corev1.ConditionUnknown, wantReason: "Checking"},
		{name: "endpoints failed", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkEndpointsFailed("DispatcherEndpointsNotReady", "")
		}, wantReady: corev1.ConditionFalse, wantReason: "DispatcherEndpointsNotReady"},
		{name: "endpoints unknown", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkEndpointsUnknown("DispatcherEndpointsGetFailed", "")
		}, wantReady: corev1.ConditionUnknown, wantReason: "DispatcherEndpointsGetFailed"},
		{name: "channel service failed", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkChannelServiceFailed("ChannelServiceFailed", "")
		}, wantReady: corev1.ConditionFalse, wantReason: "ChannelServiceFailed"},
		{name: "channel service unknown", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkChannelServiceUnknown("ChannelServiceGetFailed", "")
		}, wantReady: corev1.ConditionUnknown, wantReason: "ChannelServiceGetFailed"},
		{name: "no address", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.SetAddress(nil)
		}, wantReady: corev1.ConditionFalse, wantReason: "emptyHostname"},
		{name: "DLS failed", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkDeadLetterSinkResolvedFailed("Unable to get the DeadLetterSink's URI", "")
		}, wantReady: corev1.ConditionFalse, wantReason: "Unable to get the DeadLetterSink's URI"},
		{name: "DLS resolved", mark: func(s *InMemoryChannelStatus) {
			ready(s)
			s.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.DeliveryStatus{DeadLetterSinkURI: apis.HTTP("dls")})
		}, wantReady: corev1.ConditionTrue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &InMemoryChannelStatus{}
			s.InitializeConditions()
			tc.mark(s)
			got := s.GetTopLevelCondition()
			if got.Status != tc.wantReady || (tc.wantReason != "" && got.Reason != tc.wantReason) {
				t.Errorf("Ready = %v/%q, want %v/%q", got.Status, got.Reason, tc.wantReady, tc.wantReason)
			}
			d := s.GetCondition(InMemoryChannelConditionDispatcherReady)
			switch {
			case tc.wantDisp == "" && d != nil:
				t.Errorf("DispatcherReady = %+v, want absent", d)
			case tc.wantDisp != "" && (d == nil || d.Status != tc.wantDisp):
				t.Errorf("DispatcherReady = %+v, want %v", d, tc.wantDisp)
			}
		})
	}

	s := &InMemoryChannelStatus{}
	s.SetAddress(&duckv1.Addressable{URL: apis.HTTP("x")})
	if s.Address.Name == nil || *s.Address.Name != "http" {
		t.Errorf("address name = %v, want http", s.Address.Name)
	}
	imc := &InMemoryChannel{Status: *s}
	ready(&imc.Status)
	imc.Generation = 3
	imc.Status.ObservedGeneration = 2
	if imc.IsReady() {
		t.Error("IsReady() with stale observedGeneration")
	}
	imc.Status.ObservedGeneration = 3
	if !imc.IsReady() {
		t.Error("IsReady() = false for a ready IMC")
	}
}
