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
	"net/http"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	k8serrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/tools/cache"
	endpointsinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"
	pkgreconciler "knative.dev/pkg/reconciler"

	pkgnet "github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	servinglisters "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/networking"
	"github.com/skiffhq/skiff/pkg/queue"
)

const (
	// DefaultRevisionQueueDepth is how many requests may wait for capacity
	// of one revision; the next is refused with 503. (Upstream's
	// breakerQueueDepth is 10000, but its revision breaker adds
	// MaxConcurrency = MaxInt32 to it: in effect no bound.)
	DefaultRevisionQueueDepth = 5000

	// revisionMaxConcurrency is the capacity of a revision whose pods have
	// no concurrency limit, or whose computed capacity would overflow.
	revisionMaxConcurrency = queue.MaxBreakerCapacity

	// podQueueDepth sizes the per-pod breakers. Only their non-blocking
	// Reserve is used, so it never holds a request.
	podQueueDepth = 1
)

func noop() {}

// newPodBreaker returns the slot count of a pod of the given
// containerConcurrency, all free: a new pod is idle.
func newPodBreaker(cc int) *queue.Breaker {
	return queue.NewBreaker(queue.BreakerParams{QueueDepth: podQueueDepth, MaxConcurrency: cc, InitialCapacity: cc})
}

// podTracker is one backend of a revision (a pod, or the private Service's
// cluster IP) and, for containerConcurrency > 0, its free slots.
type podTracker struct {
	dest string
	b    *queue.Breaker // nil: no limit

	// weight is the requests in flight, for randomChoice2Policy.
	weight atomic.Int32
	// decreaseWeight is bound once: the policy returns it per request.
	decreaseWeight func()
}

func newPodTracker(dest string, b *queue.Breaker) *podTracker {
	t := &podTracker{dest: dest, b: b}
	t.decreaseWeight = func() { t.weight.Add(-1) }
	return t
}

func (p *podTracker) increaseWeight()  { p.weight.Add(1) }
func (p *podTracker) getWeight() int32 { return p.weight.Load() }

func (p *podTracker) String() string {
	if p == nil {
		return "<nil>"
	}
	return p.dest
}

// Capacity is the pod's concurrency limit (1 if unlimited).
func (p *podTracker) Capacity() int {
	if p.b == nil {
		return 1
	}
	return p.b.Capacity()
}

// UpdateConcurrency changes the pod's concurrency limit.
func (p *podTracker) UpdateConcurrency(c int) {
	if p.b != nil {
		p.b.UpdateConcurrency(c)
	}
}

// Reserve takes a slot on the pod if one is free.
func (p *podTracker) Reserve(ctx context.Context) (func(), bool) {
	if p.b == nil {
		return noop, true
	}
	return p.b.Reserve(ctx)
}

// revisionThrottler throttles the requests to one revision: a breaker of
// containerConcurrency × ready pods for the revision as a whole, which
// queues requests, and a slot count per pod, which the load balancing
// policy picks from.
type revisionThrottler struct {
	revID                types.NamespacedName
	containerConcurrency int
	lbPolicy             lbPolicy

	// numActivators and activatorIndex slice the pods between activators
	// (from the public Endpoints, when they list this activator). An index
	// of -1 means not in the path yet: use all pods.
	numActivators  atomic.Int32
	activatorIndex atomic.Int32
	protocol       string

	// backendCount is the last number of ready backends, to recompute the
	// capacity when the activator count changes. Only the update goroutine
	// uses it.
	backendCount int

	breaker *revisionBreaker

	// podTrackers are all the healthy pods when pods are addressed
	// directly; assignedTrackers the ones this activator sends to.
	podTrackers      []*podTracker
	assignedTrackers []*podTracker
	// clusterIPTracker is set when pods are not directly reachable (a
	// mesh) and the private Service's cluster IP is used instead.
	clusterIPTracker *podTracker

	// mux guards the state the request path reads: assignedTrackers and
	// clusterIPTracker.
	mux sync.RWMutex

	logger *zap.SugaredLogger
}

