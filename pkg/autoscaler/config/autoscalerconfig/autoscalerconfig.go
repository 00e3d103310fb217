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

package autoscalerconfig

import "time"

// Config is the cluster-wide autoscaler configuration (config-autoscaler).
// Field names match upstream knative.dev/serving so code reads the same.
type Config struct {
	// EnableScaleToZero allows revisions to scale to zero pods.
	EnableScaleToZero bool

	// ContainerConcurrencyTargetFraction is the fraction (0, 1] of
	// containerConcurrency (or of the concurrency target) the autoscaler aims
	// for; config-autoscaler spells it as a percentage.
	ContainerConcurrencyTargetFraction float64
	// ContainerConcurrencyTargetDefault is the concurrency target per pod when
	// the revision sets neither containerConcurrency nor a target annotation.
	ContainerConcurrencyTargetDefault float64
	// TargetUtilization is the utilization fraction applied to metrics other
	// than concurrency; a revision overrides it with
	// autoscaling.knative.dev/target-utilization-percentage.
	TargetUtilization float64
	// RPSTargetDefault is the requests-per-second target per pod.
	RPSTargetDefault float64
	// TargetBurstCapacity is the spare capacity kept before the activator
	// leaves the request path (-1 unlimited). Float because all autoscaler
	// arithmetic is in floats.
	TargetBurstCapacity float64

	// ActivatorCapacity is the number of concurrent requests one activator
	// handles; it decides how many activators a revision is spread over.
	ActivatorCapacity float64

	// AllowZeroInitialScale permits initial-scale (config and annotation) 0.
	AllowZeroInitialScale bool

	// InitialScale is the default initial size of a new revision.
	InitialScale int32

	// MinScale is the default min-scale of revisions without the annotation.
	MinScale int32

	// MaxScale is the default max-scale of revisions without the annotation
	// (0 unbounded).
	MaxScale int32

	// MaxScaleLimit is the largest max-scale (default or annotation) a revision
	// may ask for (0 no limit).
	MaxScaleLimit int32

	// KPA algorithm knobs.
	MaxScaleUpRate           float64
	MaxScaleDownRate         float64
	StableWindow             time.Duration
	PanicWindowPercentage    float64
	PanicThresholdPercentage float64

	// ScaleToZeroGracePeriod is the upper bound on how long the autoscaler
	// waits for the activator to be in the path before removing the last pod.
	ScaleToZeroGracePeriod time.Duration

	// ScaleToZeroPodRetentionPeriod is the minimum time the last pod is kept
	// after the decision to scale to zero.
	ScaleToZeroPodRetentionPeriod time.Duration

	// ScaleDownDelay is how long a reduced load must last before any
	// scale-down decision (not only the last pod) is applied.
	ScaleDownDelay time.Duration

	// PodAutoscalerClass is the default autoscaling.knative.dev/class.
	PodAutoscalerClass string
}
