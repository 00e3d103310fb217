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
	"encoding/json"
	"fmt"
	"regexp"

	cesqlparser "github.com/cloudevents/sdk-go/sql/v2/parser"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmp"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/apis/feature"
)

// validAttributeName matches CloudEvents context attribute names: lowercase
// letters and digits, starting with a letter.
var validAttributeName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Validate checks the Trigger, its dependency and injection annotations
// and, on update, that spec.broker did not change.
func (t *Trigger) Validate(ctx context.Context) *apis.FieldError {
	errs := t.Spec.Validate(apis.WithinSpec(ctx)).ViaField("spec")
	errs = t.validateAnnotation(errs, DependencyAnnotation, t.validateDependencyAnnotation)
	errs = t.validateAnnotation(errs, InjectionAnnotation, t.validateInjectionAnnotation)
	if apis.IsInUpdate(ctx) {
		original := apis.GetBaseline(ctx).(*Trigger)
		errs = errs.Also(t.CheckImmutableFields(ctx, original))
	}
	return errs
}

// Validate checks the TriggerSpec: exactly one of broker and brokerRef, the
// attribute filter, the filters dialects, the subscriber and delivery.
func (ts *TriggerSpec) Validate(ctx context.Context) (errs *apis.FieldError) {
	if ts.BrokerRef == nil && ts.Broker == "" {
		errs = errs.Also(apis.ErrMissingField("broker"))
	} else if ts.BrokerRef != nil && ts.Broker != "" {
		errs = errs.Also(apis.ErrMultipleOneOf("broker", "brokerRef"))
	}

	if ts.BrokerRef != nil && ts.BrokerRef.Namespace != "" &&
		!feature.FromContext(ctx).IsEnabled(feature.CrossNamespaceEventLinks) {
		fe := apis.ErrDisallowedFields("namespace")
		fe.Details = "only name, apiVersion and kind are supported fields when feature.CrossNamespaceEventLinks is disabled"
		errs = errs.Also(fe.ViaField("brokerRef"))
	}

	return errs.Also(
		ValidateAttributeFilters(ts.Filter).ViaField("filter"),
	).Also(
		ValidateSubscriptionAPIFiltersList(ctx, ts.Filters).ViaField("filters"),
	).Also(
		ts.Subscriber.Validate(ctx).ViaField("subscriber"),
	).Also(
		ts.Delivery.Validate(ctx).ViaField("delivery"),
	)
}

// CheckImmutableFields rejects a change of spec.broker.
func (t *Trigger) CheckImmutableFields(_ context.Context, original *Trigger) *apis.FieldError {
	if original == nil {
		return nil
	}
	if diff, err := kmp.ShortDiff(original.Spec.Broker, t.Spec.Broker); err != nil {
		return &apis.FieldError{
			Message: "Failed to diff Trigger",
			Paths:   []string{"spec"},
			Details: err.Error(),
		}
	} else if diff != "" {
		return &apis.FieldError{
			Message: "Immutable fields changed (-old +new)",
			Paths:   []string{"spec.broker"},
			Details: diff,
		}
	}
	return nil
}

// GetObjRefFromDependencyAnnotation parses the knative.dev/dependency annotation.
func GetObjRefFromDependencyAnnotation(dependencyAnnotation string) (corev1.ObjectReference, error) {
	var objectRef corev1.ObjectReference
	if err := json.Unmarshal([]byte(dependencyAnnotation), &objectRef); err != nil {
		return objectRef, err
	}
	return objectRef, nil
}

func (t *Trigger) validateAnnotation(errs *apis.FieldError, annotation string, function func(string) *apis.FieldError) *apis.FieldError {
	if annotationValue, ok := t.GetAnnotations()[annotation]; ok {
		errs = errs.Also(viaAnnotation(function(annotationValue), annotation))
	}
	return errs
}

func (t *Trigger) validateDependencyAnnotation(dependencyAnnotation string) *apis.FieldError {
	depObjRef, err := GetObjRefFromDependencyAnnotation(dependencyAnnotation)
	if err != nil {
		return &apis.FieldError{
			Message: fmt.Sprintf("The provided annotation was not a corev1.ObjectReference: %q", dependencyAnnotation),
			Details: err.Error(),
			Paths:   []string{apis.CurrentField},
		}
	}
	var errs *apis.FieldError
	if depObjRef.Namespace != "" && depObjRef.Namespace != t.GetNamespace() {
		errs = errs.Also(&apis.FieldError{
			Message: fmt.Sprintf("Namespace must be empty or equal to the trigger namespace %q", t.GetNamespace()),
			Paths:   []string{"namespace"},
		})
	}
	if depObjRef.Kind == "" {
		errs = errs.Also(apis.ErrMissingField("kind"))
	}
	if depObjRef.Name == "" {
		errs = errs.Also(apis.ErrMissingField("name"))
	}
	if depObjRef.APIVersion == "" {
		errs = errs.Also(apis.ErrMissingField("apiVersion"))
	}
	return errs
}

