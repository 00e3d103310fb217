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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/tracker"
)

func TestSinkBindingDefaults(t *testing.T) {
	subject := func(ns string) tracker.Reference {
		return tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "app", Namespace: ns}
	}
	tests := []struct {
		name string
		in   SinkBindingSpec
		want SinkBindingSpec
	}{{
		name: "subject and sink ref namespaces default to the binding's",
		in: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: refSink("")},
			BindingSpec: duckv1.BindingSpec{Subject: subject("")},
		},
		want: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: refSink("ns")},
			BindingSpec: duckv1.BindingSpec{Subject: subject("ns")},
		},
	}, {
		name: "explicit namespaces kept",
		in: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: refSink("sinks")},
			BindingSpec: duckv1.BindingSpec{Subject: subject("ns")},
		},
		want: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: refSink("sinks")},
			BindingSpec: duckv1.BindingSpec{Subject: subject("ns")},
		},
	}, {
		name: "uri sink untouched",
		in: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: uriSink()},
			BindingSpec: duckv1.BindingSpec{Subject: subject("")},
		},
		want: SinkBindingSpec{
			SourceSpec:  duckv1.SourceSpec{Sink: uriSink()},
			BindingSpec: duckv1.BindingSpec{Subject: subject("ns")},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb := &SinkBinding{ObjectMeta: metav1.ObjectMeta{Name: "bind", Namespace: "ns"}, Spec: tc.in}
			sb.SetDefaults(context.Background())
			if diff := cmp.Diff(tc.want, sb.Spec); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
			if err := sb.Validate(context.Background()); err != nil {
				t.Errorf("Validate() after SetDefaults = %v", err)
			}
		})
	}
}
