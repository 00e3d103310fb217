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
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	. "knative.dev/pkg/configmap/testing"
	logtesting "knative.dev/pkg/logging/testing"
)

var imc = metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}

func TestChannelDefaultsFromFile(t *testing.T) {
	shipped, example := ConfigMapsFromTestFile(t, ChannelDefaultsConfigName, ChannelDefaulterKey)
	got, err := NewChannelDefaultsConfigFromConfigMap(shipped)
	if err != nil {
		t.Fatal("NewChannelDefaultsConfigFromConfigMap(shipped) =", err)
	}
	want := &ChannelDefaults{
		ClusterDefault:    &ChannelTemplateSpec{TypeMeta: imc},
		NamespaceDefaults: map[string]*ChannelTemplateSpec{"some-namespace": {TypeMeta: imc}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("shipped (-want, +got):", diff)
	}
	ex, err := NewChannelDefaultsConfigFromConfigMap(example)
	if err != nil {
		t.Fatal("NewChannelDefaultsConfigFromConfigMap(example) =", err)
	}
	c, err := ex.GetChannelConfig("some-namespace")
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec == nil || !strings.Contains(string(c.Spec.Raw), `"backoffDelay":"PT0.5S"`) {
		t.Errorf("example namespace spec = %v", c.Spec)
	}
}

func TestNewChannelDefaultsConfigFromMap(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		want    *ChannelDefaults
		wantErr string
	}{{
		name:    "missing key",
		data:    map[string]string{},
		wantErr: "missing (or empty) key",
	}, {
		name:    "broken YAML",
		data:    map[string]string{ChannelDefaulterKey: "\n      broken YAML\n"},
		wantErr: "failed to parse",
	}, {
		name:    "unknown field",
		data:    map[string]string{ChannelDefaulterKey: "clusterDefaults:\n  kind: InMemoryChannel\n"},
		wantErr: `unknown field "clusterDefaults"`,
	}, {
		name:    "template without kind",
		data:    map[string]string{ChannelDefaulterKey: "namespaceDefaults:\n  ns:\n    apiVersion: messaging.knative.dev/v1\n"},
		wantErr: "namespaceDefaults[ns].kind",
	}, {
		name:    "cluster template without apiVersion",
		data:    map[string]string{ChannelDefaulterKey: "clusterDefault:\n  kind: InMemoryChannel\n"},
		wantErr: "clusterDefault.apiVersion",
	}, {
		name: "namespace default with spec",
		data: map[string]string{ChannelDefaulterKey: `
namespaceDefaults:
  some-namespace:
    apiVersion: messaging.knative.dev/v1
    kind: InMemoryChannel
    spec:
      delivery:
        retry: 5
`},
		want: &ChannelDefaults{NamespaceDefaults: map[string]*ChannelTemplateSpec{
			"some-namespace": {TypeMeta: imc, Spec: &runtime.RawExtension{Raw: []byte(`{"delivery":{"retry":5}}`)}},
		}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewChannelDefaultsConfigFromMap(tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("(-want, +got):", diff)
			}
		})
	}
}

func TestGetChannelConfig(t *testing.T) {
	kafka := metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1beta1", Kind: "KafkaChannel"}
	tests := []struct {
		name     string
		defaults *ChannelDefaults
		ns       string
		want     *metav1.TypeMeta
	}{
		{name: "namespace override", ns: "kafka-ns", want: &kafka, defaults: &ChannelDefaults{
			ClusterDefault: &ChannelTemplateSpec{TypeMeta: imc}, NamespaceDefaults: map[string]*ChannelTemplateSpec{"kafka-ns": {TypeMeta: kafka}},
		}},
		{name: "cluster default", ns: "other", want: &imc, defaults: &ChannelDefaults{
			ClusterDefault: &ChannelTemplateSpec{TypeMeta: imc}, NamespaceDefaults: map[string]*ChannelTemplateSpec{"kafka-ns": {TypeMeta: kafka}},
		}},
		{name: "only namespace defaults, other namespace", ns: "other", defaults: &ChannelDefaults{
			NamespaceDefaults: map[string]*ChannelTemplateSpec{"kafka-ns": {TypeMeta: kafka}},
		}},
		{name: "nil", ns: "other", defaults: nil},
		{name: "built-in", ns: "any", want: &imc, defaults: builtinDefaults()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.defaults.GetChannelConfig(tc.ns)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("GetChannelConfig() = %v, want error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.TypeMeta != *tc.want {
				t.Errorf("GetChannelConfig() = %v, want %v", got.TypeMeta, *tc.want)
			}
		})
	}
}

func TestStore(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	if diff := cmp.Diff(builtinDefaults(), store.Load().ChannelDefaults); diff != "" {
		t.Error("empty store (-want, +got):", diff)
	}
	cm := ConfigMapFromTestFile(t, ChannelDefaultsConfigName, ChannelDefaulterKey)
	store.OnConfigChanged(cm)
	want, err := NewChannelDefaultsConfigFromConfigMap(cm)
	if err != nil {
		t.Fatal(err)
	}
	got := FromContextOrDefaults(store.ToContext(context.Background())).ChannelDefaults
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("loaded (-want, +got):", diff)
	}
	got.ClusterDefault.Kind = "Mutated"
	if store.Load().ChannelDefaults.ClusterDefault.Kind == "Mutated" {
		t.Error("Load() returned shared state")
	}
	if FromContext(context.Background()) != nil {
		t.Error("FromContext(empty) != nil")
	}
	if c := FromContextOrDefaults(context.Background()); c.ChannelDefaults.ClusterDefault.Kind != "InMemoryChannel" {
		t.Errorf("FromContextOrDefaults(empty) = %+v", c.ChannelDefaults.ClusterDefault)
	}
}
