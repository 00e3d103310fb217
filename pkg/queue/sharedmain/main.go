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

// Package sharedmain is queue-proxy's main: it reads the environment the
// revision reconciler sets, composes the handlers of package queue and runs
// the servers until SIGTERM, then drains.
package sharedmain

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/kelseyhightower/envconfig"
	"go.opencensus.io/plugin/ochttp"
	"go.uber.org/automaxprocs/maxprocs"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	netstats "knative.dev/networking/pkg/http/stats"
	pkglogging "knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"
	"knative.dev/pkg/metrics"
	pkgnet "knative.dev/pkg/network"
	"knative.dev/pkg/profiling"
	"knative.dev/pkg/signals"
	"knative.dev/pkg/tracing"
	tracingconfig "knative.dev/pkg/tracing/config"
	"knative.dev/pkg/tracing/propagation/tracecontextb3"

	"github.com/skiffhq/skiff/pkg/queue"
	"github.com/skiffhq/skiff/pkg/queue/certificate"
	"github.com/skiffhq/skiff/pkg/queue/readiness"
)

const (
	// reportingPeriod is the interval of time between reporting stats by queue proxy.
	reportingPeriod = 1 * time.Second

	// certPath is the path for the server certificate mounted by queue-proxy.
	certPath = queue.CertDirectory + "/tls.crt"

	// keyPath is the path for the server certificate key mounted by queue-proxy.
	keyPath = queue.CertDirectory + "/tls.key"

	// PodInfoAnnotationsPath is an exported path for the annotations file
	// This path is used by QP Options (Extensions).
	PodInfoAnnotationsPath = queue.PodInfoDirectory + "/" + queue.PodInfoAnnotationsFilename

	// QPOptionTokenDirPath is a directory for per audience tokens
	// This path is used by QP Options (Extensions) as <QPOptionTokenDirPath>/<Audience>
	QPOptionTokenDirPath = queue.TokenDirectory
)

// config is queue-proxy's environment, with upstream's variable names (see
// serving pkg/reconciler/revision/resources/queue.go, which sets them).
type config struct {
	ContainerConcurrency                int    `split_words:"true" required:"true"`
	QueueServingPort                    string `split_words:"true" required:"true"`
	QueueServingTLSPort                 string `split_words:"true"` // optional in Skiff (TLS is off without certs)
	UserPort                            string `split_words:"true" required:"true"`
	RevisionTimeoutSeconds              int    `split_words:"true" required:"true"`
	RevisionResponseStartTimeoutSeconds int    `split_words:"true"` // optional
	RevisionIdleTimeoutSeconds          int    `split_words:"true"` // optional
	ServingReadinessProbe               string `split_words:"true"` // optional
	EnableProfiling                     bool   `split_words:"true"` // optional
	// See https://github.com/knative/serving/issues/12387
	EnableHTTPFullDuplex       bool `split_words:"true"`                      // optional
	EnableHTTP2AutoDetection   bool `envconfig:"ENABLE_HTTP2_AUTO_DETECTION"` // optional
	EnableMultiContainerProbes bool `split_words:"true"`                      // optional

	// Logging configuration (optional in Skiff: zap's production defaults).
	ServingLoggingConfig         string `split_words:"true"`
	ServingLoggingLevel          string `split_words:"true"`
	ServingRequestLogTemplate    string `split_words:"true"` // optional
	ServingEnableRequestLog      bool   `split_words:"true"` // optional
	ServingEnableProbeRequestLog bool   `split_words:"true"` // optional

	// Metrics configuration
	ServingRequestMetricsBackend                string `split_words:"true"` // optional
	ServingRequestMetricsReportingPeriodSeconds int    `split_words:"true"` // optional
	MetricsCollectorAddress                     string `split_words:"true"` // optional

	// Tracing configuration
	TracingConfigDebug          bool                      `split_words:"true"` // optional
	TracingConfigBackend        tracingconfig.BackendType `split_words:"true"` // optional
	TracingConfigSampleRate     float64                   `split_words:"true"` // optional
	TracingConfigZipkinEndpoint string                    `split_words:"true"` // optional

	// Skiff extensions, all optional. Ports are fixed in a pod; these let
	// benchmarks and tests run queue-proxy beside other processes.
	QueueAdminPort   int           `envconfig:"SKIFF_QUEUE_ADMIN_PORT" default:"8022"`
	QueueMetricsPort int           `envconfig:"SKIFF_QUEUE_METRICS_PORT" default:"9090"`
	BindAddress      string        `envconfig:"SKIFF_QUEUE_BIND_ADDRESS"`
	DrainQuietPeriod time.Duration `envconfig:"SKIFF_DRAIN_QUIET_PERIOD" default:"30s"`

	Env
}

