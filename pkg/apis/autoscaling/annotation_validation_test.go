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
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

// testConfig is the part of config-autoscaler validation looks at, with its
// defaults. (pkg/autoscaler/config can not be imported here: it imports us.)
func testConfig() *autoscalerconfig.Config {
	return &autoscalerconfig.Config{PodAutoscalerClass: KPA}
}

func TestValidateAnnotations(t *testing.T) {
	cases := []struct {
		name        string
		annotations map[string]string
		config      func(*autoscalerconfig.Config)
		want        string // the full error text, "" for none
	}{{
		name: "nil annotations",
	}, {
		name:        "empty annotations",
		annotations: map[string]string{},
	}, {
		name:        "unknown knative.dev class",
		annotations: map[string]string{ClassAnnotationKey: "unsupported.knative.dev"},
		want:        "invalid value: unsupported.knative.dev: " + ClassAnnotationKey,
	}, {
		name:        "third-party class is left alone",
		annotations: map[string]string{ClassAnnotationKey: "some.other.domain"},
	}, {
		name:        "HPA class",
		annotations: map[string]string{ClassAnnotationKey: HPA, MetricAnnotationKey: CPU},
	}, {
		name:        "min-scale 0 and max-scale 0",
		annotations: map[string]string{MinScaleAnnotationKey: "0", MaxScaleAnnotationKey: "0"},
	}, {
		name:        "min-scale negative",
		annotations: map[string]string{MinScaleAnnotationKey: "-1"},
		want:        "expected 0 <= -1 <= 2147483647: " + MinScaleAnnotationKey,
	}, {
		name:        "max-scale overflows int32",
		annotations: map[string]string{MaxScaleAnnotationKey: "2147483648"},
		want:        "expected 0 <= 2147483648 <= 2147483647: " + MaxScaleAnnotationKey,
	}, {
		name:        "min-scale not a number",
		annotations: map[string]string{MinScaleAnnotationKey: "foo"},
		want:        "invalid value: foo: " + MinScaleAnnotationKey,
	}, {
		name:        "both bounds not numbers are merged into one error",
		annotations: map[string]string{MaxScaleAnnotationKey: "bar", MinScaleAnnotationKey: "bar"},
		want:        "invalid value: bar: " + MaxScaleAnnotationKey + ", " + MinScaleAnnotationKey,
	}, {
		name:        "legacy camel-case key is reported by its own name",
		annotations: map[string]string{GroupName + "/minScale": "x"},
		want:        "invalid value: x: " + GroupName + "/minScale",
	}, {
		name:        "min-scale 2, max-scale 5",
		annotations: map[string]string{MinScaleAnnotationKey: "2", MaxScaleAnnotationKey: "5"},
	}, {
		name:        "max-scale below min-scale",
		annotations: map[string]string{MinScaleAnnotationKey: "5", MaxScaleAnnotationKey: "2"},
		want:        "max-scale=2 is less than min-scale=5: " + MaxScaleAnnotationKey + ", " + MinScaleAnnotationKey,
	}, {
		name:        "max-scale above max-scale-limit",
		config:      func(c *autoscalerconfig.Config) { c.MaxScaleLimit = 10 },
		annotations: map[string]string{MaxScaleAnnotationKey: "11"},
		want:        "expected 1 <= 11 <= 10: " + MaxScaleAnnotationKey,
	}, {
		name:        "max-scale unlimited with max-scale-limit",
		config:      func(c *autoscalerconfig.Config) { c.MaxScaleLimit = 10; c.MaxScale = 1 },
		annotations: map[string]string{MaxScaleAnnotationKey: "0"},
		want:        "max-scale=0 (unlimited), must be less than 10: " + MaxScaleAnnotationKey,
	}, {
		name:   "max-scale absent with max-scale-limit (the default applies)",
		config: func(c *autoscalerconfig.Config) { c.MaxScaleLimit = 10; c.MaxScale = 5 },
	}, {
		name:        "max-scale within max-scale-limit",
		config:      func(c *autoscalerconfig.Config) { c.MaxScaleLimit = 10 },
		annotations: map[string]string{MaxScaleAnnotationKey: "9"},
	}, {
		name:        "activation-scale between min and max",
		annotations: map[string]string{MinScaleAnnotationKey: "1", ActivationScaleKey: "2", MaxScaleAnnotationKey: "3"},
	}, {
		name:        "activation-scale below min-scale",
		annotations: map[string]string{MinScaleAnnotationKey: "3", ActivationScaleKey: "2"},
		want:        "min-scale=3 is greater than activation-scale=2: " + ActivationScaleKey,
	}, {
		name:        "activation-scale above max-scale",
		annotations: map[string]string{MaxScaleAnnotationKey: "1", ActivationScaleKey: "2"},
		want:        "max-scale=1 is less than activation-scale=2: " + ActivationScaleKey,
	}, {
		name:        "activation-scale 1",
		annotations: map[string]string{ActivationScaleKey: "1"},
		want:        "activation-scale=1 must be greater than 1: " + ActivationScaleKey,
	}, {
		name:        "activation-scale not a number",
		annotations: map[string]string{ActivationScaleKey: "two"},
		want:        "invalid value: two: " + ActivationScaleKey,
	}, {
		name:        "linear algorithm on KPA",
		annotations: map[string]string{MetricAggregationAlgorithmKey: MetricAggregationAlgorithmLinear, ClassAnnotationKey: KPA},
	}, {
		name:        "camel-case weighted exponential on KPA",
		annotations: map[string]string{MetricAggregationAlgorithmKey: MetricAggregationAlgorithmWeightedExponentialAlt, ClassAnnotationKey: KPA},
	}, {
		name:        "unknown algorithm on KPA",
		annotations: map[string]string{MetricAggregationAlgorithmKey: "random-selection", ClassAnnotationKey: KPA},
		want:        "invalid value: random-selection: " + MetricAggregationAlgorithmKey,
	}, {
		name:        "unknown algorithm on another class",
		annotations: map[string]string{MetricAggregationAlgorithmKey: "random-selection", ClassAnnotationKey: "of-keys"},
	}, {
		name:        "panic window percentage negative",
		annotations: map[string]string{PanicWindowPercentageAnnotationKey: "-1"},
		want:        "expected 1 <= -1 <= 100: " + PanicWindowPercentageAnnotationKey,
	}, {
		name:        "panic window percentage above 100",
		annotations: map[string]string{PanicWindowPercentageAnnotationKey: "202"},
		want:        "expected 1 <= 202 <= 100: " + PanicWindowPercentageAnnotationKey,
	}, {
		name:        "panic window percentage not a number",
		annotations: map[string]string{PanicWindowPercentageAnnotationKey: "fifty"},
		want:        "invalid value: fifty: " + PanicWindowPercentageAnnotationKey,
	}, {
		name:        "panic threshold percentage fine",
		annotations: map[string]string{PanicThresholdPercentageAnnotationKey: "210"},
	}, {
		name:        "panic threshold percentage below 110",
		annotations: map[string]string{PanicThresholdPercentageAnnotationKey: "109"},
		want:        "expected 110 <= 109 <= 1000: " + PanicThresholdPercentageAnnotationKey,
	}, {
		name:        "panic threshold percentage above 1000",
		annotations: map[string]string{PanicThresholdPercentageAnnotationKey: "10009"},
		want:        "expected 110 <= 10009 <= 1000: " + PanicThresholdPercentageAnnotationKey,
	}, {
		name:        "target below TargetMin",
		annotations: map[string]string{TargetAnnotationKey: "0"},
		want:        "target 0 should be at least 0.01: " + TargetAnnotationKey,
	}, {
		name:        "target not a number",
		annotations: map[string]string{TargetAnnotationKey: "100}"},
		want:        "invalid value: 100}: " + TargetAnnotationKey,
	}, {
		name:        "target fine",
		annotations: map[string]string{TargetAnnotationKey: "11"},
	}, {
		name:        "target burst capacity -1 (unlimited)",
		annotations: map[string]string{TargetBurstCapacityKey: "-1"},
	}, {
		name:        "target burst capacity 0",
		annotations: map[string]string{TargetBurstCapacityKey: "0"},
	}, {
		name:        "target burst capacity negative",
		annotations: map[string]string{TargetBurstCapacityKey: "-11"},
		want:        "invalid value: -11: " + TargetBurstCapacityKey,
	}, {
		name:        "target burst capacity not a number",
		annotations: map[string]string{TargetBurstCapacityKey: "qarashen"},
		want:        "invalid value: qarashen: " + TargetBurstCapacityKey,
	}, {
		name:        "target utilization 0",
		annotations: map[string]string{TargetUtilizationPercentageKey: "0"},
		want:        "expected 1 <= 0 <= 100: " + TargetUtilizationPercentageKey,
	}, {
		name:        "target utilization 101",
		annotations: map[string]string{TargetUtilizationPercentageKey: "101"},
		want:        "expected 1 <= 101 <= 100: " + TargetUtilizationPercentageKey,
	}, {
		name:        "window not a duration",
		annotations: map[string]string{WindowAnnotationKey: "jerry"},
		want:        "invalid value: jerry: " + WindowAnnotationKey,
	}, {
		name:        "window too short",
		annotations: map[string]string{WindowAnnotationKey: "1s"},
		want:        "expected 6s <= 1s <= 1h0m0s: " + WindowAnnotationKey,
	}, {
		name:        "window too long",
		annotations: map[string]string{WindowAnnotationKey: "365h"},
		want:        "expected 6s <= 365h <= 1h0m0s: " + WindowAnnotationKey,
	}, {
		name:        "window below second precision",
		annotations: map[string]string{WindowAnnotationKey: "1m9s82ms"},
		want:        "must be specified with at most second precision: " + WindowAnnotationKey,
	}, {
		name:        "window fine on a third-party class",
		annotations: map[string]string{WindowAnnotationKey: "7s", ClassAnnotationKey: "test"},
	}, {
		name:        "pod retention 0",
		annotations: map[string]string{ScaleToZeroPodRetentionPeriodKey: "0"},
	}, {
		name:        "pod retention too long",
		annotations: map[string]string{ScaleToZeroPodRetentionPeriodKey: "311m"},
		want:        "expected 0s <= 311m <= 1h0m0s: " + ScaleToZeroPodRetentionPeriodKey,
	}, {
		name:        "pod retention negative",
		annotations: map[string]string{ScaleToZeroPodRetentionPeriodKey: "-42s"},
		want:        "expected 0s <= -42s <= 1h0m0s: " + ScaleToZeroPodRetentionPeriodKey,
	}, {
		name:        "pod retention not a duration",
		annotations: map[string]string{ScaleToZeroPodRetentionPeriodKey: "soon"},
		want:        "invalid value: soon: " + ScaleToZeroPodRetentionPeriodKey,
	}, {
		name:        "scale-down-delay fine",
		annotations: map[string]string{ScaleDownDelayAnnotationKey: "21m31s"},
	}, {
		name:        "scale-down-delay too long",
		annotations: map[string]string{ScaleDownDelayAnnotationKey: "311m"},
		want:        "expected 0s <= 311m <= 1h0m0s: " + ScaleDownDelayAnnotationKey,
	}, {
		name:        "scale-down-delay below second precision",
		annotations: map[string]string{ScaleDownDelayAnnotationKey: "42.5s"},
		want:        "must be specified with at most second precision: " + ScaleDownDelayAnnotationKey,
	}, {
		name:        "scale-down-delay negative",
		annotations: map[string]string{ScaleDownDelayAnnotationKey: "-42s"},
		want:        "expected 0s <= -42s <= 1h0m0s: " + ScaleDownDelayAnnotationKey,
	}, {
		name: "several errors are all reported",
		annotations: map[string]string{
			PanicThresholdPercentageAnnotationKey: "fifty",
			PanicWindowPercentageAnnotationKey:    "-11",
			MinScaleAnnotationKey:                 "-4",
			MaxScaleAnnotationKey:                 "never",
		},
		want: "expected 0 <= -4 <= 2147483647: " + MinScaleAnnotationKey +
			"\nexpected 1 <= -11 <= 100: " + PanicWindowPercentageAnnotationKey +
			"\ninvalid value: fifty: " + PanicThresholdPercentageAnnotationKey +
			"\ninvalid value: never: " + MaxScaleAnnotationKey,
	}, {
		name: "several valid annotations",
		annotations: map[string]string{
			PanicThresholdPercentageAnnotationKey: "125",
			PanicWindowPercentageAnnotationKey:    "75",
			MinScaleAnnotationKey:                 "5",
			MaxScaleAnnotationKey:                 "8",
			WindowAnnotationKey:                   "1984s",
		},
	}, {
		name:        "cpu metric on the default class (KPA)",
		annotations: map[string]string{MetricAnnotationKey: CPU},
		want:        "invalid value: cpu: " + MetricAnnotationKey,
	}, {
		name:        "cpu metric when the cluster default class is HPA",
		annotations: map[string]string{MetricAnnotationKey: CPU},
		config:      func(c *autoscalerconfig.Config) { c.PodAutoscalerClass = HPA },
	}, {
		name:        "empty metric on HPA",
		annotations: map[string]string{MetricAnnotationKey: "", ClassAnnotationKey: HPA},
		want:        "invalid value: : " + MetricAnnotationKey,
	}, {
		name:        "rps metric on KPA",
		annotations: map[string]string{MetricAnnotationKey: RPS},
	}, {
		name:        "rps metric on another class",
		annotations: map[string]string{ClassAnnotationKey: "other", MetricAnnotationKey: RPS},
	}, {
		name:        "initial scale 0 not allowed by cluster",
		annotations: map[string]string{InitialScaleAnnotationKey: "0"},
		want:        "invalid value: 0: " + InitialScaleAnnotationKey + "=0 not allowed by cluster",
	}, {
		name:        "initial scale 0 allowed by cluster",
		config:      func(c *autoscalerconfig.Config) { c.AllowZeroInitialScale = true },
		annotations: map[string]string{InitialScaleAnnotationKey: "0"},
	}, {
		name:        "initial scale negative",
		annotations: map[string]string{InitialScaleAnnotationKey: "-1"},
		want:        "invalid value: -1: " + InitialScaleAnnotationKey + " must be greater than 0",
	}, {
		name:        "initial scale not a number",
		annotations: map[string]string{InitialScaleAnnotationKey: "invalid"},
		want:        "invalid value: invalid: " + InitialScaleAnnotationKey,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			if c.config != nil {
				c.config(cfg)
			}
			got := ValidateAnnotations(context.Background(), cfg, c.annotations).Error()
			if got != c.want {
				t.Errorf("ValidateAnnotations() = %q, want %q\n(-want,+got): %s", got, c.want, cmp.Diff(c.want, got))
			}
		})
	}
}

// TestValidateAnnotationsFieldPath shows how callers see the error: under the
// annotations field of the object's metadata.
func TestValidateAnnotationsFieldPath(t *testing.T) {
	err := ValidateAnnotations(context.Background(), testConfig(),
		map[string]string{MaxScaleAnnotationKey: "-3"}).ViaField("annotations").ViaField("metadata")
	if got, want := err.Error(), "expected 0 <= -3 <= 2147483647: metadata.annotations."+MaxScaleAnnotationKey; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// TestKeyPriorities checks the canonical key wins over its legacy spelling.
func TestKeyPriorities(t *testing.T) {
	anns := map[string]string{
		GroupName + "/minScale": "1",
		MinScaleAnnotationKey:   "2",
	}
	k, v, ok := MinScaleAnnotation.Get(anns)
	if !ok || k != MinScaleAnnotationKey || v != "2" {
		t.Errorf("MinScaleAnnotation.Get() = %q, %q, %v; want %q, \"2\", true", k, v, ok, MinScaleAnnotationKey)
	}
}
