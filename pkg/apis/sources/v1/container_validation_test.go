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

	corev1 "k8s.io/api/core/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

func TestContainerSourceValidation(t *testing.T) {
	template := func(containers ...corev1.Container) corev1.PodTemplateSpec {
		return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers}}
	}
	tests := []struct {
		name string
		spec ContainerSourceSpec
		want *wantErr
	}{{
		name: "valid",
		spec: ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}, Template: template(corev1.Container{Name: "c", Image: "ko://heartbeats"})},
	}, {
		name: "no containers",
		spec: ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}},
		want: &wantErr{paths: []string{"spec.template.spec.containers"}, message: "missing field"},
	}, {
		name: "container without image",
		spec: ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Template: template(corev1.Container{Name: "a", Image: "x"}, corev1.Container{Name: "b"})},
		want: &wantErr{paths: []string{"spec.template.spec.containers[1].image"}},
	}, {
		name: "container without name (not defaulted) or image",
		spec: ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Template: template(corev1.Container{})},
		want: &wantErr{paths: []string{"spec.template.spec.containers[0].image", "spec.template.spec.containers[0].name"}},
	}, {
		name: "missing sink",
		spec: ContainerSourceSpec{Template: template(corev1.Container{Name: "c", Image: "x"})},
		want: &wantErr{paths: []string{"spec.sink.ref", "spec.sink.uri"}},
	}, {
		name: "sink ref missing kind and apiVersion",
		spec: ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: duckv1.Destination{Ref: &duckv1.KReference{Name: "x"}}}, Template: template(corev1.Container{Name: "c", Image: "x"})},
		want: &wantErr{paths: []string{"spec.sink.ref.apiVersion", "spec.sink.ref.kind"}},
	}, {
		name: "bad ceOverrides",
		spec: ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: uriSink(), CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"": "x"}}},
			Template:   template(corev1.Container{Name: "c", Image: "x"}),
		},
		want: &wantErr{paths: []string{"spec.ceOverrides.extensions"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &ContainerSource{Spec: tc.spec}
			checkFieldError(t, src.Validate(context.Background()), tc.want)
		})
	}
}