// Env exposes parsed QP environment variables for use by Options (QP Extensions)
type Env struct {
	// ServingNamespace is the namespace in which the service is defined
	ServingNamespace string `split_words:"true" required:"true"`

	// ServingService is the name of the service served by this pod
	ServingService string `split_words:"true"` // optional

	// ServingConfiguration is the name of service configuration served by this pod
	ServingConfiguration string `split_words:"true" required:"true"`

	// ServingRevision is the name of service revision served by this pod
	ServingRevision string `split_words:"true" required:"true"`

	// ServingPod is the pod name
	ServingPod string `split_words:"true" required:"true"`

	// ServingPodIP is the pod ip address
	ServingPodIP string `split_words:"true" required:"true"`
}

// Defaults provides Options (QP Extensions) with the default behaviour of
// QP. Options may replace Ctx and Transport; the new values are used by the
// Options called next and by QP.
type Defaults struct {
	// Logger is QP's logger; Options should not modify it.
	Logger *zap.SugaredLogger

	// Env exposes parsed QP environment variables; Options should not
	// modify it.
	Env Env

	// Ctx is QP's context; it ends on SIGTERM.
	Ctx context.Context

	// Transport is the RoundTripper to the user container.
	Transport http.RoundTripper
}

// Option is a QP extension.
type Option func(*Defaults)

func init() {
	maxprocs.Set() //nolint:errcheck // best effort, as upstream
}

// Main runs queue-proxy until SIGTERM (then drains) or a server fails.
func Main(opts ...Option) error {
	d := Defaults{Ctx: signals.NewContext()}

	var env config
	if err := envconfig.Process("", &env); err != nil {
		// No logger yet: its configuration is part of the environment.
		fmt.Fprintln(os.Stderr, "queue-proxy: invalid environment:", err)
		return err
	}
	d.Env = env.Env

	logger, _ := pkglogging.NewLogger(env.ServingLoggingConfig, env.ServingLoggingLevel)
	logger = logger.Named("queueproxy").With(
		zap.String(logkey.Key, types.NamespacedName{Namespace: env.ServingNamespace, Name: env.ServingRevision}.String()),
		zap.String(logkey.Pod, env.ServingPod))
	defer flush(logger)

	d.Logger = logger
	d.Transport = buildTransport(env)

	if env.TracingConfigBackend != "" && env.TracingConfigBackend != tracingconfig.None {
		oct := tracing.NewOpenCensusTracer(tracing.WithExporterFull(env.ServingPod, env.ServingPodIP, logger))
		if err := oct.ApplyConfig(&tracingconfig.Config{
			Backend:        env.TracingConfigBackend,
			Debug:          env.TracingConfigDebug,
			ZipkinEndpoint: env.TracingConfigZipkinEndpoint,
			SampleRate:     env.TracingConfigSampleRate,
		}); err != nil {
			logger.Errorw("Failed to apply tracing config; tracing is off", zap.Error(err))
		}
		defer oct.Shutdown(context.Background()) //nolint:errcheck // exiting anyway
	}

	for _, opt := range opts {
		opt(&d)
	}

	// Report stats on Go memory usage every 30 seconds.
	metrics.MemStatsOrDie(d.Ctx)

	lns, err := listen(env, logger)
	if err != nil {
		logger.Errorw("Failed to bring up queue-proxy, shutting down.", zap.Error(err))
		return err
	}
	qp := newQueueProxy(d.Ctx, env, d.Transport, logger)
	logger.Info("Starting queue-proxy")
	if err := qp.run(d.Ctx, lns); err != nil {
		logger.Errorw("Failed to bring up queue-proxy, shutting down.", zap.Error(err))
		return err
	}
	return nil
}

// listeners are the sockets queue-proxy serves; nil ones are not served.
type listeners struct {
	main, tls, admin, metrics, profiling net.Listener
}

func (l listeners) closeAll() {
	for _, ln := range []net.Listener{l.main, l.tls, l.admin, l.metrics, l.profiling} {
		if ln != nil {
			ln.Close()
		}
	}
}

