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

package kpa

import (
	"context"

	"go.opencensus.io/resource"
	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/metrics/metricskey"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

var (
	requestedPodCountM = stats.Int64(
		"requested_pods",
		"Number of pods autoscaler requested from Kubernetes",
		stats.UnitDimensionless)
	actualPodCountM = stats.Int64(
		"actual_pods",
		"Number of pods that are allocated currently",
		stats.UnitDimensionless)
	notReadyPodCountM = stats.Int64(
		"not_ready_pods",
		"Number of pods that are not ready currently",
		stats.UnitDimensionless)
	pendingPodCountM = stats.Int64(
		"pending_pods",
		"Number of pods that are pending currently",
		stats.UnitDimensionless)
	terminatingPodCountM = stats.Int64(
		"terminating_pods",
		"Number of pods that are terminating currently",
		stats.UnitDimensionless)
)

func init() {
	register()
}

func register() {
	// View name defaults to the measure name.
	if err := metrics.RegisterResourceView(
		&view.View{
			Description: "Number of pods autoscaler requested from Kubernetes",
			Measure:     requestedPodCountM,
			Aggregation: view.LastValue(),
		},
		&view.View{
			Description: "Number of pods that are allocated currently",
			Measure:     actualPodCountM,
			Aggregation: view.LastValue(),
		},
		&view.View{
			Description: "Number of pods that are not ready currently",
			Measure:     notReadyPodCountM,
			Aggregation: view.LastValue(),
		},
		&view.View{
			Description: "Number of pods that are pending currently",
			Measure:     pendingPodCountM,
			Aggregation: view.LastValue(),
		},
		&view.View{
			Description: "Number of pods that are terminating currently",
			Measure:     terminatingPodCountM,
			Aggregation: view.LastValue(),
		},
	); err != nil {
		panic(err)
	}
}

// The knative_revision resource and its labels, as upstream serving's
// pkg/metrics/metricskey spells them.
const (
	resourceTypeKnativeRevision = "knative_revision"
	labelServiceName            = "service_name"
	labelConfigurationName      = "configuration_name"
	labelRevisionName           = "revision_name"
)

// revisionContext tags measurements with the PA's revision, as upstream
// serving's metrics.RevisionContext does.
func revisionContext(pa *autoscalingv1alpha1.PodAutoscaler) context.Context {
	svc := pa.Labels[serving.ServiceLabelKey]
	if svc == "" {
		svc = metricskey.ValueUnknown
	}
	return metricskey.WithResource(context.Background(), resource.Resource{
		Type: resourceTypeKnativeRevision,
		Labels: map[string]string{
			metricskey.LabelNamespaceName: pa.Namespace,
			labelServiceName:              svc,
			labelConfigurationName:        pa.Labels[serving.ConfigurationLabelKey],
			labelRevisionName:             pa.Name,
		},
	})
}

func reportMetrics(pa *autoscalingv1alpha1.PodAutoscaler, pc podCounts) {
	ms := []stats.Measurement{
		actualPodCountM.M(int64(pc.ready)), notReadyPodCountM.M(int64(pc.notReady)),
		pendingPodCountM.M(int64(pc.pending)), terminatingPodCountM.M(int64(pc.terminating)),
	}
	// Negative "want" values represent an empty metrics pipeline and thus no specific request is being made.
	if pc.want >= 0 {
		ms = append(ms, requestedPodCountM.M(int64(pc.want)))
	}
	metrics.RecordBatch(revisionContext(pa), ms...)
}