func newRevisionThrottler(revID types.NamespacedName, containerConcurrency int, proto string,
	queueDepth int, queueLimit *QueueLimit, logger *zap.SugaredLogger,
) *revisionThrottler {
	logger = logger.With(zap.String(logkey.Key, revID.String()))
	var lbp lbPolicy
	switch {
	case containerConcurrency == 0:
		lbp = randomChoice2Policy
	case containerConcurrency <= 3:
		// Small pods: pack requests onto the first ones with room.
		lbp = firstAvailableLBPolicy
	default:
		lbp = newRoundRobinPolicy()
	}
	t := &revisionThrottler{
		revID:                revID,
		containerConcurrency: containerConcurrency,
		breaker:              newRevisionBreaker(revID.String(), containerConcurrency == 0, queueDepth, queueLimit),
		logger:               logger,
		protocol:             proto,
		lbPolicy:             lbp,
	}
	t.activatorIndex.Store(-1)
	return t
}

// acquireDest picks a backend with room, or returns nil.
func (rt *revisionThrottler) acquireDest(ctx context.Context) (func(), *podTracker) {
	rt.mux.RLock()
	defer rt.mux.RUnlock()
	if rt.clusterIPTracker != nil {
		return noop, rt.clusterIPTracker
	}
	return rt.lbPolicy(ctx, rt.assignedTrackers)
}

// try waits for capacity, then calls function with a backend's address.
func (rt *revisionThrottler) try(ctx context.Context, function func(string) error) error {
	for misses := 0; ; misses++ {
		release, err := rt.breaker.acquire(ctx)
		if err != nil {
			return err
		}
		cb, tracker := rt.acquireDest(ctx)
		if tracker == nil {
			// The revision's capacity and the pods' slots are not
			// updated atomically together; in the window between, queue
			// again.
			release()
			if misses < 100 {
				runtime.Gosched()
			} else {
				time.Sleep(time.Millisecond)
			}
			continue
		}
		err = function(tracker.dest)
		cb()
		release()
		return err
	}
}

func (rt *revisionThrottler) calculateCapacity(backendCount, numTrackers, activatorCount int) int {
	var targetCapacity int
	if numTrackers > 0 {
		// Pods addressed directly: the slots of the pods assigned to us.
		targetCapacity = rt.containerConcurrency * numTrackers
	} else {
		// Cluster IP: our share of the ready pods' slots.
		targetCapacity = rt.containerConcurrency * backendCount
		if targetCapacity > 0 {
			targetCapacity = minOneOrValue(targetCapacity / minOneOrValue(activatorCount))
		}
	}
	if backendCount > 0 && (rt.containerConcurrency == 0 || targetCapacity > revisionMaxConcurrency) {
		targetCapacity = revisionMaxConcurrency
	}
	return targetCapacity
}

// resetTrackers gives every pod its full slot count back, since pods may
// be reassigned to this activator alone.
func (rt *revisionThrottler) resetTrackers() {
	if rt.containerConcurrency <= 0 {
		return
	}
	for _, t := range rt.podTrackers {
		t.UpdateConcurrency(rt.containerConcurrency)
	}
}

// updateCapacity reassigns the pods to this activator and sets the
// capacity. Only the update goroutine calls it.
func (rt *revisionThrottler) updateCapacity(backendCount int) {
	ac, ai := int(rt.numActivators.Load()), int(rt.activatorIndex.Load())
	numTrackers := func() int {
		if rt.clusterIPTracker != nil {
			return 0
		}
		// Sorted, so every activator slices the same list.
		sort.Slice(rt.podTrackers, func(i, j int) bool {
			return rt.podTrackers[i].dest < rt.podTrackers[j].dest
		})
		assigned := rt.podTrackers
		if rt.containerConcurrency > 0 {
			rt.resetTrackers()
			assigned = assignSlice(rt.podTrackers, ai, ac)
		}
		rt.mux.Lock()
		defer rt.mux.Unlock()
		rt.assignedTrackers = assigned
		return len(assigned)
	}()

	capacity := rt.calculateCapacity(backendCount, numTrackers, ac)
	rt.logger.Infof("Set capacity to %d (backends: %d, index: %d/%d)", capacity, backendCount, ai, ac)
	rt.backendCount = backendCount
	rt.breaker.UpdateConcurrency(capacity)
}

