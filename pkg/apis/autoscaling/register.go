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

// Package autoscaling holds the autoscaling group names, the user-facing
// autoscaling.knative.dev/* annotation keys and their validation. Names and
// values match knative.dev/serving/pkg/apis/autoscaling (release-1.17) so
// manifests written for upstream Knative work unchanged.
package autoscaling

import (
	"time"

	"knative.dev/pkg/kmap"
)

const (
	domain = ".knative.dev"

	// InternalGroupName is the group of the PodAutoscaler and Metric CRDs.
	InternalGroupName = "autoscaling.internal.knative.dev"

	// GroupName is the public autoscaling group, used as the prefix of the
	// annotations users put on a Revision template.
	GroupName = "autoscaling.knative.dev"

	// ClassAnnotationKey selects the autoscaler implementation, e.g.
	//   autoscaling.knative.dev/class: kpa.autoscaling.knative.dev
	ClassAnnotationKey = GroupName + "/class"
	// KPA is the Knative Pod Autoscaler class (the default).
	KPA = "kpa.autoscaling.knative.dev"
	// HPA is the Kubernetes Horizontal Pod Autoscaler class.
	HPA = "hpa.autoscaling.knative.dev"

	// MinScaleAnnotationKey is the lower bound on the number of pods, e.g.
	//   autoscaling.knative.dev/min-scale: "1"
	MinScaleAnnotationKey = GroupName + "/min-scale"

	// MaxScaleAnnotationKey is the upper bound on the number of pods, e.g.
	//   autoscaling.knative.dev/max-scale: "10"
	MaxScaleAnnotationKey = GroupName + "/max-scale"

	// InitialScaleAnnotationKey is the number of pods a new revision starts
	// with. Zero is only accepted when config-autoscaler's
	// allow-zero-initial-scale is true.
	InitialScaleAnnotationKey = GroupName + "/initial-scale"

	// ScaleDownDelayAnnotationKey is how long a reduced load must last before
	// the autoscaler acts on a scale-down decision.
	ScaleDownDelayAnnotationKey = GroupName + "/scale-down-delay"

	// MetricAnnotationKey is the metric the autoscaler scales on, e.g.
	//   autoscaling.knative.dev/metric: rps
	MetricAnnotationKey = GroupName + "/metric"
	// Concurrency is the number of in-flight requests per pod.
	Concurrency = "concurrency"
	// CPU is the fraction of requested CPU in use (HPA only).
	CPU = "cpu"
	// Memory is the requested memory in use (HPA only).
	Memory = "memory"
	// RPS is requests per second per pod.
	RPS = "rps"

	// TargetAnnotationKey is the per-pod value of the metric the autoscaler
	// aims for, e.g.
	//   autoscaling.knative.dev/metric: cpu
	//   autoscaling.knative.dev/target: "75"   # 75% CPU
	TargetAnnotationKey = GroupName + "/target"
	// TargetMin is the smallest accepted target. It is below 1 because a small
	// containerConcurrency times a small utilization can legitimately get there.
	TargetMin = 0.01

	// ScaleToZeroPodRetentionPeriodKey is the per-revision minimum time the last
	// pod is kept after the autoscaler decided to scale to zero (overrides
	// config-autoscaler's scale-to-zero-pod-retention-period).
	ScaleToZeroPodRetentionPeriodKey = GroupName + "/scale-to-zero-pod-retention-period"

	// MetricAggregationAlgorithmKey selects how KPA averages the samples of a
	// window: "linear" (default) or "weighted-exponential". Alpha, only
	// validated for the KPA class.
	MetricAggregationAlgorithmKey = GroupName + "/metric-aggregation-algorithm"

	// MetricAggregationAlgorithmLinear averages all samples with equal weight.
	MetricAggregationAlgorithmLinear = "linear"

	// MetricAggregationAlgorithmWeightedExponential weights samples with an
	// exponential decay.
	MetricAggregationAlgorithmWeightedExponential = "weighted-exponential"

	// MetricAggregationAlgorithmWeightedExponentialAlt is the camel-case
	// spelling of MetricAggregationAlgorithmWeightedExponential; use
	// Metric.AggregationAlgorithm(), which normalises it.
	MetricAggregationAlgorithmWeightedExponentialAlt = "weightedExponential"

	// WindowAnnotationKey is the stable window of the KPA, e.g.
	//   autoscaling.knative.dev/window: "2m"
	WindowAnnotationKey = GroupName + "/window"
	// WindowMin is the shortest stable window: the KPA ticks every 2s, so a
	// shorter window would leave the panic window with almost no samples.
	WindowMin = 6 * time.Second
	// WindowMax is the longest stable window.
	WindowMax = 1 * time.Hour

	// TargetUtilizationPercentageKey is the percentage (1..100) of the target
	// the autoscaler aims for; overrides the config-autoscaler value.
	TargetUtilizationPercentageKey = GroupName + "/target-utilization-percentage"

	// TargetBurstCapacityKey is the spare capacity the revision should keep
	// before the activator is taken out of the path: -1 unlimited (activator
	// always in path), 0 none, >0 that many requests.
	TargetBurstCapacityKey = GroupName + "/target-burst-capacity"

	// PanicWindowPercentageAnnotationKey is the panic window as a percentage of
	// the stable window, so it follows the stable window when only that is set.
	PanicWindowPercentageAnnotationKey = GroupName + "/panic-window-percentage"

	// PanicWindowPercentageMin is the smallest panic window percentage.
	PanicWindowPercentageMin = 1.0
	// PanicWindowPercentageMax is the largest: the panic window can not be
	// longer than the stable window.
	PanicWindowPercentageMax = 100.0

	// PanicThresholdPercentageAnnotationKey is the load, as a percentage of the
	// target, at which KPA enters panic mode.
	PanicThresholdPercentageAnnotationKey = GroupName + "/panic-threshold-percentage"

	// PanicThresholdPercentageMin is the smallest panic threshold; anything
	// closer to 100% would keep the autoscaler panicking (and never scaling
	// down) all the time.
	PanicThresholdPercentageMin = 110.0

	// PanicThresholdPercentageMax is the largest panic threshold.
	PanicThresholdPercentageMax = 1000.0

	// ActivationScaleKey is the minimum non-zero number of pods: when a revision
	// scales up from zero it goes straight to this many. It must be >= 2 and
	// lets a revision keep a "min-scale when active" while still scaling to zero.
	ActivationScaleKey = GroupName + "/activation-scale"
)

