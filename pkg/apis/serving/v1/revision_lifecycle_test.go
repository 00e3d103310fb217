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

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
)

func TestRevisionIsReadyAndFailed(t *testing.T) {
	tests := []struct {
		name       string
		gen        int64
		obsGen     int64
		status     corev1.ConditionStatus
		wantReady  bool
		wantFailed bool
	}{
		{name: "ready", status: "True", wantReady: true},
		{name: "ready, not observed", gen: 2, obsGen: 1, status: "True"},
		{name: "failed", status: "False", wantFailed: true},
		{name: "unknown", status: "Unknown"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			r := &Revision{Status: RevisionStatus{Status: readyStatus("Ready", test.status, "", "")}}
			r.Generation, r.Status.ObservedGeneration = test.gen, test.obsGen
			if got := r.IsReady(); got != test.wantReady {
				t.Errorf("IsReady() = %v, want %v", got, test.wantReady)
			}
			if got := r.IsFailed(); got != test.wantFailed {
				t.Errorf("IsFailed() = %v, want %v", got, test.wantFailed)
			}
		})
	}
}

func TestGetContainerConcurrency(t *testing.T) {
	if got := (&RevisionSpec{}).GetContainerConcurrency(); got != 0 {
		t.Errorf("unset: GetContainerConcurrency() = %d, want 0", got)
	}
	if got := (&RevisionSpec{ContainerConcurrency: ptr.Int64(10)}).GetContainerConcurrency(); got != 10 {
		t.Errorf("GetContainerConcurrency() = %d, want 10", got)
	}
}

func TestRevisionLifecycle(t *testing.T) {
	type step func(*RevisionStatus)
	resourcesOK := (*RevisionStatus).MarkResourcesAvailableTrue
	healthyOK := (*RevisionStatus).MarkContainerHealthyTrue

	tests := []struct {
		name  string
		steps []step
		want  map[apis.ConditionType]string
	}{{
		name: "initialized: Active is not part of the set",
		want: map[apis.ConditionType]string{
			RevisionConditionReady:              "Unknown",
			RevisionConditionResourcesAvailable: "Unknown",
			RevisionConditionContainerHealthy:   "Unknown",
			RevisionConditionActive:             "-",
		},
	}, {
		name:  "ready without being active (scaled to zero)",
		steps: []step{resourcesOK, healthyOK, func(s *RevisionStatus) { s.MarkActiveFalse("NoTraffic", "idle") }},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:  "True",
			RevisionConditionActive: "False/NoTraffic",
		},
	}, {
		name: "activating and active again",
		steps: []step{resourcesOK, healthyOK,
			func(s *RevisionStatus) { s.MarkActiveFalse("NoTraffic", "") },
			func(s *RevisionStatus) { s.MarkActiveUnknown("Activating", "") },
			(*RevisionStatus).MarkActiveTrue},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:  "True",
			RevisionConditionActive: "True",
		},
	}, {
		name:  "progress deadline exceeded",
		steps: []step{healthyOK, func(s *RevisionStatus) { s.MarkResourcesAvailableFalse(ReasonProgressDeadlineExceeded, "late") }},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:              "False/ProgressDeadlineExceeded",
			RevisionConditionResourcesAvailable: "False/ProgressDeadlineExceeded",
		},
	}, {
		name: "container missing",
		steps: []step{resourcesOK, func(s *RevisionStatus) {
			s.MarkContainerHealthyFalse(ReasonContainerMissing, RevisionContainerMissingMessage("img", "404"))
		}},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:            "False/ContainerMissing",
			RevisionConditionContainerHealthy: "False/ContainerMissing",
		},
	}, {
		name:  "resolving digests",
		steps: []step{resourcesOK, func(s *RevisionStatus) { s.MarkContainerHealthyUnknown(ReasonResolvingDigests, "") }},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:            "Unknown/ResolvingDigests",
			RevisionConditionContainerHealthy: "Unknown/ResolvingDigests",
		},
	}, {
		name:  "deploying",
		steps: []step{healthyOK, func(s *RevisionStatus) { s.MarkResourcesAvailableUnknown(ReasonDeploying, "") }},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:              "Unknown/Deploying",
			RevisionConditionResourcesAvailable: "Unknown/Deploying",
		},
	}, {
		name: "not owned",
		steps: []step{func(s *RevisionStatus) {
			s.MarkResourcesAvailableFalse(ReasonNotOwned, ResourceNotOwnedMessage("Deployment", "d"))
		}},
		want: map[apis.ConditionType]string{
			RevisionConditionReady:              "False/NotOwned",
			RevisionConditionResourcesAvailable: "False/NotOwned",
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RevisionStatus{}
			s.InitializeConditions()
			for _, st := range test.steps {
				st(s)
			}
			checkConds(t, s, test.want)
		})
	}
}

