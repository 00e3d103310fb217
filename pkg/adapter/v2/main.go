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

package adapter

import (
	"context"
	"flag"
	"fmt"
	"log"
	"strconv"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/kelseyhightower/envconfig"
	"go.uber.org/zap"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/leaderelection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/reconciler"
	"knative.dev/pkg/signals"
)

// Adapter is the interface source adapters implement: Start runs until ctx
// is done.
type Adapter interface {
	Start(ctx context.Context) error
}

// AdapterConstructor creates an adapter from its environment and the
// CloudEvents client Main built for it.
type AdapterConstructor func(ctx context.Context, env EnvConfigAccessor, client cloudevents.Client) Adapter

// ControllerConstructor creates the controller a multi-tenant adapter
// learns its sources from.
type ControllerConstructor func(ctx context.Context, adapter Adapter) *controller.Impl

// Main runs an adapter until SIGTERM or SIGINT.
func Main(component string, ector EnvConfigConstructor, ctor AdapterConstructor) {
	MainWithContext(signals.NewContext(), component, ector, ctor)
}

// MainWithContext runs an adapter until ctx is done, with its environment
// read by ector.
func MainWithContext(ctx context.Context, component string, ector EnvConfigConstructor, ctor AdapterConstructor) {
	MainWithEnv(ctx, component, ConstructEnvOrDie(ector), ctor)
}

// MainWithEnv sets up the injection clients and informers the adapter
// needs (when it runs a controller or asked for them with
// WithInjectorEnabled), then runs MainWithInformers.
func MainWithEnv(ctx context.Context, component string, env EnvConfigAccessor, ctor AdapterConstructor) {
	if flag.Lookup("disable-ha") == nil {
		flag.Bool("disable-ha", false, "Whether to disable high-availability functionality for this component.")
	}

	if ControllerFromContext(ctx) != nil || IsInjectorEnabled(ctx) {
		ictx, informers := SetupInformers(ctx, env.GetLogger())
		if informers != nil {
			StartInformers(ctx, informers) // non-blocking
		}
		ctx = ictx
	}

	if !flag.Parsed() {
		flag.Parse()
	}
	if b, err := strconv.ParseBool(flag.Lookup("disable-ha").Value.String()); err != nil || b {
		ctx = withHADisabledFlag(ctx)
	}

	MainWithInformers(ctx, component, env, ctor)
}

// MainWithInformers runs an adapter whose informers (if any) are set up:
// logging, metrics and tracing from the environment, the CloudEvents
// client, the optional (leader-elected) controller, health probes, and the
// adapter's Start.
func MainWithInformers(ctx context.Context, component string, env EnvConfigAccessor, ctor AdapterConstructor) {
	if !flag.Parsed() {
		flag.Parse()
	}
	env.SetComponent(component)
	if NamespaceFromContext(ctx) == "" {
		ctx = WithNamespace(ctx, env.GetNamespace())
	}

	logger := env.GetLogger()
	defer flush(logger)
	ctx = logging.WithLogger(ctx, logger)

	setupMetrics(ctx, component, env, logger)
	metrics.MemStatsOrDie(ctx)

	tracer, err := env.SetupTracing(logger)
	if err != nil {
		logger.Warnw("Error setting up tracing", zap.Error(err))
	} else {
		defer tracer.Shutdown(context.Background())
	}

	reporter, err := NewStatsReporter()
	if err != nil {
		logger.Errorw("Error building statsreporter", zap.Error(err))
	}

	clientConfig := ClientConfig{Env: env, Reporter: reporter}
	ctx = withClientConfig(ctx, clientConfig)
	eventsClient, err := NewClient(clientConfig)
	if err != nil {
		logger.Fatalw("Error building cloud event client", zap.Error(err))
	}

	adapter := ctor(ctx, env, eventsClient)

	if !isHADisabledFlag(ctx) && IsHAEnabled(ctx) {
		leConfig, err := env.GetLeaderElectionConfig()
		if err != nil {
			logger.Errorw("Error loading the leader election configuration, using the default", zap.Error(err))
		}
		logger.Infow("Leader election mode enabled", zap.Uint32("buckets", leConfig.Buckets))
		ctx = leaderelection.WithStandardLeaderElectorBuilder(ctx, kubeclient.Get(ctx), *leConfig)
	}

	var wg sync.WaitGroup
	if ctor := ControllerFromContext(ctx); ctor != nil {
		ctrl := ctor(ctx, adapter)
		if leaderelection.HasLeaderElection(ctx) {
			if _, ok := ctrl.Reconciler.(reconciler.LeaderAware); !ok {
				log.Fatalf("%T is not leader-aware, all reconcilers must be leader-aware to enable fine-grained leader election.", ctrl.Reconciler)
			}
		}
		logger.Info("Starting controller")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := controller.StartAll(ctx, ctrl); err != nil {
				logger.Errorw("Controller stopped with an error", zap.Error(err))
			}
		}()
	}

	if !HealthProbesDisabled(ctx) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = injection.ServeHealthProbes(ctx, injection.HealthCheckDefaultPort)
		}()
	}

	if err := adapter.Start(ctx); err != nil {
		logger.Fatalw("Start returned an error", zap.Error(err))
	}
	wg.Wait()
}

// setupMetrics configures the OpenCensus exporter K_METRICS_CONFIG
// describes; without one (no domain), metrics stay in-process.
func setupMetrics(ctx context.Context, component string, env EnvConfigAccessor, logger *zap.SugaredLogger) {
	opts, err := env.GetMetricsConfig()
	if err != nil {
		logger.Errorw("Failed to process metrics options", zap.Error(err))
		return
	}
	if opts == nil || opts.Domain == "" {
		return
	}
	if opts.Component == "" {
		opts.Component = component
	}
	if err := metrics.UpdateExporter(ctx, *opts, logger); err != nil {
		logger.Errorw("Failed to create the metrics exporter", zap.Error(err))
	}
}

// ConstructEnvOrDie fills the adapter's environment struct or panics.
func ConstructEnvOrDie(ector EnvConfigConstructor) EnvConfigAccessor {
	env := ector()
	if err := envconfig.Process("", env); err != nil {
		log.Panicf("Error processing env var: %s", err)
	}
	return env
}

// SetupInformers sets up the injection clients and informers registered
// in this binary, if any.
func SetupInformers(ctx context.Context, logger *zap.SugaredLogger) (context.Context, []controller.Informer) {
	if len(injection.Default.GetInformers()) > 0 || len(injection.Default.GetClients()) > 0 ||
		len(injection.Default.GetDucks()) > 0 || len(injection.Default.GetInformerFactories()) > 0 {
		logger.Infof("Registering %d clients, %d informer factories, %d informers, %d ducks",
			len(injection.Default.GetClients()), len(injection.Default.GetInformerFactories()),
			len(injection.Default.GetInformers()), len(injection.Default.GetDucks()))
		cfg := injection.ParseAndGetRESTConfigOrDie()
		return injection.Default.SetupInformers(ctx, cfg)
	}
	return ctx, nil
}

// StartInformers starts the informers in the background.
func StartInformers(ctx context.Context, informers []controller.Informer) {
	go func() {
		if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
			panic(fmt.Sprint("Failed to start informers - ", err))
		}
		<-ctx.Done()
	}()
}

func flush(logger *zap.SugaredLogger) {
	_ = logger.Sync()
	metrics.FlushExporter()
}
