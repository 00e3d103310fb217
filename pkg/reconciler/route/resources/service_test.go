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
package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

const gatewayInternal = "skiff-gateway-internal.knative-serving.svc.cluster.local"

func h2cPort() []corev1.ServicePort {
	return []corev1.ServicePort{{
		Name:        networking.ServicePortNameH2C,
		AppProtocol: &networking.AppProtocolH2C,
		Port:        80,
		TargetPort:  intstr.FromInt(80),
	}}
}

func TestMakeK8sPlaceholderService(t *testing.T) {
	r := Route(ns, "hello-go", WithRouteUID("1234"),
		WithRouteLabel(map[string]string{"app": "x", networking.VisibilityLabelKey: "cluster-local"}),
		WithRouteAnnotation(map[string]string{"a": "b"}))
	tests := []struct {
		name string
		tag  string
		want *corev1.Service
	}{{
		name: "main placeholder points at the route's host",
		want: &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{
				Name:      "hello-go",
				Namespace: ns,
				// The route's visibility label is not copied.
				Labels:          map[string]string{"app": "x", serving.RouteLabelKey: "hello-go"},
				Annotations:     map[string]string{"a": "b"},
				OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(r)},
			},
			Spec: corev1.ServiceSpec{
				Type:            corev1.ServiceTypeExternalName,
				ExternalName:    "hello-go.default.svc.cluster.local",
				SessionAffinity: corev1.ServiceAffinityNone,
				Ports:           h2cPort(),
			},
		},
	}, {
		name: "tag placeholder is named after the tag host",
		tag:  "candidate",
		want: &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{
				Name:            "candidate-hello-go",
				Namespace:       ns,
				Labels:          map[string]string{"app": "x", serving.RouteLabelKey: "hello-go"},
				Annotations:     map[string]string{"a": "b"},
				OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(r)},
			},
			Spec: corev1.ServiceSpec{
				Type:            corev1.ServiceTypeExternalName,
				ExternalName:    "candidate-hello-go.default.svc.cluster.local",
				SessionAffinity: corev1.ServiceAffinityNone,
				Ports:           h2cPort(),
			},
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got, err := MakeK8sPlaceholderService(testContext(t, nil, nil), r, test.tag)
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(got, test.want) {
				t.Errorf("placeholder (-want,+got):\n%s", cmp.Diff(test.want, got))
			}
		})
	}
}

func lb(ings ...netv1alpha1.LoadBalancerIngressStatus) *netv1alpha1.LoadBalancerStatus {
	return &netv1alpha1.LoadBalancerStatus{Ingress: ings}
}

func TestMakeK8sService(t *testing.T) {
	r := Route(ns, "hello-go", WithRouteUID("1234"))
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{
			Name:            name,
			Namespace:       ns,
			Labels:          map[string]string{serving.RouteLabelKey: "hello-go"},
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(r)},
		}
	}
	tests := []struct {
		name          string
		tag           string
		private       bool
		public, priv  *netv1alpha1.LoadBalancerStatus
		wantService   *corev1.Service
		wantEndpoints *corev1.Endpoints
		wantErr       bool
	}{{
		name:   "the private gateway's internal domain: an ExternalName service",
		public: lb(netv1alpha1.LoadBalancerIngressStatus{DomainInternal: "skiff-gateway.knative-serving.svc.cluster.local"}),
		priv:   lb(netv1alpha1.LoadBalancerIngressStatus{DomainInternal: gatewayInternal}),
		wantService: &corev1.Service{ObjectMeta: meta("hello-go"), Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeExternalName, ExternalName: gatewayInternal,
			SessionAffinity: corev1.ServiceAffinityNone, Ports: h2cPort(),
		}},
	}, {
		name:   "tag service, public load balancer only",
		tag:    "candidate",
		public: lb(netv1alpha1.LoadBalancerIngressStatus{DomainInternal: "skiff-gateway.knative-serving.svc.cluster.local"}),
		wantService: &corev1.Service{ObjectMeta: meta("candidate-hello-go"), Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeExternalName, ExternalName: "skiff-gateway.knative-serving.svc.cluster.local",
			SessionAffinity: corev1.ServiceAffinityNone, Ports: h2cPort(),
		}},
	}, {
		name:   "an external domain",
		public: lb(netv1alpha1.LoadBalancerIngressStatus{Domain: "lb.example.com"}),
		wantService: &corev1.Service{ObjectMeta: meta("hello-go"), Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeExternalName, ExternalName: "lb.example.com", Ports: h2cPort(),
		}},
	}, {
		name:   "an IP: a headless service with endpoints",
		public: lb(netv1alpha1.LoadBalancerIngressStatus{IP: "10.0.0.1", Domain: "lb.example.com"}),
		wantService: &corev1.Service{ObjectMeta: meta("hello-go"), Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeClusterIP, ClusterIP: corev1.ClusterIPNone, Ports: h2cPort(),
		}},
		wantEndpoints: &corev1.Endpoints{ObjectMeta: meta("hello-go"), Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: "10.0.0.1"}},
			Ports:     []corev1.EndpointPort{{Name: networking.ServicePortNameH2C, AppProtocol: &networking.AppProtocolH2C, Port: 80}},
		}}},
	}, {
		name:   "a mesh: a plain ClusterIP service",
		public: lb(netv1alpha1.LoadBalancerIngressStatus{MeshOnly: true}),
		wantService: &corev1.Service{ObjectMeta: meta("hello-go"), Spec: corev1.ServiceSpec{
			Type:  corev1.ServiceTypeClusterIP,
			Ports: []corev1.ServicePort{{Name: networking.ServicePortNameHTTP1, Port: 80}},
		}},
	}, {
		name:    "a private service without a private load balancer is not ready",
		private: true,
		public:  lb(netv1alpha1.LoadBalancerIngressStatus{Domain: "lb.example.com"}),
		wantErr: true,
	}, {
		name:    "no load balancer yet",
		wantErr: true,
	}, {
		name:    "an empty load balancer entry",
		public:  lb(netv1alpha1.LoadBalancerIngressStatus{}),
		wantErr: true,
	}, {
		name: "several load balancers are not supported",
		public: lb(netv1alpha1.LoadBalancerIngressStatus{Domain: "a.example.com"},
			netv1alpha1.LoadBalancerIngressStatus{Domain: "b.example.com"}),
		wantErr: true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ing := &netv1alpha1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "hello-go", Namespace: ns}}
			ing.Status.PublicLoadBalancer = test.public
			ing.Status.PrivateLoadBalancer = test.priv
			got, err := MakeK8sService(testContext(t, nil, nil), r, test.tag, ing, test.private)
			if (err != nil) != test.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, test.wantErr)
			}
			if err != nil {
				return
			}
			if got.Tag != test.tag {
				t.Errorf("Tag = %q, want %q", got.Tag, test.tag)
			}
			if !cmp.Equal(got.Service, test.wantService) {
				t.Errorf("Service (-want,+got):\n%s", cmp.Diff(test.wantService, got.Service))
			}
			if !cmp.Equal(got.Endpoints, test.wantEndpoints) {
				t.Errorf("Endpoints (-want,+got):\n%s", cmp.Diff(test.wantEndpoints, got.Endpoints))
			}
		})
	}
}

func TestIsClusterLocalService(t *testing.T) {
	for labels, want := range map[string]bool{"cluster-local": true, "": false} {
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{networking.VisibilityLabelKey: labels}}}
		if got := IsClusterLocalService(svc); got != want {
			t.Errorf("IsClusterLocalService(visibility=%q) = %v, want %v", labels, got, want)
		}
	}
}
