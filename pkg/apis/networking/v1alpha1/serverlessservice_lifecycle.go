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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
)

var serverlessServiceCondSet = apis.NewLivingConditionSet(
	ServerlessServiceConditionEndspointsPopulated,
)

// GetConditionSet returns the SKS condition set. Implements KRShaped.
func (*ServerlessService) GetConditionSet() apis.ConditionSet {
	return serverlessServiceCondSet
}

// GetGroupVersionKind returns the GVK of ServerlessService.
func (ss *ServerlessService) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("ServerlessService")
}

// GetCondition returns the condition of type t, or nil.
func (sss *ServerlessServiceStatus) GetCondition(t apis.ConditionType) *apis.Condition {
	return serverlessServiceCondSet.Manage(sss).GetCondition(t)
}

// InitializeConditions sets every unset condition to Unknown.
func (sss *ServerlessServiceStatus) InitializeConditions() {
	serverlessServiceCondSet.Manage(sss).InitializeConditions()
}

// MarkEndpointsReady marks EndpointsPopulated True.
func (sss *ServerlessServiceStatus) MarkEndpointsReady() {
	serverlessServiceCondSet.Manage(sss).MarkTrue(ServerlessServiceConditionEndspointsPopulated)
}

// MarkEndpointsNotOwned fails EndpointsPopulated because a Service we would
// create exists and is not ours.
func (sss *ServerlessServiceStatus) MarkEndpointsNotOwned(kind, name string) {
	serverlessServiceCondSet.Manage(sss).MarkFalse(
		ServerlessServiceConditionEndspointsPopulated, "NotOwned",
		"Resource %s of type %s is not owned by SKS", name, kind)
}

// MarkActivatorEndpointsPopulated records that the activator is in the path.
// Info severity: it does not affect Ready.
func (sss *ServerlessServiceStatus) MarkActivatorEndpointsPopulated() {
	serverlessServiceCondSet.Manage(sss).SetCondition(apis.Condition{
		Type:     ActivatorEndpointsPopulated,
		Status:   corev1.ConditionTrue,
		Severity: apis.ConditionSeverityInfo,
		Reason:   "ActivatorEndpointsPopulated",
		Message:  "Revision is backed by Activator",
	})
}

// MarkActivatorEndpointsRemoved records that the activator left the path.
// (Reason and message are upstream's, unchanged.)
func (sss *ServerlessServiceStatus) MarkActivatorEndpointsRemoved() {
	serverlessServiceCondSet.Manage(sss).SetCondition(apis.Condition{
		Type:     ActivatorEndpointsPopulated,
		Status:   corev1.ConditionFalse,
		Severity: apis.ConditionSeverityInfo,
		Reason:   "ActivatorEndpointsPopulated",
		Message:  "Revision is backed by Activator",
	})
}

// MarkEndpointsNotReady sets EndpointsPopulated Unknown with reason.
func (sss *ServerlessServiceStatus) MarkEndpointsNotReady(reason string) {
	serverlessServiceCondSet.Manage(sss).MarkUnknown(
		ServerlessServiceConditionEndspointsPopulated, reason,
		"K8s Service is not ready")
}

// IsReady is true when Ready is True for the current generation.
func (ss *ServerlessService) IsReady() bool {
	sss := ss.Status
	return sss.ObservedGeneration == ss.Generation &&
		sss.GetCondition(ServerlessServiceConditionReady).IsTrue()
}

// ProxyFor returns how long the activator has been in the request path, 0 if
// it is not. The autoscaler uses it to shorten the scale-to-zero grace period.
func (sss *ServerlessServiceStatus) ProxyFor() time.Duration {
	cond := sss.GetCondition(ActivatorEndpointsPopulated)
	if cond == nil || cond.Status != corev1.ConditionTrue {
		return 0
	}
	return time.Since(cond.LastTransitionTime.Inner.Time)
}
