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
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/skiffhq/skiff/pkg/eventfilter"
)

const (
	pass = eventfilter.PassFilter
	fail = eventfilter.FailFilter
	none = eventfilter.NoFilter
)

func makeEvent() cloudevents.Event {
	e := cloudevents.NewEvent()
	e.SetID("1234")
	e.SetType("dev.knative.example.created")
	e.SetSource("https://example.com/orders")
	e.SetSubject("order-42")
	e.SetTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	e.SetExtension("myext", "blue-sky")
	e.SetExtension("count", 7)
	return e
}

func mustFilter(t *testing.T) func(eventfilter.Filter, error) eventfilter.Filter {
	return func(f eventfilter.Filter, err error) eventfilter.Filter {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
}

func TestFilters(t *testing.T) {
	must := mustFilter(t)
	exact := func(k, v string) eventfilter.Filter { return must(NewExactFilter(map[string]string{k: v})) }
	prefix := func(k, v string) eventfilter.Filter { return must(NewPrefixFilter(map[string]string{k: v})) }
	suffix := func(k, v string) eventfilter.Filter { return must(NewSuffixFilter(map[string]string{k: v})) }
	cesql := func(e string) eventfilter.Filter { return must(NewCESQLFilter(e)) }

	tests := []struct {
		name   string
		filter eventfilter.Filter
		want   eventfilter.FilterResult
	}{
		{"exact type matches", exact("type", "dev.knative.example.created"), pass},
		{"exact type differs", exact("type", "dev.knative.example"), fail},
		{"exact id", exact("id", "1234"), pass},
		{"exact source", exact("source", "https://example.com/orders"), pass},
		{"exact subject", exact("subject", "order-42"), pass},
		{"exact time", exact("time", "2024-01-02T03:04:05Z"), pass},
		{"exact extension", exact("myext", "blue-sky"), pass},
		{"exact integer extension compares its string form", exact("count", "7"), pass},
		{"exact missing extension", exact("nope", "x"), fail},
		{"exact several attributes all match", must(NewExactFilter(map[string]string{"type": "dev.knative.example.created", "subject": "order-42"})), pass},
		{"exact several attributes one differs", must(NewExactFilter(map[string]string{"type": "dev.knative.example.created", "subject": "order-1"})), fail},
		{"prefix matches", prefix("type", "dev.knative."), pass},
		{"prefix differs", prefix("type", "com.example."), fail},
		{"prefix whole value", prefix("myext", "blue-sky"), pass},
		{"prefix missing attribute", prefix("nope", "x"), fail},
		{"suffix matches", suffix("type", ".created"), pass},
		{"suffix differs", suffix("type", ".deleted"), fail},
		{"suffix on source", suffix("source", "/orders"), pass},
		{"all pass", NewAllFilter(prefix("type", "dev."), suffix("type", ".created")), pass},
		{"all one fails", NewAllFilter(prefix("type", "dev."), suffix("type", ".deleted")), fail},
		{"all empty is no filter", NewAllFilter(), none},
		{"all with no-filter members passes on the others", NewAllFilter(NewNoFilter(), exact("id", "1234")), pass},
		{"any one passes", NewAnyFilter(exact("type", "x"), exact("subject", "order-42")), pass},
		{"any none passes", NewAnyFilter(exact("type", "x"), exact("subject", "y")), fail},
		{"any empty is no filter", NewAnyFilter(), none},
		{"not of fail passes", NewNotFilter(exact("type", "x")), pass},
		{"not of pass fails", NewNotFilter(exact("type", "dev.knative.example.created")), fail},
		{"not of no filter", NewNotFilter(NewNoFilter()), none},
		{"nested all(any, not)", NewAllFilter(
			NewAnyFilter(exact("subject", "nope"), prefix("source", "https://example.com")),
			NewNotFilter(suffix("type", ".deleted"))), pass},
		{"cesql equality", cesql("type = 'dev.knative.example.created'"), pass},
		{"cesql inequality", cesql("type = 'other'"), fail},
		{"cesql LIKE", cesql("source LIKE 'https://example.com/%'"), pass},
		{"cesql boolean logic", cesql("subject = 'order-42' AND myext = 'blue-sky'"), pass},
		{"cesql EXISTS missing", cesql("EXISTS nope"), fail},
		{"cesql missing attribute fails", cesql("nope = 'x'"), fail},
		{"cesql integer extension", cesql("count > 5"), pass},
		{"cesql non-boolean result fails", cesql("'abc'"), fail},
		{"cesql empty is no filter", cesql(""), none},
		{"no filter", NewNoFilter(), none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.filter.Filter(context.Background(), makeEvent()); got != tc.want {
				t.Errorf("Filter() = %v, want %v", got, tc.want)
			}
			tc.filter.Cleanup()
		})
	}
}

func TestInvalidFilters(t *testing.T) {
	for name, err := range map[string]error{
		"exact empty value":     second(NewExactFilter(map[string]string{"type": ""})),
		"exact empty attribute": second(NewExactFilter(map[string]string{"": "x"})),
		"prefix empty value":    second(NewPrefixFilter(map[string]string{"type": ""})),
		"suffix empty value":    second(NewSuffixFilter(map[string]string{"type": ""})),
		"cesql syntax error":    second(NewCESQLFilter("type = ")),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func second(_ eventfilter.Filter, err error) error { return err }
