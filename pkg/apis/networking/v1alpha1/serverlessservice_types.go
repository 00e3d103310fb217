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

package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/networking"
)

// +genclient
// +genreconciler:krshapedlogic=true
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ServerlessService (SKS) owns the two Services of a revision: the public one,
// whose endpoints are either the activator (Proxy mode) or the revision's
// pods (Serve mode), and the private one selecting the pods. The
// PodAutoscaler flips the mode.
type ServerlessService struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state of the ServerlessService.
	// +optional
	Spec ServerlessServiceSpec `json:"spec,omitempty"`

	// Status is the observed state of the ServerlessService.
	// +optional
	Status ServerlessServiceStatus `json:"status,omitempty"`
}

var (
	_ apis.Validatable   = (*ServerlessService)(nil)
	_ apis.Defaultable   = (*ServerlessService)(nil)
	_ kmeta.OwnerRefable = (*ServerlessService)(nil)
	_ duckv1.KRShaped    = (*ServerlessService)(nil)
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ServerlessServiceList is a list of ServerlessServices.
type ServerlessServiceList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items is the list of ServerlessServices.
	Items []ServerlessService `json:"items"`
}

// ServerlessServiceOperationMode says who receives a revision's traffic.
type ServerlessServiceOperationMode string

const (
	// SKSOperationModeServe: the revision's pods receive traffic directly.
	SKSOperationModeServe ServerlessServiceOperationMode = "Serve"

	// SKSOperationModeProxy: the activator receives the traffic (revision at
	// zero, or not enough spare capacity).
	SKSOperationModeProxy ServerlessServiceOperationMode = "Proxy"
)

// ServerlessServiceSpec is the desired state of a ServerlessService.
type ServerlessServiceSpec struct {
	// Mode is Proxy or Serve.
	Mode ServerlessServiceOperationMode `json:"mode,omitempty"`

	// ObjectRef is the scalable resource (the revision's Deployment) whose
	// pods back the Services.
	ObjectRef corev1.ObjectReference `json:"objectRef"`

	// ProtocolType is the revision's protocol (http1 or h2c).
	ProtocolType networking.ProtocolType `json:"protocolType"`

	// NumActivators is how many activators front the revision in Proxy mode;
	// 0 means all.
	NumActivators int32 `json:"numActivators,omitempty"`
}

// ServerlessServiceStatus is the observed state of a ServerlessService.
type ServerlessServiceStatus struct {
	duckv1.Status `json:",inline"`

	// ServiceName is the public Service of the revision (activator or pod
	// endpoints, depending on the mode).
	// +optional
	ServiceName string `json:"serviceName,omitempty"`

	// PrivateServiceName is the Service selecting the revision's pods.
	// +optional
	PrivateServiceName string `json:"privateServiceName,omitempty"`
}

const (
	// ServerlessServiceConditionReady is true when the public Service has
	// endpoints.
	ServerlessServiceConditionReady = apis.ConditionReady

	// ServerlessServiceConditionEndspointsPopulated is true when the public
	// Service has endpoints. (The misspelling is upstream's.)
	ServerlessServiceConditionEndspointsPopulated apis.ConditionType = "EndpointsPopulated"

	// ActivatorEndpointsPopulated is an informational condition, true while
	// the activator is in the request path; that can be the case even with
	// healthy pods (target burst capacity).
	ActivatorEndpointsPopulated apis.ConditionType = "ActivatorEndpointsPopulated"
)

// GetStatus returns the duck status. Implements KRShaped.
func (ss *ServerlessService) GetStatus() *duckv1.Status {
	return &ss.Status.Status
}
