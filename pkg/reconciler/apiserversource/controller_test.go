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

package apiserversource

import (
	"testing"

	"k8s.io/client-go/rest"
	"knative.dev/pkg/configmap"
	. "knative.dev/pkg/reconciler/testing"

	// Fake injection informers and clients.
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/apiserversource/fake"
	_ "knative.dev/pkg/client/injection/ducks/duck/v1/addressable/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/apps/v1/deployment/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/namespace/fake"
	_ "knative.dev/pkg/injection/clients/dynamicclient/fake"

	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
)

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	ctx = withCfgHost(ctx, &rest.Config{Host: "https://10.96.0.1:443"})
	t.Setenv("APISERVER_RA_IMAGE", "ko://github.com/skiffhq/skiff/cmd/apiserver-receive-adapter")
	c := NewController(ctx, configmap.NewStaticWatcher(
		NewConfigMap("config-features", SystemNamespace, nil),
		NewConfigMap("config-logging", SystemNamespace, nil),
		NewConfigMap("config-observability", SystemNamespace, nil),
		NewConfigMap("config-tracing", SystemNamespace, nil),
	))
	if c == nil {
		t.Fatal("Expected NewController to return a non-nil value")
	}
	if got := GetCfgHost(ctx); got != "https://10.96.0.1:443" {
		t.Errorf("GetCfgHost() = %q", got)
	}
}
