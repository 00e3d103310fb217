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

package broker

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

func TestNewConfigFromConfigMap(t *testing.T) {
	imc := metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}
	tests := []struct {
		name    string
		data    map[string]string
		want    *messagingv1.ChannelTemplateSpec
		wantErr string
	}{{
		name: "shipped config-br-default-channel",
		data: map[string]string{"channel-template-spec": "apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\n"},
		want: &messagingv1.ChannelTemplateSpec{TypeMeta: imc},
	}, {
		name: "template with a spec",
		data: map[string]string{"channel-template-spec": "apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\nspec:\n  delivery:\n    retry: 3\n"},
		want: &messagingv1.ChannelTemplateSpec{TypeMeta: imc, Spec: &runtime.RawExtension{Raw: []byte(`{"delivery":{"retry":3}}`)}},
	}, {
		name: "legacy key",
		data: map[string]string{"channelTemplateSpec": "apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\n"},
		want: &messagingv1.ChannelTemplateSpec{TypeMeta: imc},
	}, {
		name:    "missing template",
		data:    map[string]string{},
		wantErr: "empty or missing value for config",
	}, {
		name:    "template without a kind",
		data:    map[string]string{"channel-template-spec": "apiVersion: messaging.knative.dev/v1\n"},
		wantErr: `channel template "apiVersion: messaging.knative.dev/v1\n" names no apiVersion and kind`,
	}, {
		name:    "not YAML",
		data:    map[string]string{"channel-template-spec": "kind: [InMemoryChannel"},
		wantErr: "ConfigMap's value could not be converted to JSON: yaml: line 1: did not find expected ',' or ']', kind: [InMemoryChannel",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewConfigFromConfigMap(&corev1.ConfigMap{Data: tc.data})
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("NewConfigFromConfigMap:", err)
			}
			if diff := cmp.Diff(tc.want, &got.DefaultChannelTemplate); diff != "" {
				t.Error("template (-want, +got):", diff)
			}
		})
	}
}
