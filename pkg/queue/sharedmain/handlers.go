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

package sharedmain

import (
	"context"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"go.uber.org/zap"
	netheader "knative.dev/networking/pkg/http/header"
	netproxy "knative.dev/networking/pkg/http/proxy"
	netstats "knative.dev/networking/pkg/http/stats"
	pkgmetrics "knative.dev/pkg/metrics"
	"knative.dev/pkg/tracing"
	tracingconfig "knative.dev/pkg/tracing/config"

	"github.com/skiffhq/skiff/pkg/queue"
	"github.com/skiffhq/skiff/pkg/queue/health"
)

// mainHandler composes the serving port's handler chain. Innermost first:
//
//	reverse proxy → [app metrics] → ProxyHandler (stats, breaker) →
//	ForwardedShim → timeouts → [request metrics] → [tracing] →
//	[full duplex] → Drainer (probes, drain) → [request log]
func mainHandler(
	ctx context.Context,
	env config,
	transport http.RoundTripper,
	prober func() bool,
	stats *netstats.RequestStats,
	logger *zap.SugaredLogger,
) (http.Handler, *queue.Drainer) {
	target := net.JoinHostPort("127.0.0.1", env.UserPort)

	httpProxy := queue.NewHeaderPruningReverseProxy(target, queue.NoHostOverride, queue.RevisionHeaders, false /* use HTTP */)
	httpProxy.Transport = transport
	httpProxy.ErrorHandler = queue.ProxyErrorHandler(logger)
	httpProxy.BufferPool = queue.NewBufferPool()
	httpProxy.FlushInterval = netproxy.FlushInterval

	breaker := buildBreaker(logger, env)
	tracingEnabled := env.TracingConfigBackend != "" && env.TracingConfigBackend != tracingconfig.None
	timeout := time.Duration(env.RevisionTimeoutSeconds) * time.Second
	responseStartTimeout := time.Duration(env.RevisionResponseStartTimeoutSeconds) * time.Second
	idleTimeout := time.Duration(env.RevisionIdleTimeoutSeconds) * time.Second

	var composedHandler http.Handler = httpProxy
	metricsSupported := supportsMetrics(ctx, logger, env)
	if metricsSupported {
		composedHandler = requestAppMetricsHandler(logger, composedHandler, breaker, env)
	}
	composedHandler = queue.ProxyHandler(breaker, stats, tracingEnabled, composedHandler)
	composedHandler = queue.ForwardedShimHandler(composedHandler)
	composedHandler = queue.NewTimeoutHandler(composedHandler, "request timeout", func(*http.Request) (time.Duration, time.Duration, time.Duration) {
		return timeout, responseStartTimeout, idleTimeout
	})
	if metricsSupported {
		composedHandler = requestMetricsHandler(logger, composedHandler, env)
	}
	if tracingEnabled {
		composedHandler = tracing.HTTPSpanMiddleware(composedHandler)
	}
	composedHandler = withFullDuplex(composedHandler, env.EnableHTTPFullDuplex, logger)

	drainer := &queue.Drainer{
		QuietPeriod: env.DrainQuietPeriod,
		// The activator and autoscaler probe pods directly; answer them here.
		HealthCheckUAPrefixes: []string{netheader.ActivatorUserAgent, netheader.AutoscalingUserAgent},
		Inner:                 composedHandler,
		HealthCheck:           health.ProbeHandler(prober, tracingEnabled),
	}
	composedHandler = drainer

	if env.ServingEnableRequestLog {
		// Outermost, so probes are logged too when enabled.
		composedHandler = requestLogHandler(logger, composedHandler, env)
	}
	return composedHandler, drainer
}

// adminHandler serves the drain endpoint (the user container's preStop hook
// calls it) and a header-less health endpoint.
func adminHandler(ctx context.Context, logger *zap.SugaredLogger, drainer *queue.Drainer, prober func() bool) http.Handler {
	mux := http.NewServeMux()
	drain := func(w http.ResponseWriter, r *http.Request) {
		logger.Infow("Attached drain handler from user-container", zap.String("path", r.URL.Path))
		go func() {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
				// No TERM signal: the pod is not terminating, the user
				// container is being restarted (e.g. by its liveness
				// probe). Do not block that, and keep serving.
				drainer.Reset()
			}
		}()
		drainer.Drain()
		w.WriteHeader(http.StatusOK)
	}
	mux.HandleFunc(queue.RequestQueueDrainPath, drain)
	mux.HandleFunc(queue.RequestQueueDrainAliasPath, drain)

	healthCheck := health.ProbeHandler(prober, false)
	mux.HandleFunc(queue.RequestQueueHealthPath, func(w http.ResponseWriter, r *http.Request) {
		if drainer.Draining() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		healthCheck(w, r)
	})
	return mux
}

