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

package serving

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/config"
)

// ValidateObjectMetadata validates the metadata stanza of a serving resource.
// Revisions (allowAutoscalingAnnotations=true) get their autoscaling
// annotations validated; Services, Configurations and Routes must not carry
// any, because there they would silently do nothing.
func ValidateObjectMetadata(ctx context.Context, meta metav1.Object, allowAutoscalingAnnotations bool) *apis.FieldError {
	errs := apis.ValidateObjectMetadata(meta)

	if allowAutoscalingAnnotations {
		errs = errs.Also(autoscaling.ValidateAnnotations(ctx, config.FromContextOrDefaults(ctx).Autoscaler,
			meta.GetAnnotations()).ViaField("annotations"))
	} else {
		errs = errs.Also(ValidateHasNoAutoscalingAnnotation(meta.GetAnnotations()).ViaField("annotations"))
	}
	return errs
}

// ValidateRolloutDurationAnnotation validates the rollout duration annotation
// of a Service or Route: a Go duration, non-negative, at second precision.
func ValidateRolloutDurationAnnotation(annos map[string]string) *apis.FieldError {
	k, v, _ := RolloutDurationAnnotation.Get(annos)
	return validateSecondsDuration(k, v, "rollout-duration")
}

// validateSecondsDuration checks v (the value of annotation key k) is a
// non-negative duration with whole seconds. label names the setting in messages.
func validateSecondsDuration(k, v, label string) *apis.FieldError {
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return apis.ErrInvalidValue(v, k)
	}
	if d.Round(time.Second) != d {
		// Echo the user's spelling; %v of d could print it differently.
		return &apis.FieldError{
			Message: fmt.Sprintf("%s=%s is not at second precision", label, v),
			Paths:   []string{k},
		}
	}
	if d < 0 {
		return &apis.FieldError{
			Message: fmt.Sprintf("%s=%s must be positive", label, v),
			Paths:   []string{k},
		}
	}
	return nil
}

// ValidateProgressDeadlineAnnotation validates the revision progress deadline
// annotation: a Go duration, non-negative, at second precision.
func ValidateProgressDeadlineAnnotation(annos map[string]string) *apis.FieldError {
	k, v, _ := ProgressDeadlineAnnotation.Get(annos)
	return validateSecondsDuration(k, v, "progress-deadline")
}

// ValidateHasNoAutoscalingAnnotation rejects annotations of the autoscaling
// group. Used for Service, Configuration and Route metadata, where they
// have no effect: they belong on the revision template.
func ValidateHasNoAutoscalingAnnotation(annotations map[string]string) (errs *apis.FieldError) {
	for key := range annotations {
		if strings.HasPrefix(key, autoscaling.GroupName) {
			errs = errs.Also(apis.ErrInvalidKeyName(key, apis.CurrentField,
				`autoscaling annotations must be put under "spec.template.metadata.annotations" to work`))
		}
	}
	return errs
}

// ValidateContainerConcurrency checks containerConcurrency lies within
// [min, container-concurrency-max-limit] of config-defaults, where min is 0
// when allow-container-concurrency-zero is true and 1 otherwise.
func ValidateContainerConcurrency(ctx context.Context, containerConcurrency *int64) *apis.FieldError {
	if containerConcurrency == nil {
		return nil
	}
	cfg := config.FromContextOrDefaults(ctx).Defaults
	var minCC int64
	if !cfg.AllowContainerConcurrencyZero {
		minCC = 1
	}
	if cc := *containerConcurrency; cc < minCC || cc > cfg.ContainerConcurrencyMaxLimit {
		return apis.ErrOutOfBoundsValue(cc, minCC, cfg.ContainerConcurrencyMaxLimit, apis.CurrentField)
	}
	return nil
}

// SetUserInfo records the requesting user (apis.GetUserInfo) in the creator
// and lastModifier annotations of resource. On create both are set; on
// update only lastModifier, and only if the spec actually changed.
func SetUserInfo(ctx context.Context, oldSpec, newSpec, resource interface{}) {
	ui := apis.GetUserInfo(ctx)
	if ui == nil {
		return
	}
	accessor, ok := resource.(metav1.ObjectMetaAccessor)
	if !ok {
		return
	}
	meta := accessor.GetObjectMeta()
	ans := meta.GetAnnotations()
	if ans == nil {
		ans = map[string]string{}
		meta.SetAnnotations(ans)
	}

	if apis.IsInUpdate(ctx) {
		if equality.Semantic.DeepEqual(oldSpec, newSpec) {
			return
		}
		ans[UpdaterAnnotation] = ui.Username
		return
	}
	ans[CreatorAnnotation] = ui.Username
	ans[UpdaterAnnotation] = ui.Username
}
