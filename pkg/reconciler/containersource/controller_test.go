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

package containersource

import (
	"testing"

	"knative.dev/pkg/configmap"
	. "knative.dev/pkg/reconciler/testing"

	// Fake injection informers and clients.
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/containersource/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/sinkbinding/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment/fake"
)

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if c := NewController(ctx, configmap.NewStaticWatcher()); c == nil {
		t.Fatal("Expected NewController to return a non-nil value")
	}
}
