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

// Package activatortest runs the activator's request path on loopback for
// tests and benchmarks: the activator's handler chain and throttler over
// fake Kubernetes informers, and "pods" made of pkg/queue's queue-proxy
// handlers in front of an app. Endpoints are set by hand, as the
// Kubernetes endpoints controller would.
package activatortest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	netheader "knative.dev/networking/pkg/http/header"
	netproxy "knative.dev/networking/pkg/http/proxy"
	netstats "knative.dev/networking/pkg/http/stats"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/service/fake"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"
	pkgnet "knative.dev/pkg/network"
	"knative.dev/pkg/ptr"

	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	activatorhandler "github.com/skiffhq/skiff/pkg/activator/handler"
	activatornet "github.com/skiffhq/skiff/pkg/activator/net"
	pkgnetworking "github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	fakeservingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	"github.com/skiffhq/skiff/pkg/networking"
	"github.com/skiffhq/skiff/pkg/queue"
	"github.com/skiffhq/skiff/pkg/queue/health"
	"github.com/skiffhq/skiff/pkg/queue/readiness"
	"github.com/skiffhq/skiff/pkg/reconciler/serverlessservice/resources/names"
)

// Options configure a Platform.
type Options struct {
	// RevisionQueueDepth and MaxQueuedRequests bound the waiting requests
	// (see activatornet.WithQueueDepth and WithQueueLimit); 0 keeps the
	// defaults.
	RevisionQueueDepth int
	MaxQueuedRequests  int
	// ProbeTiming, if set, replaces the default probing of pods
	// (activatornet.WithProbeTiming): {timeout, min, max interval}.
	ProbeTiming *[3]time.Duration
	// OnStat is called with every batch of stats the activator reports.
	OnStat func([]asmetrics.StatMessage)
	Logger *zap.SugaredLogger
}

// Platform is an activator on loopback with fake Kubernetes around it.
type Platform struct {
	// URL is the activator's "http://127.0.0.1:port".
	URL       string
	Throttler *activatornet.Throttler
	Kube      kubernetes.Interface
	Serving   versioned.Interface

	ctx    context.Context
	cancel context.CancelFunc
	server *http.Server
	wg     sync.WaitGroup
	// endpoints remembers the Endpoints set so far, by revision.
	mu        sync.Mutex
	endpoints map[types.NamespacedName]*corev1.Endpoints
}

// Start starts an activator.
func Start(o Options) (*Platform, error) {
	logger := o.Logger
	if logger == nil {
		logger = zap.NewNop().Sugar()
	}
	ctx, cancel := context.WithCancel(logging.WithLogger(context.Background(), logger))
	ctx, informers := injection.Fake.SetupInformers(ctx, &rest.Config{})
	p := &Platform{
		ctx:       ctx,
		cancel:    cancel,
		Kube:      fakekubeclient.Get(ctx),
		Serving:   fakeservingclient.Get(ctx),
		endpoints: map[types.NamespacedName]*corev1.Endpoints{},
	}

	var opts []activatornet.ThrottlerOption
	if o.RevisionQueueDepth > 0 {
		opts = append(opts, activatornet.WithQueueDepth(o.RevisionQueueDepth))
	}
	if o.MaxQueuedRequests > 0 {
		opts = append(opts, activatornet.WithQueueLimit(activatornet.NewQueueLimit(o.MaxQueuedRequests)))
	}
	if t := o.ProbeTiming; t != nil {
		opts = append(opts, activatornet.WithProbeTiming(t[0], t[1], t[2]))
	}
	p.Throttler = activatornet.NewThrottler(ctx, "10.0.0.1", opts...)
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		cancel()
		return nil, fmt.Errorf("starting informers: %w", err)
	}

	transport := pkgnet.NewProxyAutoTransport(1000, 100)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.Throttler.Run(ctx, transport, false, netcfg.MeshCompatibilityModeDisabled)
	}()

	statCh := make(chan []asmetrics.StatMessage, 100)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case sms := <-statCh:
				if o.OnStat != nil {
					o.OnStat(sms)
				}
			}
		}
	}()
	reporter := activatorhandler.NewConcurrencyReporter(ctx, "activator-test", statCh)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		reporter.Run(ctx.Done())
	}()

	h := activatorhandler.NewChain(ctx, activatorhandler.ChainOptions{
		PodName:     "activator-test",
		Throttler:   p.Throttler,
		Transport:   transport,
		Store:       activatorconfig.NewStore(logger),
		Reporter:    reporter,
		HealthCheck: func() error { return nil },
		Logger:      logger,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, err
	}
	p.URL = "http://" + ln.Addr().String()
	p.server = pkgnet.NewServer(ln.Addr().String(), h)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.server.Serve(ln)
	}()
	return p, nil
}

