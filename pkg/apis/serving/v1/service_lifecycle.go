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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
)

const (
	trafficNotMigratedReason  = "TrafficNotMigrated"
	trafficNotMigratedMessage = "Traffic is not yet migrated to the latest revision."
)

// serviceCondSet: Ready is true when both the Configuration and the Route are.
var serviceCondSet = apis.NewLivingConditionSet(
	ServiceConditionConfigurationsReady,
	ServiceConditionRoutesReady,
)

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*Service) GetConditionSet() apis.ConditionSet {
	return serviceCondSet
}

// GetGroupVersionKind returns the GroupVersionKind.
func (*Service) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("Service")
}

// IsReady returns true if the Service is Ready and its latest generation
// has been observed.
func (s *Service) IsReady() bool {
	ss := s.Status
	return ss.ObservedGeneration == s.Generation &&
		ss.GetCondition(ServiceConditionReady).IsTrue()
}

// IsFailed returns true if the latest generation has been observed and
// Ready is False.
func (s *Service) IsFailed() bool {
	ss := s.Status
	return ss.ObservedGeneration == s.Generation &&
		ss.GetCondition(ServiceConditionReady).IsFalse()
}

// InitializeConditions sets the initial values to the conditions.
func (ss *ServiceStatus) InitializeConditions() {
	serviceCondSet.Manage(ss).InitializeConditions()
}

// MarkConfigurationNotOwned surfaces, via ConfigurationsReady, that a
// Configuration with the name we want exists and we do not own it.
func (ss *ServiceStatus) MarkConfigurationNotOwned(name string) {
	serviceCondSet.Manage(ss).MarkFalse(ServiceConditionConfigurationsReady, "NotOwned",
		fmt.Sprintf("There is an existing Configuration %q that we do not own.", name))
}

// MarkRouteNotOwned surfaces, via RoutesReady, that a Route with the name we
// want exists and we do not own it.
func (ss *ServiceStatus) MarkRouteNotOwned(name string) {
	serviceCondSet.Manage(ss).MarkFalse(ServiceConditionRoutesReady, "NotOwned",
		fmt.Sprintf("There is an existing Route %q that we do not own.", name))
}

// MarkConfigurationNotReconciled notes that the Configuration controller has
// not yet caught up with the desired changes we made.
func (ss *ServiceStatus) MarkConfigurationNotReconciled() {
	serviceCondSet.Manage(ss).MarkUnknown(ServiceConditionConfigurationsReady,
		"OutOfDate", "The Configuration is still working to reflect the latest desired specification.")
}

// PropagateConfigurationStatus copies the Configuration's status fields and
// its Ready condition (as ConfigurationsReady) into the Service's status.
//
// Messages copied from other objects are passed as "%s" arguments, not as
// format strings, so a '%' in them survives (upstream mangles it).
func (ss *ServiceStatus) PropagateConfigurationStatus(cs *ConfigurationStatus) {
	ss.ConfigurationStatusFields = cs.ConfigurationStatusFields

	cc := cs.GetCondition(ConfigurationConditionReady)
	if cc == nil {
		return
	}
	m := serviceCondSet.Manage(ss)
	switch cc.Status {
	case corev1.ConditionUnknown:
		m.MarkUnknown(ServiceConditionConfigurationsReady, cc.Reason, "%s", cc.Message)
	case corev1.ConditionTrue:
		m.MarkTrue(ServiceConditionConfigurationsReady)
	case corev1.ConditionFalse:
		m.MarkFalse(ServiceConditionConfigurationsReady, cc.Reason, "%s", cc.Message)
	}
}

// MarkRevisionNameTaken notes that the Route was not programmed because the
// BYO revision name is taken by a conflicting Revision.
func (ss *ServiceStatus) MarkRevisionNameTaken(name string) {
	serviceCondSet.Manage(ss).MarkFalse(ServiceConditionRoutesReady, "RevisionNameTaken",
		"The revision name %q is taken by a conflicting Revision, so traffic will not be migrated", name)
}

// MarkRouteNotYetReady marks RoutesReady Unknown while traffic has not yet
// moved to the latest revision (knative/serving#2430).
func (ss *ServiceStatus) MarkRouteNotYetReady() {
	serviceCondSet.Manage(ss).MarkUnknown(ServiceConditionRoutesReady, trafficNotMigratedReason, trafficNotMigratedMessage)
}

// MarkRouteNotReconciled notes that the Route controller has not yet caught
// up with the desired changes we made.
func (ss *ServiceStatus) MarkRouteNotReconciled() {
	serviceCondSet.Manage(ss).MarkUnknown(ServiceConditionRoutesReady,
		"OutOfDate", "The Route is still working to reflect the latest desired specification.")
}

// PropagateRouteStatus copies the Route's status fields and its Ready
// condition (as RoutesReady) into the Service's status.
func (ss *ServiceStatus) PropagateRouteStatus(rs *RouteStatus) {
	ss.RouteStatusFields = rs.RouteStatusFields

	rc := rs.GetCondition(RouteConditionReady)
	if rc == nil {
		return
	}
	m := serviceCondSet.Manage(ss)
	switch rc.Status {
	case corev1.ConditionTrue:
		m.MarkTrue(ServiceConditionRoutesReady)
	case corev1.ConditionFalse:
		m.MarkFalse(ServiceConditionRoutesReady, rc.Reason, "%s", rc.Message)
	case corev1.ConditionUnknown:
		m.MarkUnknown(ServiceConditionRoutesReady, rc.Reason, "%s", rc.Message)
	}
}
