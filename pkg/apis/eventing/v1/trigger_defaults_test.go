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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

func TestTriggerSetDefaults(t *testing.T) {
	svcRef := func(ns string) *duckv1.KReference {
		return &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "svc", Namespace: ns}
	}
	crossNS := feature.ToContext(context.Background(), feature.Flags{feature.CrossNamespaceEventLinks: feature.Enabled})
	tests := []struct {
		name    string
		ctx     context.Context
		initial Trigger
		want    Trigger
	}{{
		name:    "broker label, pass-all filter",
		initial: Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: TriggerSpec{Broker: "default"}},
		want: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Labels: map[string]string{"eventing.knative.dev/broker": "default"}},
			Spec:       TriggerSpec{Broker: "default", Filter: &TriggerFilter{}},
		},
	}, {
		name: "existing labels and filter kept, broker label overwritten",
		initial: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Labels: map[string]string{"a": "b", "eventing.knative.dev/broker": "stale"}},
			Spec:       TriggerSpec{Broker: "b1", Filter: &TriggerFilter{Attributes: TriggerFilterAttributes{"type": "x"}}},
		},
		want: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Labels: map[string]string{"a": "b", "eventing.knative.dev/broker": "b1"}},
			Spec:       TriggerSpec{Broker: "b1", Filter: &TriggerFilter{Attributes: TriggerFilterAttributes{"type": "x"}}},
		},
	}, {
		name: "subscriber and dead letter sink refs get the trigger's namespace",
		initial: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec: TriggerSpec{
				Broker:     "default",
				Subscriber: duckv1.Destination{Ref: svcRef("")},
				Delivery:   &eventingduckv1.DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: svcRef("")}},
			},
		},
		want: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Labels: map[string]string{"eventing.knative.dev/broker": "default"}},
			Spec: TriggerSpec{
				Broker:     "default",
				Filter:     &TriggerFilter{},
				Subscriber: duckv1.Destination{Ref: svcRef("ns")},
				Delivery:   &eventingduckv1.DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: svcRef("ns")}},
			},
		},
	}, {
		name:    "brokerRef without the cross-namespace feature: no label",
		initial: Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: TriggerSpec{BrokerRef: &duckv1.KReference{Name: "b"}}},
		want: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns"},
			Spec:       TriggerSpec{BrokerRef: &duckv1.KReference{Name: "b"}, Filter: &TriggerFilter{}},
		},
	}, {
		name:    "brokerRef with the cross-namespace feature: labelled with its name",
		ctx:     crossNS,
		initial: Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns"}, Spec: TriggerSpec{BrokerRef: &duckv1.KReference{Name: "b", Namespace: "other"}}},
		want: Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Labels: map[string]string{"eventing.knative.dev/broker": "b"}},
			Spec:       TriggerSpec{BrokerRef: &duckv1.KReference{Name: "b", Namespace: "other"}, Filter: &TriggerFilter{}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := tc.initial.DeepCopy()
			got.SetDefaults(ctx)
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
			// Defaulted Triggers with a subscriber must validate.
			if got.Spec.Subscriber.Ref != nil && got.Spec.BrokerRef == nil {
				if err := got.Validate(ctx); err != nil {
					t.Error("defaulted Trigger does not validate:", err)
				}
			}
		})
	}
}
