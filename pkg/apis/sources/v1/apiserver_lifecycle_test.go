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
)

func TestApiServerSourceGetters(t *testing.T) {
	s := &ApiServerSource{}
	if got, want := s.GetGroupVersionKind().String(), "sources.knative.dev/v1, Kind=ApiServerSource"; got != want {
		t.Errorf("GetGroupVersionKind() = %s, want %s", got, want)
	}
	s.Status.InitializeConditions()
	if got := len(s.GetStatus().Conditions); got != 5 {
		t.Errorf("GetStatus() has %d conditions after InitializeConditions, want 5 (Ready + 4)", got)
	}
	if s.GetConditionSet().Manage(&s.Status).GetCondition(ApiServerConditionSufficientPermissions) == nil {
		t.Error("GetConditionSet() does not manage SufficientPermissions")
	}
}

func TestApiServerSourceStatusTransitions(t *testing.T) {
	url := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	happy := func(s *ApiServerSourceStatus) {
		s.InitializeConditions()
		s.MarkSink(sinkAddr(url))
		s.PropagateDeploymentAvailability(deployment(corev1.ConditionTrue))
		s.MarkSufficientPermissions()
		s.MarkOIDCIdentityCreatedSucceeded()
	}
	type want struct {
		ready, sink, deployed, perms, oidc *condSummary
	}
	tests := []struct {
		name string
		mark func(*ApiServerSourceStatus)
		want want
	}{{
		name: "initialized",
		mark: func(s *ApiServerSourceStatus) { s.InitializeConditions() },
		want: want{ready: condUnknown, sink: condUnknown, deployed: condUnknown, perms: condUnknown, oidc: condUnknown},
	}, {
		name: "all happy",
		mark: happy,
		want: want{ready: condTrue, sink: condTrue, deployed: condTrue, perms: condTrue, oidc: condTrue},
	}, {
		name: "insufficient permissions",
		mark: func(s *ApiServerSourceStatus) {
			happy(s)
			s.MarkNoSufficientPermissions("InsufficientPermission", "cannot %s", "watch")
		},
		want: want{ready: condFalse("InsufficientPermission"), sink: condTrue, deployed: condTrue, perms: condFalse("InsufficientPermission"), oidc: condTrue},
	}, {
		name: "no sink",
		mark: func(s *ApiServerSourceStatus) {
			happy(s)
			s.MarkNoSink("NotFound", "")
		},
		want: want{ready: condFalse("NotFound"), sink: condFalse("NotFound"), deployed: condTrue, perms: condTrue, oidc: condTrue},
	}, {
		name: "empty sink",
		mark: func(s *ApiServerSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(nil)
		},
		want: want{ready: condFalse("SinkEmpty"), sink: condFalse("SinkEmpty"), deployed: condUnknown, perms: condUnknown, oidc: condUnknown},
	}, {
		name: "deployment becomes unavailable",
		mark: func(s *ApiServerSourceStatus) {
			happy(s)
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionFalse))
		},
		want: want{ready: condFalse("MinimumReplicasFalse"), sink: condTrue, deployed: condFalse("MinimumReplicasFalse"), perms: condTrue, oidc: condTrue},
	}, {
		name: "no deployment",
		mark: func(s *ApiServerSourceStatus) {
			s.InitializeConditions()
			s.PropagateDeploymentAvailability(nil)
		},
		want: want{ready: condUnknownWith("DeploymentUnavailable"), sink: condUnknown, deployed: condUnknownWith("DeploymentUnavailable"), perms: condUnknown, oidc: condUnknown},
	}, {
		name: "oidc failed",
		mark: func(s *ApiServerSourceStatus) {
			happy(s)
			s.MarkOIDCIdentityCreatedFailed("NoSA", "")
		},
		want: want{ready: condFalse("NoSA"), sink: condTrue, deployed: condTrue, perms: condTrue, oidc: condFalse("NoSA")},
	}, {
		name: "oidc unknown",
		mark: func(s *ApiServerSourceStatus) {
			happy(s)
			s.MarkOIDCIdentityCreatedUnknown("Pending", "")
		},
		want: want{ready: condUnknownWith("Pending"), sink: condTrue, deployed: condTrue, perms: condTrue, oidc: condUnknownWith("Pending")},
	}, {
		name: "oidc disabled counts as success",
		mark: func(s *ApiServerSourceStatus) {
			happy(s)
			s.MarkOIDCIdentityCreatedSucceededWithReason("authentication-oidc feature disabled", "")
		},
		want: want{ready: condTrue, sink: condTrue, deployed: condTrue, perms: condTrue, oidc: &condSummary{Status: corev1.ConditionTrue, Reason: "authentication-oidc feature disabled"}},
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &ApiServerSourceStatus{}
			tc.mark(s)
			got := want{
				ready:    summarize(s.GetCondition(ApiServerConditionReady)),
				sink:     summarize(s.GetCondition(ApiServerConditionSinkProvided)),
				deployed: summarize(s.GetCondition(ApiServerConditionDeployed)),
				perms:    summarize(s.GetCondition(ApiServerConditionSufficientPermissions)),
				oidc:     summarize(s.GetCondition(ApiServerConditionOIDCIdentityCreated)),
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Error("conditions (-want, +got):", diff)
			}
			if wantReady := tc.want.ready.Status == corev1.ConditionTrue; s.IsReady() != wantReady {
				t.Errorf("IsReady() = %v, want %v", s.IsReady(), wantReady)
			}
			if got := summarize(s.GetTopLevelCondition()); got.Status != tc.want.ready.Status {
				t.Errorf("GetTopLevelCondition() = %v, want %v", got, tc.want.ready)
			}
		})
	}
}
