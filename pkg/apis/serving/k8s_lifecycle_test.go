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

package serving

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
)

// cond is the part of a condition the tests care about. Conditions come
// sorted by type.
type cond struct {
	Type    apis.ConditionType
	Status  corev1.ConditionStatus
	Reason  string
	Message string
}

func TestTransformDeploymentStatus(t *testing.T) {
	progressing := func(s corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
		return appsv1.DeploymentCondition{Type: appsv1.DeploymentProgressing, Status: s, Reason: reason, Message: msg}
	}
	replicaFailure := func(s corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
		return appsv1.DeploymentCondition{Type: appsv1.DeploymentReplicaFailure, Status: s, Reason: reason, Message: msg}
	}

	tests := []struct {
		name  string
		conds []appsv1.DeploymentCondition
		want  []cond
	}{{
		name: "initial conditions",
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionUnknown, "Deploying", ""},
			{DeploymentConditionReady, corev1.ConditionUnknown, "Deploying", ""},
			{DeploymentConditionReplicaSetReady, corev1.ConditionTrue, "", ""},
		},
	}, {
		name:  "happy without replica set condition",
		conds: []appsv1.DeploymentCondition{progressing(corev1.ConditionTrue, "", "")},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReady, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReplicaSetReady, corev1.ConditionTrue, "", ""},
		},
	}, {
		name: "happy with replica set condition",
		conds: []appsv1.DeploymentCondition{
			progressing(corev1.ConditionTrue, "", ""),
			replicaFailure(corev1.ConditionFalse, "", ""),
		},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReady, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReplicaSetReady, corev1.ConditionTrue, "", ""},
		},
	}, {
		name:  "progress deadline exceeded",
		conds: []appsv1.DeploymentCondition{progressing(corev1.ConditionFalse, "ProgressDeadlineExceeded", "took too long")},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionFalse, "ProgressDeadlineExceeded", "took too long"},
			{DeploymentConditionReady, corev1.ConditionFalse, "ProgressDeadlineExceeded", "took too long"},
			{DeploymentConditionReplicaSetReady, corev1.ConditionTrue, "", ""},
		},
	}, {
		name:  "still progressing",
		conds: []appsv1.DeploymentCondition{progressing(corev1.ConditionUnknown, "Waiting", "for pods")},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionUnknown, "Waiting", "for pods"},
			{DeploymentConditionReady, corev1.ConditionUnknown, "Waiting", "for pods"},
			{DeploymentConditionReplicaSetReady, corev1.ConditionTrue, "", ""},
		},
	}, {
		name: "replica failure wins over progressing, whatever the order",
		conds: []appsv1.DeploymentCondition{
			replicaFailure(corev1.ConditionTrue, "FailedCreate", "quota exceeded"),
			progressing(corev1.ConditionUnknown, "Waiting", "for pods"),
		},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionUnknown, "Waiting", "for pods"},
			{DeploymentConditionReady, corev1.ConditionFalse, "FailedCreate", "quota exceeded"},
			{DeploymentConditionReplicaSetReady, corev1.ConditionFalse, "FailedCreate", "quota exceeded"},
		},
	}, {
		name: "replica failure unknown",
		conds: []appsv1.DeploymentCondition{
			progressing(corev1.ConditionTrue, "", ""),
			replicaFailure(corev1.ConditionUnknown, "Hmm", "who knows"),
		},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReady, corev1.ConditionUnknown, "Hmm", "who knows"},
			{DeploymentConditionReplicaSetReady, corev1.ConditionUnknown, "Hmm", "who knows"},
		},
	}, {
		name: "other conditions are ignored",
		conds: []appsv1.DeploymentCondition{
			progressing(corev1.ConditionTrue, "", ""),
			{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse, Reason: "MinimumReplicasUnavailable"},
		},
		want: []cond{
			{DeploymentConditionProgressing, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReady, corev1.ConditionTrue, "", ""},
			{DeploymentConditionReplicaSetReady, corev1.ConditionTrue, "", ""},
		},
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := TransformDeploymentStatus(&appsv1.DeploymentStatus{Conditions: test.conds})
			var gotConds []cond
			for _, c := range got.Conditions {
				gotConds = append(gotConds, cond{c.Type, c.Status, c.Reason, c.Message})
			}
			if diff := cmp.Diff(test.want, gotConds); diff != "" {
				t.Errorf("TransformDeploymentStatus (-want, +got):\n%s", diff)
			}
		})
	}
}