func (t *Trigger) validateInjectionAnnotation(injectionAnnotation string) *apis.FieldError {
	if injectionAnnotation != "enabled" && injectionAnnotation != "disabled" {
		return &apis.FieldError{
			Message: fmt.Sprintf(`The provided injection annotation value can only be "enabled" or "disabled", not %q`, injectionAnnotation),
			Paths:   []string{apis.CurrentField},
		}
	}
	if t.Spec.Broker != "default" {
		return &apis.FieldError{
			Message: fmt.Sprintf("The provided injection annotation is only used for default broker, but non-default broker specified here: %q", t.Spec.Broker),
			Paths:   []string{apis.CurrentField},
		}
	}
	return nil
}

// ValidateAttributeFilters checks the attribute names of a TriggerFilter.
func ValidateAttributeFilters(filter *TriggerFilter) *apis.FieldError {
	if filter == nil {
		return nil
	}
	return ValidateAttributesNames(filter.Attributes).ViaField("attributes")
}

// ValidateAttributesNames checks that every key is a valid CloudEvents
// attribute name; errors are reported at the key, e.g. attributes[Type].
func ValidateAttributesNames(attrs map[string]string) (errs *apis.FieldError) {
	for attr := range attrs {
		if !validAttributeName.MatchString(attr) {
			errs = errs.Also(apis.ErrInvalidKeyName(attr, apis.CurrentField, "Attribute name must start with a letter and can only contain lowercase alphanumeric").ViaKey(attr))
		}
	}
	return errs
}

// ValidateSubscriptionAPIFiltersList validates each filter, indexing errors
// by position.
func ValidateSubscriptionAPIFiltersList(ctx context.Context, filters []SubscriptionsAPIFilter) (errs *apis.FieldError) {
	for i := range filters {
		errs = errs.Also(ValidateSubscriptionAPIFilter(ctx, &filters[i]).ViaIndex(i))
	}
	return errs
}

// ValidateCESQLExpression checks that expression parses as CloudEvents SQL.
func ValidateCESQLExpression(ctx context.Context, expression string) (errs *apis.FieldError) {
	if expression == "" {
		return nil
	}
	// The generated ANTLR parser can panic on some malformed input; treat
	// that as invalid rather than crashing the webhook.
	defer func() {
		if r := recover(); r != nil {
			logging.FromContext(ctx).Debugw("CESQL parser panicked; treating expression as invalid", zap.Any("recovered", r), zap.String("cesql", expression))
			errs = apis.ErrInvalidValue(expression, apis.CurrentField)
		}
	}()

	if _, err := cesqlparser.Parse(expression); err != nil {
		return apis.ErrInvalidValue(expression, apis.CurrentField, err.Error())
	}
	return nil
}

// ValidateSubscriptionAPIFilter validates one filter: a single dialect,
// valid attribute names, valid nested filters and a parsable CESQL.
func ValidateSubscriptionAPIFilter(ctx context.Context, filter *SubscriptionsAPIFilter) (errs *apis.FieldError) {
	if filter == nil {
		return nil
	}
	return errs.Also(
		ValidateOneOf(filter),
	).Also(
		ValidateAttributesNames(filter.Exact).ViaField("exact"),
	).Also(
		ValidateAttributesNames(filter.Prefix).ViaField("prefix"),
	).Also(
		ValidateAttributesNames(filter.Suffix).ViaField("suffix"),
	).Also(
		ValidateSubscriptionAPIFiltersList(ctx, filter.All).ViaField("all"),
	).Also(
		ValidateSubscriptionAPIFiltersList(ctx, filter.Any).ViaField("any"),
	).Also(
		ValidateSubscriptionAPIFilter(ctx, filter.Not).ViaField("not"),
	).Also(
		ValidateCESQLExpression(ctx, filter.CESQL).ViaField("cesql"),
	)
}

// ValidateOneOf rejects a filter that sets more than one dialect.
func ValidateOneOf(filter *SubscriptionsAPIFilter) *apis.FieldError {
	if filter != nil && countDialects(filter) > 1 {
		return apis.ErrGeneric("multiple dialects found, filters can have only one dialect set", apis.CurrentField)
	}
	return nil
}

func countDialects(filter *SubscriptionsAPIFilter) int {
	n := 0
	for _, set := range []bool{
		len(filter.Exact) > 0,
		len(filter.Prefix) > 0,
		len(filter.Suffix) > 0,
		len(filter.All) > 0,
		len(filter.Any) > 0,
		filter.Not != nil,
		filter.CESQL != "",
	} {
		if set {
			n++
		}
	}
	return n
}
