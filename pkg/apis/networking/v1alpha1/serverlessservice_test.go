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
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/networking"
)

func validSKSSpec() ServerlessServiceSpec {
	return ServerlessServiceSpec{
		Mode:         SKSOperationModeProxy,
		ProtocolType: networking.ProtocolHTTP1,
		ObjectRef: corev1.ObjectReference{
			APIVersion: "apps/v1",
			Kind:       "Deployment",
			Name:       "hello-00001-deployment",
		},
	}
}

func TestServerlessServiceValidation(t *testing.T) {
	tests := []struct {
		name string
		sks  *ServerlessService
		want *apis.FieldError
	}{{
		name: "valid proxy",
		sks:  &ServerlessService{Spec: validSKSSpec()},
	}, {
		name: "valid serve, h2c, 3 activators",
		sks: &ServerlessService{Spec: func() ServerlessServiceSpec {
			s := validSKSSpec()
			s.Mode = SKSOperationModeServe
			s.ProtocolType = networking.ProtocolH2C
			s.NumActivators = 3
			return s
		}()},
	}, {
		name: "empty spec",
		sks:  &ServerlessService{},
		want: apis.ErrMissingField("spec"),
	}, {
		name: "missing mode",
		sks:  &ServerlessService{Spec: func() ServerlessServiceSpec { s := validSKSSpec(); s.Mode = ""; return s }()},
		want: apis.ErrMissingField("spec.mode"),
	}, {
		name: "unknown mode",
		sks:  &ServerlessService{Spec: func() ServerlessServiceSpec { s := validSKSSpec(); s.Mode = "Bypass"; return s }()},
		want: apis.ErrInvalidValue("Bypass", "spec.mode"),
	}, {
		name: "negative activators",
		sks:  &ServerlessService{Spec: func() ServerlessServiceSpec { s := validSKSSpec(); s.NumActivators = -1; return s }()},
		want: apis.ErrInvalidValue(-1, "spec.numActivators"),
	}, {
		name: "object ref without name, with namespace",
		sks: &ServerlessService{Spec: func() ServerlessServiceSpec {
			s := validSKSSpec()
			s.ObjectRef.Name = ""
			s.ObjectRef.Namespace = "other"
			return s
		}()},
		want: apis.ErrDisallowedFields("spec.objectRef.namespace").Also(apis.ErrMissingField("spec.objectRef.name")),
	}, {
		name: "missing protocol",
		sks:  &ServerlessService{Spec: func() ServerlessServiceSpec { s := validSKSSpec(); s.ProtocolType = ""; return s }()},
		want: apis.ErrMissingField("spec.protocolType"),
	}, {
		name: "unknown protocol",
		sks:  &ServerlessService{Spec: func() ServerlessServiceSpec { s := validSKSSpec(); s.ProtocolType = "grpc"; return s }()},
		want: apis.ErrInvalidValue("grpc", "spec.protocolType"),
	}, {
		name: "unknown networking annotation",
		sks: &ServerlessService{
			ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"networking.knative.dev/bogus": "x"}},
			Spec:       validSKSSpec(),
		},
		want: apis.ErrInvalidKeyName("networking.knative.dev/bogus", "metadata.annotations"),
	}, {
		name: "known networking annotation",
		sks: &ServerlessService{
			ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{networking.IngressClassAnnotationKey: "x"}},
			Spec:       validSKSSpec(),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.sks.Validate(context.Background())
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want,+got):", diff)
			}
		})
	}
}

func TestServerlessServiceDefaults(t *testing.T) {
	sks := &ServerlessService{Spec: validSKSSpec()}
	want := sks.DeepCopy()
	sks.SetDefaults(context.Background())
	if diff := cmp.Diff(want, sks); diff != "" {
		t.Error("SetDefaults changed a complete SKS (-want,+got):", diff)
	}
}

