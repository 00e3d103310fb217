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

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
)

// Validate implements apis.Validatable.
func (s *ContainerSource) Validate(ctx context.Context) *apis.FieldError {
	return s.Spec.Validate(ctx).ViaField("spec")
}

// Validate checks the sink, ceOverrides and that the template has at least
// one container, each with a name and an image.
func (ss *ContainerSourceSpec) Validate(ctx context.Context) *apis.FieldError {
	errs := ss.SourceSpec.Validate(ctx)

	// Upstream reports these as spec.containers[i]; the path below is the
	// one the user actually edits.
	var terrs *apis.FieldError
	if len(ss.Template.Spec.Containers) == 0 {
		terrs = apis.ErrMissingField("containers")
	}
	for i := range ss.Template.Spec.Containers {
		terrs = terrs.Also(validateContainer(&ss.Template.Spec.Containers[i]).ViaFieldIndex("containers", i))
	}
	return errs.Also(terrs.ViaField("template", "spec"))
}

func validateContainer(c *corev1.Container) *apis.FieldError {
	var errs *apis.FieldError
	if c.Name == "" {
		errs = errs.Also(apis.ErrMissingField("name"))
	}
	if c.Image == "" {
		errs = errs.Also(apis.ErrMissingField("image"))
	}
	return errs
}
