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
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmap"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

var podCondSet = apis.NewLivingConditionSet(
	PodAutoscalerConditionActive,
	PodAutoscalerConditionScaleTargetInitialized,
	PodAutoscalerConditionSKSReady,
)

// GetConditionSet returns the PodAutoscaler condition set. Implements KRShaped.
func (*PodAutoscaler) GetConditionSet() apis.ConditionSet {
	return podCondSet
}

// GetGroupVersionKind returns the GVK of PodAutoscaler.
func (pa *PodAutoscaler) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("PodAutoscaler")
}

// Class returns the autoscaling.knative.dev/class annotation, KPA if unset.
func (pa *PodAutoscaler) Class() string {
	if c, ok := pa.Annotations[autoscaling.ClassAnnotationKey]; ok {
		return c
	}
	return autoscaling.KPA
}

// Metric returns the metric annotation, or the class's default metric.
func (pa *PodAutoscaler) Metric() string {
	if m, ok := pa.Annotations[autoscaling.MetricAnnotationKey]; ok {
		return m
	}
	return defaultMetric(pa.Class())
}

// The annotation readers below report ok=false when the annotation is absent
// or does not parse; the webhook has validated them, so a bad value only
// comes from objects written around it, and falling back is the safe choice.

func (pa *PodAutoscaler) annotationInt32(k kmap.KeyPriority) (int32, bool) {
	if _, s, ok := k.Get(pa.Annotations); ok {
		i, err := strconv.ParseInt(s, 10, 32)
		return int32(i), err == nil
	}
	return 0, false
}

