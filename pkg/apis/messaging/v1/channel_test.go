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
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/messaging/config"
)

var (
	imcTypeMeta   = metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}
	kafkaTypeMeta = metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1beta1", Kind: "KafkaChannel"}
)

func TestChannelSetDefaults(t *testing.T) {
	cfg := config.ToContext(context.Background(), &config.Config{ChannelDefaults: &config.ChannelDefaults{
		ClusterDefault: &config.ChannelTemplateSpec{TypeMeta: imcTypeMeta},
		NamespaceDefaults: map[string]*config.ChannelTemplateSpec{
			"kafka": {TypeMeta: kafkaTypeMeta, Spec: &runtime.RawExtension{Raw: []byte(`{"numPartitions":3}`)}},
		},
	}})
	duckAnnotation := map[string]string{"messaging.knative.dev/subscribable": "v1"}
	tests := []struct {
		name    string
		ctx     context.Context
		initial Channel
		want    Channel
	}{{
		name:    "built-in default is InMemoryChannel",
		ctx:     context.Background(),
		initial: Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}},
		want: Channel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: duckAnnotation},
			Spec:       ChannelSpec{ChannelTemplate: &ChannelTemplateSpec{TypeMeta: imcTypeMeta}},
		},
	}, {
		name:    "namespace default with spec",
		ctx:     cfg,
		initial: Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "kafka"}},
		want: Channel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kafka", Annotations: duckAnnotation},
			Spec: ChannelSpec{ChannelTemplate: &ChannelTemplateSpec{
				TypeMeta: kafkaTypeMeta, Spec: &runtime.RawExtension{Raw: []byte(`{"numPartitions":3}`)},
			}},
		},
	}, {
		name: "template and duck annotation given are kept; DLS namespace defaulted",
		ctx:  cfg,
		initial: Channel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"messaging.knative.dev/subscribable": "v1beta1"}},
			Spec: ChannelSpec{
				ChannelTemplate: &ChannelTemplateSpec{TypeMeta: kafkaTypeMeta},
				ChannelableSpec: eventingduckv1.ChannelableSpec{Delivery: &eventingduckv1.DeliverySpec{
					DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls"}},
				}},
			},
		},
		want: Channel{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"messaging.knative.dev/subscribable": "v1beta1"}},
			Spec: ChannelSpec{
				ChannelTemplate: &ChannelTemplateSpec{TypeMeta: kafkaTypeMeta},
				ChannelableSpec: eventingduckv1.ChannelableSpec{Delivery: &eventingduckv1.DeliverySpec{
					DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: "ns"}},
				}},
			},
		},
	}, {
		name:    "nothing configured leaves the template empty",
		ctx:     config.ToContext(context.Background(), &config.Config{ChannelDefaults: &config.ChannelDefaults{}}),
		initial: Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}},
		want:    Channel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Annotations: duckAnnotation}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.initial.DeepCopy()
			got.SetDefaults(tc.ctx)
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
		})
	}
}

func validChannel() *Channel {
	return &Channel{
		ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"},
		Spec:       ChannelSpec{ChannelTemplate: &ChannelTemplateSpec{TypeMeta: imcTypeMeta}},
	}
}

func TestChannelValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Channel)
		want   *apis.FieldError
	}{{
		name:   "valid",
		mutate: func(*Channel) {},
	}, {
		name:   "missing template",
		mutate: func(c *Channel) { c.Spec.ChannelTemplate = nil },
		want:   apis.ErrMissingField("spec.channelTemplate"),
	}, {
		name:   "template without kind and apiVersion",
		mutate: func(c *Channel) { c.Spec.ChannelTemplate = &ChannelTemplateSpec{} },
		want:   apis.ErrMissingField("spec.channelTemplate.kind", "spec.channelTemplate.apiVersion"),
	}, {
		name: "users may not set subscribers",
		mutate: func(c *Channel) {
			c.Spec.Subscribers = []eventingduckv1.SubscriberSpec{{SubscriberURI: apis.HTTP("x")}}
		},
		want: apis.ErrDisallowedFields("spec.subscribable.subscribers"),
	}, {
		name:   "invalid delivery",
		mutate: func(c *Channel) { c.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(-3)} },
		want:   apis.ErrInvalidValue(int32(-3), "spec.delivery.retry"),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validChannel()
			tc.mutate(c)
			if diff := cmp.Diff(tc.want.Error(), c.Validate(context.Background()).Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestChannelImmutableFields(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*Channel)
		wantError bool
	}{
		{name: "no change", mutate: func(*Channel) {}},
		{name: "subscribers may change (controller writes them)", mutate: func(c *Channel) {
			c.Spec.Subscribers = []eventingduckv1.SubscriberSpec{{UID: "u"}}
		}},
		{name: "template may not change", wantError: true, mutate: func(c *Channel) {
			c.Spec.ChannelTemplate = &ChannelTemplateSpec{TypeMeta: kafkaTypeMeta}
		}},
		{name: "delivery may not change", wantError: true, mutate: func(c *Channel) {
			c.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(1)}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original, updated := validChannel(), validChannel()
			tc.mutate(updated)
			err := updated.CheckImmutableFields(context.Background(), original)
			if (err != nil) != tc.wantError {
				t.Fatalf("CheckImmutableFields() = %v, wantError %v", err, tc.wantError)
			}
			if err != nil && (err.Message != "Immutable fields changed (-old +new)" || err.Paths[0] != "spec") {
				t.Errorf("error = %q at %v", err.Message, err.Paths)
			}
		})
	}
	if err := validChannel().CheckImmutableFields(context.Background(), nil); err != nil {
		t.Error("CheckImmutableFields(nil) =", err)
	}
}

