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

func TestContainerSourceGetters(t *testing.T) {
	s := &ContainerSource{}
	if got, want := s.GetGroupVersionKind().String(), "sources.knative.dev/v1, Kind=ContainerSource"; got != want {
		t.Errorf("GetGroupVersionKind() = %s, want %s", got, want)
	}
	s.Status.InitializeConditions()
	if got := len(s.GetStatus().Conditions); got != 3 {
		t.Errorf("GetStatus() has %d conditions after InitializeConditions, want 3 (Ready + 2)", got)
	}
	if s.GetConditionSet().Manage(&s.Status).GetCondition(ContainerSourceConditionSinkBindingReady) == nil {
		t.Error("GetConditionSet() does not manage SinkBindingReady")
	}
}

func TestContainerSourceStatusTransitions(t *testing.T) {
	url := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	bindingReady := func() *SinkBindingStatus {
		sb := &SinkBindingStatus{}
		sb.InitializeConditions()
		sb.MarkSink(sinkAddr(url))
		sb.MarkOIDCIdentityCreatedSucceeded()
		sb.MarkOIDCTokenSecretCreatedSuccceeded()
		sb.MarkBindingAvailable()
		return sb
	}
	bindingFailed := func() *SinkBindingStatus {
		sb := bindingReady()
		sb.MarkBindingUnavailable("NoAddressable", "sink not addressable")
		return sb
	}
	bindingUnknown := func() *SinkBindingStatus {
		sb := &SinkBindingStatus{}
		sb.InitializeConditions()
		return sb
	}

	type want struct {
		ready, binding, adapter *condSummary
	}
	tests := []struct {
		name string
		mark func(*ContainerSourceStatus)
		want want
	}{{
		name: "initialized",
		mark: func(s *ContainerSourceStatus) { s.InitializeConditions() },
		want: want{ready: condUnknown, binding: condUnknown, adapter: condUnknown},
	}, {
		name: "binding ready, adapter available",
		mark: func(s *ContainerSourceStatus) {
			s.InitializeConditions()
			s.PropagateSinkBindingStatus(bindingReady())
			s.PropagateReceiveAdapterStatus(deployment(corev1.ConditionTrue))
		},
		want: want{ready: condTrue, binding: condTrue, adapter: condTrue},
	}, {
		name: "binding failed",
		mark: func(s *ContainerSourceStatus) {
			s.InitializeConditions()
			s.PropagateReceiveAdapterStatus(deployment(corev1.ConditionTrue))
			s.PropagateSinkBindingStatus(bindingFailed())
		},
		want: want{ready: condFalse("NoAddressable"), binding: condFalse("NoAddressable"), adapter: condTrue},
	}, {
		name: "binding not reconciled yet",
		mark: func(s *ContainerSourceStatus) {
			s.InitializeConditions()
			s.PropagateReceiveAdapterStatus(deployment(corev1.ConditionTrue))
			s.PropagateSinkBindingStatus(bindingUnknown())
		},
		want: want{ready: condUnknown, binding: condUnknown, adapter: condTrue},
	}, {
		name: "binding without conditions",
		mark: func(s *ContainerSourceStatus) {
			s.InitializeConditions()
			s.PropagateSinkBindingStatus(&SinkBindingStatus{})
		},
		want: want{ready: condUnknown, binding: condUnknown, adapter: condUnknown},
	}, {
		name: "adapter unavailable",
		mark: func(s *ContainerSourceStatus) {
			s.InitializeConditions()
			s.PropagateSinkBindingStatus(bindingReady())
			s.PropagateReceiveAdapterStatus(deployment(corev1.ConditionFalse))
		},
		want: want{ready: condFalse("MinimumReplicasFalse"), binding: condTrue, adapter: condFalse("MinimumReplicasFalse")},
	}, {
		name: "adapter has no Available condition yet",
		mark: func(s *ContainerSourceStatus) {
			s.InitializeConditions()
			s.PropagateSinkBindingStatus(bindingReady())
			s.PropagateReceiveAdapterStatus(deployment(""))
		},
		want: want{ready: condUnknownWith("DeploymentUnavailable"), binding: condTrue, adapter: condUnknownWith("DeploymentUnavailable")},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &ContainerSourceStatus{}
			tc.mark(s)
			got := want{
				ready:   summarize(s.GetCondition(ContainerSourceConditionReady)),
				binding: summarize(s.GetCondition(ContainerSourceConditionSinkBindingReady)),
				adapter: summarize(s.GetCondition(ContainerSourceConditionReceiveAdapterReady)),
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

// The SinkBinding's sink fields and auth come over; our conditions and
// observedGeneration stay ours.
func TestContainerSourcePropagateSinkBindingStatusCopiesSink(t *testing.T) {
	url := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	saName := "oidc-sa"
	sb := &SinkBindingStatus{}
	sb.InitializeConditions()
	sb.MarkSink(sinkAddr(url))
	sb.ObservedGeneration = 7
	sb.CloudEventAttributes = []duckv1.CloudEventAttributes{{Type: "t", Source: "s"}}
	sb.Auth = &duckv1.AuthStatus{ServiceAccountName: &saName}

	s := &ContainerSourceStatus{}
	s.InitializeConditions()
	s.ObservedGeneration = 3
	s.PropagateSinkBindingStatus(sb)

	if s.ObservedGeneration != 3 {
		t.Errorf("ObservedGeneration = %d, want 3 (ours)", s.ObservedGeneration)
	}
	if s.GetCondition(SinkBindingConditionSinkProvided) != nil {
		t.Error("the SinkBinding's SinkProvided condition was copied into the ContainerSource")
	}
	want := duckv1.SourceStatus{
		SinkURI:              url,
		SinkCACerts:          sb.SinkCACerts,
		SinkAudience:         sb.SinkAudience,
		CloudEventAttributes: sb.CloudEventAttributes,
		Auth:                 sb.Auth,
	}
	got := s.SourceStatus
	got.Status = duckv1.Status{}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("propagated SourceStatus (-want, +got):", diff)
	}
	// A deep copy: changing the binding later does not change us.
	*sb.Auth.ServiceAccountName = "changed"
	if *s.Auth.ServiceAccountName != "oidc-sa" {
		t.Error("PropagateSinkBindingStatus aliases the SinkBinding's auth status")
	}
	if c := s.GetCondition(apis.ConditionReady); c == nil {
		t.Error("Ready condition lost")
	}
}
