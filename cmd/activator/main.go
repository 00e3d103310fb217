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

// Command activator holds requests for revisions without ready capacity,
// pokes the autoscaler, and forwards the requests straight to pod IPs as
// soon as pods can take them.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/kelseyhightower/envconfig"
	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/configmap"
	configmapinformer "knative.dev/pkg/configmap/informer"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	pkglogging "knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"
	"knative.dev/pkg/metrics"
	pkgnet "knative.dev/pkg/network"
	"knative.dev/pkg/profiling"
	"knative.dev/pkg/signals"
	"knative.dev/pkg/system"
	"knative.dev/pkg/tracing"
	tracingconfig "knative.dev/pkg/tracing/config"
	"knative.dev/pkg/version"
	"knative.dev/pkg/websocket"

	"github.com/skiffhq/skiff/pkg/activator"
	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	activatorhandler "github.com/skiffhq/skiff/pkg/activator/handler"
	activatornet "github.com/skiffhq/skiff/pkg/activator/net"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/networking"
)

const (
	component = "activator"

	// autoscalerPort is the port of the autoscaler's stat server.
	autoscalerPort = ":8080"
)

type config struct {
	PodName string `split_words:"true" required:"true"`
	PodIP   string `split_words:"true" required:"true"`

	// Keep-alive pool sizes, to raise for large clusters.
	MaxIdleProxyConns        int `split_words:"true" default:"1000"`
	MaxIdleProxyConnsPerHost int `split_words:"true" default:"100"`

	// RevisionQueueDepth is how many requests may wait for capacity of one
	// revision; MaxQueuedRequests how many across all revisions. Beyond,
	// requests get 503 at once: the activator's memory stays bounded. A
	// held request costs ~26 KiB (hack/bench/activator): 10000 fit in the
	// default 600 MiB with room, and one busy revision leaves half of the
	// room to the others.
	RevisionQueueDepth int `split_words:"true" default:"5000"`
	MaxQueuedRequests  int `split_words:"true" default:"10000"`
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	metrics.MemStatsOrDie(ctx)

	cfg := injection.ParseAndGetRESTConfigOrDie()
	ctx, informers := injection.Default.SetupInformers(ctx, cfg)

	var env config
	if err := envconfig.Process("", &env); err != nil {
		log.Fatal("Failed to process env: ", err)
	}

	kubeClient := kubeclient.Get(ctx)
	// We may start before the API server is reachable.
	var err error
	if perr := wait.PollUntilContextTimeout(ctx, time.Second, 60*time.Second, true, func(context.Context) (bool, error) {
		if err = version.CheckMinimumVersion(kubeClient.Discovery()); err != nil {
			log.Print("Failed to get k8s version ", err)
		}
		return err == nil, nil
	}); perr != nil {
		log.Fatal("Timed out attempting to get k8s version: ", err)
	}

	loggingConfig, err := sharedmain.GetLoggingConfig(ctx)
	if err != nil {
		log.Fatal("Error loading/parsing logging configuration: ", err)
	}
	logger, atomicLevel := pkglogging.NewLoggerFromConfig(loggingConfig, component)
	logger = logger.With(zap.String(logkey.ControllerType, component), zap.String(logkey.Pod, env.PodName))
	ctx = pkglogging.WithLogger(ctx, logger)
	defer flush(logger)

	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		logger.Fatalw("Failed to start informers", zap.Error(err))
	}
	logger.Info("Starting the activator")

	// One transport for the probes and the proxy: the connection a probe
	// opened to a new pod carries its first request.
	transport := pkgnet.NewProxyAutoTransport(env.MaxIdleProxyConns, env.MaxIdleProxyConnsPerHost)

	networkCM, err := kubeClient.CoreV1().ConfigMaps(system.Namespace()).Get(ctx, netcfg.ConfigMapName, metav1.GetOptions{})
	if err != nil {
		logger.Fatalw("Failed to fetch network config", zap.Error(err))
	}
	networkConfig, err := netcfg.NewConfigFromConfigMap(networkCM)
	if err != nil {
		logger.Fatalw("Failed to construct network config", zap.Error(err))
	}
	if networkConfig.SystemInternalTLS == netcfg.EncryptionEnabled {
		logger.Warn("system-internal-tls is not supported by this activator; talking plain HTTP to queue-proxy")
	}

	throttler := activatornet.NewThrottler(ctx, env.PodIP,
		activatornet.WithQueueDepth(env.RevisionQueueDepth),
		activatornet.WithQueueLimit(activatornet.NewQueueLimit(env.MaxQueuedRequests)))
	go throttler.Run(ctx, transport, networkConfig.EnableMeshPodAddressability, networkConfig.MeshCompatibilityMode)

	oct := tracing.NewOpenCensusTracer(tracing.WithExporterFull(networking.ActivatorServiceName, env.PodIP, logger))
	defer oct.Shutdown(context.Background())
	tracerUpdater := configmap.TypeFilter(&tracingconfig.Config{})(func(_ string, value any) {
		if err := oct.ApplyConfig(value.(*tracingconfig.Config)); err != nil {
			logger.Errorw("Unable to apply open census tracer config", zap.Error(err))
		}
	})

	configMapWatcher := configmapinformer.NewInformedWatcher(kubeClient, system.Namespace())
	configStore := activatorconfig.NewStore(logger, tracerUpdater)
	configStore.WatchConfigs(configMapWatcher)

	// Buffered: the request path sends the first-request poke here.
	statCh := make(chan []asmetrics.StatMessage, 100)
	defer close(statCh)

	autoscalerEndpoint := "ws://" + pkgnet.GetServiceHostname("autoscaler", system.Namespace()) + autoscalerPort
	logger.Info("Connecting to Autoscaler at ", autoscalerEndpoint)
	statSink := websocket.NewDurableSendingConnection(autoscalerEndpoint, logger)
	defer statSink.Shutdown()
	go activator.ReportStats(logger, statSink, statCh)

	concurrencyReporter := activatorhandler.NewConcurrencyReporter(ctx, env.PodName, statCh)
	go concurrencyReporter.Run(ctx.Done())

	sigCtx := signals.NewContext()
	ah := activatorhandler.NewChain(ctx, activatorhandler.ChainOptions{
		PodName:          env.PodName,
		Throttler:        throttler,
		Transport:        transport,
		UsePassthroughLb: networkConfig.EnableMeshPodAddressability,
		Store:            configStore,
		Reporter:         concurrencyReporter,
		HealthCheck:      newHealthCheck(sigCtx, logger, statSink),
		Logger:           logger,
	})

	profilingHandler := profiling.NewHandler(logger, false)
	configMapWatcher.Watch(pkglogging.ConfigMapName(), pkglogging.UpdateLevelFromConfigMap(logger, atomicLevel, component))
	configMapWatcher.Watch(metrics.ConfigMapName(),
		metrics.ConfigMapWatcher(ctx, component, nil /* SecretFetcher */, logger),
		profilingHandler.UpdateFromConfigMap)
	if err = configMapWatcher.Start(ctx.Done()); err != nil {
		logger.Fatalw("Failed to start configuration manager", zap.Error(err))
	}

	servers := map[string]*http.Server{
		"http1":   pkgnet.NewServer(":"+strconv.Itoa(networking.BackendHTTPPort), ah),
		"h2c":     pkgnet.NewServer(":"+strconv.Itoa(networking.BackendHTTP2Port), ah),
		"profile": profiling.NewServer(profilingHandler),
	}
	errCh := make(chan error, len(servers))
	for name, server := range servers {
		go func(name string, s *http.Server) {
			if err := s.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errCh <- fmt.Errorf("%s server failed: %w", name, err)
			}
		}(name, server)
	}

	select {
	case <-sigCtx.Done():
		logger.Info("Received SIGTERM")
	case err := <-errCh:
		logger.Errorw("Failed to run HTTP server", zap.Error(err))
	}

	// Readiness now fails; let Kubernetes take us out of the Endpoints
	// before refusing requests.
	logger.Infof("Sleeping %v to allow K8s propagation of non-ready state", pkgnet.DefaultDrainTimeout)
	time.Sleep(pkgnet.DefaultDrainTimeout)
	for _, server := range servers {
		server.Shutdown(context.Background())
	}
	logger.Info("Servers shutdown.")
}

// newHealthCheck fails readiness once SIGTERM arrived, and while there is
// no connection to the autoscaler (requests would wait for a scale-up that
// nobody hears about).
func newHealthCheck(sigCtx context.Context, logger *zap.SugaredLogger, statSink *websocket.ManagedConnection) func() error {
	once := sync.Once{}
	return func() error {
		select {
		case <-sigCtx.Done():
			once.Do(func() { logger.Info("Signal context canceled") })
			return errors.New("received SIGTERM from kubelet")
		default:
			return statSink.Status()
		}
	}
}

func flush(logger *zap.SugaredLogger) {
	logger.Sync()
	os.Stdout.Sync()
	os.Stderr.Sync()
	metrics.FlushExporter()
}
