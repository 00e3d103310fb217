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

// Package status tells whether the gateways serve a given version of a
// KIngress, by sending Knative network probes to every gateway pod until
// each answers with the Ingress's hash. It is knative.dev/networking's
// pkg/status over Skiff's types, shared by the Skiff gateway and net-istio
// reconcilers.
package status

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/workqueue"
	"knative.dev/networking/pkg/http/header"
	"knative.dev/networking/pkg/prober"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress"
)

const (
	// probeConcurrency defines how many probing calls can be issued simultaneously
	probeConcurrency = 15
	// probeTimeout defines the maximum amount of time a request will wait
	probeTimeout = 1 * time.Second
	// initialDelay defines the delay before enqueuing a probing request the
	// first time. It gives the change time to propagate and avoids retries.
	initialDelay = 200 * time.Millisecond

	// HealthCheckPath is appended to every probe URL's path, as upstream.
	HealthCheckPath = "/healthz"
)

// ErrNoProbeTargets may be returned (wrapped) by a ProbeTargetLister that
// knows the Ingress cannot be served yet because no gateway pod is ready;
// callers then mark the load balancer not ready instead of failing.
var ErrNoProbeTargets = errors.New("no gateway pod to probe")

// probeMaxRetryDelay defines the maximum delay between retries in the backoff of probing
var probeMaxRetryDelay = 30 * time.Second

func init() {
	if val, ok := os.LookupEnv("PROBE_MAX_RETRY_DELAY_SECONDS"); ok {
		if durationSeconds, err := strconv.Atoi(val); err == nil && durationSeconds > 0 {
			probeMaxRetryDelay = time.Duration(durationSeconds) * time.Second
		}
	}
}

var dialContext = (&net.Dialer{Timeout: probeTimeout}).DialContext

// ingressState represents the probing state of an Ingress
type ingressState struct {
	hash string
	ing  *v1alpha1.Ingress

	// pendingCount is the number of pods that haven't been successfully probed yet
	pendingCount atomic.Int64
	lastAccessed time.Time

	cancel func()
}

// podState represents the probing state of a Pod (for a specific Ingress)
type podState struct {
	// pendingCount is the number of probes for the Pod
	pendingCount atomic.Int64

	cancel func()
}

// cancelContext is a pair of a Context and its cancel function
type cancelContext struct {
	context context.Context
	cancel  func()
}

type workItem struct {
	ingressState *ingressState
	podState     *podState
	context      context.Context
	url          *url.URL
	podIP        string
	podPort      string
	logger       *zap.SugaredLogger
}

// ProbeTarget contains the URLs to probes for a set of Pod IPs serving out of the same port.
type ProbeTarget struct {
	PodIPs  sets.Set[string]
	PodPort string
	Port    string
	URLs    []*url.URL
}

// ProbeTargetLister lists all the targets that requires probing.
type ProbeTargetLister interface {
	// ListProbeTargets returns a list of targets to be probed.
	ListProbeTargets(ctx context.Context, ingress *v1alpha1.Ingress) ([]ProbeTarget, error)
}

// Manager provides a way to check if an Ingress is ready
type Manager interface {
	IsReady(ctx context.Context, ing *v1alpha1.Ingress) (bool, error)
}

// Prober provides a way to check if an Ingress is ready by probing the
// gateway pods serving it.
type Prober struct {
	logger *zap.SugaredLogger

	// mu guards ingressStates and podContexts
	mu            sync.Mutex
	ingressStates map[types.NamespacedName]*ingressState
	podContexts   map[string]cancelContext

	workQueue workqueue.TypedRateLimitingInterface[*workItem]

	targetLister ProbeTargetLister

	readyCallback func(*v1alpha1.Ingress)

	probeConcurrency int
}

var _ Manager = (*Prober)(nil)

// NewProber creates a new instance of Prober
func NewProber(
	logger *zap.SugaredLogger,
	targetLister ProbeTargetLister,
	readyCallback func(*v1alpha1.Ingress),
) *Prober {
	return &Prober{
		logger:        logger,
		ingressStates: make(map[types.NamespacedName]*ingressState),
		podContexts:   make(map[string]cancelContext),
		workQueue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.NewTypedMaxOfRateLimiter(
				// Per item exponential backoff
				workqueue.NewTypedItemExponentialFailureRateLimiter[*workItem](50*time.Millisecond, probeMaxRetryDelay),
				// Global rate limiter
				&workqueue.TypedBucketRateLimiter[*workItem]{Limiter: rate.NewLimiter(rate.Limit(50), 100)},
			),
			workqueue.TypedRateLimitingQueueConfig[*workItem]{Name: "ProbingQueue"}),
		targetLister:     targetLister,
		readyCallback:    readyCallback,
		probeConcurrency: probeConcurrency,
	}
}

