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

func TestPingSourceDefaults(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "ping", Namespace: "ns"}
	tests := []struct {
		name string
		in   PingSourceSpec
		want PingSourceSpec
	}{{
		name: "empty schedule becomes every minute",
		in:   PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}},
		want: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *"},
	}, {
		name: "schedule and timezone kept; timezone not defaulted",
		in:   PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "0 9 * * 1"},
		want: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "0 9 * * 1"},
	}, {
		name: "sink ref namespace defaults to the source's",
		in:   PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("")}, Schedule: "@daily"},
		want: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}, Schedule: "@daily"},
	}, {
		name: "explicit sink ref namespace kept",
		in:   PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("other")}, Schedule: "@daily"},
		want: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("other")}, Schedule: "@daily"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &PingSource{ObjectMeta: meta, Spec: tc.in}
			src.SetDefaults(context.Background())
			if diff := cmp.Diff(tc.want, src.Spec); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
			// Defaulted objects must validate (or fail only as before).
			if err := src.Validate(context.Background()); err != nil {
				t.Errorf("Validate() after SetDefaults = %v", err)
			}
		})
	}
}
