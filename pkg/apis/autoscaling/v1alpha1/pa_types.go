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
// +genreconciler:class=autoscaling.knative.dev/class
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PodAutoscaler asks the autoscaler selected by the
// autoscaling.knative.dev/class annotation (KPA by default) to size a
// Revision's Deployment. Its annotations carry the revision's autoscaling
// settings; its status reports desired and actual scale and whether the
// revision is active.
type PodAutoscaler struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state of the PodAutoscaler.
	// +optional
	Spec PodAutoscalerSpec `json:"spec,omitempty"`

	// Status is the observed state of the PodAutoscaler.
	// +optional
	Status PodAutoscalerStatus `json:"status,omitempty"`
}

var (
	_ apis.Validatable   = (*PodAutoscaler)(nil)
	_ apis.Defaultable   = (*PodAutoscaler)(nil)
	_ kmeta.OwnerRefable = (*PodAutoscaler)(nil)
	_ duckv1.KRShaped    = (*PodAutoscaler)(nil)
)

// ReachabilityType says whether the scale target is routed to.
type ReachabilityType string

const (
	// ReachabilityUnknown: not known (yet), e.g. during activation.
	ReachabilityUnknown ReachabilityType = ""

	// ReachabilityReachable: a Route sends traffic to the scale target.
	ReachabilityReachable ReachabilityType = "Reachable"

	// ReachabilityUnreachable: no Route sends traffic to it; min-scale is then
	// ignored so unrouted revisions scale to zero.
	ReachabilityUnreachable ReachabilityType = "Unreachable"
)

// PodAutoscalerSpec is the desired state of a PodAutoscaler.
type PodAutoscalerSpec struct {
	// ContainerConcurrency is the revision's hard limit of in-flight requests
	// per container; 0 means unlimited.
	// +optional
	ContainerConcurrency int64 `json:"containerConcurrency,omitempty"`

	// ScaleTargetRef is the /scale-able resource (the Deployment) to size.
	ScaleTargetRef corev1.ObjectReference `json:"scaleTargetRef"`

	// Reachability says whether the revision is routed to.
	// +optional
	Reachability ReachabilityType `json:"reachability,omitempty"`

	// ProtocolType is the revision's protocol (http1 or h2c).
	ProtocolType networking.ProtocolType `json:"protocolType"`
}

const (
	// PodAutoscalerConditionReady is true when the scale target is
	// initialized, active and its SKS is ready.
	PodAutoscalerConditionReady = apis.ConditionReady

	// PodAutoscalerConditionScaleTargetInitialized is true once the scale
	// target has been ready to serve at least once.
	PodAutoscalerConditionScaleTargetInitialized apis.ConditionType = "ScaleTargetInitialized"

	// PodAutoscalerConditionActive is true while the revision has pods to
	// serve traffic; False (reason NoTraffic) when scaled to zero.
	PodAutoscalerConditionActive apis.ConditionType = "Active"

	// PodAutoscalerConditionSKSReady is true when the ServerlessService is
	// ready. (Untyped, as upstream.)
	PodAutoscalerConditionSKSReady = "SKSReady"
)

// PodAutoscalerStatus is the observed state of a PodAutoscaler.
type PodAutoscalerStatus struct {
	duckv1.Status `json:",inline"`

	// ServiceName is the public Service of the revision, owned by the SKS the
	// PodAutoscaler owns.
	ServiceName string `json:"serviceName"`

	// MetricsServiceName is the Service exposing the revision's metrics.
	MetricsServiceName string `json:"metricsServiceName"`

	// DesiredScale is the number of replicas the autoscaler wants.
	DesiredScale *int32 `json:"desiredScale,omitempty"`

	// ActualScale is the number of ready replicas observed.
	ActualScale *int32 `json:"actualScale,omitempty"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PodAutoscalerList is a list of PodAutoscalers.
type PodAutoscalerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`

	Items []PodAutoscaler `json:"items"`
}

// GetStatus returns the duck status. Implements KRShaped.
func (pa *PodAutoscaler) GetStatus() *duckv1.Status {
	return &pa.Status.Status
}