// IsReady checks if the provided Ingress is ready, i.e. the gateway pods
// serving the Ingress have all been updated. It is called by the Ingress
// reconciler in the order of reconciliation: an Ingress passed to IsReady is
// the latest known version, so probing of older versions is cancelled. It is
// not called concurrently for the same Ingress.
func (m *Prober) IsReady(ctx context.Context, ing *v1alpha1.Ingress) (bool, error) {
	ingressKey := types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}
	logger := logging.FromContext(ctx)

	hash, err := ingress.Hash(ing)
	if err != nil {
		return false, fmt.Errorf("failed to compute the hash of the Ingress: %w", err)
	}

	if ready, ok := func() (bool, bool) {
		m.mu.Lock()
		defer m.mu.Unlock()
		if state, ok := m.ingressStates[ingressKey]; ok {
			if state.hash == hash {
				state.lastAccessed = time.Now()
				return state.pendingCount.Load() == 0, true
			}

			// Cancel the polling for the outdated version
			state.cancel()
			delete(m.ingressStates, ingressKey)
		}
		return false, false
	}(); ok {
		return ready, nil
	}

	ingCtx, cancel := context.WithCancel(context.Background())
	ingressState := &ingressState{
		hash:         hash,
		ing:          ing,
		lastAccessed: time.Now(),
		cancel:       cancel,
	}

	// Get the probe targets and group them by IP
	targets, err := m.targetLister.ListProbeTargets(ctx, ing)
	if err != nil {
		cancel()
		return false, err
	}
	workItems := make(map[string][]*workItem)
	for _, target := range targets {
		for ip := range target.PodIPs {
			for _, url := range target.URLs {
				workItems[ip] = append(workItems[ip], &workItem{
					ingressState: ingressState,
					url:          url,
					podIP:        ip,
					podPort:      target.PodPort,
					logger:       logger,
				})
			}
		}
	}

	ingressState.pendingCount.Store(int64(len(workItems)))

	for ip, ipWorkItems := range workItems {
		// Get or create the context for that IP
		ipCtx := func() context.Context {
			m.mu.Lock()
			defer m.mu.Unlock()
			cancelCtx, ok := m.podContexts[ip]
			if !ok {
				ctx, cancel := context.WithCancel(context.Background())
				cancelCtx = cancelContext{
					context: ctx,
					cancel:  cancel,
				}
				m.podContexts[ip] = cancelCtx
			}
			return cancelCtx.context
		}()

		podCtx, cancel := context.WithCancel(ingCtx)
		podState := &podState{
			cancel: cancel,
		}

		podState.pendingCount.Store(int64(len(ipWorkItems)))

		// Join the two contexts: podCtx is cancelled when either ingCtx or
		// ipCtx is.
		go func() {
			select {
			case <-podCtx.Done():
				// This is the actual context, there is nothing to do except
				// break to avoid leaking this goroutine.
			case <-ipCtx.Done():
				// Cancel podCtx
				cancel()
			}
		}()

		// Update the states when probing is cancelled
		go func() {
			<-podCtx.Done()
			m.onProbingCancellation(ingressState, podState)
		}()

		for _, wi := range ipWorkItems {
			wi.podState = podState
			wi.context = podCtx //nolint:fatcontext
			m.workQueue.AddAfter(wi, initialDelay)
			logger.Debugf("Queuing probe for %s, IP: %s:%s (depth: %d)",
				wi.url, wi.podIP, wi.podPort, m.workQueue.Len())
		}
	}

	func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.ingressStates[ingressKey] = ingressState
	}()
	return len(workItems) == 0, nil
}

// Start starts the Manager background operations. The returned channel is
// closed once every worker has stopped after done is closed.
func (m *Prober) Start(done <-chan struct{}) chan struct{} {
	var wg sync.WaitGroup

	// Start the worker goroutines
	for range m.probeConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()

			for m.processWorkItem() {
			}
		}()
	}

	// Stop processing the queue when cancelled
	go func() {
		<-done
		m.workQueue.ShutDown()
	}()

	// Return a channel closed when all work is done
	ch := make(chan struct{})
	go func() {
		wg.Wait()
		close(ch)
	}()
	return ch
}

// CancelIngressProbing cancels probing of the provided Ingress
func (m *Prober) CancelIngressProbing(obj interface{}) {
	acc, err := kmeta.DeletionHandlingAccessor(obj)
	if err != nil {
		return
	}

	key := types.NamespacedName{Namespace: acc.GetNamespace(), Name: acc.GetName()}
	m.CancelIngressProbingByKey(key)
}

// CancelIngressProbingByKey cancels probing of the Ingress identified by the provided key.
func (m *Prober) CancelIngressProbingByKey(key types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if state, ok := m.ingressStates[key]; ok {
		state.cancel()
		delete(m.ingressStates, key)
	}
}

// CancelPodProbing cancels probing of the provided Pod IP.
func (m *Prober) CancelPodProbing(obj interface{}) {
	if pod, ok := obj.(*corev1.Pod); ok {
		m.CancelPodProbingByIP(pod.Status.PodIP)
	}
}

// CancelPodProbingByIP cancels probing of a pod that is gone (for example
// no longer among a gateway Service's endpoints): its pending probes count
// as done, so Ingresses waiting only on it become ready.
func (m *Prober) CancelPodProbingByIP(ip string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ctx, ok := m.podContexts[ip]; ok {
		ctx.cancel()
		delete(m.podContexts, ip)
	}
}

