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
	pkgtracing "knative.dev/pkg/tracing/config"

	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/deployment"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestStoreLoadsShippedConfigMaps(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	store.WatchConfigs(configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...))

	ctx := store.ToContext(context.Background())
	cfg := FromContext(ctx)
	if cfg.Deployment.QueueSidecarImage != deployment.QueueSidecarImageDefault {
		t.Errorf("QueueSidecarImage = %q, want %q", cfg.Deployment.QueueSidecarImage, deployment.QueueSidecarImageDefault)
	}
	for name, v := range map[string]interface{}{
		"Defaults": cfg.Defaults, "Features": cfg.Features, "Autoscaler": cfg.Autoscaler,
		"Logging": cfg.Logging, "Network": cfg.Network, "Observability": cfg.Observability, "Tracing": cfg.Tracing,
	} {
		if v == nil {
			t.Errorf("%s is nil", name)
		}
	}
	if got := apiconfig.FromContext(ctx); got == nil || got.Defaults != cfg.Defaults {
		t.Error("the serving API config is not attached to the context as well")
	}
}

func TestStoreUpdatesAndDefaults(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))

	// Nothing seen yet: every part still has its defaults.
	cfg := store.Load()
	if cfg.Deployment == nil || cfg.Deployment.ProgressDeadline != deployment.ProgressDeadlineDefault {
		t.Errorf("default Deployment config = %+v", cfg.Deployment)
	}
	if cfg.Defaults == nil || cfg.Features == nil || cfg.Autoscaler == nil || cfg.Logging == nil ||
		cfg.Network == nil || cfg.Observability == nil {
		t.Fatalf("defaults missing: %+v", cfg)
	}
	if cfg.Tracing.Backend != pkgtracing.None {
		t.Errorf("Tracing backend = %q, want none", cfg.Tracing.Backend)
	}

	store.OnConfigChanged(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: deployment.ConfigName},
		Data:       map[string]string{deployment.ProgressDeadlineKey: "42s"},
	})
	got := store.Load()
	if got.Deployment.ProgressDeadline != 42*time.Second {
		t.Errorf("ProgressDeadline = %v, want 42s", got.Deployment.ProgressDeadline)
	}

	// Load hands out copies: changing one does not change the store.
	got.Deployment.ProgressDeadline = time.Hour
	if store.Load().Deployment.ProgressDeadline != 42*time.Second {
		t.Error("Load() shares the stored Deployment config")
	}
}
