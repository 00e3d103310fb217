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

package net

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	netheader "knative.dev/networking/pkg/http/header"
	netprober "knative.dev/networking/pkg/prober"
	endpointsinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints"
	serviceinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/service"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"
	pkgreconciler "knative.dev/pkg/reconciler"

	pkgnet "github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	servinglisters "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/networking"
	"github.com/skiffhq/skiff/pkg/queue"
	"github.com/skiffhq/skiff/pkg/reconciler/serverlessservice/resources/names"
)

// revisionDestsUpdate is the set of healthy backends of a revision: either
// pod addresses (Dests), or, when pods cannot be addressed directly, the
// private Service's cluster IP (ClusterIPDest) with Dests its ready pods.
type revisionDestsUpdate struct {
	Rev           types.NamespacedName
	ClusterIPDest string
	Dests         sets.Set[string]
}

// dests are the addresses of a revision's private Endpoints.
type dests struct {
	ready    sets.Set[string]
	notReady sets.Set[string]
}

func (d dests) all() sets.Set[string] { return d.ready.Union(d.notReady) }

// becameNonReady returns the dests that moved from ready to not ready.
func (d dests) becameNonReady(prev dests) sets.Set[string] {
	return prev.ready.Intersection(d.notReady)
}

// Probing. Upstream probes every 200 ms with a 300 ms timeout. Here each
// unhealthy pod has its own probe loop, and the next probe starts as soon
// as the previous one failed, after a pause that grows with the time the
// pod has been probed: every 5 ms at first, then 1/20 of the time probed,
// at most every 200 ms. A pod is thus seen within 5% of its start-up time
// (or 5 ms). The probe itself is a long poll: queue-proxy holds a
// readiness probe while it probes its container aggressively, and answers
// as soon as the container is ready.
const (
	defaultProbeTimeout     = time.Second
	defaultMinProbeInterval = 5 * time.Millisecond
	defaultMaxProbeInterval = 200 * time.Millisecond
)

// HealthCheckPath is the path of the activator's probes (any path works
// with queue-proxy, which answers by the K-Network-Probe header).
const HealthCheckPath = "/healthz"

type probeTiming struct {
	timeout, minInterval, maxInterval time.Duration
}

var defaultProbeTiming = probeTiming{
	timeout:     defaultProbeTimeout,
	minInterval: defaultMinProbeInterval,
	maxInterval: defaultMaxProbeInterval,
}

// interval returns the pause before the next probe of a backend probed
// since elapsed.
func (p probeTiming) interval(elapsed time.Duration) time.Duration {
	return min(max(elapsed/20, p.minInterval), p.maxInterval)
}

// probeResult is the outcome of one probe.
type probeResult struct {
	dest      string
	clusterIP bool
	ok        bool
	// meshLike is true for a failure that a mesh sidecar could have
	// caused: a 502 or 503 response. Connection errors are not: a sidecar
	// would have answered.
	meshLike bool
	// started is when the probe was sent.
	started time.Time
}

// revisionWatcher keeps the healthy backends of one revision: it follows
// the revision's private Endpoints, probes the pods that are not known to
// be healthy, and sends an update whenever the healthy set changes.
type revisionWatcher struct {
	ctx      context.Context
	cancel   context.CancelFunc
	rev      types.NamespacedName
	protocol pkgnet.ProtocolType
	updateCh chan<- revisionDestsUpdate
	done     chan struct{}

	destsCh  chan dests
	resultCh chan probeResult

	transport     http.RoundTripper
	serviceLister corev1listers.ServiceLister
	logger        *zap.SugaredLogger
	timing        probeTiming

	// usePassthroughLb probes through the ingress's passthrough load
	// balancing to reach pods under a mesh.
	usePassthroughLb bool
	// meshMode says whether to address pods, the cluster IP, or detect.
	meshMode netcfg.MeshCompatibilityMode
	// enableProbeOptimisation treats a pod as ready as soon as queue-proxy
	// says so, before Kubernetes does. Off when the readiness check
	// queue-proxy runs is not the whole story (exec or startup probes).
	enableProbeOptimisation bool

	// The state below belongs to the run goroutine.
	cur dests
	// healthy are the pods known to be ready.
	healthy sets.Set[string]
	// probedOK are pods queue-proxy said are ready, waiting for Kubernetes
	// to agree (probe optimisation off).
	probedOK sets.Set[string]
	// probing holds the cancel functions of running probe loops.
	probing map[string]context.CancelFunc
	// meshLikeSince holds, per pod that failed only mesh-like so far, when
	// its latest such failed probe started.
	meshLikeSince map[string]time.Time

	// podsAddressable turns false when pods answered like a mesh while the
	// cluster IP worked: the cluster IP is used from then on.
	podsAddressable bool
	// clusterIPOKAt is when a cluster IP probe last succeeded; zero if not.
	clusterIPOKAt    time.Time
	clusterIPHealthy bool
	clusterIPDest    string

	sent *revisionDestsUpdate
}

