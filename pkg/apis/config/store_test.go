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

package config

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	. "knative.dev/pkg/configmap/testing"
	logtesting "knative.dev/pkg/logging/testing"

	asconfig "github.com/skiffhq/skiff/pkg/autoscaler/config"
)

var ignoreStuff = cmp.Options{
	cmpopts.IgnoreUnexported(resource.Quantity{}),
}

func TestStoreLoadWithContext(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))

	defaultsCM := ConfigMapFromTestFile(t, DefaultsConfigName)
	featuresCM := ConfigMapFromTestFile(t, FeaturesConfigName)
	autoscalerCM := autoscalerConfigMap(t)
	// Non-default values, so the test sees that they come from the store.
	defaultsCM.Data["revision-timeout-seconds"] = "42"
	featuresCM.Data["kubernetes.podspec-affinity"] = "enabled"
	autoscalerCM.Data["target-burst-capacity"] = "17"

	store.OnConfigChanged(defaultsCM)
	store.OnConfigChanged(featuresCM)
	store.OnConfigChanged(autoscalerCM)

	cfg := FromContext(store.ToContext(context.Background()))
	if cfg == nil {
		t.Fatal("FromContext() = nil")
	}

	wantDefaults, err := NewDefaultsConfigFromConfigMap(defaultsCM)
	if err != nil {
		t.Fatal("NewDefaultsConfigFromConfigMap() =", err)
	}
	if diff := cmp.Diff(wantDefaults, cfg.Defaults, ignoreStuff...); diff != "" {
		t.Error("Unexpected defaults config (-want, +got):\n", diff)
	}
	if cfg.Defaults.RevisionTimeoutSeconds != 42 {
		t.Errorf("RevisionTimeoutSeconds = %d, want 42", cfg.Defaults.RevisionTimeoutSeconds)
	}

	wantFeatures, err := NewFeaturesConfigFromConfigMap(featuresCM)
	if err != nil {
		t.Fatal("NewFeaturesConfigFromConfigMap() =", err)
	}
	if diff := cmp.Diff(wantFeatures, cfg.Features); diff != "" {
		t.Error("Unexpected features config (-want, +got):\n", diff)
	}
	if cfg.Features.PodSpecAffinity != Enabled {
		t.Errorf("PodSpecAffinity = %v, want Enabled", cfg.Features.PodSpecAffinity)
	}

	wantAutoscaler, err := asconfig.NewConfigFromConfigMap(autoscalerCM)
	if err != nil {
		t.Fatal("NewConfigFromConfigMap() =", err)
	}
	if diff := cmp.Diff(wantAutoscaler, cfg.Autoscaler, ignoreStuff...); diff != "" {
		t.Error("Unexpected autoscaler config (-want, +got):\n", diff)
	}
	if cfg.Autoscaler.TargetBurstCapacity != 17 {
		t.Errorf("TargetBurstCapacity = %v, want 17", cfg.Autoscaler.TargetBurstCapacity)
	}
}

// autoscalerConfigMap reads config-autoscaler; testdata links it to
// config/core/configmaps/autoscaler.yaml.
func autoscalerConfigMap(t *testing.T) *corev1.ConfigMap {
	t.Helper()
	return ConfigMapFromTestFile(t, asconfig.ConfigName)
}

func TestFromContextOrDefaults(t *testing.T) {
	wantAutoscaler, err := asconfig.NewConfigFromMap(map[string]string{})
	if err != nil {
		t.Fatal("NewConfigFromMap() =", err)
	}

	t.Run("nothing attached", func(t *testing.T) {
		if FromContext(context.Background()) != nil {
			t.Error("FromContext() of an empty context is not nil")
		}
		cfg := FromContextOrDefaults(context.Background())
		if diff := cmp.Diff(defaultDefaultsConfig(), cfg.Defaults, ignoreStuff...); diff != "" {
			t.Error("Defaults (-want, +got):\n", diff)
		}
		if diff := cmp.Diff(defaultFeaturesConfig(), cfg.Features); diff != "" {
			t.Error("Features (-want, +got):\n", diff)
		}
		if diff := cmp.Diff(wantAutoscaler, cfg.Autoscaler, ignoreStuff...); diff != "" {
			t.Error("Autoscaler (-want, +got):\n", diff)
		}
	})

	t.Run("partly attached", func(t *testing.T) {
		features := defaultFeaturesConfig()
		features.MultiContainer = Disabled
		attached := &Config{Features: features}
		cfg := FromContextOrDefaults(ToContext(context.Background(), attached))
		if cfg.Features.MultiContainer != Disabled {
			t.Error("attached Features were not used")
		}
		if cfg.Defaults == nil || cfg.Autoscaler == nil {
			t.Fatal("missing parts were not defaulted")
		}
		if attached.Defaults != nil || attached.Autoscaler != nil {
			t.Error("FromContextOrDefaults modified the attached Config")
		}
	})
}

func TestStoreImmutableConfig(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	store.OnConfigChanged(ConfigMapFromTestFile(t, DefaultsConfigName))
	store.OnConfigChanged(ConfigMapFromTestFile(t, FeaturesConfigName))
	store.OnConfigChanged(autoscalerConfigMap(t))

	cfg := store.Load()
	cfg.Defaults.RevisionTimeoutSeconds = 1234
	cfg.Features.MultiContainer = Disabled
	cfg.Autoscaler.TargetBurstCapacity = 99

	newConfig := store.Load()
	if newConfig.Defaults.RevisionTimeoutSeconds == 1234 {
		t.Error("Defaults config is not immutable")
	}
	if newConfig.Features.MultiContainer == Disabled {
		t.Error("Features config is not immutable")
	}
	if newConfig.Autoscaler.TargetBurstCapacity == 99 {
		t.Error("Autoscaler config is not immutable")
	}
}