func TestChannelLifecycle(t *testing.T) {
	ready := func(cs *ChannelStatus) {
		cs.MarkBackingChannelReady()
		cs.SetAddress(&duckv1.Addressable{URL: apis.HTTP("c-kn-channel.ns.svc.cluster.local")})
		cs.MarkDeadLetterSinkNotConfigured()
	}
	backing := func(status corev1.ConditionStatus, reason string) *eventingduckv1.ChannelableStatus {
		return &eventingduckv1.ChannelableStatus{
			Status: duckv1.Status{Conditions: duckv1.Conditions{{Type: apis.ConditionReady, Status: status, Reason: reason}}},
			AddressStatus: duckv1.AddressStatus{Address: &duckv1.Addressable{
				URL: apis.HTTP("c-kn-channel.ns.svc.cluster.local"),
			}},
			SubscribableStatus: eventingduckv1.SubscribableStatus{Subscribers: []eventingduckv1.SubscriberStatus{{UID: "u", Ready: corev1.ConditionTrue}}},
		}
	}
	tests := []struct {
		name       string
		mark       func(*ChannelStatus)
		wantReady  corev1.ConditionStatus
		wantReason string
	}{{
		name:      "initialized",
		mark:      func(*ChannelStatus) {},
		wantReady: corev1.ConditionUnknown,
	}, {
		name:      "all ready",
		mark:      ready,
		wantReady: corev1.ConditionTrue,
	}, {
		name: "with DLS resolved",
		mark: func(cs *ChannelStatus) {
			ready(cs)
			cs.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.DeliveryStatus{DeadLetterSinkURI: apis.HTTP("dls")})
		},
		wantReady: corev1.ConditionTrue,
	}, {
		name:       "backing channel failed",
		mark:       func(cs *ChannelStatus) { ready(cs); cs.MarkBackingChannelFailed("ChannelFailure", "boom") },
		wantReady:  corev1.ConditionFalse,
		wantReason: "ChannelFailure",
	}, {
		name:       "backing channel unknown",
		mark:       func(cs *ChannelStatus) { ready(cs); cs.MarkBackingChannelUnknown("Creating", "") },
		wantReady:  corev1.ConditionUnknown,
		wantReason: "Creating",
	}, {
		name:       "backing channel not configured",
		mark:       func(cs *ChannelStatus) { ready(cs); cs.MarkBackingChannelNotConfigured() },
		wantReady:  corev1.ConditionUnknown,
		wantReason: "BackingChannelNotConfigured",
	}, {
		name:       "no address",
		mark:       func(cs *ChannelStatus) { ready(cs); cs.SetAddress(nil) },
		wantReady:  corev1.ConditionFalse,
		wantReason: "EmptyHostname",
	}, {
		name:       "address without URL",
		mark:       func(cs *ChannelStatus) { ready(cs); cs.SetAddress(&duckv1.Addressable{}) },
		wantReady:  corev1.ConditionFalse,
		wantReason: "EmptyHostname",
	}, {
		name:       "DLS failed",
		mark:       func(cs *ChannelStatus) { ready(cs); cs.MarkDeadLetterSinkResolvedFailed("NotFound", "") },
		wantReady:  corev1.ConditionFalse,
		wantReason: "NotFound",
	}, {
		name: "propagate ready backing channel",
		mark: func(cs *ChannelStatus) {
			cs.PropagateStatuses(backing(corev1.ConditionTrue, ""))
			cs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady: corev1.ConditionTrue,
	}, {
		name: "propagate failed backing channel",
		mark: func(cs *ChannelStatus) {
			cs.PropagateStatuses(backing(corev1.ConditionFalse, "DispatcherDown"))
			cs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionFalse,
		wantReason: "DispatcherDown",
	}, {
		name: "propagate unknown backing channel",
		mark: func(cs *ChannelStatus) {
			cs.PropagateStatuses(backing(corev1.ConditionUnknown, "Starting"))
			cs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionUnknown,
		wantReason: "Starting",
	}, {
		name: "propagate backing channel with no conditions",
		mark: func(cs *ChannelStatus) {
			cs.PropagateStatuses(&eventingduckv1.ChannelableStatus{})
			cs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionFalse, // no address either
		wantReason: "EmptyHostname",
	}, {
		name: "propagate bogus status",
		mark: func(cs *ChannelStatus) {
			cs.PropagateStatuses(backing("Maybe", ""))
			cs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionUnknown,
		wantReason: "BackingChannelUnknown",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := &ChannelStatus{}
			cs.InitializeConditions()
			tc.mark(cs)
			got := cs.GetTopLevelCondition()
			if got.Status != tc.wantReady || (tc.wantReason != "" && got.Reason != tc.wantReason) {
				t.Errorf("Ready = %v/%q, want %v/%q", got.Status, got.Reason, tc.wantReady, tc.wantReason)
			}
			if cs.IsReady() != (tc.wantReady == corev1.ConditionTrue) {
				t.Errorf("IsReady() = %v", cs.IsReady())
			}
		})
	}

	cs := &ChannelStatus{}
	cs.PropagateStatuses(backing(corev1.ConditionTrue, ""))
	if len(cs.Subscribers) != 1 || cs.Subscribers[0].UID != "u" {
		t.Errorf("subscribers not propagated: %+v", cs.Subscribers)
	}
	if cs.Address == nil || cs.Address.URL.Host != "c-kn-channel.ns.svc.cluster.local" {
		t.Errorf("address not propagated: %+v", cs.Address)
	}
	cs.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.DeliveryStatus{DeadLetterSinkURI: apis.HTTP("dls")})
	cs.MarkDeadLetterSinkNotConfigured()
	if cs.DeliveryStatus.IsSet() {
		t.Error("MarkDeadLetterSinkNotConfigured kept the old URI")
	}
}
