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
	"testing"

	"github.com/google/go-cmp/cmp"
	. "knative.dev/pkg/configmap/testing"
	logtesting "knative.dev/pkg/logging/testing"
)

func TestStoreLoadWithContext(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))

	// Before the ConfigMap arrives the built-in defaults apply.
	if diff := cmp.Diff(builtinDefaults(), store.Load().Defaults); diff != "" {
		t.Error("empty store (-want, +got):", diff)
	}

	cm := ConfigMapFromTestFile(t, DefaultsConfigName, BrokerDefaultsKey)
	store.OnConfigChanged(cm)
	want, err := NewDefaultsConfigFromConfigMap(cm)
	if err != nil {
		t.Fatal(err)
	}
	got := FromContextOrDefaults(store.ToContext(context.Background())).Defaults
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("loaded defaults (-want, +got):", diff)
	}

	// Load hands out copies: a caller mutating its Config must not change
	// what the next caller sees.
	got.ClusterDefaultConfig.DefaultBrokerClass = "Mutated"
	if store.Load().Defaults.ClusterDefaultConfig.DefaultBrokerClass == "Mutated" {
		t.Error("Load() returned shared state")
	}
}

func TestFromContextOrDefaults(t *testing.T) {
	if FromContext(context.Background()) != nil {
		t.Error("FromContext(empty) != nil")
	}
	got := FromContextOrDefaults(context.Background())
	class, err := got.Defaults.GetBrokerClass("ns")
	if err != nil || class != "MTChannelBasedBroker" {
		t.Errorf("built-in class = %q, %v; want MTChannelBasedBroker", class, err)
	}
	bc, err := got.Defaults.GetBrokerConfig("ns", nil)
	if err != nil {
		t.Fatal(err)
	}
	if bc.Name != DefaultBrokerConfigName || bc.Namespace != DefaultBrokerConfigNamespace || bc.Kind != "ConfigMap" || bc.Delivery != nil {
		t.Errorf("built-in broker config = %+v, %+v", bc.KReference, bc.Delivery)
	}

	mine := &Config{Defaults: &Defaults{}}
	if FromContextOrDefaults(ToContext(context.Background(), mine)) != mine {
		t.Error("FromContextOrDefaults ignored the attached Config")
	}
}
