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

package traffic

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

func TestMarkBadTrafficTarget(t *testing.T) {
	tests := []struct {
		name        string
		err         TargetError
		wantStatus  corev1.ConditionStatus
		wantReason  string
		wantMessage string
	}{{
		name:        "missing configuration",
		err:         errMissingConfiguration("cfg"),
		wantStatus:  corev1.ConditionFalse,
		wantReason:  "ConfigurationMissing",
		wantMessage: `Configuration "cfg" referenced in traffic not found.`,
	}, {
		name:        "missing revision",
		err:         errMissingRevision("rev"),
		wantStatus:  corev1.ConditionFalse,
		wantReason:  "RevisionMissing",
		wantMessage: `Revision "rev" referenced in traffic not found.`,
	}, {
		name:        "configuration not ready yet",
		err:         errUnreadyConfiguration(Configuration("ns", "cfg", WithLatestCreated("cfg-00001"))),
		wantStatus:  corev1.ConditionUnknown,
		wantReason:  "RevisionMissing",
		wantMessage: `Configuration "cfg" is waiting for a Revision to become ready.`,
	}, {
		name:        "configuration failed",
		err:         errUnreadyConfiguration(Configuration("ns", "cfg", WithLatestCreated("cfg-00001"), MarkLatestCreatedFailed("boom"))),
		wantStatus:  corev1.ConditionFalse,
		wantReason:  "RevisionMissing",
		wantMessage: `Configuration "cfg" does not have any ready Revision.`,
	}, {
		name:        "revision not ready yet",
		err:         errUnreadyRevision(Revision("ns", "rev", WithInitRevConditions)),
		wantStatus:  corev1.ConditionUnknown,
		wantReason:  "RevisionMissing",
		wantMessage: `Revision "rev" is not yet ready.`,
	}, {
		name:        "revision without any status is not ready yet",
		err:         errUnreadyRevision(Revision("ns", "rev")),
		wantStatus:  corev1.ConditionUnknown,
		wantReason:  "RevisionMissing",
		wantMessage: `Revision "rev" is not yet ready.`,
	}, {
		name:        "revision failed",
		err:         errUnreadyRevision(Revision("ns", "rev", WithInitRevConditions, MarkContainerHealthyFalse("ExitCode1"))),
		wantStatus:  corev1.ConditionFalse,
		wantReason:  "RevisionMissing",
		wantMessage: `Revision "rev" failed to become ready.`,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			rs := &v1.RouteStatus{}
			rs.InitializeConditions()
			test.err.MarkBadTrafficTarget(rs)
			c := rs.GetCondition(v1.RouteConditionAllTrafficAssigned)
			if c == nil {
				t.Fatal("no AllTrafficAssigned condition")
			}
			if c.Status != test.wantStatus || c.Reason != test.wantReason || c.Message != test.wantMessage {
				t.Errorf("AllTrafficAssigned = %s/%s/%q, want %s/%s/%q",
					c.Status, c.Reason, c.Message, test.wantStatus, test.wantReason, test.wantMessage)
			}
			if got, want := test.err.IsFailure(), test.wantStatus == corev1.ConditionFalse; got != want {
				t.Errorf("IsFailure() = %v, want %v", got, want)
			}
			if ready := rs.GetCondition(v1.RouteConditionReady); ready.Status != test.wantStatus {
				t.Errorf("Ready = %s, want %s", ready.Status, test.wantStatus)
			}
		})
	}
}
