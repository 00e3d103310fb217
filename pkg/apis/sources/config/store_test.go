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

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/system"
	_ "knative.dev/pkg/system/testing"
)

func TestStoreLoadWithContext(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))

	// Before any ConfigMap arrives the store hands out the defaults.
	if got := FromContext(store.ToContext(context.Background())).PingDefaults.DataMaxSize; got != DefaultDataMaxSize {
		t.Errorf("DataMaxSize before OnConfigChanged = %d, want %d", got, DefaultDataMaxSize)
	}

	store.OnConfigChanged(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: PingDefaultsConfigName},
		Data:       map[string]string{DataMaxSizeKey: "512"},
	})
	ctx := store.ToContext(context.Background())
	cfg := FromContext(ctx)
	if cfg == nil || cfg.PingDefaults.DataMaxSize != 512 {
		t.Fatalf("FromContext() = %+v, want DataMaxSize 512", cfg)
	}

	// Load hands out copies, so a caller cannot change the stored value.
	cfg.PingDefaults.DataMaxSize = 1
	if got := store.Load().PingDefaults.DataMaxSize; got != 512 {
		t.Errorf("store changed through a loaded copy: DataMaxSize = %d, want 512", got)
	}
}

func TestFromContextOrDefaults(t *testing.T) {
	if got := FromContext(context.Background()); got != nil {
		t.Errorf("FromContext(empty) = %+v, want nil", got)
	}
	if got := FromContextOrDefaults(context.Background()).PingDefaults.DataMaxSize; got != DefaultDataMaxSize {
		t.Errorf("FromContextOrDefaults(empty).DataMaxSize = %d, want %d", got, DefaultDataMaxSize)
	}
	ctx := ToContext(context.Background(), &Config{PingDefaults: &PingDefaults{DataMaxSize: 9}})
	if got := FromContextOrDefaults(ctx).PingDefaults.DataMaxSize; got != 9 {
		t.Errorf("FromContextOrDefaults(ctx).DataMaxSize = %d, want 9", got)
	}
}
