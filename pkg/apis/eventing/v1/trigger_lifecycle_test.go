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
)

func readyCond(status corev1.ConditionStatus, reason, msg string) *apis.Condition {
	return &apis.Condition{Type: apis.ConditionReady, Status: status, Reason: reason, Message: msg}
}

func TestTriggerInitializeConditions(t *testing.T) {
	ts := &TriggerStatus{}
	ts.InitializeConditions()
	want := []apis.ConditionType{
		TriggerConditionReady, TriggerConditionBroker, TriggerConditionSubscribed,
		TriggerConditionDependency, TriggerConditionSubscriberResolved, TriggerConditionDeadLetterSinkResolved,
	}
	for _, c := range want {
		if got := ts.GetCondition(c); got == nil || got.Status != corev1.ConditionUnknown {
			t.Errorf("condition %s = %v, want Unknown", c, got)
		}
	}
	if len(ts.Conditions) != len(want) {
		t.Errorf("got %d conditions, want %d (no OIDCIdentityCreated)", len(ts.Conditions), len(want))
	}
}

func TestTriggerReadiness(t *testing.T) {
	allGood := func(ts *TriggerStatus) {
		ts.PropagateBrokerCondition(TestHelper.ReadyBrokerCondition())
		ts.PropagateSubscriptionCondition(TestHelper.ReadySubscriptionCondition())
		ts.MarkDependencySucceeded()
		ts.MarkSubscriberResolvedSucceeded()
		ts.MarkDeadLetterSinkNotConfigured()
	}
	tests := []struct {
		name          string
		mark          func(*TriggerStatus)
		wantReady     corev1.ConditionStatus
		wantReason    string
		wantCondition apis.ConditionType
		wantCondState corev1.ConditionStatus
	}{{
		name:      "all good",
		mark:      allGood,
		wantReady: corev1.ConditionTrue,
	}, {
		name: "all good with a resolved DLS",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkDeadLetterSinkResolvedSucceeded()
		},
		wantReady: corev1.ConditionTrue,
	}, {
		name: "broker not ready",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateBrokerCondition(readyCond(corev1.ConditionFalse, "IngressFailed", "ingress down"))
		},
		wantReady: corev1.ConditionFalse, wantReason: "IngressFailed",
		wantCondition: TriggerConditionBroker, wantCondState: corev1.ConditionFalse,
	}, {
		name: "broker unknown",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateBrokerCondition(readyCond(corev1.ConditionUnknown, "Pending", ""))
		},
		wantReady: corev1.ConditionUnknown, wantReason: "Pending",
		wantCondition: TriggerConditionBroker, wantCondState: corev1.ConditionUnknown,
	}, {
		name: "broker has no Ready condition yet",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateBrokerCondition(nil)
		},
		wantReady: corev1.ConditionUnknown, wantReason: "BrokerNotConfigured",
		wantCondition: TriggerConditionBroker, wantCondState: corev1.ConditionUnknown,
	}, {
		name: "broker condition with a bogus status",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateBrokerCondition(readyCond("Maybe", "", ""))
		},
		wantReady: corev1.ConditionUnknown, wantReason: "BrokerUnknown",
	}, {
		name: "subscription failed",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateSubscriptionCondition(TestHelper.FalseSubscriptionCondition())
		},
		wantReady:     corev1.ConditionFalse,
		wantCondition: TriggerConditionSubscribed, wantCondState: corev1.ConditionFalse,
	}, {
		name: "subscription unknown",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateSubscriptionCondition(readyCond(corev1.ConditionUnknown, "Waiting", ""))
		},
		wantReady: corev1.ConditionUnknown, wantReason: "Waiting",
	}, {
		name: "subscription not yet reconciled",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateSubscriptionCondition(nil)
		},
		wantReady: corev1.ConditionUnknown, wantReason: "SubscriptionNotConfigured",
	}, {
		name: "subscription condition with a bogus status",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.PropagateSubscriptionCondition(readyCond("Maybe", "", ""))
		},
		wantReady: corev1.ConditionUnknown, wantReason: "SubscriptionUnknown",
	}, {
		name: "not subscribed",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkNotSubscribed("SubscriptionNotOwned", "owned by someone else")
		},
		wantReady: corev1.ConditionFalse, wantReason: "SubscriptionNotOwned",
	}, {
		name: "dependency failed",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkDependencyFailed("DependencyDoesNotExist", "no such source")
		},
		wantReady: corev1.ConditionFalse, wantReason: "DependencyDoesNotExist",
	}, {
		name: "dependency unknown",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkDependencyUnknown("Checking", "")
		},
		wantReady: corev1.ConditionUnknown, wantReason: "Checking",
	}, {
		name: "dependency not configured",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkDependencyNotConfigured()
		},
		wantReady: corev1.ConditionUnknown, wantReason: "DependencyNotConfigured",
	}, {
		name: "subscriber unresolvable",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkSubscriberResolvedFailed("Unable to get the Subscriber's URI", "not found")
		},
		wantReady: corev1.ConditionFalse, wantReason: "Unable to get the Subscriber's URI",
	}, {
		name: "subscriber resolution unknown",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkSubscriberResolvedUnknown("Resolving", "")
		},
		wantReady: corev1.ConditionUnknown, wantReason: "Resolving",
	}, {
		name: "dead letter sink unresolvable",
		mark: func(ts *TriggerStatus) {
			allGood(ts)
			ts.MarkDeadLetterSinkResolvedFailed("Unable to get the dead letter sink's URI", "not found")
		},
		wantReady: corev1.ConditionFalse, wantReason: "Unable to get the dead letter sink's URI",
	}, {
		name: "broker failed then recovered",
		mark: func(ts *TriggerStatus) {
			ts.MarkBrokerFailed("Down", "")
			allGood(ts)
		},
		wantReady: corev1.ConditionTrue,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := &TriggerStatus{}
			ts.InitializeConditions()
			tc.mark(ts)
			got := ts.GetTopLevelCondition()
			if got.Status != tc.wantReady {
				t.Errorf("Ready = %v, want %v (%+v)", got.Status, tc.wantReady, got)
			}
			if tc.wantReason != "" && got.Reason != tc.wantReason {
				t.Errorf("Ready reason = %q, want %q", got.Reason, tc.wantReason)
			}
			if ts.IsReady() != (tc.wantReady == corev1.ConditionTrue) {
				t.Errorf("IsReady() = %v", ts.IsReady())
			}
			if tc.wantCondition != "" {
				if c := ts.GetCondition(tc.wantCondition); c == nil || c.Status != tc.wantCondState {
					t.Errorf("%s = %+v, want %v", tc.wantCondition, c, tc.wantCondState)
				}
			}
		})
	}
}

