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
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

func readyStatus(ct apis.ConditionType, status corev1.ConditionStatus, reason, msg string) duckv1.Status {
	return duckv1.Status{Conditions: duckv1.Conditions{{Type: ct, Status: status, Reason: reason, Message: msg}}}
}

func configStatus(status corev1.ConditionStatus, reason, msg string) *ConfigurationStatus {
	return &ConfigurationStatus{Status: readyStatus(ConfigurationConditionReady, status, reason, msg)}
}

func routeStatus(status corev1.ConditionStatus, reason, msg string) *RouteStatus {
	return &RouteStatus{Status: readyStatus(RouteConditionReady, status, reason, msg)}
}

func TestServiceIsReadyAndFailed(t *testing.T) {
	tests := []struct {
		name       string
		gen        int64
		status     ServiceStatus
		wantReady  bool
		wantFailed bool
	}{{
		name: "empty status",
	}, {
		name:      "ready and observed",
		gen:       2,
		status:    ServiceStatus{Status: func() duckv1.Status { s := readyStatus("Ready", "True", "", ""); s.ObservedGeneration = 2; return s }()},
		wantReady: true,
	}, {
		name:   "ready but generation not observed",
		gen:    3,
		status: ServiceStatus{Status: func() duckv1.Status { s := readyStatus("Ready", "True", "", ""); s.ObservedGeneration = 2; return s }()},
	}, {
		name:       "failed and observed",
		status:     ServiceStatus{Status: readyStatus("Ready", "False", "Oops", "")},
		wantFailed: true,
	}, {
		name:   "unknown",
		status: ServiceStatus{Status: readyStatus("Ready", "Unknown", "", "")},
	}, {
		name:   "other conditions do not count",
		status: ServiceStatus{Status: readyStatus(ServiceConditionRoutesReady, "True", "", "")},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &Service{Status: test.status}
			s.Generation = test.gen
			if got := s.IsReady(); got != test.wantReady {
				t.Errorf("IsReady() = %v, want %v", got, test.wantReady)
			}
			if got := s.IsFailed(); got != test.wantFailed {
				t.Errorf("IsFailed() = %v, want %v", got, test.wantFailed)
			}
		})
	}
}

func TestServiceLifecycle(t *testing.T) {
	tests := []struct {
		name  string
		steps []func(*ServiceStatus)
		want  map[apis.ConditionType]string
	}{{
		name: "initialized",
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "Unknown",
			ServiceConditionConfigurationsReady: "Unknown",
			ServiceConditionRoutesReady:         "Unknown",
		},
	}, {
		name: "configuration ready only",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "Unknown",
			ServiceConditionConfigurationsReady: "True",
			ServiceConditionRoutesReady:         "Unknown",
		},
	}, {
		name: "happy path",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "True",
			ServiceConditionConfigurationsReady: "True",
			ServiceConditionRoutesReady:         "True",
		},
	}, {
		name: "configuration fails after ready",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) {
				s.PropagateConfigurationStatus(configStatus("False", "RevisionFailed", "boom"))
			},
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "False/RevisionFailed",
			ServiceConditionConfigurationsReady: "False/RevisionFailed",
			ServiceConditionRoutesReady:         "True",
		},
	}, {
		name: "configuration recovers",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) {
				s.PropagateConfigurationStatus(configStatus("False", "RevisionFailed", "boom"))
			},
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "True",
			ServiceConditionConfigurationsReady: "True",
			ServiceConditionRoutesReady:         "True",
		},
	}, {
		name: "configuration unknown after ready",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("Unknown", "Deploying", "")) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "Unknown/Deploying",
			ServiceConditionConfigurationsReady: "Unknown/Deploying",
			ServiceConditionRoutesReady:         "True",
		},
	}, {
		name: "configuration without Ready changes nothing",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(&ConfigurationStatus{}) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionConfigurationsReady: "True",
		},
	}, {
		name: "route fails",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("False", "RevisionMissing", "gone")) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "False/RevisionMissing",
			ServiceConditionConfigurationsReady: "True",
			ServiceConditionRoutesReady:         "False/RevisionMissing",
		},
	}, {
		name: "route unknown, then recovers",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("Unknown", "IngressNotConfigured", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:       "True",
			ServiceConditionRoutesReady: "True",
		},
	}, {
		name: "route without Ready changes nothing",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(&RouteStatus{}) },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionRoutesReady: "True",
		},
	}, {
		name: "configuration not owned",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.MarkConfigurationNotOwned("foo") },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "False/NotOwned",
			ServiceConditionConfigurationsReady: "False/NotOwned",
		},
	}, {
		name: "route not owned",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.MarkRouteNotOwned("foo") },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:       "False/NotOwned",
			ServiceConditionRoutesReady: "False/NotOwned",
		},
	}, {
		name: "configuration not reconciled",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) { s.MarkConfigurationNotReconciled() },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:               "Unknown/OutOfDate",
			ServiceConditionConfigurationsReady: "Unknown/OutOfDate",
		},
	}, {
		name: "route not reconciled",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) { s.MarkRouteNotReconciled() },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:       "Unknown/OutOfDate",
			ServiceConditionRoutesReady: "Unknown/OutOfDate",
		},
	}, {
		name: "route not yet ready",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.PropagateConfigurationStatus(configStatus("True", "", "")) },
			func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("True", "", "")) },
			func(s *ServiceStatus) { s.MarkRouteNotYetReady() },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:       "Unknown/TrafficNotMigrated",
			ServiceConditionRoutesReady: "Unknown/TrafficNotMigrated",
		},
	}, {
		name: "revision name taken",
		steps: []func(*ServiceStatus){
			func(s *ServiceStatus) { s.MarkRevisionNameTaken("foo-byo") },
		},
		want: map[apis.ConditionType]string{
			ServiceConditionReady:       "False/RevisionNameTaken",
			ServiceConditionRoutesReady: "False/RevisionNameTaken",
		},
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &ServiceStatus{}
			s.InitializeConditions()
			for _, step := range test.steps {
				step(s)
			}
			checkConds(t, s, test.want)
		})
	}
}