// Close stops the activator.
func (p *Platform) Close() {
	p.server.Close()
	p.cancel()
	p.wg.Wait()
}

// RevisionOptions describe a Revision.
type RevisionOptions struct {
	ContainerConcurrency int64
	// TimeoutSeconds defaults to 300 (the revision default).
	TimeoutSeconds int64
}

// AddRevision creates a Revision and waits until the activator knows it.
func (p *Platform) AddRevision(ns, name string, o RevisionOptions) error {
	rev := &v1.Revision{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ns,
			Name:      name,
			UID:       types.UID(name + "-uid"),
			Labels: map[string]string{
				serving.ConfigurationLabelKey: "cfg",
				serving.ServiceLabelKey:       "svc",
			},
		},
		Spec: v1.RevisionSpec{
			ContainerConcurrency: ptr.Int64(o.ContainerConcurrency),
		},
	}
	if o.TimeoutSeconds > 0 {
		rev.Spec.TimeoutSeconds = ptr.Int64(o.TimeoutSeconds)
	}
	rev.Spec.Containers = []corev1.Container{{Image: "app"}}
	if _, err := p.Serving.ServingV1().Revisions(ns).Create(p.ctx, rev, metav1.CreateOptions{}); err != nil {
		return err
	}
	// The informer delivers it asynchronously.
	lister := revisioninformer.Get(p.ctx).Lister()
	for {
		if _, err := lister.Revisions(ns).Get(name); !apierrors.IsNotFound(err) {
			return err
		}
		select {
		case <-p.ctx.Done():
			return p.ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// SetEndpoints sets the revision's private Endpoints to the given pods,
// ready or not, as the endpoints controller would.
func (p *Platform) SetEndpoints(ns, rev string, ready, notReady []*Pod) error {
	key := types.NamespacedName{Namespace: ns, Name: rev}
	eps := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ns,
			Name:      names.PrivateService(rev),
			Labels: map[string]string{
				serving.RevisionLabelKey:  rev,
				serving.RevisionUID:       rev + "-uid",
				networking.ServiceTypeKey: string(networking.ServiceTypePrivate),
			},
		},
	}
	// One subset per pod: every pod listens on its own loopback port.
	for _, set := range []struct {
		pods  []*Pod
		ready bool
	}{{ready, true}, {notReady, false}} {
		for _, pod := range set.pods {
			host, port, _ := net.SplitHostPort(pod.Addr)
			portN, _ := strconv.Atoi(port)
			ss := corev1.EndpointSubset{
				Ports: []corev1.EndpointPort{{Name: pkgnetworking.ServicePortNameHTTP1, Port: int32(portN)}}, //nolint:gosec
			}
			if set.ready {
				ss.Addresses = []corev1.EndpointAddress{{IP: host}}
			} else {
				ss.NotReadyAddresses = []corev1.EndpointAddress{{IP: host}}
			}
			eps.Subsets = append(eps.Subsets, ss)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	if _, ok := p.endpoints[key]; ok {
		_, err = p.Kube.CoreV1().Endpoints(ns).Update(p.ctx, eps, metav1.UpdateOptions{})
	} else {
		_, err = p.Kube.CoreV1().Endpoints(ns).Create(p.ctx, eps, metav1.CreateOptions{})
	}
	if err == nil {
		p.endpoints[key] = eps
	}
	return err
}

// Request returns a request for the revision through the activator.
func (p *Platform) Request(method, ns, rev, path string) *http.Request {
	req, _ := http.NewRequest(method, p.URL+path, nil)
	req.Host = rev + ".example.com"
	req.Header.Set("Knative-Serving-Namespace", ns)
	req.Header.Set("Knative-Serving-Revision", rev)
	return req
}

// PodOptions describe a pod.
type PodOptions struct {
	// App is the user container.
	App http.Handler
	// ContainerConcurrency limits the requests queue-proxy lets through
	// (0: no limit); queue-proxy queues 10× as many.
	ContainerConcurrency int
	// AppStartDelay starts the app that much after queue-proxy, as a
	// process that takes time to listen.
	AppStartDelay time.Duration
	// QueueProxyStartDelay starts queue-proxy that much after StartPod
	// returns (its address is known at once and refuses connections
	// meanwhile), as a pod whose IP is published before its containers
	// run. AppStartDelay counts from then.
	QueueProxyStartDelay time.Duration
}

// Pod is a revision's pod on loopback: queue-proxy's handlers in front of
// an app, each on its own port.
type Pod struct {
	// Addr is queue-proxy's address, the pod's in the Endpoints.
	Addr string
	// AppAddr is the app's address, for direct (baseline) requests.
	AppAddr string
	// Drainer is queue-proxy's outermost handler.
	Drainer *queue.Drainer
	// Stats counts queue-proxy's requests, as reported to the autoscaler.
	Stats *netstats.RequestStats

	qp, app *http.Server
	started chan struct{}
	wg      sync.WaitGroup
}

// StartPod starts a pod. Its queue-proxy listens at once; the app after
// AppStartDelay, and queue-proxy's readiness probe (a TCP probe of the app,
// retried aggressively, as for a Knative revision) passes then.
func StartPod(o PodOptions) (*Pod, error) {
	appLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	appAddr := appLn.Addr().String()
	_, appPort, _ := net.SplitHostPort(appAddr)
	pod := &Pod{AppAddr: appAddr, started: make(chan struct{}), Stats: netstats.NewRequestStats(time.Now())}
	pod.app = &http.Server{Handler: o.App, ReadHeaderTimeout: time.Minute}

	startApp := func(ln net.Listener) {
		defer pod.wg.Done()
		close(pod.started)
		pod.app.Serve(ln)
	}
	pod.wg.Add(1)
	if d := o.QueueProxyStartDelay + o.AppStartDelay; d > 0 {
		// Free the port until the app "starts"; connections are refused
		// meanwhile, as for a process not listening yet.
		appLn.Close()
		go func() {
			time.Sleep(d)
			ln, err := net.Listen("tcp", appAddr)
			if err != nil {
				pod.wg.Done()
				return
			}
			startApp(ln)
		}()
	} else {
		go startApp(appLn)
	}

	port, _ := strconv.Atoi(appPort)
	probe := readiness.NewProbe([]*corev1.Probe{{
		ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt(port)}},
	}})
	h, drainer := queueProxyHandler(appAddr, o.ContainerConcurrency, probe.ProbeContainer, pod.Stats)
	pod.Drainer = drainer

	qpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pod.Close()
		return nil, err
	}
	pod.Addr = qpLn.Addr().String()
	pod.qp = pkgnet.NewServer(pod.Addr, h)
	serveQP := func(ln net.Listener) {
		defer pod.wg.Done()
		// As queue-proxy does on start: probe the container right away.
		go probe.ProbeContainer()
		pod.qp.Serve(ln)
	}
	pod.wg.Add(1)
	if d := o.QueueProxyStartDelay; d > 0 {
		qpLn.Close()
		go func() {
			time.Sleep(d)
			ln, err := net.Listen("tcp", pod.Addr)
			if err != nil {
				pod.wg.Done()
				return
			}
			serveQP(ln)
		}()
	} else {
		go serveQP(qpLn)
	}
	return pod, nil
}