func (rt *revisionThrottler) updateThrottlerState(backendCount int, trackers []*podTracker, clusterIPDest *podTracker) {
	rt.logger.Infof("Updating Revision Throttler with: clusterIP = %v, trackers = %d, backends = %d",
		clusterIPDest, len(trackers), backendCount)
	// Trackers before capacity: a request let in by a capacity increase
	// must find the new pods.
	rt.mux.Lock()
	rt.podTrackers = trackers
	rt.clusterIPTracker = clusterIPDest
	haveDest := clusterIPDest != nil || len(trackers) > 0
	rt.mux.Unlock()
	if haveDest {
		rt.updateCapacity(backendCount)
	} else {
		rt.updateCapacity(0)
	}
}

// pickIndices returns the slice of numTrackers pods activator selfIndex of
// numActivators takes, and how many are left over.
func pickIndices(numTrackers, selfIndex, numActivators int) (beginIndex, endIndex, remnants int) {
	if numActivators > numTrackers {
		// Fewer pods than activators: share them round robin.
		beginIndex = selfIndex % numTrackers
		return beginIndex, beginIndex + 1, 0
	}
	sliceSize := numTrackers / numActivators
	beginIndex = selfIndex * sliceSize
	return beginIndex, beginIndex + sliceSize, numTrackers % numActivators
}

// assignSlice returns the pods (sorted by address) this activator sends to
// when several activators are in the path: an equal slice each, the
// remainder spread one per activator.
func assignSlice(trackers []*podTracker, selfIndex, numActivators int) []*podTracker {
	lt := len(trackers)
	if selfIndex == -1 || lt <= 1 || numActivators == 1 {
		return trackers
	}
	bi, ei, remnants := pickIndices(lt, selfIndex, numActivators)
	x := append(trackers[:0:0], trackers[bi:ei]...)
	if remnants > 0 {
		tail := trackers[len(trackers)-remnants:]
		if len(tail) > selfIndex {
			x = append(x, tail[selfIndex])
		}
	}
	return x
}

// handleUpdate applies a new set of healthy backends. Only the update
// goroutine calls it.
func (rt *revisionThrottler) handleUpdate(update revisionDestsUpdate) {
	if update.ClusterIPDest != "" {
		rt.updateThrottlerState(len(update.Dests), nil, newPodTracker(update.ClusterIPDest, nil))
		return
	}
	existing := make(map[string]*podTracker, len(rt.podTrackers))
	for _, t := range rt.podTrackers {
		existing[t.dest] = t
	}
	trackers := make([]*podTracker, 0, len(update.Dests))
	for dest := range update.Dests {
		tracker, ok := existing[dest]
		if !ok {
			if rt.containerConcurrency == 0 {
				tracker = newPodTracker(dest, nil)
			} else {
				tracker = newPodTracker(dest, newPodBreaker(rt.containerConcurrency))
			}
		}
		trackers = append(trackers, tracker)
	}
	rt.updateThrottlerState(len(update.Dests), trackers, nil)
}

func (rt *revisionThrottler) handlePubEpsUpdate(eps *corev1.Endpoints, selfIP string) {
	epSet := healthyAddresses(eps, rt.protocol)
	if !epSet.Has(selfIP) {
		// Not in the path (Serve mode, or not threaded in yet).
		return
	}
	epsL := sets.List(epSet)
	newNA, newAI := int32(len(epsL)), int32(inferIndex(epsL, selfIP)) //nolint:gosec // replica counts fit
	if newAI == -1 {
		return
	}
	na, ai := rt.numActivators.Load(), rt.activatorIndex.Load()
	if na == newNA && ai == newAI {
		return
	}
	rt.numActivators.Store(newNA)
	rt.activatorIndex.Store(newAI)
	rt.logger.Infof("This activator index is %d/%d was %d/%d", newAI, newNA, ai, na)
	rt.updateCapacity(rt.backendCount)
}

// inferIndex returns ipAddress's index in the sorted activator IPs, or -1.
func inferIndex(eps []string, ipAddress string) int {
	idx := sort.SearchStrings(eps, ipAddress)
	if idx == len(eps) || eps[idx] != ipAddress {
		return -1
	}
	return idx
}

