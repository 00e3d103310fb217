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

// Package subscriptionsapi implements the Trigger `filters` dialect of the
// CloudEvents Subscriptions API: exact, prefix, suffix, all, any, not and
// cesql. A Trigger's list of filters passes when all of them pass.
package subscriptionsapi

import (
	"context"
	"errors"
	"sort"
	"strings"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"go.uber.org/zap"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/eventfilter"
	"github.com/skiffhq/skiff/pkg/eventfilter/attributes"
)

type attrValue struct {
	attribute, value string
}

// stringFilter passes when every listed attribute exists and its string form
// satisfies match against the configured value.
type stringFilter struct {
	kind    string
	filters []attrValue
	match   func(value, want string) bool
}

func newStringFilter(kind string, filters map[string]string, match func(string, string) bool) (eventfilter.Filter, error) {
	f := &stringFilter{kind: kind, match: match, filters: make([]attrValue, 0, len(filters))}
	for attribute, value := range filters {
		if attribute == "" || value == "" {
			return nil, errors.New("invalid arguments, attribute and " + kind + " can't be empty")
		}
		f.filters = append(f.filters, attrValue{attribute, value})
	}
	// A fixed order makes evaluation (and debug logs) deterministic.
	sort.Slice(f.filters, func(i, j int) bool { return f.filters[i].attribute < f.filters[j].attribute })
	return f, nil
}

// NewExactFilter returns an event filter which passes if value exactly
// matches the value of the context attribute in the CloudEvent.
func NewExactFilter(filters map[string]string) (eventfilter.Filter, error) {
	return newStringFilter("value", filters, func(v, want string) bool { return v == want })
}

// NewPrefixFilter returns an event filter which passes if the value of the
// context attribute in the CloudEvent is prefixed with prefix.
func NewPrefixFilter(filters map[string]string) (eventfilter.Filter, error) {
	return newStringFilter("prefix", filters, strings.HasPrefix)
}

// NewSuffixFilter returns an event filter which passes if the value of the
// context attribute in the CloudEvent is suffixed with suffix.
func NewSuffixFilter(filters map[string]string) (eventfilter.Filter, error) {
	return newStringFilter("suffix", filters, strings.HasSuffix)
}

func (f *stringFilter) Filter(ctx context.Context, event cloudevents.Event) eventfilter.FilterResult {
	if f == nil || f.filters == nil {
		return eventfilter.NoFilter
	}
	for _, av := range f.filters {
		value, ok := attributes.LookupAttributeString(event, av.attribute)
		if !ok || !f.match(value, av.value) {
			logging.FromContext(ctx).Debugw("Filter did not match", zap.String("kind", f.kind),
				zap.String("attribute", av.attribute), zap.String("want", av.value), zap.Bool("found", ok))
			return eventfilter.FailFilter
		}
	}
	return eventfilter.PassFilter
}

func (f *stringFilter) Cleanup() {}

type allFilter struct {
	filters []eventfilter.Filter
}

// NewAllFilter returns an event filter which passes if all the contained
// filters pass (short-circuiting on the first failure).
func NewAllFilter(filters ...eventfilter.Filter) eventfilter.Filter {
	if len(filters) == 1 {
		return filters[0]
	}
	return &allFilter{filters: filters}
}

func (f *allFilter) Filter(ctx context.Context, event cloudevents.Event) eventfilter.FilterResult {
	res := eventfilter.NoFilter
	for _, sub := range f.filters {
		switch sub.Filter(ctx, event) {
		case eventfilter.FailFilter:
			return eventfilter.FailFilter
		case eventfilter.PassFilter:
			res = eventfilter.PassFilter
		}
	}
	return res
}

func (f *allFilter) Cleanup() {
	for _, sub := range f.filters {
		sub.Cleanup()
	}
}

type anyFilter struct {
	filters []eventfilter.Filter
}

// NewAnyFilter returns an event filter which passes if any of the contained
// filters passes.
func NewAnyFilter(filters ...eventfilter.Filter) eventfilter.Filter {
	if len(filters) == 1 {
		return filters[0]
	}
	return &anyFilter{filters: filters}
}

func (f *anyFilter) Filter(ctx context.Context, event cloudevents.Event) eventfilter.FilterResult {
	res := eventfilter.NoFilter
	for _, sub := range f.filters {
		switch sub.Filter(ctx, event) {
		case eventfilter.PassFilter:
			return eventfilter.PassFilter
		case eventfilter.FailFilter:
			res = eventfilter.FailFilter
		}
	}
	return res
}

func (f *anyFilter) Cleanup() {
	for _, sub := range f.filters {
		sub.Cleanup()
	}
}

type notFilter struct {
	filter eventfilter.Filter
}

// NewNotFilter returns an event filter which passes if the contained filter
// fails.
func NewNotFilter(f eventfilter.Filter) eventfilter.Filter {
	return &notFilter{filter: f}
}

func (f *notFilter) Filter(ctx context.Context, event cloudevents.Event) eventfilter.FilterResult {
	if f == nil || f.filter == nil {
		return eventfilter.NoFilter
	}
	switch f.filter.Filter(ctx, event) {
	case eventfilter.FailFilter:
		return eventfilter.PassFilter
	case eventfilter.PassFilter:
		return eventfilter.FailFilter
	}
	return eventfilter.NoFilter
}

func (f *notFilter) Cleanup() {
	if f.filter != nil {
		f.filter.Cleanup()
	}
}

type noFilter struct{}

// NewNoFilter returns a filter that always answers NoFilter.
func NewNoFilter() eventfilter.Filter { return noFilter{} }

func (noFilter) Filter(context.Context, cloudevents.Event) eventfilter.FilterResult {
	return eventfilter.NoFilter
}

func (noFilter) Cleanup() {}

var (
	_ eventfilter.Filter = (*stringFilter)(nil)
	_ eventfilter.Filter = (*allFilter)(nil)
	_ eventfilter.Filter = (*anyFilter)(nil)
	_ eventfilter.Filter = (*notFilter)(nil)
	_ eventfilter.Filter = noFilter{}
)
