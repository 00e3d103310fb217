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

// Package dataplane runs a broker data-plane binary (broker-ingress,
// broker-filter): injection informers, logging and observability from
// their ConfigMaps (watched), and an HTTP receiver that drains on SIGTERM.
// It is what upstream's cmd/broker/{ingress,filter}/main.go do inline, so
// Skiff's mains stay a dozen lines.
package dataplane

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/profiling"
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// Env is what the Deployment passes in the environment.
type Env struct {
	// PodName (POD_NAME) and ContainerName (CONTAINER_NAME) name the
	// metrics reporter, as upstream.
	PodName       string
	ContainerName string
	// Port (INGRESS_PORT or FILTER_PORT, default 8080) serves events.
	Port int
	// MaxTTL (MAX_TTL, default 255) is the ingress's initial TTL.
	MaxTTL int32
}

// ReporterName is a unique name for this process's metrics reporter.
func (e Env) ReporterName() string {
	return kmeta.ChildName(e.PodName, uuid.New().String())
}

func envInt(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
		log.Fatalf("%s=%q must be a positive integer", name, v)
	}
	return def
}

func envString(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// BuildFunc composes the handler once the informers exist in ctx.
type BuildFunc func(ctx context.Context, logger *zap.Logger, env Env) (http.Handler, error)

// Main runs component: portEnv names its port variable.
func Main(component, portEnv string, build BuildFunc) {
	kncloudevents.TuneGC()
	env := Env{
		PodName:       envString("POD_NAME", component),
		ContainerName: envString("CONTAINER_NAME", component),
		Port:          envInt(portEnv, 8080),
		MaxTTL:        int32(envInt("MAX_TTL", 255)),
	}
	ctx := signals.NewContext()
	cfg := injection.ParseAndGetRESTConfigOrDie()
	ctx = injection.WithConfig(ctx, cfg)
	ctx, informers := injection.Default.SetupInformers(ctx, cfg)

	sl, atomicLevel := sharedmain.SetupLoggerOrDie(ctx, component)
	defer func() { _ = sl.Sync() }()
	ctx = logging.WithLogger(ctx, sl)
	logger := sl.Desugar()

	cmw := sharedmain.SetupConfigMapWatchOrDie(ctx, sl)
	sharedmain.WatchLoggingConfigOrDie(ctx, cmw, sl, atomicLevel, component)
	sharedmain.WatchObservabilityConfigOrDie(ctx, cmw, profiling.NewHandler(sl, false), sl, component)

	handler, err := build(ctx, logger, env)
	if err != nil {
		logger.Fatal("Building the handler", zap.Error(err))
	}
	if err := cmw.Start(ctx.Done()); err != nil {
		logger.Fatal("Starting the ConfigMap watcher", zap.Error(err))
	}
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		logger.Fatal("Starting informers", zap.Error(err))
	}
	logger.Info(fmt.Sprintf("Starting %s on :%d", component, env.Port))
	if err := kncloudevents.NewHTTPEventReceiver(env.Port, handler, nil).StartListen(ctx); err != nil {
		logger.Fatal("Serving", zap.Error(err))
	}
}
