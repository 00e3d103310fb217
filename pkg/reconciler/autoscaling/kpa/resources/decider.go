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

// Package resources holds the kpa reconciler's view of the autoscaler: the
// Deciders interface it scales through, and the Decider a PodAutoscaler
// asks for.
package resources

import (
	"context"

	"k8s.io/apimachinery/pkg/types"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
	"github.com/skiffhq/skiff/pkg/autoscaler/scaling"
	"github.com/skiffhq/skiff/pkg/reconciler/autoscaling/resources"
)

// Deciders is an interface for notifying the presence or absence of
// autoscaling deciders. The autoscaler's MultiScaler implements it: it runs
// one decider per PodAutoscaler and reports each desired scale in the
// Decider's status. Get returns an error satisfying
// k8s.io/apimachinery/pkg/api/errors.IsNotFound for unknown deciders.
type Deciders interface {
	// Get accesses the Decider resource for this key, returning any errors.
	Get(ctx context.Context, namespace, name string) (*scaling.Decider, error)

	// Create adds a Decider resource for a given key, returning any errors.
	Create(ctx context.Context, decider *scaling.Decider) (*scaling.Decider, error)

	// Delete removes the Decider resource for a given key, returning any errors.
	Delete(ctx context.Context, namespace, name string)

	// Watch registers a function to call when Decider change.
	Watch(watcher func(types.NamespacedName))

	// Update update the Decider resource, return the new Decider or any errors.
	Update(ctx context.Context, decider *scaling.Decider) (*scaling.Decider, error)
}

// MakeDecider constructs a Decider resource from a PodAutoscaler taking
// into account the PA's ContainerConcurrency and the relevant
// autoscaling annotation.
func MakeDecider(pa *autoscalingv1alpha1.PodAutoscaler, config *autoscalerconfig.Config) *scaling.Decider {
	panicThresholdPercentage := config.PanicThresholdPercentage
	if x, ok := pa.PanicThresholdPercentage(); ok {
		panicThresholdPercentage = x
	}

	target, total := resources.ResolveMetricTarget(pa, config)
	panicThreshold := panicThresholdPercentage / 100.0

	tbc := config.TargetBurstCapacity
	if x, ok := pa.TargetBC(); ok {
		tbc = x
	}

	scaleDownDelay := config.ScaleDownDelay
	if sdd, ok := pa.ScaleDownDelay(); ok {
		scaleDownDelay = sdd
	}

	var activationScale int32
	if mnzr, ok := pa.ActivationScale(); ok {
		activationScale = mnzr
	}

	return &scaling.Decider{
		ObjectMeta: *pa.ObjectMeta.DeepCopy(),
		Spec: scaling.DeciderSpec{
			MaxScaleUpRate:      config.MaxScaleUpRate,
			MaxScaleDownRate:    config.MaxScaleDownRate,
			ScalingMetric:       pa.Metric(),
			TargetValue:         target,
			TotalValue:          total,
			TargetBurstCapacity: tbc,
			ActivatorCapacity:   config.ActivatorCapacity,
			PanicThreshold:      panicThreshold,
			StableWindow:        resources.StableWindow(pa, config),
			ScaleDownDelay:      scaleDownDelay,
			InitialScale:        GetInitialScale(config, pa),
			Reachable:           pa.Spec.Reachability != autoscalingv1alpha1.ReachabilityUnreachable,
			ActivationScale:     activationScale,
		},
	}
}

// GetInitialScale returns the calculated initial scale based on the autoscaler
// ConfigMap and PA initial scale annotation value. A zero initial scale
// annotation counts only when config-autoscaler allows it.
func GetInitialScale(asConfig *autoscalerconfig.Config, pa *autoscalingv1alpha1.PodAutoscaler) int32 {
	initialScale := asConfig.InitialScale
	revisionInitialScale, ok := pa.InitialScale()
	if !ok || (revisionInitialScale == 0 && !asConfig.AllowZeroInitialScale) {
		return initialScale
	}
	return revisionInitialScale
}
