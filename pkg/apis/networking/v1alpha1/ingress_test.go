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

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/apis"
)

// backend is a valid backend in namespace "ns".
func backend(name string) IngressBackend {
	return IngressBackend{ServiceNamespace: "ns", ServiceName: name, ServicePort: intstr.FromInt(80)}
}

// validIngress is a minimal valid Ingress that rows mutate.
func validIngress(mutate ...func(*Ingress)) *Ingress {
	ing := &Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "hello"},
		Spec: IngressSpec{
			Rules: []IngressRule{{
				Hosts:      []string{"hello.ns.example.com"},
				Visibility: IngressVisibilityExternalIP,
				HTTP: &HTTPIngressRuleValue{
					Paths: []HTTPIngressPath{{
						Splits: []IngressBackendSplit{{IngressBackend: backend("rev-1"), Percent: 100}},
					}},
				},
			}},
		},
	}
	for _, m := range mutate {
		m(ing)
	}
	return ing
}

func TestIngressDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   *Ingress
		want *Ingress
	}{{
		name: "empty",
		in:   &Ingress{},
		want: &Ingress{},
	}, {
		name: "visibility and lone split percent are defaulted",
		in: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{
			HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{
				Splits: []IngressBackendSplit{{IngressBackend: backend("a")}},
			}}},
		}}}},
		want: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{
			Visibility: IngressVisibilityExternalIP,
			HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{
				Splits: []IngressBackendSplit{{IngressBackend: backend("a"), Percent: 100}},
			}}},
		}}}},
	}, {
		name: "cluster-local visibility is kept",
		in:   &Ingress{Spec: IngressSpec{Rules: []IngressRule{{Visibility: IngressVisibilityClusterLocal}}}},
		want: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{Visibility: IngressVisibilityClusterLocal}}}},
	}, {
		name: "several splits are left alone",
		in: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{
			Visibility: IngressVisibilityExternalIP,
			HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{
				Splits: []IngressBackendSplit{{IngressBackend: backend("a")}, {IngressBackend: backend("b")}},
			}}},
		}}}},
		want: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{
			Visibility: IngressVisibilityExternalIP,
			HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{
				Splits: []IngressBackendSplit{{IngressBackend: backend("a")}, {IngressBackend: backend("b")}},
			}}},
		}}}},
	}, {
		name: "explicit percent on a lone split is kept",
		in: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{
			Visibility: IngressVisibilityExternalIP,
			HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{
				Splits: []IngressBackendSplit{{IngressBackend: backend("a"), Percent: 30}},
			}}},
		}}}},
		want: &Ingress{Spec: IngressSpec{Rules: []IngressRule{{
			Visibility: IngressVisibilityExternalIP,
			HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{
				Splits: []IngressBackendSplit{{IngressBackend: backend("a"), Percent: 30}},
			}}},
		}}}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.DeepCopy()
			got.SetDefaults(context.Background())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("SetDefaults (-want,+got):", diff)
			}
		})
	}
}