// Key priorities: the first key is the canonical one; the later ones are the
// legacy camel-case spellings still accepted, as upstream.
var (
	ClassAnnotation = kmap.KeyPriority{
		ClassAnnotationKey,
	}
	InitialScaleAnnotation = kmap.KeyPriority{
		InitialScaleAnnotationKey,
		GroupName + "/initialScale",
	}
	MaxScaleAnnotation = kmap.KeyPriority{
		MaxScaleAnnotationKey,
		GroupName + "/maxScale",
	}
	MetricAnnotation = kmap.KeyPriority{
		MetricAnnotationKey,
	}
	MetricAggregationAlgorithmAnnotation = kmap.KeyPriority{
		MetricAggregationAlgorithmKey,
		GroupName + "/metricAggregationAlgorithm",
	}
	ActivationScale = kmap.KeyPriority{
		ActivationScaleKey,
	}
	MinScaleAnnotation = kmap.KeyPriority{
		MinScaleAnnotationKey,
		GroupName + "/minScale",
	}
	PanicThresholdPercentageAnnotation = kmap.KeyPriority{
		PanicThresholdPercentageAnnotationKey,
		GroupName + "/panicThresholdPercentage",
	}
	PanicWindowPercentageAnnotation = kmap.KeyPriority{
		PanicWindowPercentageAnnotationKey,
		GroupName + "/panicWindowPercentage",
	}
	ScaleDownDelayAnnotation = kmap.KeyPriority{
		ScaleDownDelayAnnotationKey,
		GroupName + "/scaleDownDelay",
	}
	ScaleToZeroPodRetentionPeriodAnnotation = kmap.KeyPriority{
		ScaleToZeroPodRetentionPeriodKey,
		GroupName + "/scaleToZeroPodRetentionPeriod",
	}
	TargetAnnotation = kmap.KeyPriority{
		TargetAnnotationKey,
	}
	TargetBurstCapacityAnnotation = kmap.KeyPriority{
		TargetBurstCapacityKey,
		GroupName + "/targetBurstCapacity",
	}
	TargetUtilizationPercentageAnnotation = kmap.KeyPriority{
		TargetUtilizationPercentageKey,
		GroupName + "/targetUtilizationPercentage",
	}
	WindowAnnotation = kmap.KeyPriority{
		WindowAnnotationKey,
	}
)