func TestRevisionMessages(t *testing.T) {
	s := &RevisionStatus{}
	s.InitializeConditions()
	s.MarkContainerHealthyFalse(ExitCodeReason(137), RevisionContainerExitingMessage("OOMKilled: 100% memory"))
	checkConds(t, s, map[apis.ConditionType]string{RevisionConditionContainerHealthy: "False/ExitCode137"})
	checkMessage(t, s, RevisionConditionContainerHealthy, "Container failed with: OOMKilled: 100% memory")

	s.MarkResourcesAvailableFalse(ReasonNotOwned, ResourceNotOwnedMessage("Deployment", "foo-deployment"))
	checkMessage(t, s, RevisionConditionResourcesAvailable, `There is an existing Deployment "foo-deployment" that we do not own.`)

	s.MarkContainerHealthyUnknown(ReasonContainerMissing, RevisionContainerMissingMessage("ko://app", "no such image"))
	checkMessage(t, s, RevisionConditionContainerHealthy, `Unable to fetch image "ko://app": no such image`)
}

func TestPropagateDeploymentStatus(t *testing.T) {
	tests := []struct {
		name  string
		conds []appsv1.DeploymentCondition
		want  string
	}{{
		name: "no conditions",
		want: "Unknown/Deploying",
	}, {
		name:  "progressing",
		conds: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: "True"}},
		want:  "True",
	}, {
		name:  "progress deadline exceeded",
		conds: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: "False", Reason: "ProgressDeadlineExceeded"}},
		want:  "False/ProgressDeadlineExceeded",
	}, {
		name: "replica failure",
		conds: []appsv1.DeploymentCondition{
			{Type: appsv1.DeploymentProgressing, Status: "True"},
			{Type: appsv1.DeploymentReplicaFailure, Status: "True", Reason: "FailedCreate", Message: "quota"},
		},
		want: "False/FailedCreate",
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RevisionStatus{}
			s.InitializeConditions()
			s.PropagateDeploymentStatus(&appsv1.DeploymentStatus{Conditions: test.conds})
			checkConds(t, s, map[apis.ConditionType]string{RevisionConditionResourcesAvailable: test.want})
		})
	}
}

// paStatus builds a PodAutoscalerStatus through its own Mark methods.
func paStatus(ready corev1.ConditionStatus, initialized bool, serviceName string, desired, actual *int32) *autoscalingv1alpha1.PodAutoscalerStatus {
	ps := &autoscalingv1alpha1.PodAutoscalerStatus{
		ServiceName:  serviceName,
		DesiredScale: desired,
		ActualScale:  actual,
	}
	ps.InitializeConditions()
	switch ready {
	case corev1.ConditionTrue:
		// The PA is Ready when active with a ready SKS (and initialized).
		ps.MarkActive()
		ps.MarkSKSReady()
	case corev1.ConditionFalse:
		ps.MarkInactive("NoTraffic", "The target is not receiving traffic.")
	case corev1.ConditionUnknown:
		ps.MarkActivating("Queued", "Requests to the target are being buffered as resources are provisioned.")
	}
	if initialized {
		ps.MarkScaleTargetInitialized()
	}
	return ps
}

