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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// Validate makes sure that Configuration is properly configured.
func (c *Configuration) Validate(ctx context.Context) (errs *apis.FieldError) {
	// A status update cannot change metadata or spec. Skipping their
	// validation keeps controller status updates from being rejected by
	// rules that changed since (e.g. a config-defaults edit).
	if !apis.IsInStatusUpdate(ctx) {
		errs = errs.Also(serving.ValidateObjectMetadata(ctx, c.GetObjectMeta(), false))
		errs = errs.Also(c.validateLabels().ViaField("labels"))
		errs = errs.ViaField("metadata")
		ctx = apis.WithinParent(ctx, c.ObjectMeta)
		errs = errs.Also(c.Spec.Validate(apis.WithinSpec(ctx)).ViaField("spec"))
	}

	if apis.IsInUpdate(ctx) {
		original := apis.GetBaseline(ctx).(*Configuration)
		// The creator and lastModifier annotations are checked only for
		// stand-alone Configurations; a Service-owned one has none of its own.
		if c.OwnerReferences == nil {
			errs = errs.Also(apis.ValidateCreatorAndModifier(original.Spec, c.Spec, original.GetAnnotations(),
				c.GetAnnotations(), serving.GroupName).ViaField("metadata.annotations"))
		}
		errs = errs.Also(c.Spec.Template.VerifyNameChange(ctx, &original.Spec.Template).ViaField("spec.template"))
	}
	return errs
}

// Validate implements apis.Validatable.
func (cs *ConfigurationSpec) Validate(ctx context.Context) *apis.FieldError {
	return cs.Template.Validate(ctx).ViaField("template")
}

// validateLabels checks that a serving.knative.dev/service label names the
// Service that owns this Configuration.
func (c *Configuration) validateLabels() (errs *apis.FieldError) {
	if val, ok := c.Labels[serving.ServiceLabelKey]; ok {
		errs = errs.Also(verifyLabelOwnerRef(val, serving.ServiceLabelKey, "Service", c.GetOwnerReferences()))
	}
	return errs
}

// verifyLabelOwnerRef checks that an owner reference of kind resource is
// named val; if not, the label is reported as missing its owner.
func verifyLabelOwnerRef(val, label, resource string, ownerRefs []metav1.OwnerReference) *apis.FieldError {
	for _, ref := range ownerRefs {
		if ref.Kind == resource && ref.Name == val {
			return nil
		}
	}
	return apis.ErrMissingField(label)
}
