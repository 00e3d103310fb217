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

package autoscaling

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmap"

	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

// ValidateAnnotations checks the autoscaling.knative.dev/* annotations of a
// Revision (template) or PodAutoscaler against the cluster's
// config-autoscaler. Errors name the offending annotation key as the field
// path; callers add ".ViaField("annotations")".
func ValidateAnnotations(ctx context.Context, config *autoscalerconfig.Config, anns map[string]string) *apis.FieldError {
	return validateClass(anns).
		Also(validateMinMaxScale(config, anns)).
		Also(validateFloats(anns)).
		Also(validateWindow(anns)).
		Also(validateLastPodRetention(anns)).
		Also(validateScaleDownDelay(anns)).
		Also(validateMetric(config, anns)).
		Also(validateAlgorithm(anns)).
		Also(validateInitialScale(config, anns))
}

// getIntGE0 reads a non-negative int32 annotation; absent means 0.
func getIntGE0(m map[string]string, key kmap.KeyPriority) (int32, *apis.FieldError) {
	k, v, ok := key.Get(m)
	if !ok {
		return 0, nil
	}
	// ParseInt (not ParseUint) so "-1" is reported as out of bounds rather
	// than as a bad format.
	i, err := strconv.ParseInt(v, 10, 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, apis.ErrOutOfBoundsValue(v, 0, math.MaxInt32, k)
	case err != nil:
		return 0, apis.ErrInvalidValue(v, k)
	case i < 0:
		return 0, apis.ErrOutOfBoundsValue(v, 0, math.MaxInt32, k)
	}
	return int32(i), nil
}

// validateClass rejects unknown classes in the knative.dev domain; classes of
// other domains belong to third-party autoscalers and are left alone.
func validateClass(m map[string]string) *apis.FieldError {
	if k, v, ok := ClassAnnotation.Get(m); ok {
		if strings.HasSuffix(v, domain) && v != KPA && v != HPA {
			return apis.ErrInvalidValue(v, k)
		}
	}
	return nil
}

func validateAlgorithm(m map[string]string) *apis.FieldError {
	// Only KPA's algorithms are known; custom autoscalers may define others.
	if _, v, _ := ClassAnnotation.Get(m); v != KPA {
		return nil
	}
	if k, v, _ := MetricAggregationAlgorithmAnnotation.Get(m); v != "" {
		switch v {
		case MetricAggregationAlgorithmLinear,
			MetricAggregationAlgorithmWeightedExponential,
			MetricAggregationAlgorithmWeightedExponentialAlt:
		default:
			return apis.ErrInvalidValue(v, k)
		}
	}
	return nil
}

func validateFloats(m map[string]string) (errs *apis.FieldError) {
	if k, v, ok := PanicWindowPercentageAnnotation.Get(m); ok {
		if fv, err := strconv.ParseFloat(v, 64); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(v, k))
		} else if fv < PanicWindowPercentageMin || fv > PanicWindowPercentageMax {
			errs = errs.Also(apis.ErrOutOfBoundsValue(v, PanicWindowPercentageMin, PanicWindowPercentageMax, k))
		}
	}
	if k, v, ok := PanicThresholdPercentageAnnotation.Get(m); ok {
		if fv, err := strconv.ParseFloat(v, 64); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(v, k))
		} else if fv < PanicThresholdPercentageMin || fv > PanicThresholdPercentageMax {
			errs = errs.Also(apis.ErrOutOfBoundsValue(v, PanicThresholdPercentageMin, PanicThresholdPercentageMax, k))
		}
	}
	if k, v, ok := TargetAnnotation.Get(m); ok {
		if fv, err := strconv.ParseFloat(v, 64); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(v, k))
		} else if fv < TargetMin {
			errs = errs.Also(apis.ErrGeneric(fmt.Sprintf("target %s should be at least %g", v, TargetMin), k))
		}
	}
	if k, v, ok := TargetUtilizationPercentageAnnotation.Get(m); ok {
		if fv, err := strconv.ParseFloat(v, 64); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(v, k))
		} else if fv < 1 || fv > 100 {
			errs = errs.Also(apis.ErrOutOfBoundsValue(v, 1, 100, k))
		}
	}
	if k, v, ok := TargetBurstCapacityAnnotation.Get(m); ok {
		if fv, err := strconv.ParseFloat(v, 64); err != nil || (fv < 0 && fv != -1) {
			errs = errs.Also(apis.ErrInvalidValue(v, k))
		}
	}
	return errs
}

func validateScaleDownDelay(m map[string]string) *apis.FieldError {
	if k, v, ok := ScaleDownDelayAnnotation.Get(m); ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			return apis.ErrInvalidValue(v, k)
		case d < 0 || d > WindowMax:
			// Longer than the longest window makes no sense either.
			return apis.ErrOutOfBoundsValue(v, 0*time.Second, WindowMax, k)
		case d.Round(time.Second) != d:
			return apis.ErrGeneric("must be specified with at most second precision", k)
		}
	}
	return nil
}