func TestPropagateAutoscalerStatus(t *testing.T) {
	tests := []struct {
		name   string
		before []func(*RevisionStatus)
		ps     *autoscalingv1alpha1.PodAutoscalerStatus
		want   map[apis.ConditionType]string
	}{{
		name: "PA without conditions",
		ps:   &autoscalingv1alpha1.PodAutoscalerStatus{},
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "Unknown/Deploying",
			RevisionConditionResourcesAvailable: "Unknown/Deploying",
			RevisionConditionContainerHealthy:   "Unknown",
			RevisionConditionReady:              "Unknown/Deploying",
		},
	}, {
		name:   "PA without conditions keeps an earlier failure",
		before: []func(*RevisionStatus){func(s *RevisionStatus) { s.MarkResourcesAvailableFalse("Boom", "") }},
		ps:     &autoscalingv1alpha1.PodAutoscalerStatus{},
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "Unknown/Deploying",
			RevisionConditionResourcesAvailable: "False/Boom",
		},
	}, {
		name: "activating, not yet initialized",
		ps:   paStatus(corev1.ConditionUnknown, false, "foo", nil, nil),
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "Unknown/Queued",
			RevisionConditionResourcesAvailable: "Unknown",
			RevisionConditionContainerHealthy:   "Unknown",
			RevisionConditionReady:              "Unknown",
		},
	}, {
		name: "active and initialized: ready",
		ps:   paStatus(corev1.ConditionTrue, true, "foo", ptr.Int32(1), ptr.Int32(1)),
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "True",
			RevisionConditionResourcesAvailable: "True",
			RevisionConditionContainerHealthy:   "True",
			RevisionConditionReady:              "True",
		},
	}, {
		name: "initialized but no SKS service yet",
		ps:   paStatus(corev1.ConditionTrue, true, "", nil, nil),
		want: map[apis.ConditionType]string{
			RevisionConditionResourcesAvailable: "Unknown/Deploying",
			RevisionConditionContainerHealthy:   "True",
			RevisionConditionReady:              "Unknown/Deploying",
		},
	}, {
		name: "scaled to zero after becoming ready",
		ps:   paStatus(corev1.ConditionFalse, true, "foo", ptr.Int32(0), ptr.Int32(0)),
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "False/NoTraffic",
			RevisionConditionResourcesAvailable: "True",
			RevisionConditionReady:              "True",
		},
	}, {
		name: "scaled to zero without ever reaching initial scale",
		ps:   paStatus(corev1.ConditionFalse, false, "foo", nil, nil),
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "False/NoTraffic",
			RevisionConditionResourcesAvailable: "False/ProgressDeadlineExceeded",
			RevisionConditionReady:              "False/ProgressDeadlineExceeded",
		},
	}, {
		name: "scaled to zero before the SKS service is known is not a failure",
		ps:   paStatus(corev1.ConditionFalse, false, "", nil, nil),
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "False/NoTraffic",
			RevisionConditionResourcesAvailable: "Unknown",
		},
	}, {
		name:   "an earlier container failure is not overridden",
		before: []func(*RevisionStatus){func(s *RevisionStatus) { s.MarkContainerHealthyFalse("ExitCode1", "crash") }},
		ps:     paStatus(corev1.ConditionFalse, true, "foo", nil, nil),
		want: map[apis.ConditionType]string{
			RevisionConditionActive:             "False/NoTraffic",
			RevisionConditionResourcesAvailable: "Unknown",
			RevisionConditionContainerHealthy:   "False/ExitCode1",
			RevisionConditionReady:              "False/ExitCode1",
		},
	}, {
		name:   "an earlier resource failure keeps its message",
		before: []func(*RevisionStatus){func(s *RevisionStatus) { s.MarkResourcesAvailableFalse("Quota", "exceeded") }},
		ps:     paStatus(corev1.ConditionFalse, false, "foo", nil, nil),
		want: map[apis.ConditionType]string{
			RevisionConditionResourcesAvailable: "False/Quota",
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RevisionStatus{}
			s.InitializeConditions()
			for _, b := range test.before {
				b(s)
			}
			s.PropagateAutoscalerStatus(test.ps)
			checkConds(t, s, test.want)
		})
	}
}

func TestPropagateAutoscalerStatusReplicas(t *testing.T) {
	tests := []struct {
		name                string
		desired, actual     *int32
		wantDesired, wantAc *int32
	}{
		{name: "unknown"},
		{name: "known", desired: ptr.Int32(3), actual: ptr.Int32(2), wantDesired: ptr.Int32(3), wantAc: ptr.Int32(2)},
		{name: "negative means unknown", desired: ptr.Int32(-1), actual: ptr.Int32(-1)},
		{name: "zero", desired: ptr.Int32(0), actual: ptr.Int32(0), wantDesired: ptr.Int32(0), wantAc: ptr.Int32(0)},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RevisionStatus{ActualReplicas: ptr.Int32(99), DesiredReplicas: ptr.Int32(99)}
			s.PropagateAutoscalerStatus(paStatus(corev1.ConditionTrue, true, "foo", test.desired, test.actual))
			if !equalPtr(s.DesiredReplicas, test.wantDesired) {
				t.Errorf("DesiredReplicas = %v, want %v", deref(s.DesiredReplicas), deref(test.wantDesired))
			}
			if !equalPtr(s.ActualReplicas, test.wantAc) {
				t.Errorf("ActualReplicas = %v, want %v", deref(s.ActualReplicas), deref(test.wantAc))
			}
		})
	}
}

func equalPtr(a, b *int32) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func deref(p *int32) interface{} {
	if p == nil {
		return nil
	}
	return *p
}

func TestIsActivationRequired(t *testing.T) {
	tests := []struct {
		name   string
		status duckv1.Status
		want   bool
	}{
		{name: "no Active condition"},
		{name: "active", status: readyStatus(RevisionConditionActive, "True", "", "")},
		{name: "inactive", status: readyStatus(RevisionConditionActive, "False", "NoTraffic", ""), want: true},
		{name: "activating", status: readyStatus(RevisionConditionActive, "Unknown", "Queued", ""), want: true},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RevisionStatus{Status: test.status}
			if got := s.IsActivationRequired(); got != test.want {
				t.Errorf("IsActivationRequired() = %v, want %v", got, test.want)
			}
		})
	}
}