func TestIngressValidation(t *testing.T) {
	tests := []struct {
		name string
		ing  *Ingress
		want *apis.FieldError
	}{{
		name: "valid",
		ing:  validIngress(),
	}, {
		name: "valid with everything",
		ing: validIngress(func(i *Ingress) {
			i.Spec.HTTPOption = HTTPOptionRedirected
			i.Spec.TLS = []IngressTLS{{Hosts: []string{"hello.ns.example.com"}, SecretName: "s", SecretNamespace: "ns"}}
			p := &i.Spec.Rules[0].HTTP.Paths[0]
			p.Path = "/api"
			p.RewriteHost = "other.ns.example.com"
			p.Headers = map[string]HeaderMatch{"Knative-Serving-Tag": {Exact: "candidate"}}
			p.AppendHeaders = map[string]string{"K-Network-Hash": "x"}
			p.Splits = []IngressBackendSplit{
				{IngressBackend: backend("rev-1"), Percent: 90, AppendHeaders: map[string]string{"Knative-Serving-Revision": "rev-1"}},
				{IngressBackend: backend("rev-2"), Percent: 10},
			}
		}),
	}, {
		name: "empty spec",
		ing:  &Ingress{},
		want: apis.ErrMissingField("spec"),
	}, {
		name: "no rules",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules = nil; i.Spec.HTTPOption = HTTPOptionEnabled }),
		want: apis.ErrMissingField("spec.rules"),
	}, {
		name: "empty rule",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules = append(i.Spec.Rules, IngressRule{}) }),
		want: apis.ErrMissingField("spec.rules[1]"),
	}, {
		name: "rule without http",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules[0].HTTP = nil }),
		want: apis.ErrMissingField("spec.rules[0].http"),
	}, {
		name: "unknown visibility",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules[0].Visibility = "Everywhere" }),
		want: apis.ErrInvalidValue("Everywhere", "spec.rules[0].visibility"),
	}, {
		name: "no paths",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules[0].HTTP.Paths = nil }),
		want: apis.ErrMissingField("spec.rules[0].http.paths"),
	}, {
		name: "empty path",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths = append(i.Spec.Rules[0].HTTP.Paths, HTTPIngressPath{})
		}),
		want: apis.ErrMissingField("spec.rules[0].http.paths[1]"),
	}, {
		name: "path without splits",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules[0].HTTP.Paths[0].Splits = nil; i.Spec.Rules[0].HTTP.Paths[0].Path = "/" }),
		want: apis.ErrMissingField("spec.rules[0].http.paths[0].splits"),
	}, {
		name: "lone split without percent is fine",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules[0].HTTP.Paths[0].Splits[0].Percent = 0 }),
	}, {
		name: "splits do not add up",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits = []IngressBackendSplit{
				{IngressBackend: backend("a"), Percent: 30},
				{IngressBackend: backend("b"), Percent: 30},
			}
		}),
		want: &apis.FieldError{
			Message: "traffic split percentage must total to 100, but was 60",
			Paths:   []string{"spec.rules[0].http.paths[0].splits"},
		},
	}, {
		name: "percent above 100",
		ing:  validIngress(func(i *Ingress) { i.Spec.Rules[0].HTTP.Paths[0].Splits[0].Percent = 101 }),
		want: apis.ErrInvalidValue(101, "spec.rules[0].http.paths[0].splits[0].percent"),
	}, {
		name: "negative percent",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits = []IngressBackendSplit{
				{IngressBackend: backend("a"), Percent: 101},
				{IngressBackend: backend("b"), Percent: -1},
			}
		}),
		// Validation stops at the first bad split.
		want: apis.ErrInvalidValue(101, "spec.rules[0].http.paths[0].splits[0].percent"),
	}, {
		name: "empty split",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits = append(i.Spec.Rules[0].HTTP.Paths[0].Splits, IngressBackendSplit{})
		}),
		want: apis.ErrMissingField("spec.rules[0].http.paths[0].splits[1]"),
	}, {
		name: "split with empty backend",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits[0].IngressBackend = IngressBackend{}
		}),
		want: apis.ErrMissingField("spec.rules[0].http.paths[0].splits[0]"),
	}, {
		name: "backend missing fields",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits[0].IngressBackend = IngressBackend{ServiceName: "x"}
		}),
		want: apis.ErrMissingField(
			"spec.rules[0].http.paths[0].splits[0].serviceNamespace",
			"spec.rules[0].http.paths[0].splits[0].servicePort"),
	}, {
		name: "backend in another namespace",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits[0].ServiceNamespace = "elsewhere"
		}),
		want: &apis.FieldError{
			Message: "service namespace must match ingress namespace",
			Paths:   []string{"spec.rules[0].http.paths[0].splits[0].serviceNamespace"},
		},
	}, {
		name: "backend without name",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits[0].ServiceName = ""
		}),
		want: apis.ErrMissingField("spec.rules[0].http.paths[0].splits[0].serviceName"),
	}, {
		name: "named service port is fine",
		ing: validIngress(func(i *Ingress) {
			i.Spec.Rules[0].HTTP.Paths[0].Splits[0].ServicePort = intstr.FromString("http")
		}),
	}, {
		name: "empty tls",
		ing:  validIngress(func(i *Ingress) { i.Spec.TLS = []IngressTLS{{}} }),
		want: apis.ErrMissingField("spec.tls[0]"),
	}, {
		name: "tls without secret",
		ing:  validIngress(func(i *Ingress) { i.Spec.TLS = []IngressTLS{{Hosts: []string{"a.b"}}} }),
		want: apis.ErrMissingField("spec.tls[0].secretName", "spec.tls[0].secretNamespace"),
	}, {
		name: "unknown http option",
		ing:  validIngress(func(i *Ingress) { i.Spec.HTTPOption = "Sometimes" }),
		want: apis.ErrInvalidValue("Sometimes", "spec.httpOption"),
	}, {
		name: "several errors at once",
		ing: validIngress(func(i *Ingress) {
			i.Spec.HTTPOption = "Sometimes"
			i.Spec.Rules[0].HTTP = nil
		}),
		want: apis.ErrMissingField("spec.rules[0].http").Also(apis.ErrInvalidValue("Sometimes", "spec.httpOption")),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.ing.Validate(context.Background())
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want,+got):", diff)
			}
		})
	}
}

