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

package eventing

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/skiffhq/skiff/pkg/apis/eventing/config"
)

func TestDefaultBrokerClassIfUnset(t *testing.T) {
	withConfig := config.ToContext(context.Background(), &config.Config{Defaults: &config.Defaults{
		NamespaceDefaultsConfig: map[string]*config.DefaultConfig{
			"special": {DefaultBrokerClass: "KafkaBroker"},
		},
		ClusterDefaultConfig: &config.DefaultConfig{DefaultBrokerClass: "ClusterClass"},
	}})
	nothingConfigured := config.ToContext(context.Background(), &config.Config{Defaults: &config.Defaults{}})

	tests := []struct {
		name string
		ctx  context.Context
		meta metav1.ObjectMeta
		want map[string]string
	}{{
		name: "built-in default is MTChannelBasedBroker",
		ctx:  context.Background(),
		meta: metav1.ObjectMeta{Namespace: "ns"},
		want: map[string]string{BrokerClassKey: MTChannelBrokerClassValue},
	}, {
		name: "cluster default from config",
		ctx:  withConfig,
		meta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{"other": "x"}},
		want: map[string]string{"other": "x", BrokerClassKey: "ClusterClass"},
	}, {
		name: "namespace override from config",
		ctx:  withConfig,
		meta: metav1.ObjectMeta{Namespace: "special"},
		want: map[string]string{BrokerClassKey: "KafkaBroker"},
	}, {
		name: "existing class is kept",
		ctx:  withConfig,
		meta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{BrokerClassKey: "Mine"}},
		want: map[string]string{BrokerClassKey: "Mine"},
	}, {
		name: "empty existing class is kept (validation rejects it)",
		ctx:  withConfig,
		meta: metav1.ObjectMeta{Namespace: "ns", Annotations: map[string]string{BrokerClassKey: ""}},
		want: map[string]string{BrokerClassKey: ""},
	}, {
		name: "nothing configured leaves annotations alone",
		ctx:  nothingConfigured,
		meta: metav1.ObjectMeta{Namespace: "ns"},
		want: nil,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			DefaultBrokerClassIfUnset(tc.ctx, &tc.meta)
			if diff := cmp.Diff(tc.want, tc.meta.Annotations); diff != "" {
				t.Error("annotations (-want, +got):", diff)
			}
		})
	}
}

func TestBuiltinClassMatchesConstant(t *testing.T) {
	// config repeats the class name to avoid an import cycle; keep them equal.
	if config.DefaultBrokerClass != MTChannelBrokerClassValue {
		t.Errorf("config.DefaultBrokerClass = %q, want %q", config.DefaultBrokerClass, MTChannelBrokerClassValue)
	}
}
