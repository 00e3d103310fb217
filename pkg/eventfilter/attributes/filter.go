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

// Package attributes implements the Trigger's exact-match attribute filter
// (spec.filter.attributes) and the attribute lookup every filter shares.
package attributes

import (
	"context"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cetypes "github.com/cloudevents/sdk-go/v2/types"
	"go.uber.org/zap"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/eventfilter"
)

// TriggerAnyFilter is the attribute value that matches any non-empty value.
const TriggerAnyFilter = ""

type attributesFilter map[string]string

// NewAttributesFilter returns an event filter which performs the exact match
// on the attributes; a value of "" (TriggerAnyFilter) requires the attribute
// to be present and non-empty.
func NewAttributesFilter(attrs map[string]string) eventfilter.Filter {
	return attributesFilter(attrs)
}

func (attrs attributesFilter) Filter(ctx context.Context, event cloudevents.Event) eventfilter.FilterResult {
	if attrs == nil {
		return eventfilter.NoFilter
	}
	for k, v := range attrs {
		value, ok := LookupAttributeString(event, k)
		// A missing extension, or an empty optional attribute (never set),
		// fails even the "any" filter.
		if !ok || (v == TriggerAnyFilter && value == "") {
			logging.FromContext(ctx).Debug("Attribute not found", zap.String("attribute", k))
			return eventfilter.FailFilter
		}
		if v != TriggerAnyFilter && v != value {
			logging.FromContext(ctx).Debug("Attribute had non-matching value",
				zap.String("attribute", k), zap.String("filter", v), zap.String("received", value))
			return eventfilter.FailFilter
		}
	}
	return eventfilter.PassFilter
}

func (attrs attributesFilter) Cleanup() {}

// LookupAttribute returns a context attribute or extension of event by its
// CloudEvents name.
func LookupAttribute(event cloudevents.Event, attr string) (interface{}, bool) {
	switch attr {
	case "specversion":
		return event.SpecVersion(), true
	case "type":
		return event.Type(), true
	case "source":
		return event.Source(), true
	case "subject":
		return event.Subject(), true
	case "id":
		return event.ID(), true
	case "time":
		b, err := event.Time().MarshalText()
		if err != nil {
			return nil, false
		}
		return string(b), true
	case "dataschema", "schemaurl":
		return event.DataSchema(), true
	case "datacontenttype":
		return event.DataContentType(), true
	case "datamediatype":
		return event.DataMediaType(), true
	case "datacontentencoding":
		return event.DeprecatedDataContentEncoding(), true
	default:
		val, ok := event.Extensions()[attr]
		return val, ok
	}
}

// LookupAttributeString is LookupAttribute in canonical string form, so an
// integer or boolean extension set by a client library compares equal to the
// same value received as an HTTP header.
func LookupAttributeString(event cloudevents.Event, attr string) (string, bool) {
	v, ok := LookupAttribute(event, attr)
	if !ok {
		return "", false
	}
	if s, isString := v.(string); isString {
		return s, true
	}
	s, err := cetypes.Format(v)
	if err != nil {
		return "", false
	}
	return s, true
}

var _ eventfilter.Filter = attributesFilter{}