func minOneOrValue(num int) int {
	if num > 1 {
		return num
	}
	return 1
}

// Throttler holds requests per revision until a backend has room, and load
// balances them over the revision's pods. Run feeds it the healthy
// backends.
type Throttler struct {
	revisionThrottlers      map[types.NamespacedName]*revisionThrottler
	revisionThrottlersMutex sync.RWMutex
	revisionLister          servinglisters.RevisionLister
	ipAddress               string // this activator's pod IP
	logger                  *zap.SugaredLogger
	epsUpdateCh             chan *corev1.Endpoints

	queueDepth  int
	queueLimit  *QueueLimit
	probeTiming probeTiming
}

// ThrottlerOption configures a Throttler.
type ThrottlerOption func(*Throttler)

// WithQueueDepth sets how many requests may wait per revision.
func WithQueueDepth(n int) ThrottlerOption {
	return func(t *Throttler) { t.queueDepth = n }
}

// WithQueueLimit bounds the requests waiting across all revisions.
func WithQueueLimit(l *QueueLimit) ThrottlerOption {
	return func(t *Throttler) { t.queueLimit = l }
}

// WithProbeTiming changes how pods are probed: each probe's timeout, and
// the shortest and longest pause between probes of a pod that is not ready
// (1 s, 5 ms and 200 ms by default). For benchmarks comparing with
// upstream's fixed 200 ms period.
func WithProbeTiming(timeout, minInterval, maxInterval time.Duration) ThrottlerOption {
	return func(t *Throttler) {
		t.probeTiming = probeTiming{timeout: timeout, minInterval: minInterval, maxInterval: maxInterval}
	}
}

// NewThrottler creates a Throttler for the activator at ipAddr. It watches
// Revisions (to have a queue for each as soon as it exists, and drop it
// when it is deleted) and the public Endpoints (to learn how many
// activators share each revision).
func NewThrottler(ctx context.Context, ipAddr string, opts ...ThrottlerOption) *Throttler {
	revisionInformer := revisioninformer.Get(ctx)
	t := &Throttler{
		revisionThrottlers: make(map[types.NamespacedName]*revisionThrottler),
		revisionLister:     revisionInformer.Lister(),
		ipAddress:          ipAddr,
		logger:             logging.FromContext(ctx),
		epsUpdateCh:        make(chan *corev1.Endpoints),
		queueDepth:         DefaultRevisionQueueDepth,
		queueLimit:         NewQueueLimit(0),
		probeTiming:        defaultProbeTiming,
	}
	for _, o := range opts {
		o(t)
	}

	revisionInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    t.revisionUpdated,
		UpdateFunc: controller.PassNew(t.revisionUpdated),
		DeleteFunc: t.revisionDeleted,
	})
	endpointsinformer.Get(ctx).Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: pkgreconciler.LabelFilterFunc(networking.ServiceTypeKey, string(networking.ServiceTypePublic), false),
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    t.publicEndpointsUpdated,
			UpdateFunc: controller.PassNew(t.publicEndpointsUpdated),
		},
	})
	return t
}

// Run probes the revisions' backends and applies the healthy ones until
// ctx is done. probeTransport should be the proxy's transport, so the
// connection a probe opened carries the first request.
func (t *Throttler) Run(ctx context.Context, probeTransport http.RoundTripper, usePassthroughLb bool, meshMode netcfg.MeshCompatibilityMode) {
	rbm := newRevisionBackendsManagerWithTiming(ctx, probeTransport, usePassthroughLb, meshMode, t.probeTiming)
	t.run(ctx, rbm.updates())
}

func (t *Throttler) run(ctx context.Context, updateCh <-chan revisionDestsUpdate) {
	for {
		select {
		case update, ok := <-updateCh:
			if !ok {
				t.logger.Info("The Throttler has stopped.")
				return
			}
			t.handleUpdate(update)
		case eps := <-t.epsUpdateCh:
			t.handlePubEpsUpdate(eps)
		case <-ctx.Done():
			// Drain the manager's updates until it closes the channel.
			for range updateCh {
			}
			return
		}
	}
}

