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
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

const (
	// ReasonContainerMissing is the ContainerHealthy=False reason when a
	// container image of the revision cannot be found.
	ReasonContainerMissing = "ContainerMissing"

	// ReasonResolvingDigests is the ContainerHealthy=Unknown reason while
	// image digests are being resolved.
	ReasonResolvingDigests = "ResolvingDigests"

	// ReasonDeploying is the ResourcesAvailable=Unknown reason while the
	// revision is deploying.
	ReasonDeploying = "Deploying"

	// ReasonNotOwned is the ResourcesAvailable=False reason when a resource
	// the revision needs exists and is not ours.
	ReasonNotOwned = "NotOwned"

	// ReasonProgressDeadlineExceeded is the ResourcesAvailable=False reason
	// when the deployment did not progress in time.
	ReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded"
)

// revisionCondSet leaves out Active on purpose: a revision scaled to zero
// is inactive yet Ready.
var revisionCondSet = apis.NewLivingConditionSet(
	RevisionConditionResourcesAvailable,
	RevisionConditionContainerHealthy,
)

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*Revision) GetConditionSet() apis.ConditionSet {
	return revisionCondSet
}

// GetGroupVersionKind returns the GroupVersionKind.
func (*Revision) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("Revision")
}

// IsReady returns true if the Revision is Ready and its latest generation
// has been observed.
func (r *Revision) IsReady() bool {
	rs := r.Status
	return rs.ObservedGeneration == r.Generation &&
		rs.GetCondition(RevisionConditionReady).IsTrue()
}

// IsFailed returns true if the latest generation has been observed and
// Ready is False.
func (r *Revision) IsFailed() bool {
	rs := r.Status
	return rs.ObservedGeneration == r.Generation &&
		rs.GetCondition(RevisionConditionReady).IsFalse()
}

// GetContainerConcurrency returns containerConcurrency, or, when unset, the
// original default 0 (not the configured default): older releases treated
// unset as 0, and a config-defaults change must not alter what existing
// revisions get across upgrades.
func (rs *RevisionSpec) GetContainerConcurrency() int64 {
	if rs.ContainerConcurrency == nil {
		return config.DefaultContainerConcurrency
	}
	return *rs.ContainerConcurrency
}

// InitializeConditions sets the initial values to the conditions.
func (rs *RevisionStatus) InitializeConditions() {
	revisionCondSet.Manage(rs).InitializeConditions()
}

// MarkActiveTrue marks Active True.
func (rs *RevisionStatus) MarkActiveTrue() {
	revisionCondSet.Manage(rs).MarkTrue(RevisionConditionActive)
}

// MarkActiveFalse marks Active False.
func (rs *RevisionStatus) MarkActiveFalse(reason, message string) {
	revisionCondSet.Manage(rs).MarkFalse(RevisionConditionActive, reason, "%s", message)
}

// MarkActiveUnknown marks Active Unknown.
func (rs *RevisionStatus) MarkActiveUnknown(reason, message string) {
	revisionCondSet.Manage(rs).MarkUnknown(RevisionConditionActive, reason, "%s", message)
}

// MarkContainerHealthyTrue marks ContainerHealthy True.
func (rs *RevisionStatus) MarkContainerHealthyTrue() {
	revisionCondSet.Manage(rs).MarkTrue(RevisionConditionContainerHealthy)
}

// MarkContainerHealthyFalse marks ContainerHealthy False. The message is
// kept verbatim: container errors often contain '%'.
func (rs *RevisionStatus) MarkContainerHealthyFalse(reason, message string) {
	revisionCondSet.Manage(rs).MarkFalse(RevisionConditionContainerHealthy, reason, "%s", message)
}

// MarkContainerHealthyUnknown marks ContainerHealthy Unknown. The message is
// kept verbatim: container errors often contain '%'.
func (rs *RevisionStatus) MarkContainerHealthyUnknown(reason, message string) {
	revisionCondSet.Manage(rs).MarkUnknown(RevisionConditionContainerHealthy, reason, "%s", message)
}

// MarkResourcesAvailableTrue marks ResourcesAvailable True.
func (rs *RevisionStatus) MarkResourcesAvailableTrue() {
	revisionCondSet.Manage(rs).MarkTrue(RevisionConditionResourcesAvailable)
}

// MarkResourcesAvailableFalse marks ResourcesAvailable False.
func (rs *RevisionStatus) MarkResourcesAvailableFalse(reason, message string) {
	revisionCondSet.Manage(rs).MarkFalse(RevisionConditionResourcesAvailable, reason, "%s", message)
}