// queueProxyHandler builds queue-proxy's serving handler chain as
// cmd/queue does: reverse proxy → stats and breaker → forwarded shim →
// timeouts → probes and drain.
func queueProxyHandler(appAddr string, cc int, prober func() bool, stats *netstats.RequestStats) (http.Handler, *queue.Drainer) {
	maxIdle := 1000
	if cc > 0 {
		maxIdle = cc
	}
	proxy := queue.NewHeaderPruningReverseProxy(appAddr, queue.NoHostOverride, queue.RevisionHeaders, false)
	proxy.Transport = queue.NewUserContainerTransport(appAddr, maxIdle, pkgnet.NewProxyAutoTransport(maxIdle, maxIdle))
	proxy.ErrorHandler = queue.ProxyErrorHandler(zap.NewNop().Sugar())
	proxy.BufferPool = netproxy.NewBufferPool()
	proxy.FlushInterval = netproxy.FlushInterval

	var breaker *queue.Breaker
	if cc > 0 {
		breaker = queue.NewBreaker(queue.BreakerParams{QueueDepth: 10 * cc, MaxConcurrency: cc, InitialCapacity: cc})
	}
	var h http.Handler = queue.ProxyHandler(breaker, stats, false, proxy)
	h = queue.ForwardedShimHandler(h)
	h = queue.NewTimeoutHandler(h, "request timeout", func(*http.Request) (time.Duration, time.Duration, time.Duration) {
		return 300 * time.Second, 0, 0
	})
	drainer := &queue.Drainer{
		HealthCheckUAPrefixes: []string{netheader.ActivatorUserAgent, netheader.AutoscalingUserAgent},
		Inner:                 h,
		HealthCheck:           health.ProbeHandler(prober, false),
	}
	return drainer, drainer
}

// WaitAppStarted waits until the app listens.
func (p *Pod) WaitAppStarted() { <-p.started }

// Close stops the pod.
func (p *Pod) Close() {
	if p.qp != nil {
		p.qp.Close()
	}
	p.app.Close()
	select {
	case <-p.started:
	default:
		// The delayed app may still start: close it once it does.
		go func() {
			<-p.started
			p.app.Close()
		}()
		return
	}
	p.wg.Wait()
}
