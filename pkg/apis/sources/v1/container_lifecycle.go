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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
)

const (
	// ContainerSourceConditionReady has status True when the ContainerSource is ready to send events.
	ContainerSourceConditionReady = apis.ConditionReady

	// ContainerSourceConditionSinkBindingReady has status True when the ContainerSource's SinkBinding is ready.
	ContainerSourceConditionSinkBindingReady apis.ConditionType = "SinkBindingReady"

	// ContainerSourceConditionReceiveAdapterReady has status True when the ContainerSource's ReceiveAdapter is ready.
	ContainerSourceConditionReceiveAdapterReady apis.ConditionType = "ReceiveAdapterReady"
)

var containerCondSet = apis.NewLivingConditionSet(
	ContainerSourceConditionSinkBindingReady,
	ContainerSourceConditionReceiveAdapterReady,
)

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*ContainerSource) GetConditionSet() apis.ConditionSet {
	return containerCondSet
}

// GetGroupVersionKind returns the GroupVersionKind.
func (*ContainerSource) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("ContainerSource")
}

// GetUntypedSpec returns the spec of the ContainerSource.
func (s *ContainerSource) GetUntypedSpec() interface{} {
	return s.Spec
}

// GetCondition returns the condition currently associated with the given type, or nil.
func (s *ContainerSourceStatus) GetCondition(t apis.ConditionType) *apis.Condition {
	return containerCondSet.Manage(s).GetCondition(t)
}

// GetTopLevelCondition returns the top level condition.
func (s *ContainerSourceStatus) GetTopLevelCondition() *apis.Condition {
	return containerCondSet.Manage(s).GetTopLevelCondition()
}

// IsReady returns true if the resource is ready overall.
func (s *ContainerSourceStatus) IsReady() bool {
	return containerCondSet.Manage(s).IsHappy()
}

// InitializeConditions sets relevant unset conditions to Unknown state.
func (s *ContainerSourceStatus) InitializeConditions() {
	containerCondSet.Manage(s).InitializeConditions()
}

// PropagateSinkBindingStatus copies the SinkBinding's sink fields
// (sinkUri, sinkCACerts, sinkAudience, ceAttributes, auth) into ours and
// mirrors its Ready condition as SinkBindingReady. Our own conditions and
// observedGeneration are kept.
func (s *ContainerSourceStatus) PropagateSinkBindingStatus(status *SinkBindingStatus) {
	conditions := s.Conditions
	observedGeneration := s.ObservedGeneration
	s.SourceStatus = *status.SourceStatus.DeepCopy()
	s.Conditions = conditions
	s.ObservedGeneration = observedGeneration

	m := containerCondSet.Manage(s)
	cond := status.GetCondition(apis.ConditionReady)
	switch {
	case cond == nil:
		m.MarkUnknown(ContainerSourceConditionSinkBindingReady, "", "")
	case cond.Status == corev1.ConditionTrue:
		m.MarkTrue(ContainerSourceConditionSinkBindingReady)
	case cond.Status == corev1.ConditionFalse:
		m.MarkFalse(ContainerSourceConditionSinkBindingReady, cond.Reason, cond.Message)
	default:
		m.MarkUnknown(ContainerSourceConditionSinkBindingReady, cond.Reason, cond.Message)
	}
}

// PropagateReceiveAdapterStatus uses the availability of the provided
// Deployment (the user's containers) to set ReceiveAdapterReady.
func (s *ContainerSourceStatus) PropagateReceiveAdapterStatus(d *appsv1.Deployment) {
	propagateDeploymentAvailability(containerCondSet.Manage(s), ContainerSourceConditionReceiveAdapterReady, d)
}
