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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

const (
	// ReferenceMode produces payloads of ObjectReference.
	ReferenceMode = "Reference"
	// ResourceMode produces payloads of ResourceEvent.
	ResourceMode = "Resource"
)

// Validate implements apis.Validatable.
func (s *ApiServerSource) Validate(ctx context.Context) *apis.FieldError {
	return s.Spec.Validate(ctx).ViaField("spec")
}

// Validate checks the mode, the sink, ceOverrides, every resource and the
// owner filter.
func (ss *ApiServerSourceSpec) Validate(ctx context.Context) *apis.FieldError {
	var errs *apis.FieldError

	switch ss.EventMode {
	case ReferenceMode, ResourceMode:
	default:
		errs = errs.Also(apis.ErrInvalidValue(ss.EventMode, "mode"))
	}

	errs = errs.Also(ss.SourceSpec.Validate(ctx))

	if len(ss.Resources) == 0 {
		errs = errs.Also(apis.ErrMissingField("resources"))
	}
	for i, res := range ss.Resources {
		errs = errs.Also(validateAPIVersionKind(res.APIVersion, res.Kind).ViaFieldIndex("resources", i))
		if res.LabelSelector != nil {
			if _, err := metav1.LabelSelectorAsSelector(res.LabelSelector); err != nil {
				errs = errs.Also(apis.ErrInvalidValue(err.Error(), "selector").ViaFieldIndex("resources", i))
			}
		}
	}

	if ss.ResourceOwner != nil {
		errs = errs.Also(validateAPIVersionKind(ss.ResourceOwner.APIVersion, ss.ResourceOwner.Kind).ViaField("owner"))
	}

	if ss.NamespaceSelector != nil {
		if _, err := metav1.LabelSelectorAsSelector(ss.NamespaceSelector); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(err.Error(), "namespaceSelector"))
		}
	}

	return errs.Also(validateFilters(ctx, ss.Filters))
}

// validateFilters accepts filters only with the new-apiserversource-filters
// feature enabled (it is disabled by default), then checks each expression
// as a Trigger's.
func validateFilters(ctx context.Context, filters []eventingv1.SubscriptionsAPIFilter) *apis.FieldError {
	if !feature.FromContext(ctx).IsEnabled(feature.NewAPIServerFilters) {
		if len(filters) != 0 {
			return apis.ErrGeneric("Filters is not empty but the NewAPIServerFilters feature is disabled.", "filters")
		}
		return nil
	}
	return eventingv1.ValidateSubscriptionAPIFiltersList(ctx, filters).ViaField("filters")
}

// validateAPIVersionKind requires a parseable, non-empty apiVersion and a
// kind.
func validateAPIVersionKind(apiVersion, kind string) *apis.FieldError {
	var errs *apis.FieldError
	if strings.TrimSpace(apiVersion) == "" {
		errs = errs.Also(apis.ErrMissingField("apiVersion"))
	} else if _, err := schema.ParseGroupVersion(apiVersion); err != nil {
		errs = errs.Also(apis.ErrInvalidValue(apiVersion, "apiVersion"))
	}
	if strings.TrimSpace(kind) == "" {
		errs = errs.Also(apis.ErrMissingField("kind"))
	}
	return errs
}
