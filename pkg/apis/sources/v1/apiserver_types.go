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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
)

// +genclient
// +genreconciler
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ApiServerSource sends Kubernetes API events (add, update, delete of the
// watched resources) to its sink.
type ApiServerSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ApiServerSourceSpec   `json:"spec,omitempty"`
	Status ApiServerSourceStatus `json:"status,omitempty"`
}

// Check the interfaces that ApiServerSource should be implementing.
var (
	_ runtime.Object     = (*ApiServerSource)(nil)
	_ kmeta.OwnerRefable = (*ApiServerSource)(nil)
	_ apis.Validatable   = (*ApiServerSource)(nil)
	_ apis.Defaultable   = (*ApiServerSource)(nil)
	_ apis.HasSpec       = (*ApiServerSource)(nil)
	_ duckv1.KRShaped    = (*ApiServerSource)(nil)
)

// ApiServerSourceSpec defines the desired state of ApiServerSource.
type ApiServerSourceSpec struct {
	// SourceSpec provides the sink (a reference to an Addressable or a URI)
	// and ceOverrides (CloudEvent extensions added to every event).
	duckv1.SourceSpec `json:",inline"`

	// Resources are the resources this source will track and send related
	// lifecycle events from the Kubernetes ApiServer, with an optional label
	// selector to help filter.
	// +required
	Resources []APIVersionKindSelector `json:"resources,omitempty"`

	// ResourceOwner is an additional filter to only track resources that are
	// owned by a specific resource type. If ResourceOwner matches Resources[n]
	// then Resources[n] is allowed to pass the ResourceOwner filter.
	// +optional
	ResourceOwner *APIVersionKind `json:"owner,omitempty"`

	// EventMode controls the format of the event.
	// `Reference` sends a dataref event type for the resource under watch.
	// `Resource` send the full resource lifecycle event.
	// Defaults to `Reference`
	// +optional
	EventMode string `json:"mode,omitempty"`

	// ServiceAccountName is the name of the ServiceAccount to use to run this
	// source. Defaults to default if not set.
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// NamespaceSelector is a label selector to capture the namespaces that
	// should be watched by the source.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`

	// Filters is an experimental field that conforms to the CNCF CloudEvents
	// Subscriptions API. It's an array of filter expressions that evaluate to
	// true or false. If any filter expression in the array evaluates to false,
	// the event MUST NOT be sent to the Sink. If all the filter expressions in
	// the array evaluate to true, the event MUST be attempted to be delivered.
	// Absence of a filter or empty array implies a value of true. Accepted
	// only when the new-apiserversource-filters feature is enabled.
	// +optional
	Filters []eventingv1.SubscriptionsAPIFilter `json:"filters,omitempty"`
}

// ApiServerSourceStatus defines the observed state of ApiServerSource.
type ApiServerSourceStatus struct {
	// SourceStatus provides observedGeneration, conditions, sinkUri,
	// sinkCACerts, sinkAudience, ceAttributes and auth.
	duckv1.SourceStatus `json:",inline"`

	// Namespaces show the namespaces currently watched by the ApiServerSource
	Namespaces []string `json:"namespaces"`
}

// APIVersionKind is an APIVersion and Kind tuple.
type APIVersionKind struct {
	// APIVersion - the API version of the resource to watch.
	APIVersion string `json:"apiVersion"`

	// Kind of the resource to watch.
	// More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds
	Kind string `json:"kind"`
}

// APIVersionKindSelector is an APIVersion Kind tuple with a LabelSelector.
type APIVersionKindSelector struct {
	// APIVersion - the API version of the resource to watch.
	APIVersion string `json:"apiVersion"`

	// Kind of the resource to watch.
	// More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds
	Kind string `json:"kind"`

	// LabelSelector filters this source to objects to those resources pass the
	// label selector.
	// More info: http://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
	// +optional
	LabelSelector *metav1.LabelSelector `json:"selector,omitempty"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ApiServerSourceList contains a list of ApiServerSource.
type ApiServerSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ApiServerSource `json:"items"`
}

// GetStatus retrieves the status of the ApiServerSource. Implements the KRShaped interface.
func (s *ApiServerSource) GetStatus() *duckv1.Status {
	return &s.Status.Status
}