func TestServerlessServiceLifecycle(t *testing.T) {
	types := []apis.ConditionType{ServerlessServiceConditionReady, ServerlessServiceConditionEndspointsPopulated, ActivatorEndpointsPopulated}
	steps := []struct {
		name string
		mark func(*ServerlessServiceStatus)
		want map[apis.ConditionType]string
	}{{
		name: "initialized",
		mark: (*ServerlessServiceStatus).InitializeConditions,
		want: map[apis.ConditionType]string{
			ServerlessServiceConditionReady: "Unknown", ServerlessServiceConditionEndspointsPopulated: "Unknown", ActivatorEndpointsPopulated: "",
		},
	}, {
		name: "endpoints ready",
		mark: (*ServerlessServiceStatus).MarkEndpointsReady,
		want: map[apis.ConditionType]string{
			ServerlessServiceConditionReady: "True", ServerlessServiceConditionEndspointsPopulated: "True", ActivatorEndpointsPopulated: "",
		},
	}, {
		name: "activator in path does not affect readiness",
		mark: (*ServerlessServiceStatus).MarkActivatorEndpointsPopulated,
		want: map[apis.ConditionType]string{
			ServerlessServiceConditionReady:               "True",
			ServerlessServiceConditionEndspointsPopulated: "True",
			ActivatorEndpointsPopulated:                   "True/ActivatorEndpointsPopulated",
		},
	}, {
		name: "endpoints not ready",
		mark: func(s *ServerlessServiceStatus) { s.MarkEndpointsNotReady("NoHealthyBackends") },
		want: map[apis.ConditionType]string{
			ServerlessServiceConditionReady:               "Unknown/NoHealthyBackends",
			ServerlessServiceConditionEndspointsPopulated: "Unknown/NoHealthyBackends",
			ActivatorEndpointsPopulated:                   "True/ActivatorEndpointsPopulated",
		},
	}, {
		name: "activator removed does not affect readiness",
		mark: (*ServerlessServiceStatus).MarkActivatorEndpointsRemoved,
		want: map[apis.ConditionType]string{
			ServerlessServiceConditionReady:               "Unknown/NoHealthyBackends",
			ServerlessServiceConditionEndspointsPopulated: "Unknown/NoHealthyBackends",
			ActivatorEndpointsPopulated:                   "False/ActivatorEndpointsPopulated",
		},
	}, {
		name: "service not owned",
		mark: func(s *ServerlessServiceStatus) { s.MarkEndpointsNotOwned("Service", "hello-00001") },
		want: map[apis.ConditionType]string{
			ServerlessServiceConditionReady:               "False/NotOwned",
			ServerlessServiceConditionEndspointsPopulated: "False/NotOwned",
			ActivatorEndpointsPopulated:                   "False/ActivatorEndpointsPopulated",
		},
	}}
	status := &ServerlessServiceStatus{}
	for _, step := range steps {
		step.mark(status)
		if diff := cmp.Diff(step.want, conds(status, types...)); diff != "" {
			t.Errorf("after %q (-want,+got): %s", step.name, diff)
		}
	}
	if got, want := status.GetCondition(ServerlessServiceConditionEndspointsPopulated).Message,
		"Resource hello-00001 of type Service is not owned by SKS"; got != want {
		t.Errorf("NotOwned message = %q, want %q", got, want)
	}
	if sev := status.GetCondition(ActivatorEndpointsPopulated).Severity; sev != apis.ConditionSeverityInfo {
		t.Errorf("ActivatorEndpointsPopulated severity = %q, want Info", sev)
	}
}

func TestServerlessServiceProxyFor(t *testing.T) {
	s := &ServerlessServiceStatus{}
	if got := s.ProxyFor(); got != 0 {
		t.Errorf("ProxyFor() without condition = %v, want 0", got)
	}
	s.MarkActivatorEndpointsPopulated()
	// Pretend the activator entered the path a minute ago.
	cond := s.GetCondition(ActivatorEndpointsPopulated)
	cond.LastTransitionTime = apis.VolatileTime{Inner: metav1.NewTime(time.Now().Add(-time.Minute))}
	s.SetConditions(apis.Conditions{*cond})
	if got := s.ProxyFor(); got < time.Minute || got > 2*time.Minute {
		t.Errorf("ProxyFor() = %v, want about a minute", got)
	}
	s.MarkActivatorEndpointsRemoved()
	if got := s.ProxyFor(); got != 0 {
		t.Errorf("ProxyFor() after removal = %v, want 0", got)
	}
}

func TestServerlessServiceIsReady(t *testing.T) {
	status := ServerlessServiceStatus{}
	status.MarkEndpointsReady()
	status.ObservedGeneration = 1
	if !(&ServerlessService{ObjectMeta: metav1.ObjectMeta{Generation: 1}, Status: status}).IsReady() {
		t.Error("IsReady() = false for a ready, observed SKS")
	}
	if (&ServerlessService{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Status: status}).IsReady() {
		t.Error("IsReady() = true for a stale generation")
	}
}
