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

	"knative.dev/pkg/apis"
)

// Validate implements apis.Validatable. A SinkBinding may only bind subjects
// in its own namespace.
func (s *SinkBinding) Validate(ctx context.Context) *apis.FieldError {
	errs := s.Spec.Validate(ctx).ViaField("spec")
	if s.Spec.Subject.Namespace != "" && s.Namespace != s.Spec.Subject.Namespace {
		errs = errs.Also(apis.ErrInvalidValue(s.Spec.Subject.Namespace, "spec.subject.namespace"))
	}
	return errs
}

// Validate checks the subject (apiVersion, kind, namespace and exactly one
// of name or selector), the sink and ceOverrides.
func (ss *SinkBindingSpec) Validate(ctx context.Context) *apis.FieldError {
	return ss.Subject.Validate(ctx).ViaField("subject").
		Also(ss.SourceSpec.Validate(ctx))
}