// MarkResourcesAvailableUnknown marks ResourcesAvailable Unknown.
func (rs *RevisionStatus) MarkResourcesAvailableUnknown(reason, message string) {
	revisionCondSet.Manage(rs).MarkUnknown(RevisionConditionResourcesAvailable, reason, "%s", message)
}

// PropagateDeploymentStatus reflects the Deployment's readiness (see
// serving.TransformDeploymentStatus) in ResourcesAvailable.
//
// Messages copied from other objects are passed as "%s" arguments, not as
// format strings, so a '%' in them survives (upstream mangles it).
func (rs *RevisionStatus) PropagateDeploymentStatus(original *appsv1.DeploymentStatus) {
	ds := serving.TransformDeploymentStatus(original)
	cond := ds.GetCondition(serving.DeploymentConditionReady)

	m := revisionCondSet.Manage(rs)
	switch cond.Status {
	case corev1.ConditionTrue:
		m.MarkTrue(RevisionConditionResourcesAvailable)
	case corev1.ConditionFalse:
		m.MarkFalse(RevisionConditionResourcesAvailable, cond.Reason, "%s", cond.Message)
	case corev1.ConditionUnknown:
		m.MarkUnknown(RevisionConditionResourcesAvailable, cond.Reason, "%s", cond.Message)
	}
}

// PropagateAutoscalerStatus reflects the PodAutoscaler's status in the
// revision: replica counts, Active from the PA's Ready, and, once the scale
// target has been initialized, ResourcesAvailable and ContainerHealthy.
func (rs *RevisionStatus) PropagateAutoscalerStatus(ps *autoscalingv1alpha1.PodAutoscalerStatus) {
	resUnavailable := rs.GetCondition(RevisionConditionResourcesAvailable).IsFalse() ||
		rs.GetCondition(RevisionConditionContainerHealthy).IsFalse()

	rs.ActualReplicas = nil
	if ps.ActualScale != nil && *ps.ActualScale >= 0 {
		rs.ActualReplicas = ps.ActualScale
	}
	rs.DesiredReplicas = nil
	if ps.DesiredScale != nil && *ps.DesiredScale >= 0 {
		rs.DesiredReplicas = ps.DesiredScale
	}

	cond := ps.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionReady)
	if cond == nil {
		rs.MarkActiveUnknown(ReasonDeploying, "")
		if !resUnavailable {
			rs.MarkResourcesAvailableUnknown(ReasonDeploying, "")
		}
		return
	}

	// A failure the deployment already reported is not overridden.
	if ps.IsScaleTargetInitialized() && !resUnavailable {
		// An initialized scale target implies an active SKS, i.e. at least
		// one ready endpoint.
		rs.MarkResourcesAvailableTrue()
		rs.MarkContainerHealthyTrue()
	}

	// With initial scale 0 the deployment may be ready before the SKS has
	// a service; until then resources are not really available.
	if rs.GetCondition(RevisionConditionResourcesAvailable).IsTrue() && ps.ServiceName == "" {
		rs.MarkResourcesAvailableUnknown(ReasonDeploying, "")
	}

	switch cond.Status {
	case corev1.ConditionUnknown:
		rs.MarkActiveUnknown(cond.Reason, cond.Message)
	case corev1.ConditionFalse:
		// The PA is inactive (scaled to zero) and initial scale was never
		// reached: the revision failed to come up within the progress
		// deadline and was scaled down (knative/serving#8922). Scaling to
		// zero forces the Deployment's Progressing to True, so only this
		// combination tells the failure apart. Wait for the SKS service
		// name, as the PA may be reconciled before it is known, and keep a
		// failure message that is already there.
		if !ps.IsScaleTargetInitialized() && !resUnavailable && ps.ServiceName != "" {
			rs.MarkResourcesAvailableFalse(ReasonProgressDeadlineExceeded,
				"Initial scale was never achieved")
		}
		rs.MarkActiveFalse(cond.Reason, cond.Message)
	case corev1.ConditionTrue:
		rs.MarkActiveTrue()
	}
}

// ResourceNotOwnedMessage is the status message for a resource that exists
// and is not ours.
func ResourceNotOwnedMessage(kind, name string) string {
	return fmt.Sprintf("There is an existing %s %q that we do not own.", kind, name)
}

// ExitCodeReason is the condition reason for a container exit code.
func ExitCodeReason(exitCode int32) string {
	return fmt.Sprint("ExitCode", exitCode)
}

// RevisionContainerExitingMessage is the status message for a container
// that fails to come up.
func RevisionContainerExitingMessage(message string) string {
	return fmt.Sprint("Container failed with: ", message)
}

// RevisionContainerMissingMessage is the status message for an image that
// cannot be pulled.
func RevisionContainerMissingMessage(image string, message string) string {
	return fmt.Sprintf("Unable to fetch image %q: %s", image, message)
}
