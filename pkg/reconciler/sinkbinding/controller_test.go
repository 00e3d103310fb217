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

package sinkbinding

import (
	"testing"

	"knative.dev/pkg/configmap"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/webhook"

	// Fake injection informers and clients.
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/sinkbinding/fake"
	_ "knative.dev/pkg/client/injection/ducks/duck/v1/addressable/fake"
	_ "knative.dev/pkg/client/injection/ducks/duck/v1/podspecable/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/admissionregistration/v1/mutatingwebhookconfiguration/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/namespace/fake"
	_ "knative.dev/pkg/injection/clients/dynamicclient/fake"
	_ "knative.dev/pkg/injection/clients/namespacedkube/informers/core/v1/secret/fake"

	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
)

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if c := NewController(ctx, configmap.NewStaticWatcher(NewConfigMap("config-features", SystemNamespace, nil))); c == nil {
		t.Fatal("Expected NewController to return a non-nil value")
	}
}

func TestNewSinkBindingWebhook(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	ctx = webhook.WithOptions(ctx, webhook.Options{SecretName: "eventing-webhook-certs"})
	for _, mode := range []string{"", "inclusion"} {
		t.Setenv(SelectionModeEnv, mode)
		if c := NewSinkBindingWebhook(SelectorFromEnv())(ctx, configmap.NewStaticWatcher()); c == nil {
			t.Fatalf("%s=%q: no webhook controller", SelectionModeEnv, mode)
		}
	}
}
