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
	"k8s.io/apimachinery/pkg/api/resource"
	. "knative.dev/pkg/configmap/testing"
	logtesting "knative.dev/pkg/logging/testing"

	apisconfig "github.com/skiffhq/skiff/pkg/apis/config"
)

var ignoreUnexported = cmpopts.IgnoreUnexported(resource.Quantity{})

func TestStoreServesTheShippedConfigMaps(t *testing.T) {
	defaultsCM := ConfigMapFromTestFile(t, apisconfig.DefaultsConfigName)
	featuresCM := ConfigMapFromTestFile(t, apisconfig.FeaturesConfigName)
	wantDefaults, err := apisconfig.NewDefaultsConfigFromConfigMap(defaultsCM)
	if err != nil {
		t.Fatal("shipped config-defaults:", err)
	}
	wantFeatures, err := apisconfig.NewFeaturesConfigFromConfigMap(featuresCM)
	if err != nil {
		t.Fatal("shipped config-features:", err)
	}

	store := NewStore(logtesting.TestLogger(t))
	store.OnConfigChanged(defaultsCM)
	store.OnConfigChanged(featuresCM)
	ctx := store.ToContext(context.Background())

	for name, cfg := range map[string]*Config{
		"FromContext":           FromContext(ctx),
		"FromContextOrDefaults": FromContextOrDefaults(ctx),
		// With nothing attached, the defaults are what config/ ships.
		"defaults of an empty context": FromContextOrDefaults(context.Background()),
	} {
		if !cmp.Equal(cfg.Defaults, wantDefaults, ignoreUnexported) {
			t.Errorf("%s: Defaults (-want, +got):\n%s", name, cmp.Diff(wantDefaults, cfg.Defaults, ignoreUnexported))
		}
		if !cmp.Equal(cfg.Features, wantFeatures) {
			t.Errorf("%s: Features (-want, +got):\n%s", name, cmp.Diff(wantFeatures, cfg.Features))
		}
	}

	// SetDefaults and Validate under ctx read the apis config: it must be the same.
	if apis := apisconfig.FromContext(ctx); apis == nil || apis.Defaults == nil || apis.Features == nil {
		t.Errorf("ToContext did not attach the apis config: %+v", apis)
	}
}

func TestStoreLoadReturnsCopies(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	store.OnConfigChanged(ConfigMapFromTestFile(t, apisconfig.DefaultsConfigName))
	store.OnConfigChanged(ConfigMapFromTestFile(t, apisconfig.FeaturesConfigName))

	cfg := store.Load()
	cfg.Defaults.RevisionTimeoutSeconds = 1234
	cfg.Features.MultiContainer = apisconfig.Disabled

	again := store.Load()
	if again.Defaults.RevisionTimeoutSeconds == 1234 {
		t.Error("changing a loaded Defaults changed the store")
	}
	if again.Features.MultiContainer == apisconfig.Disabled {
		t.Error("changing a loaded Features changed the store")
	}
}

func TestFromContextWithoutConfig(t *testing.T) {
	if got := FromContext(context.Background()); got != nil {
		t.Errorf("FromContext(empty) = %+v, want nil", got)
	}
}