// listen opens the ports before anything is served, so a port conflict is
// reported at once and a probe never finds a half-started queue-proxy.
func listen(env config, logger *zap.SugaredLogger) (listeners, error) {
	var lns listeners
	open := func(port string) (net.Listener, error) {
		ln, err := net.Listen("tcp", net.JoinHostPort(env.BindAddress, port))
		if err != nil {
			lns.closeAll()
			return nil, fmt.Errorf("listening on port %s: %w", port, err)
		}
		return ln, nil
	}
	var err error
	if lns.main, err = open(env.QueueServingPort); err != nil {
		return lns, err
	}
	if lns.admin, err = open(strconv.Itoa(env.QueueAdminPort)); err != nil {
		return lns, err
	}
	if lns.metrics, err = open(strconv.Itoa(env.QueueMetricsPort)); err != nil {
		return lns, err
	}
	if env.EnableProfiling {
		port := os.Getenv(profiling.ProfilingPortKey)
		if port == "" {
			port = strconv.Itoa(profiling.ProfilingPort)
		}
		if lns.profiling, err = open(port); err != nil {
			return lns, err
		}
	}
	// TLS is served when the activator's certificates are mounted; plain
	// HTTP stays on, as upstream (knative/serving#12808).
	if env.QueueServingTLSPort != "" && exists(logger, certPath) && exists(logger, keyPath) {
		if lns.tls, err = open(env.QueueServingTLSPort); err != nil {
			return lns, err
		}
	}
	return lns, nil
}

// queueProxy is the composed queue-proxy: handlers plus the state they share.
type queueProxy struct {
	env      config
	logger   *zap.SugaredLogger
	stats    *netstats.RequestStats
	reporter *queue.ProtobufStatsReporter
	drainer  *queue.Drainer
	probe    *readiness.Probe // nil without SERVING_READINESS_PROBE

	main, admin, metrics http.Handler
}

func newQueueProxy(ctx context.Context, env config, transport http.RoundTripper, logger *zap.SugaredLogger) *queueProxy {
	qp := &queueProxy{
		env:    env,
		logger: logger,
		stats:  netstats.NewRequestStats(time.Now()),
		reporter: queue.NewProtobufStatsReporter(env.ServingPod, reportingPeriod,
			queue.WithRevisionLabels(env.ServingNamespace, env.ServingConfiguration, env.ServingRevision)),
	}

	// The user container's readiness, as its readiness probe says.
	prober := func() bool { return true }
	if env.ServingReadinessProbe != "" {
		qp.probe = buildProbe(logger, env.ServingReadinessProbe, env.EnableHTTP2AutoDetection, env.EnableMultiContainerProbes)
		prober = qp.probe.ProbeContainer
	}

	qp.main, qp.drainer = mainHandler(ctx, env, transport, prober, qp.stats, logger)
	qp.admin = adminHandler(ctx, logger, qp.drainer, prober)
	qp.metrics = metricsHandler(qp.reporter)
	return qp
}