func TestServiceMessages(t *testing.T) {
	tests := []struct {
		name string
		mark func(*ServiceStatus)
		ct   apis.ConditionType
		want string
	}{
		{"configuration not owned", func(s *ServiceStatus) { s.MarkConfigurationNotOwned("foo") },
			ServiceConditionConfigurationsReady, `There is an existing Configuration "foo" that we do not own.`},
		{"route not owned", func(s *ServiceStatus) { s.MarkRouteNotOwned("foo") },
			ServiceConditionRoutesReady, `There is an existing Route "foo" that we do not own.`},
		{"configuration not reconciled", (*ServiceStatus).MarkConfigurationNotReconciled,
			ServiceConditionConfigurationsReady, "The Configuration is still working to reflect the latest desired specification."},
		{"route not reconciled", (*ServiceStatus).MarkRouteNotReconciled,
			ServiceConditionRoutesReady, "The Route is still working to reflect the latest desired specification."},
		{"route not yet ready", (*ServiceStatus).MarkRouteNotYetReady,
			ServiceConditionRoutesReady, "Traffic is not yet migrated to the latest revision."},
		{"revision name taken", func(s *ServiceStatus) { s.MarkRevisionNameTaken("foo-byo") },
			ServiceConditionRoutesReady, `The revision name "foo-byo" is taken by a conflicting Revision, so traffic will not be migrated`},
		{"propagated failure", func(s *ServiceStatus) { s.PropagateRouteStatus(routeStatus("False", "R", "100% broken")) },
			ServiceConditionRoutesReady, "100% broken"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &ServiceStatus{}
			s.InitializeConditions()
			test.mark(s)
			checkMessage(t, s, test.ct, test.want)
		})
	}
}

func TestServiceStatusFieldPropagation(t *testing.T) {
	s := &ServiceStatus{}
	s.InitializeConditions()

	cs := configStatus("True", "", "")
	cs.ConfigurationStatusFields = ConfigurationStatusFields{
		LatestCreatedRevisionName: "foo-00002",
		LatestReadyRevisionName:   "foo-00001",
	}
	s.PropagateConfigurationStatus(cs)
	if diff := cmp.Diff(cs.ConfigurationStatusFields, s.ConfigurationStatusFields); diff != "" {
		t.Error("ConfigurationStatusFields (-want, +got):\n", diff)
	}

	rs := routeStatus("True", "", "")
	rs.RouteStatusFields = RouteStatusFields{
		URL:     apis.HTTP("foo.default.example.com"),
		Address: &duckv1.Addressable{URL: apis.HTTP("foo.default.svc.cluster.local")},
		Traffic: []TrafficTarget{{RevisionName: "foo-00001"}},
	}
	s.PropagateRouteStatus(rs)
	if diff := cmp.Diff(rs.RouteStatusFields, s.RouteStatusFields); diff != "" {
		t.Error("RouteStatusFields (-want, +got):\n", diff)
	}
}