func newRevisionWatcher(ctx context.Context, rev types.NamespacedName, protocol pkgnet.ProtocolType,
	updateCh chan<- revisionDestsUpdate, transport http.RoundTripper, serviceLister corev1listers.ServiceLister,
	usePassthroughLb bool, meshMode netcfg.MeshCompatibilityMode, enableProbeOptimisation bool,
	timing probeTiming, logger *zap.SugaredLogger,
) *revisionWatcher {
	ctx, cancel := context.WithCancel(ctx)
	return &revisionWatcher{
		ctx:                     ctx,
		cancel:                  cancel,
		rev:                     rev,
		protocol:                protocol,
		updateCh:                updateCh,
		done:                    make(chan struct{}),
		destsCh:                 make(chan dests),
		resultCh:                make(chan probeResult),
		transport:               transport,
		serviceLister:           serviceLister,
		timing:                  timing,
		usePassthroughLb:        usePassthroughLb,
		meshMode:                meshMode,
		enableProbeOptimisation: enableProbeOptimisation,
		logger:                  logger.With(zap.String(logkey.Key, rev.String())),
		cur:                     dests{ready: sets.New[string](), notReady: sets.New[string]()},
		healthy:                 sets.New[string](),
		probedOK:                sets.New[string](),
		probing:                 map[string]context.CancelFunc{},
		meshLikeSince:           map[string]time.Time{},
		podsAddressable:         true,
	}
}

// probe sends one readiness probe to dest's queue-proxy.
func (rw *revisionWatcher) probe(ctx context.Context, dest string) (ok, meshLike bool) {
	target := url.URL{Scheme: "http", Host: dest, Path: HealthCheckPath}
	checkMesh := netprober.Verifier(func(resp *http.Response, _ []byte) (bool, error) {
		meshLike = resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusBadGateway
		return true, nil
	})
	opts := []any{
		netprober.WithHeader(netheader.ProbeKey, queue.Name),
		netprober.WithHeader(netheader.UserAgentKey, netheader.ActivatorUserAgent),
		// First, so it sees every response.
		checkMesh,
		netprober.ExpectsStatusCodes([]int{http.StatusOK}),
		netprober.ExpectsBody(queue.Name),
	}
	if rw.usePassthroughLb {
		// Route through the ingress to exactly this pod.
		opts = append(opts,
			netprober.WithHost(names.PrivateService(rw.rev.Name)+"."+rw.rev.Namespace),
			netprober.WithHeader(netheader.PassthroughLoadbalancingKey, "true"))
	}
	ok, _ = netprober.Do(ctx, rw.transport, target.String(), opts...)
	return ok, meshLike && !ok
}

// probeLoop probes dest until it passes or ctx is done. It reports a
// success, every mesh-like failure (rare: a mesh, or a queue-proxy that
// gave up waiting for its container or is draining) and the first failure
// of other kinds (a queue-proxy not listening yet refuses connections every
// few milliseconds at a cold start: no need to wake the watcher for each).
func (rw *revisionWatcher) probeLoop(ctx context.Context, dest string, clusterIP bool) {
	start := time.Now()
	var timer *time.Timer
	reported := false
	for {
		sent := time.Now()
		pctx, cancel := context.WithTimeout(ctx, rw.timing.timeout)
		ok, meshLike := rw.probe(pctx, dest)
		cancel()
		if ok || meshLike || !reported {
			reported = true
			select {
			case rw.resultCh <- probeResult{dest: dest, clusterIP: clusterIP, ok: ok, meshLike: meshLike, started: sent}:
			case <-ctx.Done():
				return
			}
		}
		if ok {
			return
		}
		wait := rw.timing.interval(time.Since(start))
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		} else {
			timer.Reset(wait)
		}
		select {
		case <-timer.C:
		case <-ctx.Done():
			return
		}
	}
}

