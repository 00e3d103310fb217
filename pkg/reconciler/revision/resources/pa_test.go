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

package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/ptr"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestMakePA(t *testing.T) {
	rev := testRevision(func(r *v1.Revision) {
		r.Spec.ContainerConcurrency = ptr.Int64(10)
		r.Labels[serving.RoutingStateLabelKey] = string(v1.RoutingStateActive)
		r.Annotations[serving.RoutesAnnotationKey] = "r"
		r.Annotations["autoscaling.knative.dev/min-scale"] = "2"
	})
	pa := MakePA(rev, nil)

	if pa.Name != "bar" || pa.Namespace != "foo" {
		t.Errorf("name = %s/%s, want foo/bar", pa.Namespace, pa.Name)
	}
	if len(pa.OwnerReferences) != 1 || pa.OwnerReferences[0].Name != "bar" || !ptr.BoolValue(pa.OwnerReferences[0].Controller) {
		t.Errorf("owner references = %v", pa.OwnerReferences)
	}
	if diff := cmp.Diff(map[string]string{"a": "b", "autoscaling.knative.dev/min-scale": "2"}, pa.Annotations); diff != "" {
		t.Error("annotations (-want,+got), autoscaling annotations pass, routing ones do not:", diff)
	}
	if pa.Labels[serving.RevisionLabelKey] != "bar" || pa.Labels[serving.RoutingStateLabelKey] != "" {
		t.Errorf("labels = %v", pa.Labels)
	}
	if diff := cmp.Diff(autoscalingv1alpha1.PodAutoscalerSpec{
		ContainerConcurrency: 10,
		ScaleTargetRef:       corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "bar-deployment"},
		ProtocolType:         networking.ProtocolHTTP1,
		Reachability:         autoscalingv1alpha1.ReachabilityReachable,
	}, pa.Spec); diff != "" {
		t.Error("spec (-want,+got):", diff)
	}
}

func TestReachability(t *testing.T) {
	deploy := func(replicas, ready int32) *appsv1.Deployment {
		return &appsv1.Deployment{
			Spec:   appsv1.DeploymentSpec{Replicas: ptr.Int32(replicas)},
			Status: appsv1.DeploymentStatus{ReadyReplicas: ready},
		}
	}
	failed := func(r *v1.Revision) { r.Status.MarkContainerHealthyFalse("ExitCode1", "boom") }
	state := func(s v1.RoutingState) revOption {
		return func(r *v1.Revision) { r.Labels[serving.RoutingStateLabelKey] = string(s) }
	}
	for _, tc := range []struct {
		name   string
		rev    *v1.Revision
		deploy *appsv1.Deployment
		want   autoscalingv1alpha1.ReachabilityType
	}{
		{"routed", testRevision(state(v1.RoutingStateActive)), nil, autoscalingv1alpha1.ReachabilityReachable},
		{"no longer routed", testRevision(state(v1.RoutingStateReserve)), nil, autoscalingv1alpha1.ReachabilityUnreachable},
		{"pending", testRevision(state(v1.RoutingStatePending)), nil, autoscalingv1alpha1.ReachabilityUnknown},
		{"no routing state", testRevision(), nil, autoscalingv1alpha1.ReachabilityUnknown},
		{"routed but failing with no ready pods", testRevision(state(v1.RoutingStateActive), failed), deploy(1, 0), autoscalingv1alpha1.ReachabilityUnreachable},
		{"routed and failing with ready pods", testRevision(state(v1.RoutingStateActive), failed), deploy(2, 1), autoscalingv1alpha1.ReachabilityReachable},
		{"routed, failing, scaled to zero", testRevision(state(v1.RoutingStateActive), failed), deploy(0, 0), autoscalingv1alpha1.ReachabilityReachable},
		{"resources unavailable with no ready pods", testRevision(state(v1.RoutingStateActive), func(r *v1.Revision) {
			r.Status.MarkResourcesAvailableFalse("Unschedulable", "no nodes")
		}), deploy(1, 0), autoscalingv1alpha1.ReachabilityUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reachability(tc.rev, tc.deploy); got != tc.want {
				t.Errorf("reachability() = %q, want %q", got, tc.want)
			}
		})
	}
}
