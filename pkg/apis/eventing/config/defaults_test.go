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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	. "knative.dev/pkg/configmap/testing"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

func TestDefaultsConfigurationFromFile(t *testing.T) {
	shipped, example := ConfigMapsFromTestFile(t, DefaultsConfigName, BrokerDefaultsKey)

	got, err := NewDefaultsConfigFromConfigMap(shipped)
	if err != nil {
		t.Fatal("NewDefaultsConfigFromConfigMap(shipped) =", err)
	}
	exponential := eventingduckv1.BackoffPolicyExponential
	want := &Defaults{ClusterDefaultConfig: &DefaultConfig{
		DefaultBrokerClass: "MTChannelBasedBroker",
		BrokerConfig: &BrokerConfig{
			KReference: &duckv1.KReference{APIVersion: "v1", Kind: "ConfigMap", Name: "config-br-default-channel", Namespace: "knative-eventing"},
			Delivery: &eventingduckv1.DeliverySpec{
				Retry:         ptr.Int32(10),
				BackoffPolicy: &exponential,
				BackoffDelay:  ptr.String("PT0.2S"),
			},
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("shipped config (-want, +got):", diff)
	}

	ex, err := NewDefaultsConfigFromConfigMap(example)
	if err != nil {
		t.Fatal("NewDefaultsConfigFromConfigMap(example) =", err)
	}
	// Spot-check the documented precedence against the example.
	for _, tc := range []struct {
		ns, class, wantName string
	}{
		{"default", "", "config-br-default-channel"},
		{"default", "OtherBrokerClass", "config-other-broker"},
		{"team-a", "", "config-br-team-a"},
		{"team-a", "OtherBrokerClass", "config-other-broker"},
		{"team-b", "", "config-other-broker"},
	} {
		c, err := ex.GetBrokerConfig(tc.ns, &tc.class)
		if err != nil {
			t.Errorf("GetBrokerConfig(%q, %q) = %v", tc.ns, tc.class, err)
			continue
		}
		if c.Name != tc.wantName {
			t.Errorf("GetBrokerConfig(%q, %q).Name = %q, want %q", tc.ns, tc.class, c.Name, tc.wantName)
		}
	}
}

func TestNewDefaultsConfigFromMap(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		want    *Defaults
		wantErr string
	}{{
		name:    "missing key",
		data:    map[string]string{},
		wantErr: "missing (or empty) key",
	}, {
		name:    "empty key",
		data:    map[string]string{BrokerDefaultsKey: ""},
		wantErr: "missing (or empty) key",
	}, {
		name:    "not YAML",
		data:    map[string]string{BrokerDefaultsKey: "clusterDefault: [unclosed"},
		wantErr: "could not be converted to JSON",
	}, {
		name:    "unknown field is a typo, not ignored",
		data:    map[string]string{BrokerDefaultsKey: "clusterDefault:\n  brokerClas: X\n"},
		wantErr: `unknown field "brokerClas"`,
	}, {
		name: "invalid cluster delivery is named by path",
		data: map[string]string{BrokerDefaultsKey: `
clusterDefault:
  brokerClass: MTChannelBasedBroker
  delivery:
    backoffDelay: 3s
`},
		wantErr: "clusterDefault.delivery.backoffDelay",
	}, {
		name: "invalid namespace class delivery is named by path",
		data: map[string]string{BrokerDefaultsKey: `
namespaceDefaults:
  ns1:
    brokerClasses:
      K:
        delivery:
          retry: -1
`},
		wantErr: "namespaceDefaults[ns1].brokerClasses[K].delivery.retry",
	}, {
		name: "namespace only, class only",
		data: map[string]string{BrokerDefaultsKey: `
namespaceDefaults:
  ns1:
    brokerClass: KafkaBroker
`},
		want: &Defaults{NamespaceDefaultsConfig: map[string]*DefaultConfig{
			"ns1": {DefaultBrokerClass: "KafkaBroker"},
		}},
	}, {
		name: "disallowDifferentNamespaceConfig",
		data: map[string]string{BrokerDefaultsKey: `
clusterDefault:
  brokerClass: MTChannelBasedBroker
  disallowDifferentNamespaceConfig: true
`},
		want: &Defaults{ClusterDefaultConfig: &DefaultConfig{
			DefaultBrokerClass:               "MTChannelBasedBroker",
			DisallowDifferentNamespaceConfig: ptr.Bool(true),
		}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewDefaultsConfigFromMap(tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("NewDefaultsConfigFromMap() =", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("(-want, +got):", diff)
			}
		})
	}
}

func ref(name string) *duckv1.KReference {
	return &duckv1.KReference{APIVersion: "v1", Kind: "ConfigMap", Name: name, Namespace: "knative-eventing"}
}

func TestGetBrokerConfig(t *testing.T) {
	defaults := &Defaults{
		ClusterDefaultConfig: &DefaultConfig{
			DefaultBrokerClass: "ClusterClass",
			BrokerConfig:       &BrokerConfig{KReference: ref("cluster")},
			BrokerClasses: map[string]*BrokerConfig{
				"ClusterClass": {KReference: ref("cluster-class-entry")},
				"Shared":       {KReference: ref("cluster-shared")},
			},
		},
		NamespaceDefaultsConfig: map[string]*DefaultConfig{
			"ns-inline": {
				DefaultBrokerClass: "NsClass",
				BrokerConfig:       &BrokerConfig{KReference: ref("ns-inline")},
				BrokerClasses: map[string]*BrokerConfig{
					"Shared": {KReference: ref("ns-inline-shared")},
				},
			},
			"ns-classes-only": {
				DefaultBrokerClass: "NsClass",
				BrokerClasses: map[string]*BrokerConfig{
					"NsClass": {KReference: ref("ns-classes-only-nsclass")},
				},
			},
			"ns-class-no-config": {
				DefaultBrokerClass: "Unconfigured",
			},
			"ns-nothing": nil,
		},
	}
	tests := []struct {
		name     string
		ns       string
		class    *string
		wantName string
	}{
		{name: "no class, unknown namespace: cluster inline config", ns: "other", class: nil, wantName: "cluster"},
		{name: "empty class same as none", ns: "other", class: ptr.String(""), wantName: "cluster"},
		{name: "cluster default class: its brokerClasses entry", ns: "other", class: ptr.String("ClusterClass"), wantName: "cluster-class-entry"},
		{name: "cluster brokerClasses entry", ns: "other", class: ptr.String("Shared"), wantName: "cluster-shared"},
		{name: "unknown class falls back to cluster config", ns: "other", class: ptr.String("Nope"), wantName: "cluster"},
		{name: "namespace default class, inline config", ns: "ns-inline", class: nil, wantName: "ns-inline"},
		{name: "namespace brokerClasses wins over cluster", ns: "ns-inline", class: ptr.String("Shared"), wantName: "ns-inline-shared"},
		{name: "namespace without entry for class falls to cluster", ns: "ns-inline", class: ptr.String("ClusterClass"), wantName: "cluster-class-entry"},
		{name: "namespace default class only in brokerClasses", ns: "ns-classes-only", class: nil, wantName: "ns-classes-only-nsclass"},
		{name: "namespace class with no config anywhere: cluster config", ns: "ns-class-no-config", class: nil, wantName: "cluster"},
		{name: "nil namespace entry ignored", ns: "ns-nothing", class: nil, wantName: "cluster"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := defaults.GetBrokerConfig(tc.ns, tc.class)
			if err != nil {
				t.Fatal("GetBrokerConfig() =", err)
			}
			if got.Name != tc.wantName {
				t.Errorf("GetBrokerConfig().Name = %q, want %q", got.Name, tc.wantName)
			}
		})
	}

	for _, d := range []*Defaults{nil, {}, {ClusterDefaultConfig: &DefaultConfig{DefaultBrokerClass: "X"}}} {
		if _, err := d.GetBrokerConfig("ns", nil); err == nil {
			t.Errorf("GetBrokerConfig on %+v = nil error, want one", d)
		}
	}
}

func TestGetBrokerClass(t *testing.T) {
	defaults := &Defaults{
		ClusterDefaultConfig: &DefaultConfig{DefaultBrokerClass: "ClusterClass"},
		NamespaceDefaultsConfig: map[string]*DefaultConfig{
			"ns1":   {DefaultBrokerClass: "NsClass"},
			"empty": {},
		},
	}
	tests := []struct {
		name     string
		defaults *Defaults
		ns       string
		want     string
		wantErr  bool
	}{
		{name: "namespace override", defaults: defaults, ns: "ns1", want: "NsClass"},
		{name: "namespace entry without class uses cluster", defaults: defaults, ns: "empty", want: "ClusterClass"},
		{name: "cluster default", defaults: defaults, ns: "other", want: "ClusterClass"},
		{name: "nothing set", defaults: &Defaults{}, ns: "other", wantErr: true},
		{name: "nil defaults", defaults: nil, ns: "other", wantErr: true},
		{name: "built-in", defaults: builtinDefaults(), ns: "any", want: DefaultBrokerClass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.defaults.GetBrokerClass(tc.ns)
			if (err != nil) != tc.wantErr {
				t.Fatalf("GetBrokerClass() error = %v, wantErr %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("GetBrokerClass() = %q, want %q", got, tc.want)
			}
		})
	}
}
