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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/tracker"
)

func TestSinkBindingValidation(t *testing.T) {
	byName := tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "app", Namespace: "ns"}
	bySelector := tracker.Reference{APIVersion: "batch/v1", Kind: "Job", Namespace: "ns",
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}}
	spec := func(subject tracker.Reference, sink duckv1.Destination) SinkBindingSpec {
		return SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: sink}, BindingSpec: duckv1.BindingSpec{Subject: subject}}
	}

	tests := []struct {
		name string
		spec SinkBindingSpec
		want *wantErr
	}{{
		name: "valid: subject by name",
		spec: spec(byName, refSink("ns")),
	}, {
		name: "valid: subject by selector",
		spec: spec(bySelector, uriSink()),
	}, {
		name: "subject missing",
		spec: spec(tracker.Reference{}, uriSink()),
		want: &wantErr{paths: []string{"spec.subject.apiVersion", "spec.subject.kind", "spec.subject.namespace", "spec.subject.name", "spec.subject.selector"}},
	}, {
		name: "subject with name and selector",
		spec: spec(tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: "a", Selector: bySelector.Selector}, uriSink()),
		want: &wantErr{paths: []string{"spec.subject.name", "spec.subject.selector"}, message: "expected exactly one, got both"},
	}, {
		name: "subject in another namespace",
		spec: spec(tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "app", Namespace: "other"}, uriSink()),
		want: &wantErr{paths: []string{"spec.subject.namespace"}, message: "invalid value: other"},
	}, {
		name: "missing sink",
		spec: spec(byName, duckv1.Destination{}),
		want: &wantErr{paths: []string{"spec.sink.ref", "spec.sink.uri"}},
	}, {
		name: "bad ceOverrides",
		spec: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: uriSink(), CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"a_b": "x"}}},
			BindingSpec: duckv1.BindingSpec{Subject: byName},
		},
		want: &wantErr{paths: []string{"spec.ceOverrides.extensions"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb := &SinkBinding{ObjectMeta: metav1.ObjectMeta{Name: "bind", Namespace: "ns"}, Spec: tc.spec}
			checkFieldError(t, sb.Validate(context.Background()), tc.want)
		})
	}
}
