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

package subscriptionsapi

import (
	"context"
	"testing"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/eventfilter"
)

func TestCreateSubscriptionsAPIFilters(t *testing.T) {
	notDeleted := v1.SubscriptionsAPIFilter{Suffix: map[string]string{"type": ".deleted"}}
	tests := []struct {
		name    string
		filters []v1.SubscriptionsAPIFilter
		want    eventfilter.FilterResult
	}{
		{"no filters", nil, none},
		{"exact", []v1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "dev.knative.example.created"}}}, pass},
		{"exact mismatch", []v1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "x"}}}, fail},
		{"prefix and suffix both required", []v1.SubscriptionsAPIFilter{
			{Prefix: map[string]string{"type": "dev.knative"}},
			{Suffix: map[string]string{"type": ".created"}},
		}, pass},
		{"second of the list fails", []v1.SubscriptionsAPIFilter{
			{Prefix: map[string]string{"type": "dev.knative"}},
			{Suffix: map[string]string{"type": ".deleted"}},
		}, fail},
		{"any", []v1.SubscriptionsAPIFilter{{Any: []v1.SubscriptionsAPIFilter{
			{Exact: map[string]string{"subject": "x"}},
			{Exact: map[string]string{"subject": "order-42"}},
		}}}, pass},
		{"all", []v1.SubscriptionsAPIFilter{{All: []v1.SubscriptionsAPIFilter{
			{Exact: map[string]string{"subject": "order-42"}},
			{Exact: map[string]string{"myext": "blue-sky"}},
		}}}, pass},
		{"not", []v1.SubscriptionsAPIFilter{{Not: &notDeleted}}, pass},
		{"cesql", []v1.SubscriptionsAPIFilter{{CESQL: "subject = 'order-42' AND count = 7"}}, pass},
		{"cesql mismatch", []v1.SubscriptionsAPIFilter{{CESQL: "subject = 'order-1'"}}, fail},
		{"invalid cesql is skipped", []v1.SubscriptionsAPIFilter{{CESQL: "type = "}, {Exact: map[string]string{"id": "1234"}}}, pass},
		{"invalid not is skipped", []v1.SubscriptionsAPIFilter{{Not: &v1.SubscriptionsAPIFilter{CESQL: "("}}, {Exact: map[string]string{"id": "x"}}}, fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := CreateSubscriptionsAPIFilters(zap.NewNop(), tc.filters)
			defer f.Cleanup()
			if got := f.Filter(context.Background(), makeEvent()); got != tc.want {
				t.Errorf("Filter() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFiltersMap(t *testing.T) {
	fm := NewFiltersMap()
	tr := &v1.Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "t"}}
	if _, ok := fm.Get(tr); ok {
		t.Fatal("empty map returned a filter")
	}
	f := NewNoFilter()
	fm.Set(tr, f)
	if got, ok := fm.Get(tr); !ok || got != f {
		t.Errorf("Get = %v, %v; want the stored filter", got, ok)
	}
	fm.Delete(tr)
	if _, ok := fm.Get(tr); ok {
		t.Error("filter still present after Delete")
	}
}