// metricsHandler serves the autoscaler's Stat.
func metricsHandler(reporter *queue.ProtobufStatsReporter) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", queue.NewStatsHandler(reporter))
	return mux
}

func buildBreaker(logger *zap.SugaredLogger, env config) *queue.Breaker {
	if env.ContainerConcurrency < 1 {
		return nil
	}
	// The queue depth is 10 × containerConcurrency, to give the autoscaler
	// time to react.
	params := queue.BreakerParams{
		QueueDepth:      10 * env.ContainerConcurrency,
		MaxConcurrency:  env.ContainerConcurrency,
		InitialCapacity: env.ContainerConcurrency,
	}
	logger.Infof("Queue container is starting with BreakerParams = %#v", params)
	return queue.NewBreaker(params)
}

func supportsMetrics(ctx context.Context, logger *zap.SugaredLogger, env config) bool {
	if env.ServingRequestMetricsBackend == "" {
		return false
	}
	if err := setupMetricsExporter(ctx, logger, env.ServingRequestMetricsBackend, env.ServingRequestMetricsReportingPeriodSeconds, env.MetricsCollectorAddress); err != nil {
		logger.Errorw("Error setting up request metrics exporter. Request metrics will be unavailable.", zap.Error(err))
		return false
	}
	return true
}

func requestLogHandler(logger *zap.SugaredLogger, currentHandler http.Handler, env config) http.Handler {
	revInfo := &queue.RequestLogRevision{
		Name:          env.ServingRevision,
		Namespace:     env.ServingNamespace,
		Service:       env.ServingService,
		Configuration: env.ServingConfiguration,
		PodName:       env.ServingPod,
		PodIP:         env.ServingPodIP,
	}
	handler, err := queue.NewRequestLogHandler(currentHandler, os.Stdout, env.ServingRequestLogTemplate, revInfo, env.ServingEnableProbeRequestLog)
	if err != nil {
		logger.Errorw("Error setting up request logger. Request logs will be unavailable.", zap.Error(err))
		return currentHandler
	}
	return handler
}

func requestMetricsHandler(logger *zap.SugaredLogger, currentHandler http.Handler, env config) http.Handler {
	h, err := queue.NewRequestMetricsHandler(currentHandler, env.ServingNamespace,
		env.ServingService, env.ServingConfiguration, env.ServingRevision, env.ServingPod)
	if err != nil {
		logger.Errorw("Error setting up request metrics reporter. Request metrics will be unavailable.", zap.Error(err))
		return currentHandler
	}
	return h
}

func requestAppMetricsHandler(logger *zap.SugaredLogger, currentHandler http.Handler, breaker *queue.Breaker, env config) http.Handler {
	h, err := queue.NewAppRequestMetricsHandler(currentHandler, breaker, env.ServingNamespace,
		env.ServingService, env.ServingConfiguration, env.ServingRevision, env.ServingPod)
	if err != nil {
		logger.Errorw("Error setting up app request metrics reporter. Request metrics will be unavailable.", zap.Error(err))
		return currentHandler
	}
	return h
}

// setupMetricsExporter exports request metrics under the "revision"
// component (revision_request_count, ...), on :9091 for Prometheus.
func setupMetricsExporter(ctx context.Context, logger *zap.SugaredLogger, backend string, reportingPeriod int, collectorAddress string) error {
	promPort := queue.UserQueueMetricsPort
	if os.Getenv("METRICS_PROMETHEUS_PORT") != "" {
		promPort = 0 // knative.dev/pkg/metrics reads the variable itself
	}
	ops := pkgmetrics.ExporterOptions{
		Domain:         pkgmetrics.Domain(),
		Component:      "revision",
		PrometheusPort: promPort,
		ConfigMap: map[string]string{
			pkgmetrics.BackendDestinationKey:   backend,
			"metrics.opencensus-address":       collectorAddress,
			"metrics.reporting-period-seconds": strconv.Itoa(reportingPeriod),
		},
	}
	return pkgmetrics.UpdateExporter(ctx, ops, logger)
}

func withFullDuplex(h http.Handler, enableFullDuplex bool, logger *zap.SugaredLogger) http.Handler {
	if !enableFullDuplex {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.EnableFullDuplex(); err != nil {
			logger.Errorw("Unable to enable full duplex", zap.Error(err))
		}
		h.ServeHTTP(w, r)
	})
}
