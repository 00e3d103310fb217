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
	"testing"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

func TestBrokerInitializeConditions(t *testing.T) {
	bs := &BrokerStatus{}
	bs.InitializeConditions()
	for _, c := range []apis.ConditionType{
		BrokerConditionReady, BrokerConditionIngress, BrokerConditionTriggerChannel,
		BrokerConditionFilter, BrokerConditionAddressable, BrokerConditionDeadLetterSinkResolved,
	} {
		if got := bs.GetCondition(c); got == nil || got.Status != corev1.ConditionUnknown {
			t.Errorf("condition %s = %v, want Unknown", c, got)
		}
	}
	if n := len(bs.Conditions); n != 6 {
		t.Errorf("got %d conditions, want 6 (no EventPoliciesReady)", n)
	}
	// Initializing again keeps what has been marked.
	bs.MarkFilterFailed("Nope", "no")
	bs.InitializeConditions()
	if got := bs.GetCondition(BrokerConditionFilter); got.Status != corev1.ConditionFalse {
		t.Errorf("re-initialize reset FilterReady to %v", got.Status)
	}
}

func TestBrokerReadiness(t *testing.T) {
	h := TestHelper
	httpAddr := &duckv1.Addressable{URL: apis.HTTP("broker-ingress.knative-eventing.svc.cluster.local")}
	tests := []struct {
		name       string
		mark       func(*BrokerStatus)
		wantReady  corev1.ConditionStatus
		wantReason string
	}{{
		name:      "nothing marked",
		mark:      func(*BrokerStatus) {},
		wantReady: corev1.ConditionUnknown,
	}, {
		name: "everything ready, no DLS",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady: corev1.ConditionTrue,
	}, {
		name: "everything ready with a DLS",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.DeliveryStatus{DeadLetterSinkURI: apis.HTTP("dls")})
		},
		wantReady: corev1.ConditionTrue,
	}, {
		name: "ingress endpoints unavailable",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.UnavailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionFalse,
		wantReason: "EndpointsUnavailable",
	}, {
		name: "filter endpoints unavailable",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.UnavailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionFalse,
		wantReason: "EndpointsUnavailable",
	}, {
		name: "trigger channel not addressable",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.NotReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionFalse,
		wantReason: "ChannelNotReady",
	}, {
		name: "no address",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(nil)
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionFalse,
		wantReason: "nil URL",
	}, {
		name: "address unknown",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.MarkBrokerAddressableUnknown("Waiting", "for ingress")
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady:  corev1.ConditionUnknown,
		wantReason: "Waiting",
	}, {
		name: "dead letter sink unresolvable",
		mark: func(bs *BrokerStatus) {
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkResolvedFailed("Unable to get the DeadLetterSink's URI", "not found")
		},
		wantReady:  corev1.ConditionFalse,
		wantReason: "Unable to get the DeadLetterSink's URI",
	}, {
		name: "recovers after failure",
		mark: func(bs *BrokerStatus) {
			bs.MarkIngressFailed("Boom", "boom")
			bs.MarkTriggerChannelFailed("Boom", "boom")
			bs.PropagateIngressAvailability(h.AvailableEndpoints())
			bs.PropagateFilterAvailability(h.AvailableEndpoints())
			bs.PropagateTriggerChannelReadiness(h.ReadyChannelStatus())
			bs.SetAddress(httpAddr)
			bs.MarkDeadLetterSinkNotConfigured()
		},
		wantReady: corev1.ConditionTrue,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bs := &BrokerStatus{}
			bs.InitializeConditions()
			tc.mark(bs)
			got := bs.GetTopLevelCondition()
			if got.Status != tc.wantReady {
				t.Errorf("Ready = %v, want %v (%+v)", got.Status, tc.wantReady, got)
			}
			if got.Reason != tc.wantReason {
				t.Errorf("Ready reason = %q, want %q", got.Reason, tc.wantReason)
			}
		})
	}
}

func TestBrokerStatusFields(t *testing.T) {
	bs := &BrokerStatus{}
	bs.SetAddress(&duckv1.Addressable{URL: apis.HTTP("example.com")})
	if bs.Address.Name == nil || *bs.Address.Name != "http" {
		t.Errorf("address name = %v, want http", bs.Address.Name)
	}
	bs.SetAddress(&duckv1.Addressable{})
	if c := bs.GetCondition(BrokerConditionAddressable); c.Status != corev1.ConditionFalse {
		t.Errorf("Addressable with nil URL = %v, want False", c.Status)
	}

	dls := eventingduckv1.DeliveryStatus{DeadLetterSinkURI: apis.HTTP("dls.ns.svc.cluster.local")}
	bs.MarkDeadLetterSinkResolvedSucceeded(dls)
	if bs.DeadLetterSinkURI.String() != "http://dls.ns.svc.cluster.local" {
		t.Errorf("DeadLetterSinkURI = %v", bs.DeadLetterSinkURI)
	}
	bs.MarkDeadLetterSinkResolvedFailed("R", "m")
	if bs.DeliveryStatus.IsSet() {
		t.Error("failed DLS resolution kept the old URI")
	}
	bs.MarkDeadLetterSinkResolvedSucceeded(dls)
	bs.MarkDeadLetterSinkNotConfigured()
	if bs.DeliveryStatus.IsSet() {
		t.Error("DLS not configured kept the old URI")
	}
	c := bs.GetCondition(BrokerConditionDeadLetterSinkResolved)
	if c.Status != corev1.ConditionTrue || c.Reason != "DeadLetterSinkNotConfigured" {
		t.Errorf("DeadLetterSinkResolved = %+v", c)
	}
}

func TestBrokerIsReady(t *testing.T) {
	b := &Broker{Status: *TestHelper.ReadyBrokerStatus()}
	b.Generation = 2
	b.Status.ObservedGeneration = 1
	if b.IsReady() {
		t.Error("IsReady() = true with a stale observedGeneration")
	}
	b.Status.ObservedGeneration = 2
	if !b.IsReady() {
		t.Error("IsReady() = false for a ready, observed Broker")
	}
	if (&Broker{Status: *TestHelper.FalseBrokerStatus()}).IsReady() {
		t.Error("IsReady() = true for a failed Broker")
	}
}

func TestRegisterAlternateBrokerConditionSet(t *testing.T) {
	orig := (&Broker{}).GetConditionSet()
	defer RegisterAlternateBrokerConditionSet(orig)

	RegisterAlternateBrokerConditionSet(apis.NewLivingConditionSet("OnlyThis"))
	bs := &BrokerStatus{}
	bs.InitializeConditions()
	bs.GetConditionSet().Manage(bs).MarkTrue("OnlyThis")
	if !bs.GetTopLevelCondition().IsTrue() {
		t.Error("alternate condition set not used")
	}
}