func (pa *PodAutoscaler) annotationFloat64(k kmap.KeyPriority) (float64, bool) {
	if _, s, ok := k.Get(pa.Annotations); ok {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

func (pa *PodAutoscaler) annotationDuration(k kmap.KeyPriority) (time.Duration, bool) {
	if _, s, ok := k.Get(pa.Annotations); ok {
		d, err := time.ParseDuration(s)
		return d, err == nil
	}
	return 0, false
}

// ScaleBounds returns (min, max) replicas: the annotations, else the
// config-autoscaler defaults. 0 means unbounded. An Unreachable PA gets
// min 0 so revisions no Route uses can scale to zero.
func (pa *PodAutoscaler) ScaleBounds(asConfig *autoscalerconfig.Config) (int32, int32) {
	var lower int32
	if pa.Spec.Reachability != ReachabilityUnreachable {
		lower = asConfig.MinScale
		if paMin, ok := pa.annotationInt32(autoscaling.MinScaleAnnotation); ok {
			lower = paMin
		}
	}
	upper := asConfig.MaxScale
	if paMax, ok := pa.annotationInt32(autoscaling.MaxScaleAnnotation); ok {
		upper = paMax
	}
	return lower, upper
}

// ActivationScale returns the activation-scale annotation, if set and valid.
func (pa *PodAutoscaler) ActivationScale() (int32, bool) {
	return pa.annotationInt32(autoscaling.ActivationScale)
}

// Target returns the target annotation, if set and valid.
func (pa *PodAutoscaler) Target() (float64, bool) {
	return pa.annotationFloat64(autoscaling.TargetAnnotation)
}

// TargetUtilization returns the target-utilization-percentage annotation as
// a fraction, if set and valid.
func (pa *PodAutoscaler) TargetUtilization() (float64, bool) {
	if tu, ok := pa.annotationFloat64(autoscaling.TargetUtilizationPercentageAnnotation); ok {
		return tu / 100, true
	}
	return 0, false
}

// TargetBC returns the target-burst-capacity annotation, if set and valid.
func (pa *PodAutoscaler) TargetBC() (float64, bool) {
	return pa.annotationFloat64(autoscaling.TargetBurstCapacityAnnotation)
}

// ScaleToZeroPodRetention returns the scale-to-zero-pod-retention-period
// annotation, if set and valid.
func (pa *PodAutoscaler) ScaleToZeroPodRetention() (time.Duration, bool) {
	return pa.annotationDuration(autoscaling.ScaleToZeroPodRetentionPeriodAnnotation)
}

// Window returns the stable window annotation, if set and valid.
func (pa *PodAutoscaler) Window() (time.Duration, bool) {
	return pa.annotationDuration(autoscaling.WindowAnnotation)
}

// ScaleDownDelay returns the scale-down-delay annotation, if set and valid.
func (pa *PodAutoscaler) ScaleDownDelay() (time.Duration, bool) {
	return pa.annotationDuration(autoscaling.ScaleDownDelayAnnotation)
}

// PanicWindowPercentage returns the panic-window-percentage annotation, if
// set and valid.
func (pa *PodAutoscaler) PanicWindowPercentage() (percentage float64, ok bool) {
	return pa.annotationFloat64(autoscaling.PanicWindowPercentageAnnotation)
}

// PanicThresholdPercentage returns the panic-threshold-percentage
// annotation, if set and valid.
func (pa *PodAutoscaler) PanicThresholdPercentage() (percentage float64, ok bool) {
	return pa.annotationFloat64(autoscaling.PanicThresholdPercentageAnnotation)
}

// ProgressDeadline returns the serving.knative.dev/progress-deadline
// annotation, if set and valid.
func (pa *PodAutoscaler) ProgressDeadline() (time.Duration, bool) {
	return pa.annotationDuration(serving.ProgressDeadlineAnnotation)
}

// InitialScale returns the initial-scale annotation, if set and valid.
func (pa *PodAutoscaler) InitialScale() (int32, bool) {
	return pa.annotationInt32(autoscaling.InitialScaleAnnotation)
}

// IsReady is true when Ready is True for the current generation.
func (pa *PodAutoscaler) IsReady() bool {
	pas := pa.Status
	return pa.Generation == pas.ObservedGeneration &&
		pas.GetCondition(PodAutoscalerConditionReady).IsTrue()
}

// IsActive is true when Active is True.
func (pas *PodAutoscalerStatus) IsActive() bool {
	return pas.GetCondition(PodAutoscalerConditionActive).IsTrue()
}

// IsActivating is true when Active is Unknown (neither active nor inactive).
func (pas *PodAutoscalerStatus) IsActivating() bool {
	return pas.GetCondition(PodAutoscalerConditionActive).IsUnknown()
}

// IsInactive is true when Active is False.
func (pas *PodAutoscalerStatus) IsInactive() bool {
	return pas.GetCondition(PodAutoscalerConditionActive).IsFalse()
}

// IsScaleTargetInitialized is true once the scale target has been ready.
func (pas *PodAutoscalerStatus) IsScaleTargetInitialized() bool {
	return pas.GetCondition(PodAutoscalerConditionScaleTargetInitialized).IsTrue()
}

// MarkScaleTargetInitialized marks ScaleTargetInitialized True.
func (pas *PodAutoscalerStatus) MarkScaleTargetInitialized() {
	podCondSet.Manage(pas).MarkTrue(PodAutoscalerConditionScaleTargetInitialized)
}

// MarkSKSReady marks SKSReady True.
func (pas *PodAutoscalerStatus) MarkSKSReady() {
	podCondSet.Manage(pas).MarkTrue(PodAutoscalerConditionSKSReady)
}

// MarkSKSNotReady sets SKSReady Unknown (reason NotReady).
func (pas *PodAutoscalerStatus) MarkSKSNotReady(mes string) {
	podCondSet.Manage(pas).MarkUnknown(PodAutoscalerConditionSKSReady, "NotReady", mes)
}

// GetCondition returns the condition of type t, or nil.
func (pas *PodAutoscalerStatus) GetCondition(t apis.ConditionType) *apis.Condition {
	return podCondSet.Manage(pas).GetCondition(t)
}

// InitializeConditions sets every unset condition to Unknown.
func (pas *PodAutoscalerStatus) InitializeConditions() {
	podCondSet.Manage(pas).InitializeConditions()
}

// MarkActive marks Active True.
func (pas *PodAutoscalerStatus) MarkActive() {
	podCondSet.Manage(pas).MarkTrue(PodAutoscalerConditionActive)
}

// MarkActivating sets Active Unknown, e.g. while scaling up from zero.
func (pas *PodAutoscalerStatus) MarkActivating(reason, message string) {
	podCondSet.Manage(pas).MarkUnknown(PodAutoscalerConditionActive, reason, message)
}

// MarkInactive sets Active False, e.g. reason NoTraffic at zero.
func (pas *PodAutoscalerStatus) MarkInactive(reason, message string) {
	podCondSet.Manage(pas).MarkFalse(PodAutoscalerConditionActive, reason, message)
}

// MarkResourceNotOwned sets Active False because a resource we would create
// exists and is not ours.
func (pas *PodAutoscalerStatus) MarkResourceNotOwned(kind, name string) {
	pas.MarkInactive("NotOwned",
		fmt.Sprintf("There is an existing %s %q that we do not own.", kind, name))
}

// MarkResourceFailedCreation sets Active False because creating a resource
// failed.
func (pas *PodAutoscalerStatus) MarkResourceFailedCreation(kind, name string) {
	pas.MarkInactive("FailedCreate",
		fmt.Sprintf("Failed to create %s %q.", kind, name))
}

// InactiveFor returns how long Active has been False, or -1.
func (pas *PodAutoscalerStatus) InactiveFor(now time.Time) time.Duration {
	return pas.inStatusFor(corev1.ConditionFalse, now)
}

// ActiveFor returns how long Active has been True, or -1.
func (pas *PodAutoscalerStatus) ActiveFor(now time.Time) time.Duration {
	return pas.inStatusFor(corev1.ConditionTrue, now)
}

// CanFailActivation is true when the PA has been activating for longer than
// idlePeriod, so the reconciler may give up on the activation.
func (pas *PodAutoscalerStatus) CanFailActivation(now time.Time, idlePeriod time.Duration) bool {
	return pas.inStatusFor(corev1.ConditionUnknown, now) > idlePeriod
}

// inStatusFor returns how long Active has had status, or -1 when it is
// absent or different.
func (pas *PodAutoscalerStatus) inStatusFor(status corev1.ConditionStatus, now time.Time) time.Duration {
	cond := pas.GetCondition(PodAutoscalerConditionActive)
	if cond == nil || cond.Status != status {
		return -1
	}
	return now.Sub(cond.LastTransitionTime.Inner.Time)
}

// GetDesiredScale returns the desired scale, or -1 if never set.
func (pas *PodAutoscalerStatus) GetDesiredScale() int32 {
	if pas.DesiredScale != nil {
		return *pas.DesiredScale
	}
	return -1
}

// GetActualScale returns the actual scale, or -1 if never set.
func (pas *PodAutoscalerStatus) GetActualScale() int32 {
	if pas.ActualScale != nil {
		return *pas.ActualScale
	}
	return -1
}
