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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

func svc(name, ns string) *duckv1.Destination {
	return &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: name, Namespace: ns}}
}

func imcRef(name string) duckv1.KReference {
	return duckv1.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: name}
}

func TestSubscriptionSetDefaults(t *testing.T) {
	tests := []struct {
		name    string
		initial *Subscription
		want    *Subscription
	}{{
		name: "nil is a no-op",
	}, {
		name: "subscriber, reply and DLS refs get the namespace; channel left alone",
		initial: &Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec: SubscriptionSpec{
				Channel:    imcRef("c"),
				Subscriber: svc("s", ""),
				Reply:      svc("r", ""),
				Delivery:   &eventingduckv1.DeliverySpec{DeadLetterSink: svc("d", "")},
			},
		},
		want: &Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec: SubscriptionSpec{
				Channel:    imcRef("c"),
				Subscriber: svc("s", "ns"),
				Reply:      svc("r", "ns"),
				Delivery:   &eventingduckv1.DeliverySpec{DeadLetterSink: svc("d", "ns")},
			},
		},
	}, {
		name: "explicit namespaces kept, URI destinations untouched",
		initial: &Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec: SubscriptionSpec{
				Channel:    imcRef("c"),
				Subscriber: svc("s", "other"),
				Reply:      &duckv1.Destination{URI: apis.HTTP("reply.example.com")},
			},
		},
		want: &Subscription{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec: SubscriptionSpec{
				Channel:    imcRef("c"),
				Subscriber: svc("s", "other"),
				Reply:      &duckv1.Destination{URI: apis.HTTP("reply.example.com")},
			},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.initial.DeepCopy()
			got.SetDefaults(context.Background())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
		})
	}
}

func validSubscription() *Subscription {
	return &Subscription{
		ObjectMeta: metav1.ObjectMeta{Name: "sub", Namespace: "ns"},
		Spec: SubscriptionSpec{
			Channel:    imcRef("c"),
			Subscriber: svc("s", "ns"),
		},
	}
}

func TestSubscriptionValidation(t *testing.T) {
	crossNS := feature.ToContext(context.Background(), feature.Flags{feature.CrossNamespaceEventLinks: feature.Enabled})
	tests := []struct {
		name   string
		ctx    context.Context
		mutate func(*Subscription)
		want   string
	}{{
		name:   "valid",
		mutate: func(*Subscription) {},
	}, {
		name: "valid with reply and delivery",
		mutate: func(s *Subscription) {
			s.Spec.Reply = svc("r", "ns")
			s.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(2)}
		},
	}, {
		name:   "subscriber in another namespace is allowed",
		mutate: func(s *Subscription) { s.Spec.Subscriber = svc("s", "elsewhere") },
	}, {
		name:   "missing channel",
		mutate: func(s *Subscription) { s.Spec.Channel = duckv1.KReference{} },
		want:   "missing field(s): spec.channel\nthe Subscription must reference a channel",
	}, {
		name:   "channel without kind",
		mutate: func(s *Subscription) { s.Spec.Channel.Kind = "" },
		want:   "missing field(s): spec.channel.kind",
	}, {
		name:   "channel in another namespace without the feature",
		mutate: func(s *Subscription) { s.Spec.Channel.Namespace = "other" },
		want:   "must not set the field(s): spec.channel.namespace\nonly name, apiVersion and kind are supported fields when feature.CrossNamespaceEventLinks is disabled",
	}, {
		name:   "channel in another namespace with the feature",
		ctx:    crossNS,
		mutate: func(s *Subscription) { s.Spec.Channel.Namespace = "other" },
	}, {
		name:   "missing subscriber",
		mutate: func(s *Subscription) { s.Spec.Subscriber = nil },
		want:   "missing field(s): spec.subscriber\nthe Subscription must reference a subscriber",
	}, {
		name:   "empty subscriber",
		mutate: func(s *Subscription) { s.Spec.Subscriber = &duckv1.Destination{} },
		want:   "missing field(s): spec.subscriber\nthe Subscription must reference a subscriber",
	}, {
		name:   "subscriber ref without name",
		mutate: func(s *Subscription) { s.Spec.Subscriber.Ref.Name = "" },
		want:   "missing field(s): spec.subscriber.ref.name",
	}, {
		name:   "reply with a relative URI",
		mutate: func(s *Subscription) { s.Spec.Reply = &duckv1.Destination{URI: &apis.URL{Path: "/r"}} },
		want:   "invalid value: Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent: spec.reply.uri",
	}, {
		name:   "invalid delivery",
		mutate: func(s *Subscription) { s.Spec.Delivery = &eventingduckv1.DeliverySpec{BackoffDelay: ptr.String("PT")} },
		want:   "invalid value: PT: spec.delivery.backoffDelay",
	}, {
		name: "several errors",
		mutate: func(s *Subscription) {
			s.Spec.Subscriber = nil
			s.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(-1)}
		},
		want: "invalid value: -1: spec.delivery.retry\nmissing field(s): spec.subscriber\nthe Subscription must reference a subscriber",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			s := validSubscription()
			tc.mutate(s)
			if diff := cmp.Diff(tc.want, s.Validate(ctx).Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestSubscriptionImmutableFields(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*Subscription)
		wantError bool
	}{
		{name: "subscriber may change", mutate: func(s *Subscription) { s.Spec.Subscriber = svc("other", "ns") }},
		{name: "reply may change", mutate: func(s *Subscription) { s.Spec.Reply = svc("r", "ns") }},
		{name: "delivery may change", mutate: func(s *Subscription) { s.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(1)} }},
		{name: "channel may not change", mutate: func(s *Subscription) { s.Spec.Channel = imcRef("other") }, wantError: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original, updated := validSubscription(), validSubscription()
			tc.mutate(updated)
			err := updated.Validate(apis.WithinUpdate(context.Background(), original))
			if (err != nil) != tc.wantError {
				t.Fatalf("Validate() = %v, wantError %v", err, tc.wantError)
			}
			if err != nil {
				if e := err.WrappedErrors()[0]; e.Message != "Immutable fields changed (-old +new)" || e.Paths[0] != "spec" {
					t.Errorf("error = %q at %v", e.Message, e.Paths)
				}
			}
		})
	}
	if err := validSubscription().CheckImmutableFields(context.Background(), nil); err != nil {
		t.Error("CheckImmutableFields(nil) =", err)
	}
}