func TestTriggerPropagateDependencyStatus(t *testing.T) {
	source := func(c *apis.Condition) *duckv1.Source {
		s := &duckv1.Source{}
		if c != nil {
			s.Status.Conditions = duckv1.Conditions{*c}
		}
		return s
	}
	tests := []struct {
		name       string
		source     *duckv1.Source
		want       corev1.ConditionStatus
		wantReason string
	}{
		{"no ready condition", source(nil), corev1.ConditionUnknown, "DependencyNotConfigured"},
		{"ready", source(readyCond(corev1.ConditionTrue, "", "")), corev1.ConditionTrue, ""},
		{"failed", source(readyCond(corev1.ConditionFalse, "SinkNotFound", "no sink")), corev1.ConditionFalse, "SinkNotFound"},
		{"unknown", source(readyCond(corev1.ConditionUnknown, "Deploying", "")), corev1.ConditionUnknown, "Deploying"},
		{"bogus", source(readyCond("Maybe", "", "")), corev1.ConditionUnknown, "DependencyUnknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := &TriggerStatus{}
			ts.InitializeConditions()
			ts.PropagateDependencyStatus(tc.source)
			c := ts.GetCondition(TriggerConditionDependency)
			if c.Status != tc.want || c.Reason != tc.wantReason {
				t.Errorf("DependencyReady = %v/%q, want %v/%q", c.Status, c.Reason, tc.want, tc.wantReason)
			}
		})
	}
}
