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

	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

func TestMakeReceiveAdapterEnvVar(t *testing.T) {
	fromNamespace := &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}
	tests := []struct {
		name string
		args Args
		want []corev1.EnvVar
	}{{
		name: "config variables come last",
		args: Args{
			ConfigEnvVars:   (&reconcilersource.EmptyVarsGenerator{}).ToEnvVars(),
			LeConfig:        `{"Buckets":2}`,
			NoShutdownAfter: 40,
			SinkTimeout:     48,
		},
		want: []corev1.EnvVar{
			{Name: "NAMESPACE", ValueFrom: fromNamespace},
			{Name: "SYSTEM_NAMESPACE", ValueFrom: fromNamespace},
			{Name: "K_LEADER_ELECTION_CONFIG", Value: `{"Buckets":2}`},
			{Name: "K_NO_SHUTDOWN_AFTER", Value: "40"},
			{Name: "K_SINK_TIMEOUT", Value: "48"},
			{Name: "K_LOGGING_CONFIG"},
			{Name: "K_METRICS_CONFIG"},
			{Name: "K_TRACING_CONFIG"},
		},
	}, {
		name: "no timeout, no config",
		args: Args{NoShutdownAfter: 55, SinkTimeout: -1},
		want: []corev1.EnvVar{
			{Name: "NAMESPACE", ValueFrom: fromNamespace},
			{Name: "SYSTEM_NAMESPACE", ValueFrom: fromNamespace},
			{Name: "K_LEADER_ELECTION_CONFIG"},
			{Name: "K_NO_SHUTDOWN_AFTER", Value: "55"},
			{Name: "K_SINK_TIMEOUT", Value: "-1"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, MakeReceiveAdapterEnvVar(tc.args)); diff != "" {
				t.Error("env (-want +got):", diff)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	want := map[string]string{
		"sources.knative.dev/pingSource": "p",
		"eventing.knative.dev/source":    "ping-source-controller",
	}
	if diff := cmp.Diff(want, Labels("p")); diff != "" {
		t.Error("labels (-want +got):", diff)
	}
}
