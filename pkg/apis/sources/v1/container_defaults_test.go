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

package v1

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

func TestContainerSourceDefaults(t *testing.T) {
	template := func(containers ...corev1.Container) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers}}
	}
	tests := []struct {
		name string
		in   ContainerSourceSpec
		want ContainerSourceSpec
	}{{
		name: "unnamed containers get <source>-<index>",
		in: ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: uriSink()},
			Template:   template(corev1.Container{Image: "a"}, corev1.Container{Name: "named", Image: "b"}, corev1.Container{Image: "c"}),
		},
		want: ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: uriSink()},
			Template:   template(corev1.Container{Name: "heartbeats-0", Image: "a"}, corev1.Container{Name: "named", Image: "b"}, corev1.Container{Name: "heartbeats-2", Image: "c"}),
		},
	}, {
		name: "sink ref namespace defaults to the source's",
		in: ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: refSink("")},
			Template:   template(corev1.Container{Name: "x", Image: "a"}),
		},
		want: ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")},
			Template:   template(corev1.Container{Name: "x", Image: "a"}),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &ContainerSource{ObjectMeta: metav1.ObjectMeta{Name: "heartbeats", Namespace: "ns"}, Spec: tc.in}
			src.SetDefaults(context.Background())
			if diff := cmp.Diff(tc.want, src.Spec); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
			if err := src.Validate(context.Background()); err != nil {
				t.Errorf("Validate() after SetDefaults = %v", err)
			}
		})
	}
}