// startProbing starts a probe loop for dest unless one runs.
func (rw *revisionWatcher) startProbing(dest string, clusterIP bool) {
	if _, ok := rw.probing[dest]; ok {
		return
	}
	ctx, cancel := context.WithCancel(rw.ctx)
	rw.probing[dest] = cancel
	go rw.probeLoop(ctx, dest, clusterIP)
}

func (rw *revisionWatcher) stopProbing(dest string) {
	if cancel, ok := rw.probing[dest]; ok {
		cancel()
		delete(rw.probing, dest)
	}
}

// getDest returns the private Service's cluster IP address.
func (rw *revisionWatcher) getDest() (string, error) {
	svc, err := rw.serviceLister.Services(rw.rev.Namespace).Get(names.PrivateService(rw.rev.Name))
	if err != nil {
		return "", err
	}
	if svc.Spec.ClusterIP == "" {
		return "", fmt.Errorf("private service %s/%s has no cluster IP", svc.Namespace, svc.Name)
	}
	port, ok := getServicePort(rw.protocol, svc)
	if !ok {
		return "", fmt.Errorf("unable to find port in service %s/%s", svc.Namespace, svc.Name)
	}
	return net.JoinHostPort(svc.Spec.ClusterIP, strconv.Itoa(port)), nil
}

func (rw *revisionWatcher) sendUpdate(clusterIP string, ds sets.Set[string]) {
	if rw.sent != nil && rw.sent.ClusterIPDest == clusterIP && rw.sent.Dests.Equal(ds) {
		return
	}
	// A copy: the throttler iterates over it while we go on.
	u := revisionDestsUpdate{Rev: rw.rev, ClusterIPDest: clusterIP, Dests: ds.Clone()}
	select {
	case <-rw.ctx.Done():
		return
	case rw.updateCh <- u:
		rw.sent = &u
	}
}

// run processes Endpoints changes and probe results until the watcher is
// cancelled.
func (rw *revisionWatcher) run() {
	defer close(rw.done)
	defer func() {
		for d := range rw.probing {
			rw.stopProbing(d)
		}
	}()
	for {
		select {
		case <-rw.ctx.Done():
			return
		case x := <-rw.destsCh:
			prev := rw.cur
			rw.cur = x
			rw.onDests(prev)
		case r := <-rw.resultCh:
			rw.onProbeResult(r)
		}
		rw.reconcile()
	}
}

// onDests forgets what it knew about pods that left, or that Kubernetes no
// longer sees as ready (they must pass a probe again).
func (rw *revisionWatcher) onDests(prev dests) {
	all := rw.cur.all()
	for d := range rw.cur.becameNonReady(prev) {
		rw.logger.Infow("Reprobing pod that became non-ready", zap.String("dest", d))
		rw.healthy.Delete(d)
		rw.probedOK.Delete(d)
	}
	for _, set := range []sets.Set[string]{rw.healthy, rw.probedOK} {
		for d := range set {
			if !all.Has(d) {
				set.Delete(d)
			}
		}
	}
	for d := range rw.probing {
		if !all.Has(d) && d != rw.clusterIPDest {
			rw.stopProbing(d)
		}
	}
	for d := range rw.meshLikeSince {
		if !all.Has(d) {
			delete(rw.meshLikeSince, d)
		}
	}
	if len(all) == 0 {
		// Scaled to zero: the next pods are probed afresh, and the cluster
		// IP must prove itself again.
		rw.clusterIPHealthy = false
		rw.clusterIPOKAt = time.Time{}
		if rw.clusterIPDest != "" {
			rw.stopProbing(rw.clusterIPDest)
		}
	}
}

func (rw *revisionWatcher) onProbeResult(r probeResult) {
	if r.clusterIP {
		if r.dest != rw.clusterIPDest {
			return // stale
		}
		if r.ok {
			rw.stopProbing(r.dest) // the loop is done; release its context
			rw.clusterIPOKAt = r.started
			if !rw.podsAddressable || rw.meshMode == netcfg.MeshCompatibilityModeEnabled {
				rw.clusterIPHealthy = true
			}
		}
		return
	}
	if !rw.cur.all().Has(r.dest) {
		return // the pod left meanwhile
	}
	if r.ok {
		rw.stopProbing(r.dest) // the loop is done; release its context
		delete(rw.meshLikeSince, r.dest)
		if rw.cur.ready.Has(r.dest) || rw.enableProbeOptimisation {
			rw.healthy.Insert(r.dest)
		} else {
			rw.probedOK.Insert(r.dest)
		}
		return
	}
	if r.meshLike {
		rw.meshLikeSince[r.dest] = r.started
	} else {
		delete(rw.meshLikeSince, r.dest)
	}
}

