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
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/api/validation"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmap"
	"knative.dev/pkg/kmp"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// Validate ensures Revision is properly configured. A Revision's spec is
// immutable: on update any change to it is rejected, with the diff.
func (r *Revision) Validate(ctx context.Context) *apis.FieldError {
	errs := serving.ValidateObjectMetadata(ctx, r.GetObjectMeta(), true).Also(
		r.ValidateLabels().ViaField("labels")).ViaField("metadata")
	errs = errs.Also(r.Status.Validate(apis.WithinStatus(ctx)).ViaField("status"))

	if apis.IsInUpdate(ctx) {
		original := apis.GetBaseline(ctx).(*Revision)
		if diff, err := kmp.ShortDiff(original.Spec, r.Spec); err != nil {
			return &apis.FieldError{
				Message: "Failed to diff Revision",
				Paths:   []string{"spec"},
				Details: err.Error(),
			}
		} else if diff != "" {
			return &apis.FieldError{
				Message: "Immutable fields changed (-old +new)",
				Paths:   []string{"spec"},
				Details: diff,
			}
		}
		return errs
	}
	return errs.Also(r.Spec.Validate(apis.WithinSpec(ctx)).ViaField("spec"))
}

// Validate implements apis.Validatable.
func (rts *RevisionTemplateSpec) Validate(ctx context.Context) *apis.FieldError {
	errs := rts.Spec.Validate(apis.WithinSpec(ctx)).ViaField("spec")
	errs = errs.Also(autoscaling.ValidateAnnotations(ctx, config.FromContextOrDefaults(ctx).Autoscaler,
		rts.GetAnnotations()).ViaField("metadata.annotations"))

	// A BYO revision name must be a valid name with the parent's prefix.
	errs = errs.Also(validateRevisionName(ctx, rts.Name, rts.GenerateName))
	errs = errs.Also(validateQueueSidecarResourceAnnotations(rts.Annotations).ViaField("metadata.annotations"))
	errs = errs.Also(validateProgressDeadlineAnnotation(rts.Annotations).ViaField("metadata.annotations"))
	return errs
}

// VerifyNameChange checks that, with a BYO revision name, the name changes
// whenever the template does: a new template under an existing name would
// collide with the Revision already created under it.
func (rts *RevisionTemplateSpec) VerifyNameChange(_ context.Context, og *RevisionTemplateSpec) *apis.FieldError {
	if rts.Name == "" || rts.Name != og.Name {
		// No BYO name, or it changed: either way a new Revision can be made.
		return nil
	}
	diff, err := kmp.ShortDiff(og, rts)
	if err != nil {
		return &apis.FieldError{
			Message: "Failed to diff RevisionTemplate",
			Paths:   []string{apis.CurrentField},
			Details: err.Error(),
		}
	}
	if diff != "" {
		return &apis.FieldError{
			Message: "Saw the following changes without a name change (-old +new)",
			Paths:   []string{"metadata.name"},
			Details: diff,
		}
	}
	return nil
}

// Validate implements apis.Validatable.
func (rs *RevisionSpec) Validate(ctx context.Context) *apis.FieldError {
	errs := serving.ValidatePodSpec(ctx, rs.PodSpec)
	if rs.TimeoutSeconds != nil {
		errs = errs.Also(validateTimeoutSeconds(ctx, *rs.TimeoutSeconds))
	}
	if rs.ContainerConcurrency != nil {
		errs = errs.Also(serving.ValidateContainerConcurrency(ctx, rs.ContainerConcurrency).ViaField("containerConcurrency"))
	}
	return errs
}

// Validate implements apis.Validatable. The controller owns the status;
// there is nothing to check.
func (rs *RevisionStatus) Validate(_ context.Context) *apis.FieldError {
	return nil
}

// ValidateLabels checks that a serving.knative.dev/configuration label names
// the Configuration that owns this Revision.
func (r *Revision) ValidateLabels() (errs *apis.FieldError) {
	if val, ok := r.Labels[serving.ConfigurationLabelKey]; ok {
		errs = errs.Also(verifyLabelOwnerRef(val, serving.ConfigurationLabelKey, "Configuration", r.GetOwnerReferences()))
	}
	return errs
}