// Try waits for capacity of the revision, then calls function with the
// address of a backend to send the request to.
func (t *Throttler) Try(ctx context.Context, revID types.NamespacedName, function func(string) error) error {
	rt, err := t.getOrCreateRevisionThrottler(revID)
	if err != nil {
		return err
	}
	return rt.try(ctx, function)
}

// QueueStats returns the requests in flight and waiting for a revision.
func (t *Throttler) QueueStats(revID types.NamespacedName) (inFlight, waiting int) {
	t.revisionThrottlersMutex.RLock()
	rt, ok := t.revisionThrottlers[revID]
	t.revisionThrottlersMutex.RUnlock()
	if !ok {
		return 0, 0
	}
	return rt.breaker.stats()
}

func (t *Throttler) getOrCreateRevisionThrottler(revID types.NamespacedName) (*revisionThrottler, error) {
	// The request path: a read lock is enough almost always.
	t.revisionThrottlersMutex.RLock()
	rt, ok := t.revisionThrottlers[revID]
	t.revisionThrottlersMutex.RUnlock()
	if ok {
		return rt, nil
	}

	t.revisionThrottlersMutex.Lock()
	defer t.revisionThrottlersMutex.Unlock()
	if rt, ok := t.revisionThrottlers[revID]; ok {
		return rt, nil
	}
	rev, err := t.revisionLister.Revisions(revID.Namespace).Get(revID.Name)
	if err != nil {
		return nil, err
	}
	rt = newRevisionThrottler(revID, int(rev.Spec.GetContainerConcurrency()),
		pkgnet.ServicePortName(rev.GetProtocol()), t.queueDepth, t.queueLimit, t.logger)
	t.revisionThrottlers[revID] = rt
	return rt, nil
}

// revisionUpdated creates the revision's throttler as soon as the revision
// exists, so requests can queue before its first backend shows up.
func (t *Throttler) revisionUpdated(obj any) {
	rev := obj.(*v1.Revision)
	revID := types.NamespacedName{Namespace: rev.Namespace, Name: rev.Name}
	if _, err := t.getOrCreateRevisionThrottler(revID); err != nil {
		t.logger.Errorw("Failed to get revision throttler for revision",
			zap.Error(err), zap.String(logkey.Key, revID.String()))
	}
}

// revisionDeleted drops the revision's throttler, so memory does not grow
// with revisions ever seen.
func (t *Throttler) revisionDeleted(obj any) {
	acc, err := kmeta.DeletionHandlingAccessor(obj)
	if err != nil {
		t.logger.Warnw("Revision delete failure to process", zap.Error(err))
		return
	}
	revID := types.NamespacedName{Namespace: acc.GetNamespace(), Name: acc.GetName()}
	t.revisionThrottlersMutex.Lock()
	defer t.revisionThrottlersMutex.Unlock()
	delete(t.revisionThrottlers, revID)
}

func (t *Throttler) handleUpdate(update revisionDestsUpdate) {
	rt, err := t.getOrCreateRevisionThrottler(update.Rev)
	if err != nil {
		if k8serrors.IsNotFound(err) {
			t.logger.Debugw("Revision not found. It was probably removed", zap.String(logkey.Key, update.Rev.String()))
		} else {
			t.logger.Errorw("Failed to get revision throttler", zap.Error(err), zap.String(logkey.Key, update.Rev.String()))
		}
		return
	}
	rt.handleUpdate(update)
}

func (t *Throttler) handlePubEpsUpdate(eps *corev1.Endpoints) {
	revN := eps.Labels[serving.RevisionLabelKey]
	if revN == "" {
		// Someone else's Service with the same label.
		return
	}
	rev := types.NamespacedName{Name: revN, Namespace: eps.Namespace}
	rt, err := t.getOrCreateRevisionThrottler(rev)
	if err != nil {
		if !k8serrors.IsNotFound(err) {
			t.logger.Errorw("Failed to get revision throttler", zap.Error(err), zap.String(logkey.Key, rev.String()))
		}
		return
	}
	rt.handlePubEpsUpdate(eps, t.ipAddress)
}

func (t *Throttler) publicEndpointsUpdated(newObj any) {
	t.epsUpdateCh <- newObj.(*corev1.Endpoints)
}
