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
package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/system"
	_ "knative.dev/pkg/system/testing"
	"sigs.k8s.io/yaml"

	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestNewIstioFromConfigMap(t *testing.T) {
	defaults := &Istio{
		IngressGateways: []Gateway{{Namespace: system.Namespace(), Name: KnativeIngressGateway, ServiceURL: "istio-ingressgateway.istio-system.svc.cluster.local"}},
		LocalGateways:   []Gateway{{Namespace: system.Namespace(), Name: KnativeLocalGateway, ServiceURL: "knative-local-gateway.istio-system.svc.cluster.local"}},
	}
	for _, tc := range []struct {
		name    string
		data    map[string]string
		want    *Istio
		wantErr bool
	}{{
		name: "empty: the Knative gateways",
		want: defaults,
	}, {
		name: "old format",
		data: map[string]string{
			"gateway.ns1.pub":       "pub.istio-system.svc.cluster.local",
			"local-gateway.ns2.loc": "loc.istio-system.svc.cluster.local",
		},
		want: &Istio{
			IngressGateways: []Gateway{{Namespace: "ns1", Name: "pub", ServiceURL: "pub.istio-system.svc.cluster.local"}},
			LocalGateways:   []Gateway{{Namespace: "ns2", Name: "loc", ServiceURL: "loc.istio-system.svc.cluster.local"}},
		},
	}, {
		name: "old format without a namespace: the system namespace",
		data: map[string]string{"gateway.pub": "pub.istio-system.svc.cluster.local"},
		want: &Istio{
			IngressGateways: []Gateway{{Namespace: system.Namespace(), Name: "pub", ServiceURL: "pub.istio-system.svc.cluster.local"}},
			LocalGateways:   defaults.LocalGateways,
		},
	}, {
		name: "new format with a selected gateway",
		data: map[string]string{"external-gateways": `
- name: pub
  namespace: ns1
  service: pub.istio-system.svc.cluster.local
- name: blue
  namespace: ns1
  service: blue.istio-system.svc.cluster.local
  labelSelector:
    matchLabels:
      tenant: blue
`},
		want: &Istio{
			IngressGateways: []Gateway{
				{Namespace: "ns1", Name: "pub", ServiceURL: "pub.istio-system.svc.cluster.local"},
				{Namespace: "ns1", Name: "blue", ServiceURL: "blue.istio-system.svc.cluster.local",
					LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tenant": "blue"}}},
			},
			LocalGateways: defaults.LocalGateways,
		},
	}, {
		name:    "both formats",
		data:    map[string]string{"gateway.ns.pub": "pub.svc", "external-gateways": "[]"},
		wantErr: true,
	}, {
		name: "two default gateways",
		data: map[string]string{"external-gateways": `
- {name: a, namespace: ns, service: a.istio-system.svc.cluster.local}
- {name: b, namespace: ns, service: b.istio-system.svc.cluster.local}
`},
		wantErr: true,
	}, {
		name:    "bad service name",
		data:    map[string]string{"gateway.ns.pub": "Not_A_Host"},
		wantErr: true,
	}, {
		name:    "missing service",
		data:    map[string]string{"external-gateways": `[{name: a, namespace: ns}]`},
		wantErr: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewIstioFromConfigMap(&corev1.ConfigMap{Data: tc.data})
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && !cmp.Equal(got, tc.want) {
				t.Errorf("config (-want +got): %s", cmp.Diff(tc.want, got))
			}
			if got != nil && !cmp.Equal(got.DeepCopy(), got) {
				t.Error("DeepCopy differs")
			}
		})
	}
}

// TestShippedConfigIstio: config/istio's ConfigMap, and its _example
// uncommented, both give the Knative gateways.
func TestShippedConfigIstio(t *testing.T) {
	for _, cm := range configmaps.Shipped(t, "istio") {
		if cm.Name != IstioConfigName {
			continue
		}
		if _, err := NewIstioFromConfigMap(cm); err != nil {
			t.Errorf("shipped data: %v", err)
		}
		example := &corev1.ConfigMap{Data: map[string]string{}}
		if err := yamlUnmarshalExample(cm.Data[configmap.ExampleKey], &example.Data); err != nil {
			t.Fatal(err)
		}
		got, err := NewIstioFromConfigMap(example)
		if err != nil {
			t.Fatalf("_example: %v", err)
		}
		if len(got.IngressGateways) != 1 || got.IngressGateways[0].Name != KnativeIngressGateway ||
			len(got.LocalGateways) != 1 || got.LocalGateways[0].Name != KnativeLocalGateway {
			t.Errorf("_example gives %+v", got)
		}
		return
	}
	t.Fatal("config/istio has no config-istio")
}

func yamlUnmarshalExample(example string, out *map[string]string) error {
	return yaml.Unmarshal([]byte(example), out)
}