// validateRevisionName validates the name and generateName of a revision
// template. A name must be a DNS-1035 label prefixed with "<parent name>-",
// and is not allowed when the parent itself is being created with generateName.
func validateRevisionName(ctx context.Context, name, generateName string) *apis.FieldError {
	if generateName != "" {
		if msgs := validation.NameIsDNS1035Label(generateName, true); len(msgs) > 0 {
			return apis.ErrInvalidValue(
				fmt.Sprint("not a DNS 1035 label prefix: ", msgs),
				"metadata.generateName")
		}
	}
	if name == "" {
		return nil
	}
	if msgs := validation.NameIsDNS1035Label(name, false); len(msgs) > 0 {
		return apis.ErrInvalidValue(
			fmt.Sprint("not a DNS 1035 label: ", msgs),
			"metadata.name")
	}
	om := apis.ParentMeta(ctx)
	// Once the parent has a name (even one generated from generateName), a
	// BYO name is fine; before that its prefix cannot be known.
	if om.Name == "" && om.GenerateName != "" {
		return apis.ErrDisallowedFields("metadata.name")
	}
	if prefix := om.Name + "-"; !strings.HasPrefix(name, prefix) {
		return apis.ErrInvalidValue(
			fmt.Sprintf("%q must have prefix %q", name, prefix),
			"metadata.name")
	}
	return nil
}

// validateTimeoutSeconds checks timeoutSeconds is within
// [0, max-revision-timeout-seconds]; 0 means "use the default".
func validateTimeoutSeconds(ctx context.Context, timeoutSeconds int64) *apis.FieldError {
	if timeoutSeconds == 0 {
		return nil
	}
	maxTimeout := config.FromContextOrDefaults(ctx).Defaults.MaxRevisionTimeoutSeconds
	if timeoutSeconds > maxTimeout || timeoutSeconds < 0 {
		return apis.ErrOutOfBoundsValue(timeoutSeconds, 0, maxTimeout, "timeoutSeconds")
	}
	return nil
}

// validateQueueSidecarResourceAnnotations validates the queue-proxy resource
// annotations: the deprecated percentage (warned about, in [0.1, 100]) and
// the explicit requests and limits (valid quantities).
func validateQueueSidecarResourceAnnotations(m map[string]string) *apis.FieldError {
	if len(m) == 0 {
		return nil
	}
	var errs *apis.FieldError
	if k, v, ok := serving.QueueSidecarResourcePercentageAnnotation.Get(m); ok {
		errs = apis.ErrGeneric("Queue proxy resource percentage annotation is deprecated. " +
			"Please use the available annotations to explicitly set resource values per service").ViaKey(k).At(apis.WarningLevel)
		value, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = errs.Also(apis.ErrInvalidValue(v, apis.CurrentField).ViaKey(k))
		} else if value < 0.1 || value > 100 {
			errs = errs.Also(apis.ErrOutOfBoundsValue(value, 0.1, 100.0, apis.CurrentField).ViaKey(k))
		}
	}
	for _, anno := range []kmap.KeyPriority{
		serving.QueueSidecarCPUResourceRequestAnnotation,
		serving.QueueSidecarCPUResourceLimitAnnotation,
		serving.QueueSidecarMemoryResourceRequestAnnotation,
		serving.QueueSidecarMemoryResourceLimitAnnotation,
		serving.QueueSidecarEphemeralStorageResourceRequestAnnotation,
		serving.QueueSidecarEphemeralStorageResourceLimitAnnotation,
	} {
		k, v, ok := anno.Get(m)
		if !ok {
			continue
		}
		if _, err := resource.ParseQuantity(v); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(v, apis.CurrentField).ViaKey(k))
		}
	}
	return errs
}

// validateProgressDeadlineAnnotation validates the revision progress
// deadline annotation.
func validateProgressDeadlineAnnotation(annos map[string]string) *apis.FieldError {
	return serving.ValidateProgressDeadlineAnnotation(annos)
}
