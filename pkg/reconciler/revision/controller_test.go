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

package revision

import (
	"testing"

	"knative.dev/pkg/configmap"
	rtesting "knative.dev/pkg/reconciler/testing"

	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/autoscaling/v1alpha1/podautoscaler/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment/fake"
	_ "knative.dev/pkg/system/testing"

	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestNewController(t *testing.T) {
	for _, tc := range []struct {
		env       string
		localMode bool
	}{{"true", true}, {"false", false}, {"", false}} {
		t.Run("SKIFF_LOCAL_MODE="+tc.env, func(t *testing.T) {
			t.Setenv(localModeEnvKey, tc.env)
			ctx, _ := rtesting.SetupFakeContext(t)
			var got *Reconciler
			impl := newControllerWithOptions(ctx, configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...),
				func(r *Reconciler) { got = r })
			if impl == nil || got == nil {
				t.Fatal("no controller")
			}
			if got.localMode != tc.localMode {
				t.Errorf("localMode = %v, want %v", got.localMode, tc.localMode)
			}
			if got.resolver == nil || got.deploymentLister == nil || got.podAutoscalerLister == nil {
				t.Errorf("reconciler not wired: %+v", got)
			}
		})
	}
}
