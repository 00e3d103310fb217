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

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

func TestApiServerSourceValidation(t *testing.T) {
	events := []APIVersionKindSelector{{APIVersion: "v1", Kind: "Event"}}
	valid := func(mutate func(*ApiServerSourceSpec)) ApiServerSourceSpec {
		s := ApiServerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: uriSink()},
			Resources:  events,
			EventMode:  ReferenceMode,
		}
		if mutate != nil {
			mutate(&s)
		}
		return s
	}

	tests := []struct {
		name    string
		filters bool // enable new-apiserversource-filters
		spec    ApiServerSourceSpec
		want    *wantErr
	}{{
		name: "valid: reference mode",
		spec: valid(nil),
	}, {
		name: "valid: resource mode, selectors, owner",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.EventMode = ResourceMode
			s.Resources = []APIVersionKindSelector{{
				APIVersion:    "apps/v1",
				Kind:          "Deployment",
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
			}}
			s.ResourceOwner = &APIVersionKind{APIVersion: "serving.knative.dev/v1", Kind: "Service"}
			s.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"env": "test"}}
		}),
	}, {
		name: "mode not defaulted",
		spec: valid(func(s *ApiServerSourceSpec) { s.EventMode = "" }),
		want: &wantErr{paths: []string{"spec.mode"}, message: "invalid value"},
	}, {
		name: "bad mode",
		spec: valid(func(s *ApiServerSourceSpec) { s.EventMode = "Full" }),
		want: &wantErr{paths: []string{"spec.mode"}, message: "invalid value: Full"},
	}, {
		name: "missing sink",
		spec: valid(func(s *ApiServerSourceSpec) { s.Sink = duckv1.Destination{} }),
		want: &wantErr{paths: []string{"spec.sink.ref", "spec.sink.uri"}},
	}, {
		name: "relative sink uri",
		spec: valid(func(s *ApiServerSourceSpec) { s.Sink = duckv1.Destination{URI: mustParseURL(t, "/path")} }),
		want: &wantErr{paths: []string{"spec.sink.uri"}},
	}, {
		name: "no resources",
		spec: valid(func(s *ApiServerSourceSpec) { s.Resources = nil }),
		want: &wantErr{paths: []string{"spec.resources"}, message: "missing field"},
	}, {
		name: "resource without apiVersion",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Resources = []APIVersionKindSelector{{APIVersion: "v1", Kind: "Pod"}, {Kind: "Event"}}
		}),
		want: &wantErr{paths: []string{"spec.resources[1].apiVersion"}, message: "missing field"},
	}, {
		name: "resource with bad apiVersion",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Resources = []APIVersionKindSelector{{APIVersion: "a/b/c", Kind: "Event"}}
		}),
		want: &wantErr{paths: []string{"spec.resources[0].apiVersion"}, message: "invalid value: a/b/c"},
	}, {
		name: "resource without kind",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Resources = []APIVersionKindSelector{{APIVersion: "v1", Kind: "  "}}
		}),
		want: &wantErr{paths: []string{"spec.resources[0].kind"}},
	}, {
		name: "resource with bad label selector",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Resources = []APIVersionKindSelector{{APIVersion: "v1", Kind: "Event", LabelSelector: &metav1.LabelSelector{
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Near"}},
			}}}
		}),
		want: &wantErr{paths: []string{"spec.resources[0].selector"}},
	}, {
		name: "owner without kind and with bad apiVersion",
		spec: valid(func(s *ApiServerSourceSpec) { s.ResourceOwner = &APIVersionKind{APIVersion: "x/y/z"} }),
		want: &wantErr{paths: []string{"spec.owner.apiVersion", "spec.owner.kind"}},
	}, {
		name: "bad namespace selector",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.NamespaceSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "env", Operator: metav1.LabelSelectorOpIn}}}
		}),
		want: &wantErr{paths: []string{"spec.namespaceSelector"}},
	}, {
		name: "filters need a feature Skiff keeps disabled",
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Filters = []eventingv1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "dev.knative.apiserver.resource.add"}}}
		}),
		want: &wantErr{paths: []string{"spec.filters"}, message: "NewAPIServerFilters feature is disabled"},
	}, {
		name:    "filters with the feature enabled",
		filters: true,
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Filters = []eventingv1.SubscriptionsAPIFilter{
				{Exact: map[string]string{"type": "dev.knative.apiserver.resource.add"}},
				{Any: []eventingv1.SubscriptionsAPIFilter{{Prefix: map[string]string{"source": "/apis"}}}},
				{CESQL: "type = 'dev.knative.apiserver.ref.add'"},
			}
		}),
	}, {
		name:    "bad filters with the feature enabled",
		filters: true,
		spec: valid(func(s *ApiServerSourceSpec) {
			s.Filters = []eventingv1.SubscriptionsAPIFilter{
				{Exact: map[string]string{"type": "a"}},
				{Exact: map[string]string{"type": "a"}, Prefix: map[string]string{"source": "b"}},
				{All: []eventingv1.SubscriptionsAPIFilter{{CESQL: "type = = ("}}},
			}
		}),
		want: &wantErr{paths: []string{"spec.filters[1]", "spec.filters[2].all[0].cesql"}},
	}, {
		name: "every error reported",
		spec: ApiServerSourceSpec{EventMode: "x", Resources: []APIVersionKindSelector{{}}},
		want: &wantErr{paths: []string{"spec.mode", "spec.sink.ref", "spec.sink.uri", "spec.resources[0].apiVersion", "spec.resources[0].kind"}},
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.filters {
				ctx = feature.ToContext(ctx, feature.Flags{feature.NewAPIServerFilters: feature.Enabled})
			}
			src := &ApiServerSource{Spec: tc.spec}
			checkFieldError(t, src.Validate(ctx), tc.want)
		})
	}
}
