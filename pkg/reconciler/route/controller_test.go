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
package route

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/service/fake"
	"knative.dev/pkg/configmap"
	pkgreconciler "knative.dev/pkg/reconciler"
	. "knative.dev/pkg/reconciler/testing"
	_ "knative.dev/pkg/system/testing"

	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/ingress/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/route/fake"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestNewControllerWithTheShippedConfigMaps(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	impl := NewController(ctx, configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...))
	if impl == nil {
		t.Fatal("NewController returned nil")
	}
	// Reconciling attaches the config store's current config to the
	// context; it panics if a watched ConfigMap was not loaded.
	if la, ok := impl.Reconciler.(pkgreconciler.LeaderAware); ok {
		if err := la.Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {}); err != nil {
			t.Fatal(err)
		}
	}
	if err := impl.Reconciler.Reconcile(ctx, "default/not-found"); err != nil {
		t.Errorf("Reconcile() = %v", err)
	}
}
