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

// Package config parses the config-autoscaler ConfigMap into an
package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	. "knative.dev/pkg/configmap/testing"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

// TestDefaults pins the upstream defaults literally, so a changed default in
// defaultConfig() can not hide behind tests that compare against it.
func TestDefaults(t *testing.T) {
	got, err := NewConfigFromMap(nil)
	if err != nil {
		t.Fatal("NewConfigFromMap(nil) =", err)
	}
	want := &autoscalerconfig.Config{
		EnableScaleToZero:                  true,
		ContainerConcurrencyTargetFraction: 0.7,
		ContainerConcurrencyTargetDefault:  100,
		TargetUtilization:                  0.7,
		RPSTargetDefault:                   200,
		TargetBurstCapacity:                211,
		ActivatorCapacity:                  100,
		AllowZeroInitialScale:              false,
		InitialScale:                       1,
		MinScale:                           0,
		MaxScale:                           0,
		MaxScaleLimit:                      0,
		MaxScaleUpRate:                     1000,
		MaxScaleDownRate:                   2,
		StableWindow:                       60 * time.Second,
		PanicWindowPercentage:              10,
		PanicThresholdPercentage:           200,
		ScaleToZeroGracePeriod:             30 * time.Second,
		ScaleToZeroPodRetentionPeriod:      0,
		ScaleDownDelay:                     0,
		PodAutoscalerClass:                 "kpa.autoscaling.knative.dev",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("defaults (-want, +got):", diff)
	}
}

