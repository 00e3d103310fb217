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

func TestPingSourceGetters(t *testing.T) {
	s := &PingSource{}
	if got, want := s.GetGroupVersionKind().String(), "sources.knative.dev/v1, Kind=PingSource"; got != want {
		t.Errorf("GetGroupVersionKind() = %s, want %s", got, want)
	}
	if got := s.GetConditionSet(); !cmp.Equal(got, PingSourceCondSet, cmp.AllowUnexported(apis.ConditionSet{})) {
		t.Errorf("GetConditionSet() = %v, want PingSourceCondSet", got)
	}
	s.Status.InitializeConditions()
	if got := len(s.GetStatus().Conditions); got != 4 {
		t.Errorf("GetStatus() has %d conditions after InitializeConditions, want 4 (Ready + 3)", got)
	}
	if got, want := PingSourceSource("ns", "name"), "/apis/v1/namespaces/ns/pingsources/name"; got != want {
		t.Errorf("PingSourceSource() = %q, want %q", got, want)
	}
}

func TestPingSourceStatusTransitions(t *testing.T) {
	url := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	type want struct {
		ready, sink, deployed, oidc *condSummary
	}
	tests := []struct {
		name string
		mark func(*PingSourceStatus)
		want want
	}{{
		name: "uninitialized",
		mark: func(*PingSourceStatus) {},
	}, {
		name: "initialized",
		mark: func(s *PingSourceStatus) { s.InitializeConditions() },
		want: want{ready: condUnknown, sink: condUnknown, deployed: condUnknown, oidc: condUnknown},
	}, {
		name: "sink only",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
		},
		want: want{ready: condUnknown, sink: condTrue, deployed: condUnknown, oidc: condUnknown},
	}, {
		name: "all happy",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionTrue))
			s.MarkOIDCIdentityCreatedSucceededWithReason("authentication-oidc feature disabled", "")
		},
		want: want{ready: condTrue, sink: condTrue, deployed: condTrue, oidc: &condSummary{Status: corev1.ConditionTrue, Reason: "authentication-oidc feature disabled"}},
	}, {
		name: "sink lost after ready",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionTrue))
			s.MarkOIDCIdentityCreatedSucceeded()
			s.MarkNoSink("NotFound", "sink %s not found", "event-display")
		},
		want: want{ready: condFalse("NotFound"), sink: condFalse("NotFound"), deployed: condTrue, oidc: condTrue},
	}, {
		name: "sink resolved to nothing",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(nil)
		},
		want: want{ready: condFalse("SinkEmpty"), sink: condFalse("SinkEmpty"), deployed: condUnknown, oidc: condUnknown},
	}, {
		name: "deployment not available",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.MarkOIDCIdentityCreatedSucceeded()
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionFalse))
		},
		want: want{ready: condFalse("MinimumReplicasFalse"), sink: condTrue, deployed: condFalse("MinimumReplicasFalse"), oidc: condTrue},
	}, {
		name: "deployment availability unknown",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionUnknown))
		},
		want: want{ready: condUnknownWith("MinimumReplicasUnknown"), sink: condUnknown, deployed: condUnknownWith("MinimumReplicasUnknown"), oidc: condUnknown},
	}, {
		name: "deployment without conditions yet",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.PropagateDeploymentAvailability(deployment(""))
		},
		want: want{ready: condUnknownWith("DeploymentUnavailable"), sink: condUnknown, deployed: condUnknownWith("DeploymentUnavailable"), oidc: condUnknown},
	}, {
		name: "deployment spec not yet observed",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.MarkOIDCIdentityCreatedSucceeded()
			d := deployment(corev1.ConditionTrue) // 0 of 0 replicas, before the scale-up is seen
			d.Generation, d.Status.ObservedGeneration = 2, 1
			s.PropagateDeploymentAvailability(d)
		},
		want: want{ready: condUnknownWith("DeploymentProgressing"), sink: condTrue, deployed: condUnknownWith("DeploymentProgressing"), oidc: condTrue},
	}, {
		name: "oidc identity failed",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionTrue))
			s.MarkOIDCIdentityCreatedFailed("Unable to resolve service account", "%v", "boom")
		},
		want: want{ready: condFalse("Unable to resolve service account"), sink: condTrue, deployed: condTrue, oidc: condFalse("Unable to resolve service account")},
	}, {
		name: "oidc identity unknown",
		mark: func(s *PingSourceStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.PropagateDeploymentAvailability(deployment(corev1.ConditionTrue))
			s.MarkOIDCIdentityCreatedUnknown("Pending", "")
		},
		want: want{ready: condUnknownWith("Pending"), sink: condTrue, deployed: condTrue, oidc: condUnknownWith("Pending")},
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &PingSourceStatus{}
			tc.mark(s)
			got := want{
				ready:    summarize(s.GetCondition(PingSourceConditionReady)),
				sink:     summarize(s.GetCondition(PingSourceConditionSinkProvided)),
				deployed: summarize(s.GetCondition(PingSourceConditionDeployed)),
				oidc:     summarize(s.GetCondition(PingSourceConditionOIDCIdentityCreated)),
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Error("conditions (-want, +got):", diff)
			}
			if ready := tc.want.ready != nil && tc.want.ready.Status == corev1.ConditionTrue; s.IsReady() != ready {
				t.Errorf("IsReady() = %v, want %v", s.IsReady(), ready)
			}
			if top := s.GetTopLevelCondition(); summarize(top) != nil && summarize(top).Status != tc.want.ready.Status {
				t.Errorf("GetTopLevelCondition() = %v, want Ready %v", top, tc.want.ready)
			}
		})
	}
}

func TestPingSourceMarkSinkRecordsAddress(t *testing.T) {
	url := mustParseURL(t, "https://sink.ns.svc.cluster.local/")
	addr := sinkAddr(url)
	s := &PingSourceStatus{}
	s.MarkSink(addr)
	want := duckv1.SourceStatus{SinkURI: url, SinkCACerts: addr.CACerts, SinkAudience: addr.Audience}
	got := s.SourceStatus
	got.Conditions = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("SourceStatus after MarkSink (-want, +got):", diff)
	}
}

// Deployment messages are copied verbatim, not used as format strings.
func TestPropagateDeploymentAvailabilityKeepsMessage(t *testing.T) {
	s := &PingSourceStatus{}
	s.InitializeConditions()
	s.PropagateDeploymentAvailability(deployment(corev1.ConditionFalse))
	if got, want := s.GetCondition(PingSourceConditionDeployed).Message, "100% of replicas: False"; got != want {
		t.Errorf("Deployed message = %q, want %q", got, want)
	}
}
