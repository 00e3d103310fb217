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

package serving

import (
	"context"
	"os"
	"testing"

	"go.uber.org/zap"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	cminformer "knative.dev/pkg/configmap/informer"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/test/harness"
)

// startControllers runs the given controllers in this process against the
// harness apiserver until the test ends: the same constructors
// cmd/controller hands to sharedmain, without its leader election (every
// reconciler leads every bucket), profiling, metrics and probe servers.
// The system namespace must be set (webhooktest.Run does).
func startControllers(t *testing.T, env *harness.Env, ctors ...injection.ControllerConstructor) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ctx = logging.WithLogger(ctx, testLogger(t))

	cfg := *env.Config
	ctx, informers := injection.Default.SetupInformers(ctx, &cfg)
	cmw := cminformer.NewInformedWatcher(kubeclient.Get(ctx), system.Namespace())

	impls := make([]*controller.Impl, 0, len(ctors))
	for _, ctor := range ctors {
		impls = append(impls, ctor(ctx, cmw))
	}
	if err := cmw.Start(ctx.Done()); err != nil {
		t.Fatalf("watching the ConfigMaps of %s: %v", system.Namespace(), err)
	}
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		t.Fatalf("starting informers: %v", err)
	}
	go controller.StartAll(ctx, impls...)
}

// testLogger logs warnings and errors to stderr ($SKIFF_TEST_LOG_LEVEL,
// e.g. "debug", shows more). Not zaptest: the controllers' goroutines may
// still log after the test has returned.
func testLogger(t *testing.T) *zap.SugaredLogger {
	cfg := zap.NewDevelopmentConfig()
	level := zap.WarnLevel
	if l := os.Getenv("SKIFF_TEST_LOG_LEVEL"); l != "" {
		if err := level.UnmarshalText([]byte(l)); err != nil {
			t.Fatalf("SKIFF_TEST_LOG_LEVEL=%q: %v", l, err)
		}
	}
	cfg.Level = zap.NewAtomicLevelAt(level)
	logger, err := cfg.Build()
	if err != nil {
		t.Fatalf("building a logger: %v", err)
	}
	return logger.Named("controllers").Sugar()
}
