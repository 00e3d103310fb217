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
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/configmap"
	logtesting "knative.dev/pkg/logging/testing"

	asconfig "github.com/skiffhq/skiff/pkg/autoscaler/config"
	"github.com/skiffhq/skiff/pkg/deployment"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestStoreLoadsShippedConfigMaps(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	store.WatchConfigs(configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...))

	cfg := FromContext(store.ToContext(context.Background()))
	if cfg.Autoscaler == nil || cfg.Deployment == nil || cfg.Network == nil {
		t.Fatalf("config has nil parts: %+v", cfg)
	}
	if got := cfg.Autoscaler.ScaleToZeroGracePeriod; got != 30*time.Second {
		t.Errorf("ScaleToZeroGracePeriod = %v, want the shipped default 30s", got)
	}
	if got := cfg.Deployment.ProgressDeadline; got != deployment.ProgressDeadlineDefault {
		t.Errorf("ProgressDeadline = %v", got)
	}
}

func TestStoreDefaultsAndCopies(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	cfg := store.Load()
	if cfg.Autoscaler == nil || cfg.Deployment == nil || cfg.Network == nil {
		t.Fatalf("defaults missing: %+v", cfg)
	}

	store.OnConfigChanged(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: asconfig.ConfigName},
		Data:       map[string]string{"max-scale": "7"},
	})
	got := store.Load()
	if got.Autoscaler.MaxScale != 7 {
		t.Errorf("MaxScale = %d, want 7", got.Autoscaler.MaxScale)
	}
	got.Autoscaler.MaxScale = 100
	if store.Load().Autoscaler.MaxScale != 7 {
		t.Error("Load() shares the stored config")
	}
}
