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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

const (
	// DeploymentConditionReady means the underlying deployment is ready.
	DeploymentConditionReady = apis.ConditionReady
	// DeploymentConditionReplicaSetReady inverts the deployment's
	// ReplicaFailure condition.
	DeploymentConditionReplicaSetReady apis.ConditionType = "ReplicaSetReady"
	// DeploymentConditionProgressing mirrors the deployment's Progressing condition.
	DeploymentConditionProgressing apis.ConditionType = "Progressing"
)

var depCondSet = apis.NewLivingConditionSet(
	DeploymentConditionProgressing,
	DeploymentConditionReplicaSetReady,
)

// TransformDeploymentStatus turns a Deployment's status into a duckv1.Status
// following Knative's condition conventions, so a Revision can propagate a
// single happy (or failed) Ready condition from it.
//
// Messages copied from other objects are passed as "%s" arguments, not as
// format strings, so a '%' in them survives (upstream mangles it).
func TransformDeploymentStatus(ds *appsv1.DeploymentStatus) *duckv1.Status {
	s := &duckv1.Status{}
	m := depCondSet.Manage(s)
	m.InitializeConditions()
	// No ReplicaFailure condition means no failure happened; the loop below
	// overrides this if there is one.
	m.MarkTrue(DeploymentConditionReplicaSetReady)
	m.MarkUnknown(DeploymentConditionProgressing, "Deploying", "")

	// Progressing first and ReplicaFailure second, whatever their order in
	// the deployment, so that a replica failure decides the Ready outcome.
	for _, want := range []appsv1.DeploymentConditionType{appsv1.DeploymentProgressing, appsv1.DeploymentReplicaFailure} {
		for _, cond := range ds.Conditions {
			if cond.Type != want {
				continue
			}
			switch cond.Type {
			case appsv1.DeploymentProgressing:
				switch cond.Status {
				case corev1.ConditionUnknown:
					m.MarkUnknown(DeploymentConditionProgressing, cond.Reason, "%s", cond.Message)
				case corev1.ConditionTrue:
					m.MarkTrue(DeploymentConditionProgressing)
				case corev1.ConditionFalse:
					m.MarkFalse(DeploymentConditionProgressing, cond.Reason, "%s", cond.Message)
				}
			case appsv1.DeploymentReplicaFailure:
				switch cond.Status {
				case corev1.ConditionUnknown:
					m.MarkUnknown(DeploymentConditionReplicaSetReady, cond.Reason, "%s", cond.Message)
				case corev1.ConditionTrue:
					m.MarkFalse(DeploymentConditionReplicaSetReady, cond.Reason, "%s", cond.Message)
				case corev1.ConditionFalse:
					m.MarkTrue(DeploymentConditionReplicaSetReady)
				}
			}
		}
	}
	return s
}
