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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

func validTrigger() *Trigger {
	return &Trigger{
		ObjectMeta: metav1.ObjectMeta{Name: "t", Namespace: "ns"},
		Spec: TriggerSpec{
			Broker: "default",
			Filter: &TriggerFilter{Attributes: TriggerFilterAttributes{"type": "dev.knative.foo"}},
			Subscriber: duckv1.Destination{
				Ref: &duckv1.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "svc", Namespace: "ns"},
			},
		},
	}
}

func TestTriggerValidation(t *testing.T) {
	crossNS := feature.ToContext(context.Background(), feature.Flags{feature.CrossNamespaceEventLinks: feature.Enabled})
	tests := []struct {
		name   string
		ctx    context.Context
		mutate func(*Trigger)
		want   *apis.FieldError
	}{{
		name:   "valid",
		mutate: func(*Trigger) {},
	}, {
		name:   "valid with empty filter value (matches anything)",
		mutate: func(tr *Trigger) { tr.Spec.Filter.Attributes["source"] = "" },
	}, {
		name:   "valid extension attribute",
		mutate: func(tr *Trigger) { tr.Spec.Filter.Attributes["myext1"] = "x" },
	}, {
		name:   "missing broker",
		mutate: func(tr *Trigger) { tr.Spec.Broker = "" },
		want:   apis.ErrMissingField("spec.broker"),
	}, {
		name: "broker and brokerRef",
		mutate: func(tr *Trigger) {
			tr.Spec.BrokerRef = &duckv1.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "b"}
		},
		want: apis.ErrMultipleOneOf("spec.broker", "spec.brokerRef"),
	}, {
		name: "brokerRef alone in the same namespace",
		mutate: func(tr *Trigger) {
			tr.Spec.Broker = ""
			tr.Spec.BrokerRef = &duckv1.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "b"}
		},
	}, {
		name: "brokerRef namespace without the cross-namespace feature",
		mutate: func(tr *Trigger) {
			tr.Spec.Broker = ""
			tr.Spec.BrokerRef = &duckv1.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "b", Namespace: "other"}
		},
		want: func() *apis.FieldError {
			fe := apis.ErrDisallowedFields("spec.brokerRef.namespace")
			fe.Details = "only name, apiVersion and kind are supported fields when feature.CrossNamespaceEventLinks is disabled"
			return fe
		}(),
	}, {
		name: "brokerRef namespace with the cross-namespace feature",
		ctx:  crossNS,
		mutate: func(tr *Trigger) {
			tr.Spec.Broker = ""
			tr.Spec.BrokerRef = &duckv1.KReference{APIVersion: "eventing.knative.dev/v1", Kind: "Broker", Name: "b", Namespace: "other"}
		},
	}, {
		name:   "uppercase attribute name",
		mutate: func(tr *Trigger) { tr.Spec.Filter.Attributes["Type"] = "x" },
		want:   apis.ErrInvalidKeyName("Type", "spec.filter.attributes[Type]", "Attribute name must start with a letter and can only contain lowercase alphanumeric"),
	}, {
		name:   "attribute name with a dash",
		mutate: func(tr *Trigger) { tr.Spec.Filter.Attributes["my-ext"] = "x" },
		want:   apis.ErrInvalidKeyName("my-ext", "spec.filter.attributes[my-ext]", "Attribute name must start with a letter and can only contain lowercase alphanumeric"),
	}, {
		name:   "attribute name starting with a digit",
		mutate: func(tr *Trigger) { tr.Spec.Filter.Attributes["1type"] = "x" },
		want:   apis.ErrInvalidKeyName("1type", "spec.filter.attributes[1type]", "Attribute name must start with a letter and can only contain lowercase alphanumeric"),
	}, {
		name:   "missing subscriber",
		mutate: func(tr *Trigger) { tr.Spec.Subscriber = duckv1.Destination{} },
		want:   apis.ErrGeneric("expected at least one, got none", "spec.subscriber.ref", "spec.subscriber.uri"),
	}, {
		name:   "subscriber ref without name",
		mutate: func(tr *Trigger) { tr.Spec.Subscriber.Ref.Name = "" },
		want:   apis.ErrMissingField("spec.subscriber.ref.name"),
	}, {
		name:   "subscriber ref in another namespace is allowed",
		mutate: func(tr *Trigger) { tr.Spec.Subscriber.Ref.Namespace = "other" },
	}, {
		name: "relative subscriber URI without ref",
		mutate: func(tr *Trigger) {
			tr.Spec.Subscriber = duckv1.Destination{URI: &apis.URL{Path: "/foo"}}
		},
		want: apis.ErrInvalidValue("Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent", "spec.subscriber.uri"),
	}, {
		name:   "invalid delivery",
		mutate: func(tr *Trigger) { tr.Spec.Delivery = &eventingduckv1.DeliverySpec{Timeout: ptr.String("soon")} },
		want:   apis.ErrInvalidValue("soon", "spec.delivery.timeout"),
	}, {
		name: "valid dependency annotation",
		mutate: func(tr *Trigger) {
			tr.Annotations = map[string]string{DependencyAnnotation: `{"kind":"PingSource","name":"p","apiVersion":"sources.knative.dev/v1"}`}
		},
	}, {
		name:   "dependency annotation not JSON",
		mutate: func(tr *Trigger) { tr.Annotations = map[string]string{DependencyAnnotation: "ping"} },
		want: &apis.FieldError{
			Message: `The provided annotation was not a corev1.ObjectReference: "ping"`,
			Details: "invalid character 'p' looking for beginning of value",
			Paths:   []string{"metadata.annotations[knative.dev/dependency]"},
		},
	}, {
		name: "dependency annotation incomplete, other namespace",
		mutate: func(tr *Trigger) {
			tr.Annotations = map[string]string{DependencyAnnotation: `{"namespace":"other"}`}
		},
		want: (&apis.FieldError{
			Message: `Namespace must be empty or equal to the trigger namespace "ns"`,
			Paths:   []string{"metadata.annotations[knative.dev/dependency].namespace"},
		}).Also(apis.ErrMissingField(
			"metadata.annotations[knative.dev/dependency].kind",
			"metadata.annotations[knative.dev/dependency].name",
			"metadata.annotations[knative.dev/dependency].apiVersion",
		)),
	}, {
		name:   "injection annotation on the default broker",
		mutate: func(tr *Trigger) { tr.Annotations = map[string]string{InjectionAnnotation: "enabled"} },
	}, {
		name:   "injection annotation with a bad value",
		mutate: func(tr *Trigger) { tr.Annotations = map[string]string{InjectionAnnotation: "yes"} },
		want: &apis.FieldError{
			Message: `The provided injection annotation value can only be "enabled" or "disabled", not "yes"`,
			Paths:   []string{"metadata.annotations[eventing.knative.dev/injection]"},
		},
	}, {
		name: "injection annotation on another broker",
		mutate: func(tr *Trigger) {
			tr.Spec.Broker = "other"
			tr.Annotations = map[string]string{InjectionAnnotation: "disabled"}
		},
		want: &apis.FieldError{
			Message: `The provided injection annotation is only used for default broker, but non-default broker specified here: "other"`,
			Paths:   []string{"metadata.annotations[eventing.knative.dev/injection]"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			tr := validTrigger()
			tc.mutate(tr)
			got := tr.Validate(ctx)
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestTriggerFiltersValidation(t *testing.T) {
	attrMsg := "Attribute name must start with a letter and can only contain lowercase alphanumeric"
	tests := []struct {
		name    string
		filters []SubscriptionsAPIFilter
		want    string // exact error text, or "" for valid
		// wantContains is used for parser messages, which are the SDK's.
		wantContains []string
	}{{
		name:    "empty list",
		filters: []SubscriptionsAPIFilter{},
	}, {
		name:    "empty filter accepts all",
		filters: []SubscriptionsAPIFilter{{}},
	}, {
		name: "each dialect alone",
		filters: []SubscriptionsAPIFilter{
			{Exact: map[string]string{"type": "a"}},
			{Prefix: map[string]string{"type": "dev."}},
			{Suffix: map[string]string{"source": ".com"}},
			{All: []SubscriptionsAPIFilter{{Exact: map[string]string{"type": "a"}}, {Prefix: map[string]string{"subject": "x"}}}},
			{Any: []SubscriptionsAPIFilter{{Exact: map[string]string{"type": "a"}}, {Exact: map[string]string{"type": "b"}}}},
			{Not: &SubscriptionsAPIFilter{Exact: map[string]string{"type": "a"}}},
			{CESQL: "type = 'dev.knative.foo' AND source LIKE '%.example.com'"},
		},
	}, {
		name:    "two dialects in one filter",
		filters: []SubscriptionsAPIFilter{{Exact: map[string]string{"type": "a"}, Prefix: map[string]string{"type": "b"}}},
		want:    "multiple dialects found, filters can have only one dialect set: spec.filters[0]",
	}, {
		name:    "cesql with another dialect",
		filters: []SubscriptionsAPIFilter{{}, {CESQL: "true", Not: &SubscriptionsAPIFilter{}}},
		want:    "multiple dialects found, filters can have only one dialect set: spec.filters[1]",
	}, {
		name:    "bad exact key",
		filters: []SubscriptionsAPIFilter{{Exact: map[string]string{"Type": "a"}}},
		want:    `invalid key name "Type": spec.filters[0].exact[Type]` + "\n" + attrMsg,
	}, {
		name:    "bad prefix key at index 2",
		filters: []SubscriptionsAPIFilter{{}, {}, {Prefix: map[string]string{"so_urce": "a"}}},
		want:    `invalid key name "so_urce": spec.filters[2].prefix[so_urce]` + "\n" + attrMsg,
	}, {
		name:    "bad suffix key",
		filters: []SubscriptionsAPIFilter{{Suffix: map[string]string{"": "a"}}},
		want:    `invalid key name "": spec.filters[0].suffix[]` + "\n" + attrMsg,
	}, {
		name: "nested errors carry the full path",
		filters: []SubscriptionsAPIFilter{{
			All: []SubscriptionsAPIFilter{
				{Exact: map[string]string{"type": "ok"}},
				{Any: []SubscriptionsAPIFilter{{Not: &SubscriptionsAPIFilter{Exact: map[string]string{"BAD": "x"}}}}},
			},
		}},
		want: `invalid key name "BAD": spec.filters[0].all[1].any[0].not.exact[BAD]` + "\n" + attrMsg,
	}, {
		name: "errors at two indices are each indexed once",
		filters: []SubscriptionsAPIFilter{
			{Exact: map[string]string{"A": "x"}},
			{Exact: map[string]string{"B": "x"}},
		},
		want: `invalid key name "A": spec.filters[0].exact[A]` + "\n" + attrMsg + "\n" +
			`invalid key name "B": spec.filters[1].exact[B]` + "\n" + attrMsg,
	}, {
		name:         "unparsable cesql",
		filters:      []SubscriptionsAPIFilter{{CESQL: "type = "}},
		wantContains: []string{"invalid value: type = ", "spec.filters[0].cesql"},
	}, {
		name:         "unknown cesql function",
		filters:      []SubscriptionsAPIFilter{{Not: &SubscriptionsAPIFilter{CESQL: "NOSUCHFN(type) AND ("}}},
		wantContains: []string{"spec.filters[0].not.cesql"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := validTrigger()
			tr.Spec.Filters = tc.filters
			got := tr.Validate(context.Background()).Error()
			if tc.wantContains != nil {
				for _, s := range tc.wantContains {
					if !strings.Contains(got, s) {
						t.Errorf("error %q does not contain %q", got, s)
					}
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestTriggerImmutableFields(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Trigger)
		want   *apis.FieldError
	}{{
		name:   "subscriber may change",
		mutate: func(tr *Trigger) { tr.Spec.Subscriber.Ref.Name = "other" },
	}, {
		name:   "filter may change",
		mutate: func(tr *Trigger) { tr.Spec.Filter.Attributes["type"] = "other" },
	}, {
		name:   "filters may change",
		mutate: func(tr *Trigger) { tr.Spec.Filters = []SubscriptionsAPIFilter{{CESQL: "true"}} },
	}, {
		name:   "broker may not change",
		mutate: func(tr *Trigger) { tr.Spec.Broker = "other" },
		want: &apis.FieldError{
			Message: "Immutable fields changed (-old +new)",
			Paths:   []string{"spec.broker"},
			Details: "{string}:\n\t-: \"default\"\n\t+: \"other\"\n",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original := validTrigger()
			updated := validTrigger()
			tc.mutate(updated)
			got := updated.Validate(apis.WithinUpdate(context.Background(), original))
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
	if err := validTrigger().CheckImmutableFields(context.Background(), nil); err != nil {
		t.Error("CheckImmutableFields(nil original) =", err)
	}
}

func TestGetObjRefFromDependencyAnnotation(t *testing.T) {
	ref, err := GetObjRefFromDependencyAnnotation(`{"kind":"PingSource","name":"p","apiVersion":"sources.knative.dev/v1"}`)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Kind != "PingSource" || ref.Name != "p" || ref.APIVersion != "sources.knative.dev/v1" {
		t.Errorf("ref = %+v", ref)
	}
	if _, err := GetObjRefFromDependencyAnnotation("{"); err == nil {
		t.Error("want error for malformed JSON")
	}
}
