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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"
)

// +genclient
// +genreconciler
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Metric tells the autoscaler's metric collector which Service to scrape and
// over which windows to aggregate.
type Metric struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state of the Metric.
	// +optional
	Spec MetricSpec `json:"spec,omitempty"`

	// Status is the observed state of the Metric.
	// +optional
	Status MetricStatus `json:"status,omitempty"`
}

var (
	_ apis.Validatable   = (*Metric)(nil)
	_ apis.Defaultable   = (*Metric)(nil)
	_ kmeta.OwnerRefable = (*Metric)(nil)
	_ duckv1.KRShaped    = (*Metric)(nil)
)

// MetricSpec is what the collector needs to collect one revision's metrics.
type MetricSpec struct {
	// StableWindow is the aggregation window in stable mode.
	StableWindow time.Duration `json:"stableWindow"`

	// PanicWindow is the aggregation window in panic mode.
	PanicWindow time.Duration `json:"panicWindow"`

	// ScrapeTarget is the Service publishing the metrics endpoint.
	ScrapeTarget string `json:"scrapeTarget"`
}

// MetricStatus is the state of collection for the Metric.
type MetricStatus struct {
	duckv1.Status `json:",inline"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MetricList is a list of Metrics.
type MetricList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`

	Items []Metric `json:"items"`
}

// GetStatus returns the duck status. Implements KRShaped.
func (m *Metric) GetStatus() *duckv1.Status {
	return &m.Status.Status
}
