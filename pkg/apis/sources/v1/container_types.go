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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"
)

// +genclient
// +genreconciler
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ContainerSource runs the pods of its template as a Deployment and binds
// them, through a SinkBinding, to its sink (K_SINK, K_CE_OVERRIDES).
type ContainerSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ContainerSourceSpec   `json:"spec,omitempty"`
	Status ContainerSourceStatus `json:"status,omitempty"`
}

// Check the interfaces that ContainerSource should be implementing.
var (
	_ runtime.Object     = (*ContainerSource)(nil)
	_ kmeta.OwnerRefable = (*ContainerSource)(nil)
	_ apis.Validatable   = (*ContainerSource)(nil)
	_ apis.Defaultable   = (*ContainerSource)(nil)
	_ apis.HasSpec       = (*ContainerSource)(nil)
	_ duckv1.KRShaped    = (*ContainerSource)(nil)
)

// ContainerSourceSpec defines the desired state of ContainerSource.
type ContainerSourceSpec struct {
	// SourceSpec provides the sink (a reference to an Addressable or a URI)
	// and ceOverrides (CloudEvent extensions added to every event).
	duckv1.SourceSpec `json:",inline"`

	// Template describes the pods that will be created
	Template corev1.PodTemplateSpec `json:"template"`
}

// ContainerSourceStatus defines the observed state of ContainerSource.
type ContainerSourceStatus struct {
	// SourceStatus provides observedGeneration, conditions, sinkUri,
	// sinkCACerts, sinkAudience, ceAttributes and auth.
	duckv1.SourceStatus `json:",inline"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ContainerSourceList contains a list of ContainerSource.
type ContainerSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ContainerSource `json:"items"`
}

// GetStatus retrieves the status of the ContainerSource. Implements the KRShaped interface.
func (s *ContainerSource) GetStatus() *duckv1.Status {
	return &s.Status.Status
}