func TestSubscriptionLifecycle(t *testing.T) {
	ready := func(ss *SubscriptionStatus) {
		ss.MarkReferencesResolved()
		ss.MarkAddedToChannel()
		ss.MarkChannelReady()
	}
	tests := []struct {
		name       string
		mark       func(*SubscriptionStatus)
		wantReady  corev1.ConditionStatus
		wantReason string
		added      bool
		resolved   bool
	}{
		{name: "initialized", mark: func(*SubscriptionStatus) {}, wantReady: corev1.ConditionUnknown},
		{name: "all ready", mark: ready, wantReady: corev1.ConditionTrue, added: true, resolved: true},
		{name: "only resolved", mark: func(ss *SubscriptionStatus) { ss.MarkReferencesResolved() }, wantReady: corev1.ConditionUnknown, resolved: true},
		{name: "references not resolved", mark: func(ss *SubscriptionStatus) {
			ready(ss)
			ss.MarkReferencesNotResolved("SubscriberResolveFailed", "no such service")
		}, wantReady: corev1.ConditionFalse, wantReason: "SubscriberResolveFailed", added: true},
		{name: "references resolution unknown", mark: func(ss *SubscriptionStatus) {
			ready(ss)
			ss.MarkReferencesResolvedUnknown("ChannelNotReady", "")
		}, wantReady: corev1.ConditionUnknown, wantReason: "ChannelNotReady", added: true},
		{name: "not added to channel", mark: func(ss *SubscriptionStatus) {
			ready(ss)
			ss.MarkNotAddedToChannel("PhysicalChannelSyncFailed", "")
		}, wantReady: corev1.ConditionFalse, wantReason: "PhysicalChannelSyncFailed", resolved: true},
		{name: "channel failed", mark: func(ss *SubscriptionStatus) {
			ready(ss)
			ss.MarkChannelFailed("SubscriptionNotMarkedReadyByChannel", "")
		}, wantReady: corev1.ConditionFalse, wantReason: "SubscriptionNotMarkedReadyByChannel", added: true, resolved: true},
		{name: "channel unknown", mark: func(ss *SubscriptionStatus) {
			ready(ss)
			ss.MarkChannelUnknown("SubscriptionNotMarkedReadyByChannel", "")
		}, wantReady: corev1.ConditionUnknown, wantReason: "SubscriptionNotMarkedReadyByChannel", added: true, resolved: true},
		{name: "recovers", mark: func(ss *SubscriptionStatus) {
			ss.MarkChannelFailed("X", "")
			ready(ss)
		}, wantReady: corev1.ConditionTrue, added: true, resolved: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := &SubscriptionStatus{}
			ss.InitializeConditions()
			tc.mark(ss)
			got := ss.GetTopLevelCondition()
			if got.Status != tc.wantReady || (tc.wantReason != "" && got.Reason != tc.wantReason) {
				t.Errorf("Ready = %v/%q, want %v/%q", got.Status, got.Reason, tc.wantReady, tc.wantReason)
			}
			if ss.IsReady() != (tc.wantReady == corev1.ConditionTrue) {
				t.Errorf("IsReady() = %v", ss.IsReady())
			}
			if ss.IsAddedToChannel() != tc.added {
				t.Errorf("IsAddedToChannel() = %v, want %v", ss.IsAddedToChannel(), tc.added)
			}
			if ss.AreReferencesResolved() != tc.resolved {
				t.Errorf("AreReferencesResolved() = %v, want %v", ss.AreReferencesResolved(), tc.resolved)
			}
		})
	}
	ss := &SubscriptionStatus{}
	ss.InitializeConditions()
	if n := len(ss.Conditions); n != 4 {
		t.Errorf("got %d conditions, want 4 (Ready + 3, no OIDCIdentityCreated)", n)
	}
}
