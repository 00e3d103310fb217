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

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func domainCM(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: DomainConfigName},
		Data:       data,
	}
}

func TestNewDomainFromConfigMap(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		want    *Domain
		wantErr bool
	}{{
		name: "empty config-domain defaults to the cluster domain",
		want: &Domain{Domains: map[string]DomainConfig{
			"svc.cluster.local": {Selector: &LabelSelector{}, Type: DomainTypeWildcard},
		}},
	}, {
		name: "the example block is ignored",
		data: map[string]string{configmap.ExampleKey: "example.org: |\n  selector:\n    app: x\n"},
		want: &Domain{Domains: map[string]DomainConfig{
			"svc.cluster.local": {Selector: &LabelSelector{}, Type: DomainTypeWildcard},
		}},
	}, {
		name: "a domain without selector is the default",
		data: map[string]string{"example.com": ""},
		want: &Domain{Domains: map[string]DomainConfig{
			"example.com": {Selector: &LabelSelector{}, Type: DomainTypeWildcard},
		}},
	}, {
		name: "selectors and types",
		data: map[string]string{
			"example.com": "",
			"example.org": "selector:\n  app: nonprofit\n",
			"test.io":     "selector:\n  app: test\ntype: wildcard\n",
		},
		want: &Domain{Domains: map[string]DomainConfig{
			"example.com": {Selector: &LabelSelector{}, Type: DomainTypeWildcard},
			"example.org": {Selector: &LabelSelector{Selector: map[string]string{"app": "nonprofit"}}},
			"test.io":     {Selector: &LabelSelector{Selector: map[string]string{"app": "test"}}, Type: DomainTypeWildcard},
		}},
	}, {
		name: "only selected domains still get the cluster domain as default",
		data: map[string]string{"example.org": "selector:\n  app: nonprofit\n"},
		want: &Domain{Domains: map[string]DomainConfig{
			"example.org":       {Selector: &LabelSelector{Selector: map[string]string{"app": "nonprofit"}}},
			"svc.cluster.local": {Selector: &LabelSelector{}, Type: DomainTypeWildcard},
		}},
	}, {
		name:    "bad YAML is rejected",
		data:    map[string]string{"example.org": "selector: [nope"},
		wantErr: true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got, err := NewDomainFromConfigMap(domainCM(test.data))
			if (err != nil) != test.wantErr {
				t.Fatalf("NewDomainFromConfigMap() error = %v, wantErr %v", err, test.wantErr)
			}
			if !cmp.Equal(got, test.want) {
				t.Errorf("NewDomainFromConfigMap() (-want,+got):\n%s", cmp.Diff(test.want, got))
			}
		})
	}
}

func TestLookupDomainForLabels(t *testing.T) {
	d, err := NewDomainFromConfigMap(domainCM(map[string]string{
		"example.com":       "",
		"example.org":       "selector:\n  app: nonprofit\n",
		"prod.example.org":  "selector:\n  app: nonprofit\n  env: prod\n",
		"a-tie.example.net": "selector:\n  tier: gold\n",
		"b-tie.example.net": "selector:\n  tier: gold\n",
		"svc.cluster.local": "selector:\n  app: secret\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   string
	}{{
		name: "no labels get the default",
		want: "example.com",
	}, {
		name:   "unrelated labels get the default",
		labels: map[string]string{"app": "other"},
		want:   "example.com",
	}, {
		name:   "a matching selector wins over the default",
		labels: map[string]string{"app": "nonprofit"},
		want:   "example.org",
	}, {
		name:   "the most specific matching selector wins",
		labels: map[string]string{"app": "nonprofit", "env": "prod"},
		want:   "prod.example.org",
	}, {
		name:   "equally specific selectors: the first domain by name wins",
		labels: map[string]string{"tier": "gold"},
		want:   "a-tie.example.net",
	}, {
		name:   "a selector may map routes to the cluster domain",
		labels: map[string]string{"app": "secret"},
		want:   "svc.cluster.local",
	}, {
		name:   "the cluster-local visibility label overrides every selector",
		labels: map[string]string{"app": "nonprofit", networking.VisibilityLabelKey: "cluster-local"},
		want:   "svc.cluster.local",
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			// Map order is random: ask several times.
			for range 10 {
				if got := d.LookupDomainForLabels(test.labels); got != test.want {
					t.Fatalf("LookupDomainForLabels(%v) = %q, want %q", test.labels, got, test.want)
				}
			}
		})
	}
}

func TestShippedConfigDomainUsesExampleCom(t *testing.T) {
	for _, cm := range configmaps.Shipped(t, "core/configmaps") {
		if cm.Name != DomainConfigName {
			continue
		}
		d, err := NewDomainFromConfigMap(cm)
		if err != nil {
			t.Fatalf("shipped %s does not parse: %v", DomainConfigName, err)
		}
		if got := d.LookupDomainForLabels(nil); got != "example.com" {
			t.Errorf("shipped %s gives routes %q, want example.com", DomainConfigName, got)
		}
		// The _example block must be valid config too, so copying from it
		// works.
		var exampleData map[string]string
		if err := yaml.Unmarshal([]byte(cm.Data[configmap.ExampleKey]), &exampleData); err != nil {
			t.Fatalf("_example is not a map of domains: %v", err)
		}
		example, err := NewDomainFromConfigMap(domainCM(exampleData))
		if err != nil {
			t.Fatalf("_example does not parse: %v", err)
		}
		if got := example.LookupDomainForLabels(map[string]string{"app": "nonprofit"}); got != "example.org" {
			t.Errorf("_example gives app=nonprofit routes %q, want example.org", got)
		}
		return
	}
	t.Fatalf("no %s shipped in config/core/configmaps", DomainConfigName)
}