// run serves lns until ctx ends, then drains: probes fail at once, Drain
// waits for QuietPeriod without new requests, the serving ports close, and
// run returns when every in-flight request has finished.
func (qp *queueProxy) run(ctx context.Context, lns listeners) error {
	logger := qp.logger

	// Report stats to the autoscaler every reporting period.
	reportCtx, stopReporting := context.WithCancel(context.Background())
	defer stopReporting()
	go qp.reportStats(reportCtx, time.NewTicker(reportingPeriod))

	// Start probing the user container right away: a kubelet or activator
	// probe arriving later joins the run in progress, so the pod is Ready
	// as soon as the app listens.
	if qp.probe != nil {
		go qp.probe.ProbeContainer()
	}

	mainSrv := mainServer(qp.main)
	servers := map[string]*http.Server{
		"main":    mainSrv,
		"admin":   adminServer(qp.admin),
		"metrics": metricsServer(qp.metrics),
	}
	serve := map[string]net.Listener{"main": lns.main, "admin": lns.admin, "metrics": lns.metrics}
	if lns.profiling != nil {
		servers["profile"] = profiling.NewServer(profiling.NewHandler(logger, true))
		serve["profile"] = lns.profiling
	}
	var certWatcher *certificate.CertWatcher
	if lns.tls != nil {
		var err error
		certWatcher, err = certificate.NewCertWatcher(certPath, keyPath, time.Minute, logger)
		if err != nil {
			lns.closeAll()
			return fmt.Errorf("loading TLS certificate: %w", err)
		}
		defer certWatcher.Stop()
		tlsSrv := mainServer(qp.main)
		tlsSrv.TLSConfig = &tls.Config{
			GetCertificate: certWatcher.GetCertificate,
			MinVersion:     tls.VersionTLS13,
			NextProtos:     []string{"h2", "http/1.1"},
		}
		servers["tls"] = tlsSrv
		serve["tls"] = tls.NewListener(lns.tls, tlsSrv.TLSConfig)
	}

	errCh := make(chan error, len(servers))
	for name, srv := range servers {
		ln := serve[name]
		logger.Infow("Starting server", zap.String("server", name), zap.String("address", ln.Addr().String()))
		go func() {
			// ErrServerClosed means we are already shutting down.
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errCh <- fmt.Errorf("%s server failed to serve: %w", name, err)
			}
		}()
	}

	select {
	case err := <-errCh:
		for _, srv := range servers {
			srv.Close()
		}
		return err
	case <-ctx.Done():
	}

	logger.Infof("Received TERM signal, draining: probes fail now, waiting for %v without requests", qp.drainer.QuietPeriod)
	qp.drainer.Drain()

	// Stop accepting on the serving ports and let in-flight requests finish.
	// http.Server.Shutdown does not wait for hijacked connections (h2c
	// streams, websockets), so the drainer's in-flight count decides.
	var wg sync.WaitGroup
	for _, name := range []string{"main", "tls"} {
		if srv, ok := servers[name]; ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := srv.Shutdown(context.Background()); err != nil {
					logger.Errorw("Failed to shutdown server", zap.String("server", name), zap.Error(err))
				}
			}()
		}
	}
	wg.Wait()
	if err := qp.drainer.WaitForInFlight(context.Background()); err != nil {
		logger.Errorw("Failed waiting for in-flight requests", zap.Error(err))
	}
	for _, name := range []string{"admin", "metrics", "profile"} {
		if srv, ok := servers[name]; ok {
			if err := srv.Shutdown(context.Background()); err != nil {
				logger.Errorw("Failed to shutdown server", zap.String("server", name), zap.Error(err))
			}
		}
	}
	logger.Info("Shutdown complete, exiting...")
	return nil
}

// reportStats turns the request statistics of each period into the Stat the
// autoscaler scrapes.
func (qp *queueProxy) reportStats(ctx context.Context, ticker *time.Ticker) {
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			qp.reporter.Report(qp.stats.Report(now))
		}
	}
}

func exists(logger *zap.SugaredLogger, filename string) bool {
	_, err := os.Stat(filename)
	if err != nil && !os.IsNotExist(err) {
		logger.Fatalw(fmt.Sprintf("Failed to verify the file path %q", filename), zap.Error(err))
	}
	return err == nil
}

func buildProbe(logger *zap.SugaredLogger, encodedProbe string, autodetectHTTP2, multiContainerProbes bool) *readiness.Probe {
	coreProbes, err := readiness.DecodeProbes(encodedProbe, multiContainerProbes)
	if err != nil {
		logger.Fatalw("Queue container failed to parse readiness probe", zap.Error(err))
	}
	opts := []readiness.Option{readiness.WithLogger(logger)}
	if autodetectHTTP2 {
		opts = append(opts, readiness.WithHTTP2AutoDetection())
	}
	return readiness.NewProbe(coreProbes, opts...)
}

// buildTransport returns the transport to the user container: keep-alive
// connections (one idle connection per allowed concurrent request), with
// Skiff's goroutine-free fast path for bodiless idempotent requests and
// upstream's auto transport (HTTP/1 or h2c following the incoming request's
// protocol, no compression) for the rest.
func buildTransport(env config) http.RoundTripper {
	maxIdleConns := 1000 // TODO: somewhat arbitrary value for CC=0, as upstream.
	if env.ContainerConcurrency > 0 {
		maxIdleConns = env.ContainerConcurrency
	}
	transport := queue.NewUserContainerTransport(net.JoinHostPort("127.0.0.1", env.UserPort), maxIdleConns,
		pkgnet.NewProxyAutoTransport(maxIdleConns, maxIdleConns))
	if env.TracingConfigBackend == "" || env.TracingConfigBackend == tracingconfig.None {
		return transport
	}
	return &ochttp.Transport{
		Base:        transport,
		Propagation: tracecontextb3.TraceContextB3Egress,
	}
}

func flush(logger *zap.SugaredLogger) {
	logger.Sync() //nolint:errcheck // nothing to do about it
	os.Stdout.Sync()
	os.Stderr.Sync()
	metrics.FlushExporter()
}
