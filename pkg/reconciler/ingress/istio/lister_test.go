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
package istio

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap/zaptest"
	istiov1beta1 "istio.io/api/networking/v1beta1"
	"istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
)

func istioGateway(name string, port uint32) *v1beta1.Gateway {
	return &v1beta1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: name},
		Spec: istiov1beta1.Gateway{
			Selector: map[string]string{"istio": "ingressgateway"},
			Servers: []*istiov1beta1.Server{{
				Port:  &istiov1beta1.Port{Number: port, Name: "http", Protocol: "HTTP"},
				Hosts: []string{"*"},
			}},
		},
	}
}

func TestListProbeTargets(t *testing.T) {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "istio-system", Name: "istio-ingressgateway", Labels: map[string]string{"istio": "ingressgateway"}},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{
			{Name: "http2", Port: 80}, {Name: "http-local", Port: 8081},
		}},
	}
	eps := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: "istio-system", Name: "istio-ingressgateway"},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}},
			Ports:     []corev1.EndpointPort{{Name: "http2", Port: 8080}, {Name: "http-local", Port: 8081}},
		}},
	}
	ls := newListers([]runtime.Object{
		istioGateway("knative-ingress-gateway", 80), istioGateway("knative-local-gateway", 8081), svc, eps,
	})
	lister := NewProbeTargetLister(zaptest.NewLogger(t).Sugar(),
		ls.gateways(),
		corev1listers.NewEndpointsLister(ls.sorter.IndexerForObjectType(&corev1.Endpoints{})),
		corev1listers.NewServiceLister(ls.sorter.IndexerForObjectType(&corev1.Service{})))

	istioCfg, _ := config.NewIstioFromConfigMap(&corev1.ConfigMap{})
	ctx := config.ToContext(context.Background(), &config.Config{Istio: istioCfg})
	got, err := lister.ListProbeTargets(ctx, ing("hello-go"))
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		IPs           []string
		PodPort, Port string
		URL           string
	}
	var targets []target
	for _, pt := range got {
		targets = append(targets, target{sets.List(pt.PodIPs), pt.PodPort, pt.Port, pt.URLs[0].String()})
	}
	want := []target{
		{[]string{"10.0.0.1", "10.0.0.2"}, "8080", "80", "http://hello-go.default.example.com:80"},
		{[]string{"10.0.0.1", "10.0.0.2"}, "8081", "8081", "http://hello-go.default:8081"},
	}
	if !cmp.Equal(targets, want) {
		t.Errorf("targets (-want +got): %s", cmp.Diff(want, targets))
	}
}