// conds summarises the status of some conditions ("" when absent).
func conds(s interface {
	GetCondition(apis.ConditionType) *apis.Condition
}, types ...apis.ConditionType) map[apis.ConditionType]string {
	out := make(map[apis.ConditionType]string, len(types))
	for _, t := range types {
		c := s.GetCondition(t)
		if c == nil {
			out[t] = ""
			continue
		}
		out[t] = string(c.Status)
		if c.Reason != "" {
			out[t] += "/" + c.Reason
		}
	}
	return out
}

func TestIngressLifecycle(t *testing.T) {
	types := []apis.ConditionType{IngressConditionReady, IngressConditionNetworkConfigured, IngressConditionLoadBalancerReady}
	publicLB := []LoadBalancerIngressStatus{{DomainInternal: "skiff-gateway.knative-serving.svc.cluster.local"}}
	privateLB := []LoadBalancerIngressStatus{{DomainInternal: "skiff-gateway-internal.knative-serving.svc.cluster.local"}}

	// Each step applies to the status left by the previous ones.
	steps := []struct {
		name string
		mark func(*IngressStatus)
		want map[apis.ConditionType]string
	}{{
		name: "initialized",
		mark: (*IngressStatus).InitializeConditions,
		want: map[apis.ConditionType]string{
			IngressConditionReady: "Unknown", IngressConditionNetworkConfigured: "Unknown", IngressConditionLoadBalancerReady: "Unknown",
		},
	}, {
		name: "network configured",
		mark: (*IngressStatus).MarkNetworkConfigured,
		want: map[apis.ConditionType]string{
			IngressConditionReady: "Unknown", IngressConditionNetworkConfigured: "True", IngressConditionLoadBalancerReady: "Unknown",
		},
	}, {
		name: "load balancer not ready",
		mark: (*IngressStatus).MarkLoadBalancerNotReady,
		want: map[apis.ConditionType]string{
			IngressConditionReady:             "Unknown/Uninitialized",
			IngressConditionNetworkConfigured: "True",
			IngressConditionLoadBalancerReady: "Unknown/Uninitialized",
		},
	}, {
		name: "load balancer failed",
		mark: func(s *IngressStatus) { s.MarkLoadBalancerFailed("GatewayDown", "no gateway") },
		want: map[apis.ConditionType]string{
			IngressConditionReady:             "False/GatewayDown",
			IngressConditionNetworkConfigured: "True",
			IngressConditionLoadBalancerReady: "False/GatewayDown",
		},
	}, {
		name: "load balancer ready",
		mark: func(s *IngressStatus) { s.MarkLoadBalancerReady(publicLB, privateLB) },
		want: map[apis.ConditionType]string{
			IngressConditionReady: "True", IngressConditionNetworkConfigured: "True", IngressConditionLoadBalancerReady: "True",
		},
	}, {
		name: "resource not owned",
		mark: func(s *IngressStatus) { s.MarkResourceNotOwned("Service", "hello") },
		want: map[apis.ConditionType]string{
			IngressConditionReady:             "False/NotOwned",
			IngressConditionNetworkConfigured: "False/NotOwned",
			IngressConditionLoadBalancerReady: "True",
		},
	}, {
		name: "network configured again",
		mark: (*IngressStatus).MarkNetworkConfigured,
		want: map[apis.ConditionType]string{
			IngressConditionReady: "True", IngressConditionNetworkConfigured: "True", IngressConditionLoadBalancerReady: "True",
		},
	}, {
		name: "ingress not ready during rollout",
		mark: func(s *IngressStatus) { s.MarkIngressNotReady("RolloutInProgress", "rolling out") },
		want: map[apis.ConditionType]string{
			IngressConditionReady:             "Unknown/RolloutInProgress",
			IngressConditionNetworkConfigured: "True",
			IngressConditionLoadBalancerReady: "True",
		},
	}}
	status := &IngressStatus{}
	for _, step := range steps {
		step.mark(status)
		if diff := cmp.Diff(step.want, conds(status, types...)); diff != "" {
			t.Errorf("after %q (-want,+got): %s", step.name, diff)
		}
	}
	if diff := cmp.Diff(&LoadBalancerStatus{Ingress: publicLB}, status.PublicLoadBalancer); diff != "" {
		t.Error("PublicLoadBalancer (-want,+got):", diff)
	}
	if diff := cmp.Diff(&LoadBalancerStatus{Ingress: privateLB}, status.PrivateLoadBalancer); diff != "" {
		t.Error("PrivateLoadBalancer (-want,+got):", diff)
	}
	if msg := status.GetCondition(IngressConditionNetworkConfigured).Message; msg != "" {
		t.Errorf("NetworkConfigured message = %q after it became True", msg)
	}
}