// reconcile brings probing and the healthy set in line with the current
// state and sends an update if the healthy backends changed.
func (rw *revisionWatcher) reconcile() {
	all := rw.cur.all()
	if len(all) == 0 {
		rw.sendUpdate("", nil)
		return
	}

	usePods := rw.podsAddressable && rw.meshMode != netcfg.MeshCompatibilityModeEnabled
	if usePods {
		for d := range rw.probedOK {
			if rw.cur.ready.Has(d) {
				rw.probedOK.Delete(d)
				rw.healthy.Insert(d)
			}
		}
		if rw.meshMode != netcfg.MeshCompatibilityModeAuto {
			// No mesh to detect: trust Kubernetes' readiness.
			for d := range rw.cur.ready {
				rw.healthy.Insert(d)
				rw.stopProbing(d)
			}
		}
		for d := range all {
			if !rw.healthy.Has(d) && !rw.probedOK.Has(d) {
				rw.startProbing(d, false)
			}
		}
		if len(rw.healthy) > 0 || !rw.meshSuspected() {
			rw.sendUpdate("", rw.healthy)
			return
		}
		if rw.switchToClusterIP() {
			usePods = false
		} else {
			rw.sendUpdate("", rw.healthy)
			return
		}
	}

	// Cluster IP: probe it until healthy, then send it with the ready
	// pod count, which sizes the capacity.
	dest, err := rw.getDest()
	if err != nil {
		rw.logger.Errorw("Failed to determine service destination", zap.Error(err))
		return
	}
	if dest != rw.clusterIPDest {
		if rw.clusterIPDest != "" {
			rw.stopProbing(rw.clusterIPDest)
		}
		rw.clusterIPDest, rw.clusterIPHealthy = dest, false
	}
	if !rw.clusterIPHealthy {
		rw.startProbing(dest, true)
		return
	}
	rw.sendUpdate(dest, rw.cur.ready)
}

// meshSuspected reports whether every pod failed only the way a mesh
// fails direct pod access, so the cluster IP is worth a try.
func (rw *revisionWatcher) meshSuspected() bool {
	if rw.meshMode != netcfg.MeshCompatibilityModeAuto || rw.usePassthroughLb {
		return false
	}
	for d := range rw.cur.all() {
		if _, ok := rw.meshLikeSince[d]; !ok {
			return false
		}
	}
	return true
}

// switchToClusterIP is called while a mesh is suspected. It probes the
// cluster IP and switches to it for good once it passed and every pod
// failed mesh-like again after that — unlike upstream, a pod that merely
// came up between a failed pod probe and a passing cluster IP probe does
// not flip the revision to cluster IP routing.
func (rw *revisionWatcher) switchToClusterIP() bool {
	if rw.clusterIPOKAt.IsZero() {
		dest, err := rw.getDest()
		if err != nil {
			rw.logger.Errorw("Failed to determine service destination", zap.Error(err))
			return false
		}
		if dest != rw.clusterIPDest && rw.clusterIPDest != "" {
			rw.stopProbing(rw.clusterIPDest)
		}
		rw.clusterIPDest = dest
		rw.startProbing(dest, true)
		return false
	}
	for d := range rw.cur.all() {
		if since, ok := rw.meshLikeSince[d]; !ok || since.Before(rw.clusterIPOKAt) {
			return false
		}
	}
	rw.logger.Info("Pods are not directly reachable but the cluster IP is: using the cluster IP")
	rw.podsAddressable = false
	rw.clusterIPHealthy = true
	for d := range rw.probing {
		if d != rw.clusterIPDest {
			rw.stopProbing(d)
		}
	}
	return true
}

// revisionBackendsManager runs a revisionWatcher per revision with private
// Endpoints and funnels their updates into one channel.
type revisionBackendsManager struct {
	ctx            context.Context
	revisionLister servinglisters.RevisionLister
	serviceLister  corev1listers.ServiceLister

	revisionWatchers    map[types.NamespacedName]*revisionWatcher
	revisionWatchersMux sync.RWMutex

	updateCh         chan revisionDestsUpdate
	transport        http.RoundTripper
	usePassthroughLb bool
	meshMode         netcfg.MeshCompatibilityMode
	logger           *zap.SugaredLogger
	timing           probeTiming
}

