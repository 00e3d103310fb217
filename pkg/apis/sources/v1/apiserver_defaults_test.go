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
)

func TestApiServerSourceDefaults(t *testing.T) {
	events := []APIVersionKindSelector{{APIVersion: "v1", Kind: "Event"}}
	tests := []struct {
		name string
		in   ApiServerSourceSpec
		want ApiServerSourceSpec
	}{{
		name: "mode and service account defaulted",
		in:   ApiServerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Resources: events},
		want: ApiServerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Resources: events, EventMode: ReferenceMode, ServiceAccountName: "default"},
	}, {
		name: "explicit mode and service account kept",
		in:   ApiServerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Resources: events, EventMode: ResourceMode, ServiceAccountName: "watcher"},
		want: ApiServerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Resources: events, EventMode: ResourceMode, ServiceAccountName: "watcher"},
	}, {
		name: "sink ref namespace defaults to the source's",
		in:   ApiServerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("")}, Resources: events, EventMode: ResourceMode},
		want: ApiServerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}, Resources: events, EventMode: ResourceMode, ServiceAccountName: "default"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &ApiServerSource{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: "ns"}, Spec: tc.in}
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
