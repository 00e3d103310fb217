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

	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/gc"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestStoreDefaultsUntilConfigGCIsSeen(t *testing.T) {
	store := NewStore(logtesting.TestContextWithLogger(t))
	if got := store.Load().RevisionGC; got == nil || got.MaxNonActiveRevisions != 1000 {
		t.Errorf("RevisionGC before config-gc = %+v, want the defaults", got)
	}
	for _, cm := range configmaps.Shipped(t, "core/configmaps") {
		if cm.Name == gc.ConfigName {
			cm = cm.DeepCopy()
			cm.Data["max-non-active-revisions"] = "30"
			store.OnConfigChanged(cm)
		}
	}
	if got := FromContext(store.ToContext(context.Background())).RevisionGC.MaxNonActiveRevisions; got != 30 {
		t.Errorf("MaxNonActiveRevisions = %d, want 30 from config-gc", got)
	}
}
