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

package skiff

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress/status"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
)

func TestListProbeTargets(t *testing.T) {
	publicEps := endpoints(system.Namespace(), GatewayServiceName, GatewayPortName, 8080)
	publicEps.Subsets[0].Addresses = []corev1.EndpointAddress{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}}
	privateEps := endpoints(system.Namespace(), InternalGatewayServiceName, GatewayPortName, 8081)
	privateEps.Subsets[0].Addresses = []corev1.EndpointAddress{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}}
	notReady := endpoints(system.Namespace(), GatewayServiceName, GatewayPortName, 8080)
	notReady.Subsets[0].NotReadyAddresses, notReady.Subsets[0].Addresses = notReady.Subsets[0].Addresses, nil

	type target struct {
		IPs  []string
		Port string
		URL  string
	}
	for _, tc := range []struct {
		name    string
		objects []runtime.Object
		ing     *v1alpha1.Ingress
		want    []target
		wantErr error
	}{{
		name:    "cluster-local and public rules: both listeners of every pod",
		objects: []runtime.Object{publicEps, privateEps},
		ing:     helloIngress("hello-00001"),
		want: []target{
			{IPs: []string{"10.0.0.1", "10.0.0.2"}, Port: "8080", URL: "http://hello.ns.example.com:80/"},
			{IPs: []string{"10.0.0.1", "10.0.0.2"}, Port: "8081", URL: "http://hello.ns:80/"},
		},
	}, {
		name:    "cluster-local only: the internal listener",
		objects: []runtime.Object{publicEps, privateEps},
		ing:     king("hello"),
		want:    []target{{IPs: []string{"10.0.0.1", "10.0.0.2"}, Port: "8081", URL: "http://hello.ns:80/"}},
	}, {
		name:    "no gateway Endpoints yet",
		ing:     helloIngress("hello-00001"),
		wantErr: status.ErrNoProbeTargets,
	}, {
		name:    "no ready gateway pod",
		objects: []runtime.Object{notReady},
		ing:     helloIngress("hello-00001").DeepCopy(),
		wantErr: status.ErrNoProbeTargets,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ls := NewListers(tc.objects)
			got, err := NewProbeTargetLister(ls.GetEndpointsLister()).ListProbeTargets(context.Background(), tc.ing)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			var targets []target
			for _, pt := range got {
				targets = append(targets, target{IPs: sets.List(pt.PodIPs), Port: pt.PodPort, URL: pt.URLs[0].String()})
			}
			if !cmp.Equal(targets, tc.want) {
				t.Errorf("targets (-want +got): %s", cmp.Diff(tc.want, targets))
			}
		})
	}
}