func TestNewConfig(t *testing.T) {
	actual, example := ConfigMapsFromTestFile(t, ConfigName)
	with := func(f func(*autoscalerconfig.Config)) *autoscalerconfig.Config {
		c := defaultConfig()
		f(c)
		return c
	}
	tests := []struct {
		name  string
		input map[string]string
		want  *autoscalerconfig.Config
		// wantErr is a substring of the expected error; "" means success.
		wantErr string
	}{{
		name: "empty",
		want: defaultConfig(),
	}, {
		name:  "shipped configmap",
		input: actual.Data,
		want:  defaultConfig(),
	}, {
		// The _example block documents the defaults; if they drift apart the
		// docs lie.
		name:  "example block equals defaults",
		input: example.Data,
		want:  defaultConfig(),
	}, {
		name: "everything overridden",
		input: map[string]string{
			"enable-scale-to-zero":                    "false",
			"max-scale-down-rate":                     "3.0",
			"max-scale-up-rate":                       "1.01",
			"container-concurrency-target-percentage": "0.71",
			"container-concurrency-target-default":    "10.5",
			"requests-per-second-target-default":      "10.11",
			"target-burst-capacity":                   "12345",
			"scale-down-delay":                        "15m",
			"stable-window":                           "5m",
			"panic-window-percentage":                 "5",
			"panic-threshold-percentage":              "300",
			"pod-autoscaler-class":                    "some.class",
			"activator-capacity":                      "905",
			"scale-to-zero-grace-period":              "33s",
			"scale-to-zero-pod-retention-period":      "2m3s",
			"allow-zero-initial-scale":                "true",
			"initial-scale":                           "0",
			"min-scale":                               "1",
			"max-scale":                               "8",
			"max-scale-limit":                         "9",
		},
		want: with(func(c *autoscalerconfig.Config) {
			c.EnableScaleToZero = false
			c.MaxScaleDownRate = 3
			c.MaxScaleUpRate = 1.01
			c.ContainerConcurrencyTargetFraction = 0.71
			c.ContainerConcurrencyTargetDefault = 10.5
			c.RPSTargetDefault = 10.11
			c.TargetBurstCapacity = 12345
			c.ScaleDownDelay = 15 * time.Minute
			c.StableWindow = 5 * time.Minute
			c.PanicWindowPercentage = 5
			c.PanicThresholdPercentage = 300
			c.PodAutoscalerClass = "some.class"
			c.ActivatorCapacity = 905
			c.ScaleToZeroGracePeriod = 33 * time.Second
			c.ScaleToZeroPodRetentionPeriod = 2*time.Minute + 3*time.Second
			c.AllowZeroInitialScale = true
			c.InitialScale = 0
			c.MinScale = 1
			c.MaxScale = 8
			c.MaxScaleLimit = 9
		}),
	}, {
		name:  "concurrency target percentage given as percent",
		input: map[string]string{"container-concurrency-target-percentage": "55"},
		want:  with(func(c *autoscalerconfig.Config) { c.ContainerConcurrencyTargetFraction = 0.55 }),
	}, {
		name:  "concurrency target percentage 100",
		input: map[string]string{"container-concurrency-target-percentage": "100"},
		want:  with(func(c *autoscalerconfig.Config) { c.ContainerConcurrencyTargetFraction = 1 }),
	}, {
		name:  "unlimited target burst capacity",
		input: map[string]string{"target-burst-capacity": "-1"},
		want:  with(func(c *autoscalerconfig.Config) { c.TargetBurstCapacity = -1 }),
	}, {
		name:  "booleans are case insensitive",
		input: map[string]string{"enable-scale-to-zero": "FALSE"},
		want:  with(func(c *autoscalerconfig.Config) { c.EnableScaleToZero = false }),
	}, {
		name:  "unknown keys are ignored",
		input: map[string]string{"tick-interval": "2s", "panic-window": "3s"},
		want:  defaultConfig(),
	}, {
		name:  "min-scale without max-scale",
		input: map[string]string{"min-scale": "4"},
		want:  with(func(c *autoscalerconfig.Config) { c.MinScale = 4 }),
	}, {
		name:    "malformed float",
		input:   map[string]string{"max-scale-up-rate": "not a float"},
		wantErr: "max-scale-up-rate",
	}, {
		name:    "malformed duration",
		input:   map[string]string{"stable-window": "not a duration"},
		wantErr: "stable-window",
	}, {
		name:    "malformed bool",
		input:   map[string]string{"allow-zero-initial-scale": "invalid"},
		wantErr: "allow-zero-initial-scale",
	}, {
		name:    "malformed int",
		input:   map[string]string{"initial-scale": "invalid"},
		wantErr: "initial-scale",
	}, {
		name:    "negative scale-down-delay",
		input:   map[string]string{"scale-down-delay": "-1m23s"},
		wantErr: "scale-down-delay cannot be negative",
	}, {
		name:    "scale-down-delay below second precision",
		input:   map[string]string{"scale-down-delay": "61984ms"},
		wantErr: "scale-down-delay = 1m1.984s, must be specified with at most second precision",
	}, {
		name:    "negative pod retention period",
		input:   map[string]string{"scale-to-zero-pod-retention-period": "-4m11s"},
		wantErr: "scale-to-zero-pod-retention-period cannot be negative",
	}, {
		name:    "target burst capacity below -1",
		input:   map[string]string{"target-burst-capacity": "-11"},
		wantErr: "target-burst-capacity must be either non-negative or -1",
	}, {
		name:    "target percentage negative",
		input:   map[string]string{"container-concurrency-target-percentage": "-42"},
		wantErr: "container-concurrency-target-percentage = -42.000000 is outside of valid range",
	}, {
		name:    "target percentage above 100",
		input:   map[string]string{"container-concurrency-target-percentage": "142.4"},
		wantErr: "is outside of valid range of (0, 100]",
	}, {
		name: "target concurrency below TargetMin",
		input: map[string]string{
			"container-concurrency-target-percentage": "1",
			"container-concurrency-target-default":    "0.001",
		},
		wantErr: "yield target concurrency of 0.001, can't be less than 0.01",
	}, {
		name:    "rps target too small",
		input:   map[string]string{"requests-per-second-target-default": "-5.25"},
		wantErr: "requests-per-second-target-default must be at least 0.01",
	}, {
		name:    "activator capacity below 1",
		input:   map[string]string{"activator-capacity": "0.95"},
		wantErr: "activator-capacity = 0.95, must be at least 1",
	}, {
		name:    "max scale up rate 1",
		input:   map[string]string{"max-scale-up-rate": "1"},
		wantErr: "max-scale-up-rate = 1, must be greater than 1.0",
	}, {
		name:    "max scale down rate negative",
		input:   map[string]string{"max-scale-down-rate": "-55"},
		wantErr: "max-scale-down-rate = -55, must be greater than 1.0",
	}, {
		name:    "stable window too big",
		input:   map[string]string{"stable-window": "1h1s"},
		wantErr: "stable-window = 1h0m1s, must be in [6s; 1h0m0s] range",
	}, {
		name:    "stable window too small",
		input:   map[string]string{"stable-window": "1s"},
		wantErr: "stable-window = 1s, must be in [6s; 1h0m0s] range",
	}, {
		name:    "stable window below second precision",
		input:   map[string]string{"stable-window": "61984ms"},
		wantErr: "stable-window = 1m1.984s, must be specified with at most second precision",
	}, {
		name:    "panic window percentage too small",
		input:   map[string]string{"panic-window-percentage": "0.1"},
		wantErr: "panic-window-percentage = 0.1, must be in [1, 100] interval",
	}, {
		name:    "panic window percentage too big",
		input:   map[string]string{"panic-window-percentage": "110"},
		wantErr: "panic-window-percentage = 110, must be in [1, 100] interval",
	}, {
		name:    "zero grace period",
		input:   map[string]string{"scale-to-zero-grace-period": "0s"},
		wantErr: "scale-to-zero-grace-period must be positive",
	}, {
		name:    "zero initial scale not allowed",
		input:   map[string]string{"initial-scale": "0"},
		wantErr: "initial-scale = 0, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)",
	}, {
		name:    "negative initial scale even when zero allowed",
		input:   map[string]string{"allow-zero-initial-scale": "true", "initial-scale": "-1"},
		wantErr: "initial-scale = -1",
	}, {
		name:    "negative min scale",
		input:   map[string]string{"min-scale": "-1"},
		wantErr: "min-scale = -1, must be at least 0",
	}, {
		name:    "negative max scale",
		input:   map[string]string{"max-scale": "-1"},
		wantErr: "max-scale = -1, must be in [0, max-scale-limit(0)] range",
	}, {
		name:    "negative max scale limit",
		input:   map[string]string{"max-scale-limit": "-9"},
		wantErr: "max-scale-limit = -9, must be at least 0",
	}, {
		name:    "max scale above limit",
		input:   map[string]string{"max-scale": "10", "max-scale-limit": "9"},
		wantErr: "max-scale = 10, must be in [1, max-scale-limit(9)] range",
	}, {
		name:    "limit set but max scale unbounded",
		input:   map[string]string{"max-scale": "0", "max-scale-limit": "11"},
		wantErr: "max-scale = 0, must be in [1, max-scale-limit(11)] range",
	}, {
		name:    "max scale below min scale",
		input:   map[string]string{"min-scale": "4", "max-scale": "3"},
		wantErr: "min-scale (4) must be less than max-scale (3)",
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got, err := NewConfigFromConfigMap(&corev1.ConfigMap{Data: test.input})
			switch {
			case test.wantErr == "" && err != nil:
				t.Fatal("NewConfigFromConfigMap() unexpected error:", err)
			case test.wantErr != "" && err == nil:
				t.Fatalf("NewConfigFromConfigMap() = %+v, want error containing %q", got, test.wantErr)
			case test.wantErr != "" && !strings.Contains(err.Error(), test.wantErr):
				t.Fatalf("NewConfigFromConfigMap() error = %q, want it to contain %q", err, test.wantErr)
			}
			if diff := cmp.Diff(test.want, got); diff != "" {
				t.Error("NewConfigFromConfigMap (-want, +got):", diff)
			}
		})
	}
}

// TestStableWindowBoundsMatchAnnotation guards the cross-package contract: the config
// bounds come from the annotation constants, so both reject the same values.
func TestStableWindowBoundsMatchAnnotation(t *testing.T) {
	for _, tc := range []struct {
		window time.Duration
		ok     bool
	}{
		{autoscaling.WindowMin, true},
		{autoscaling.WindowMin - time.Second, false},
		{autoscaling.WindowMax, true},
		{autoscaling.WindowMax + time.Second, false},
	} {
		_, err := NewConfigFromMap(map[string]string{"stable-window": tc.window.String()})
		if (err == nil) != tc.ok {
			t.Errorf("stable-window=%v: err = %v, want ok=%v", tc.window, err, tc.ok)
		}
	}
}