// processWorkItem processes a single work item from workQueue.
// It returns false when there is no more items to process, true otherwise.
func (m *Prober) processWorkItem() bool {
	item, shutdown := m.workQueue.Get()
	if shutdown {
		return false
	}

	defer m.workQueue.Done(item)

	item.logger.Debugf("Processing probe for %s, IP: %s:%s (depth: %d)",
		item.url, item.podIP, item.podPort, m.workQueue.Len())

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DisableKeepAlives = true
	transport.TLSClientConfig = &tls.Config{
		//nolint:gosec
		// We only want to know that the Gateway is configured, not that the configuration is valid.
		// Therefore, we can safely ignore any TLS certificate validation.
		InsecureSkipVerify: true,
	}
	transport.DialContext = func(ctx context.Context, network, _ string) (conn net.Conn, e error) {
		// Requests with the IP as hostname and the Host header set do not
		// pass client-side TLS validation, so the URL carries the host and
		// the dial goes to the pod.
		return dialContext(ctx, network, net.JoinHostPort(item.podIP, item.podPort))
	}

	probeURL := deepCopy(item.url)
	probeURL.Path = path.Join(probeURL.Path, HealthCheckPath)

	ctx, cancel := context.WithTimeout(item.context, probeTimeout)
	defer cancel()
	ok, err := prober.Do(
		ctx,
		transport,
		probeURL.String(),
		prober.WithHeader(header.UserAgentKey, header.IngressReadinessUserAgent),
		prober.WithHeader(header.ProbeKey, header.ProbeValue),
		prober.WithHeader(header.HashKey, header.HashValueOverride),
		m.probeVerifier(item))

	// In case of cancellation, drop the work item
	select {
	case <-item.context.Done():
		m.workQueue.Forget(item)
		return true
	default:
	}

	if err != nil || !ok {
		// In case of error, enqueue for retry
		m.workQueue.AddRateLimited(item)
		item.logger.Infof("Probing of %s failed, IP: %s:%s, ready: %t, error: %v (depth: %d)",
			item.url, item.podIP, item.podPort, ok, err, m.workQueue.Len())
	} else {
		m.workQueue.Forget(item)
		m.onProbingSuccess(item.ingressState, item.podState)
	}
	return true
}

func (m *Prober) onProbingSuccess(ingressState *ingressState, podState *podState) {
	// The last probe call for the Pod succeeded, the Pod is ready
	if podState.pendingCount.Add(-1) == 0 {
		// Unlock the goroutine blocked on <-podCtx.Done()
		podState.cancel()

		// This is the last pod being successfully probed, the Ingress is ready
		if ingressState.pendingCount.Add(-1) == 0 {
			m.readyCallback(ingressState.ing)
		}
	}
}

func (m *Prober) onProbingCancellation(ingressState *ingressState, podState *podState) {
	for {
		pendingCount := podState.pendingCount.Load()
		if pendingCount <= 0 {
			// Probing succeeded, nothing to do
			return
		}

		// Attempt to set pendingCount to 0.
		if podState.pendingCount.CompareAndSwap(pendingCount, 0) {
			// This is the last pod being successfully probed, the Ingress is ready
			if ingressState.pendingCount.Add(-1) == 0 {
				m.readyCallback(ingressState.ing)
			}
			return
		}
	}
}

func (m *Prober) probeVerifier(item *workItem) prober.Verifier {
	return func(r *http.Response, _ []byte) (bool, error) {
		// In the happy path the response (HTTP 200) carries the
		// K-Network-Hash header, compared with the expected hash: equal
		// means the pod serves this version; different means a later probe.
		// HTTP 404/503 are expected while the new configuration has not
		// reached the gateway. Nothing can be learnt from other responses
		// (e.g. HTTP 302), so those count as success: better to say an
		// Ingress is Ready a little early than never. It is best effort.
		switch r.StatusCode {
		case http.StatusOK:
			hash := r.Header.Get(header.HashKey)
			switch hash {
			case "":
				item.logger.Errorf("Probing of %s abandoned, IP: %s:%s: the response doesn't contain the %q header",
					item.url, item.podIP, item.podPort, header.HashKey)
				return true, nil
			case item.ingressState.hash:
				return true, nil
			default:
				return false, fmt.Errorf("unexpected hash: want %q, got %q", item.ingressState.hash, hash)
			}

		case http.StatusNotFound, http.StatusServiceUnavailable:
			return false, fmt.Errorf("unexpected status code: want %v, got %v", http.StatusOK, r.StatusCode)

		default:
			item.logger.Errorf("Probing of %s abandoned, IP: %s:%s: the response status is %v, expected one of: %v",
				item.url, item.podIP, item.podPort, r.StatusCode,
				[]int{http.StatusOK, http.StatusNotFound, http.StatusServiceUnavailable})
			return true, nil
		}
	}
}

// deepCopy copies a URL into a new one
func deepCopy(in *url.URL) *url.URL {
	// Safe to ignore the error since this is a deep copy
	newURL, _ := url.Parse(in.String())
	return newURL
}