func validateLastPodRetention(m map[string]string) *apis.FieldError {
	if k, v, ok := ScaleToZeroPodRetentionPeriodAnnotation.Get(m); ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			return apis.ErrInvalidValue(v, k)
		case d < 0 || d > WindowMax:
			return apis.ErrOutOfBoundsValue(v, time.Duration(0), WindowMax, k)
		}
	}
	return nil
}

func validateWindow(m map[string]string) *apis.FieldError {
	if _, v, ok := WindowAnnotation.Get(m); ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			return apis.ErrInvalidValue(v, WindowAnnotationKey)
		case d < WindowMin || d > WindowMax:
			return apis.ErrOutOfBoundsValue(v, WindowMin, WindowMax, WindowAnnotationKey)
		case d.Truncate(time.Second) != d:
			return apis.ErrGeneric("must be specified with at most second precision", WindowAnnotationKey)
		}
	}
	return nil
}

func validateMinMaxScale(config *autoscalerconfig.Config, m map[string]string) *apis.FieldError {
	minScale, errs := getIntGE0(m, MinScaleAnnotation)
	maxScale, err := getIntGE0(m, MaxScaleAnnotation)
	errs = errs.Also(err)

	// max-scale 0 means unbounded.
	if maxScale != 0 && maxScale < minScale {
		errs = errs.Also(&apis.FieldError{
			Message: fmt.Sprintf("max-scale=%d is less than min-scale=%d", maxScale, minScale),
			Paths:   []string{MaxScaleAnnotationKey, MinScaleAnnotationKey},
		})
	}

	if k, _, ok := MaxScaleAnnotation.Get(m); ok {
		errs = errs.Also(validateMaxScaleWithinLimit(k, maxScale, config.MaxScaleLimit))
	}

	// With activation-scale set, require min-scale <= activation-scale <= max-scale.
	if k, v, ok := ActivationScale.Get(m); ok {
		nzMin, err := strconv.ParseInt(v, 10, 32)
		switch {
		case err != nil:
			errs = errs.Also(apis.ErrInvalidValue(v, k))
		case minScale > int32(nzMin):
			errs = errs.Also(&apis.FieldError{
				Message: fmt.Sprintf("min-scale=%d is greater than activation-scale=%d", minScale, nzMin),
				Paths:   []string{k},
			})
		case maxScale != 0 && maxScale < int32(nzMin):
			errs = errs.Also(&apis.FieldError{
				Message: fmt.Sprintf("max-scale=%d is less than activation-scale=%d", maxScale, nzMin),
				Paths:   []string{k},
			})
		case nzMin < 2:
			errs = errs.Also(&apis.FieldError{
				Message: fmt.Sprintf("activation-scale=%d must be greater than 1", nzMin),
				Paths:   []string{k},
			})
		}
	}
	return errs
}

// validateMaxScaleWithinLimit enforces config-autoscaler's max-scale-limit:
// with a limit set, max-scale must be set and in [1, limit].
func validateMaxScaleWithinLimit(key string, maxScale, maxScaleLimit int32) (errs *apis.FieldError) {
	if maxScaleLimit == 0 {
		return nil
	}
	if maxScale > maxScaleLimit {
		errs = errs.Also(apis.ErrOutOfBoundsValue(maxScale, 1, maxScaleLimit, key))
	}
	if maxScale == 0 {
		errs = errs.Also(&apis.FieldError{
			Message: fmt.Sprint("max-scale=0 (unlimited), must be less than ", maxScaleLimit),
			Paths:   []string{key},
		})
	}
	return errs
}

// validateMetric checks the metric is one the (explicit or cluster default)
// class supports: KPA scales on concurrency or rps; HPA on anything non-empty.
func validateMetric(c *autoscalerconfig.Config, m map[string]string) *apis.FieldError {
	_, metric, ok := MetricAnnotation.Get(m)
	if !ok {
		return nil
	}
	class := c.PodAutoscalerClass
	if _, v, ok := ClassAnnotation.Get(m); ok {
		class = v
	}
	switch class {
	case KPA:
		if metric == Concurrency || metric == RPS {
			return nil
		}
	case HPA:
		if metric != "" {
			return nil
		}
	default:
		// Other classes define their own metrics.
		return nil
	}
	return apis.ErrInvalidValue(metric, MetricAnnotationKey)
}

func validateInitialScale(config *autoscalerconfig.Config, m map[string]string) *apis.FieldError {
	if k, v, ok := InitialScaleAnnotation.Get(m); ok {
		initScale, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return apis.ErrInvalidValue(v, k)
		case initScale < 0:
			return apis.ErrInvalidValue(v, k+" must be greater than 0")
		case initScale == 0 && !config.AllowZeroInitialScale:
			return apis.ErrInvalidValue(v, k+"=0 not allowed by cluster")
		}
	}
	return nil
}
