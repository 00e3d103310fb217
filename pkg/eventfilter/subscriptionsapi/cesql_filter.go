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
	"fmt"

	cesql "github.com/cloudevents/sdk-go/sql/v2"
	cesqlparser "github.com/cloudevents/sdk-go/sql/v2/parser"
	cloudevents "github.com/cloudevents/sdk-go/v2"
	"go.uber.org/zap"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/eventfilter"
)

type ceSQLFilter struct {
	rawExpression    string
	parsedExpression cesql.Expression
}

// NewCESQLFilter returns an event filter which passes if the CESQL
// expression evaluates to true. An expression that errors on an event (a
// missing attribute, a type error) fails the filter.
func NewCESQLFilter(expr string) (eventfilter.Filter, error) {
	var parsed cesql.Expression
	if expr != "" {
		var err error
		parsed, err = ParseCESQL(expr)
		if err != nil {
			return nil, err
		}
	}
	return &ceSQLFilter{rawExpression: expr, parsedExpression: parsed}, nil
}

// ParseCESQL parses a CESQL expression. The vendored parser panics on some
// malformed input (e.g. "type = "); that becomes an error here, so a bad
// Trigger cannot crash the broker filter or the webhook.
func ParseCESQL(expr string) (parsed cesql.Expression, err error) {
	defer func() {
		if r := recover(); r != nil {
			parsed, err = nil, fmt.Errorf("error while parsing expression %s: %v", expr, r)
		}
	}()
	parsed, err = cesqlparser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("error while parsing expression %s: %w", expr, err)
	}
	return parsed, nil
}

func (f *ceSQLFilter) Filter(ctx context.Context, event cloudevents.Event) (result eventfilter.FilterResult) {
	if f == nil || f.rawExpression == "" {
		return eventfilter.NoFilter
	}
	defer func() {
		if r := recover(); r != nil {
			logging.FromContext(ctx).Warnw("CESQL evaluation panicked", zap.String("expression", f.rawExpression), zap.Any("panic", r))
			result = eventfilter.FailFilter
		}
	}()
	res, err := f.parsedExpression.Evaluate(event)
	if err != nil {
		logging.FromContext(ctx).Debugw("Error evaluating expression on event.",
			zap.String("expression", f.rawExpression), zap.Error(err))
		return eventfilter.FailFilter
	}
	if b, ok := res.(bool); !ok || !b {
		return eventfilter.FailFilter
	}
	return eventfilter.PassFilter
}

func (f *ceSQLFilter) Cleanup() {}