func newRevisionBackendsManagerWithTiming(ctx context.Context, tr http.RoundTripper, usePassthroughLb bool,
	meshMode netcfg.MeshCompatibilityMode, timing probeTiming,
) *revisionBackendsManager {
	rbm := &revisionBackendsManager{
		ctx:              ctx,
		revisionLister:   revisioninformer.Get(ctx).Lister(),
		serviceLister:    serviceinformer.Get(ctx).Lister(),
		revisionWatchers: make(map[types.NamespacedName]*revisionWatcher),
		updateCh:         make(chan revisionDestsUpdate),
		transport:        tr,
		usePassthroughLb: usePassthroughLb,
		meshMode:         meshMode,
		logger:           logging.FromContext(ctx),
		timing:           timing,
	}
	endpointsinformer.Get(ctx).Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: pkgreconciler.ChainFilterFuncs(
			pkgreconciler.LabelExistsFilterFunc(serving.RevisionUID),
			// The private Service's Endpoints list the revision's pods.
			pkgreconciler.LabelFilterFunc(networking.ServiceTypeKey, string(networking.ServiceTypePrivate), false),
		),
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    rbm.endpointsUpdated,
			UpdateFunc: controller.PassNew(rbm.endpointsUpdated),
			DeleteFunc: rbm.endpointsDeleted,
		},
	})

	go func() {
		// updateCh closes once every watcher is done.
		defer close(rbm.updateCh)
		<-rbm.ctx.Done()
		rbm.revisionWatchersMux.Lock()
		defer rbm.revisionWatchersMux.Unlock()
		for _, rw := range rbm.revisionWatchers {
			<-rw.done
		}
	}()
	return rbm
}

func (rbm *revisionBackendsManager) updates() <-chan revisionDestsUpdate {
	return rbm.updateCh
}

func (rbm *revisionBackendsManager) getOrCreateRevisionWatcher(revID types.NamespacedName) (*revisionWatcher, error) {
	rbm.revisionWatchersMux.Lock()
	defer rbm.revisionWatchersMux.Unlock()
	if rw, ok := rbm.revisionWatchers[revID]; ok {
		return rw, nil
	}
	rev, err := rbm.revisionLister.Revisions(revID.Namespace).Get(revID.Name)
	if err != nil {
		return nil, err
	}
	// queue-proxy runs the container's readiness probe, unless it is an
	// exec probe; startup probes only the kubelet runs. In those cases
	// wait for Kubernetes' readiness.
	enableProbeOptimisation := true
	if c := rev.Spec.GetContainer(); c != nil {
		if rp := c.ReadinessProbe; rp != nil && rp.Exec != nil {
			enableProbeOptimisation = false
		}
		if c.StartupProbe != nil {
			enableProbeOptimisation = false
		}
	}
	rw := newRevisionWatcher(rbm.ctx, revID, rev.GetProtocol(), rbm.updateCh, rbm.transport, rbm.serviceLister,
		rbm.usePassthroughLb, rbm.meshMode, enableProbeOptimisation, rbm.timing, rbm.logger)
	rbm.revisionWatchers[revID] = rw
	go rw.run()
	return rw, nil
}

func (rbm *revisionBackendsManager) endpointsUpdated(newObj any) {
	if rbm.ctx.Err() != nil {
		return
	}
	endpoints := newObj.(*corev1.Endpoints)
	revID := types.NamespacedName{Namespace: endpoints.Namespace, Name: endpoints.Labels[serving.RevisionLabelKey]}
	rw, err := rbm.getOrCreateRevisionWatcher(revID)
	if err != nil {
		rbm.logger.Errorw("Failed to get revision watcher", zap.Error(err), zap.String(logkey.Key, revID.String()))
		return
	}
	ready, notReady := endpointsToDests(endpoints, pkgnet.ServicePortName(rw.protocol))
	select {
	case <-rbm.ctx.Done():
	case <-rw.done:
	case rw.destsCh <- dests{ready: ready, notReady: notReady}:
	}
}

func (rbm *revisionBackendsManager) endpointsDeleted(obj any) {
	if rbm.ctx.Err() != nil {
		return
	}
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	ep, ok := obj.(*corev1.Endpoints)
	if !ok {
		return
	}
	revID := types.NamespacedName{Namespace: ep.Namespace, Name: ep.Labels[serving.RevisionLabelKey]}
	rbm.revisionWatchersMux.Lock()
	defer rbm.revisionWatchersMux.Unlock()
	if rw, ok := rbm.revisionWatchers[revID]; ok {
		rw.cancel()
		delete(rbm.revisionWatchers, revID)
	}
}
