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
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
)

const (
	// MetricConditionReady is true when the collector is collecting.
	MetricConditionReady = apis.ConditionReady
)

var condSet = apis.NewLivingConditionSet(MetricConditionReady)

// GetConditionSet returns the Metric condition set. Implements KRShaped.
func (*Metric) GetConditionSet() apis.ConditionSet {
	return condSet
}

// GetGroupVersionKind returns the GVK of Metric.
func (m *Metric) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("Metric")
}

// GetCondition returns the condition of type t, or nil.
func (ms *MetricStatus) GetCondition(t apis.ConditionType) *apis.Condition {
	return condSet.Manage(ms).GetCondition(t)
}

// InitializeConditions sets every unset condition to Unknown.
func (ms *MetricStatus) InitializeConditions() {
	condSet.Manage(ms).InitializeConditions()
}

// MarkMetricReady marks the Metric ready.
func (ms *MetricStatus) MarkMetricReady() {
	condSet.Manage(ms).MarkTrue(MetricConditionReady)
}

// MarkMetricNotReady sets Ready Unknown.
func (ms *MetricStatus) MarkMetricNotReady(reason, message string) {
	condSet.Manage(ms).MarkUnknown(MetricConditionReady, reason, message)
}

// MarkMetricFailed sets Ready False.
func (ms *MetricStatus) MarkMetricFailed(reason, message string) {
	condSet.Manage(ms).MarkFalse(MetricConditionReady, reason, message)
}

// IsReady is true when Ready is True for the current generation.
func (m *Metric) IsReady() bool {
	ms := m.Status
	return ms.ObservedGeneration == m.Generation &&
		ms.GetCondition(MetricConditionReady).IsTrue()
}

// AggregationAlgorithm returns the metric-aggregation-algorithm annotation,
// with the camel-case "weightedExponential" normalised; "" when unset
// (linear).
func (m *Metric) AggregationAlgorithm() string {
	if _, s, ok := autoscaling.MetricAggregationAlgorithmAnnotation.Get(m.Annotations); ok {
		if s == autoscaling.MetricAggregationAlgorithmWeightedExponentialAlt {
			return autoscaling.MetricAggregationAlgorithmWeightedExponential
		}
		return s
	}
	return ""
}