func TestIngressNotOwnedMessage(t *testing.T) {
	s := &IngressStatus{}
	s.MarkResourceNotOwned("Service", "hello")
	if got, want := s.GetCondition(IngressConditionNetworkConfigured).Message, `There is an existing Service "hello" that we do not own.`; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

func TestIngressIsReady(t *testing.T) {
	ready := IngressStatus{}
	ready.MarkNetworkConfigured()
	ready.MarkLoadBalancerReady(nil, nil)
	ready.ObservedGeneration = 2

	tests := []struct {
		name string
		ing  Ingress
		want bool
	}{{
		name: "ready and observed",
		ing:  Ingress{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Status: ready},
		want: true,
	}, {
		name: "ready but stale generation",
		ing:  Ingress{ObjectMeta: metav1.ObjectMeta{Generation: 3}, Status: ready},
	}, {
		name: "no status",
		ing:  Ingress{},
	}}
	for _, tc := range tests {
		if got := tc.ing.IsReady(); got != tc.want {
			t.Errorf("%s: IsReady() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestGetIngressTLSForVisibility(t *testing.T) {
	tlsA := IngressTLS{Hosts: []string{"a.example.com"}, SecretName: "a", SecretNamespace: "ns"}
	tlsAB := IngressTLS{Hosts: []string{"a.example.com", "b.example.com"}, SecretName: "ab", SecretNamespace: "ns"}
	tlsLocal := IngressTLS{Hosts: []string{"a.ns.svc.cluster.local"}, SecretName: "local", SecretNamespace: "ns"}
	tests := []struct {
		name       string
		spec       IngressSpec
		visibility IngressVisibility
		want       []IngressTLS
	}{{
		name:       "no tls",
		spec:       IngressSpec{Rules: []IngressRule{{Hosts: []string{"a.example.com"}, Visibility: IngressVisibilityExternalIP}}},
		visibility: IngressVisibilityExternalIP,
		want:       []IngressTLS{},
	}, {
		name: "external rule picks entries covering all its hosts",
		spec: IngressSpec{
			TLS: []IngressTLS{tlsA, tlsAB, tlsLocal},
			Rules: []IngressRule{
				{Hosts: []string{"a.example.com", "b.example.com"}, Visibility: IngressVisibilityExternalIP},
				{Hosts: []string{"a.ns.svc.cluster.local"}, Visibility: IngressVisibilityClusterLocal},
			},
		},
		visibility: IngressVisibilityExternalIP,
		want:       []IngressTLS{tlsAB},
	}, {
		name: "cluster-local rule",
		spec: IngressSpec{
			TLS: []IngressTLS{tlsA, tlsAB, tlsLocal},
			Rules: []IngressRule{
				{Hosts: []string{"a.example.com"}, Visibility: IngressVisibilityExternalIP},
				{Hosts: []string{"a.ns.svc.cluster.local"}, Visibility: IngressVisibilityClusterLocal},
			},
		},
		visibility: IngressVisibilityClusterLocal,
		want:       []IngressTLS{tlsLocal},
	}, {
		name: "rule without hosts",
		spec: IngressSpec{
			TLS:   []IngressTLS{tlsA},
			Rules: []IngressRule{{Visibility: IngressVisibilityExternalIP}},
		},
		visibility: IngressVisibilityExternalIP,
		want:       []IngressTLS{},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ing := &Ingress{Spec: tc.spec}
			if diff := cmp.Diff(tc.want, ing.GetIngressTLSForVisibility(tc.visibility)); diff != "" {
				t.Error("GetIngressTLSForVisibility (-want,+got):", diff)
			}
		})
	}
}

func TestIngressGetCondition(t *testing.T) {
	s := &IngressStatus{}
	s.InitializeConditions()
	if c := s.GetCondition("Bogus"); c != nil {
		t.Errorf("GetCondition(Bogus) = %v, want nil", c)
	}
	if c := s.GetCondition(IngressConditionReady); c == nil || c.Status != corev1.ConditionUnknown {
		t.Errorf("GetCondition(Ready) = %v, want Unknown", c)
	}
}
