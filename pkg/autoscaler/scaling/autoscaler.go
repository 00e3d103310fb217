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

package scaling

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	pkgmetrics "knative.dev/pkg/metrics"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	aggmax "github.com/skiffhq/skiff/pkg/autoscaler/aggregation/max"
	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/resources"
)

// podCounter counts a revision's ready pods.
type podCounter interface {
	ReadyCount() (int, error)
}

// observation is what one decision is computed from.
type observation struct {
	// readyPods is the number of ready pods (0 when scaled to zero).
	readyPods int
	// stable and panic are the observed metric (concurrency or RPS, for
	// all pods together) averaged over the stable and the panic window.
	stable, panic float64
}

// panicState is all a decider remembers between decisions (besides the
// scale-down delay window).
type panicState struct {
	// panicTime is when the load was last over the panic threshold; zero
	// when not in panic mode.
	panicTime time.Time
	// maxPanicPods is the largest recommendation made in this panic: in
	// panic mode the decider never scales down.
	maxPanicPods int32
}

func (s panicState) panicking() bool { return !s.panicTime.IsZero() }

// decision is the outcome of decide.
type decision struct {
	desired int32
	// excessBurstCapacity is ready capacity minus load minus the target
	// burst capacity: negative keeps the activator in the request path.
	excessBurstCapacity float64
	// dspc and dppc are the pod counts the stable and the panic window
	// alone ask for, for the logs.
	dspc, dppc float64
}

// decide is the KPA: a pure function of the spec, the windows' averages,
// the ready pods, the panic state and the time.
//
//   - Pods wanted = ⌈observed / target⌉ for each window, kept within
//     [⌊ready/maxScaleDownRate⌋, ⌈ready·maxScaleUpRate⌉] (counting 0 ready
//     pods as 1, so a revision at zero can start; an unreachable revision
//     may go straight to 0).
//   - A non-zero wish is at least the activation scale.
//   - Panic starts when the panic window asks for panicThreshold × the
//     ready pods, lasts while it does and for a stable window after; in
//     panic the decider takes the larger wish and never scales down.
//   - Excess burst capacity = ready × total − TBC − panic load (TBC 0: 0;
//     TBC -1: always -1, activator always in path).
func decide(spec *DeciderSpec, obs observation, st panicState, now time.Time) (decision, panicState) {
	readyPodsCount := math.Max(1, float64(obs.readyPods))

	// Ceil so a slow scale-up rate still adds at least one pod.
	maxScaleUp := math.Ceil(spec.MaxScaleUpRate * readyPodsCount)
	maxScaleDown := 0.
	if spec.Reachable {
		maxScaleDown = math.Floor(readyPodsCount / spec.MaxScaleDownRate)
	}

	dspc := math.Ceil(obs.stable / spec.TargetValue)
	dppc := math.Ceil(obs.panic / spec.TargetValue)
	desiredStable := int32(math.Min(math.Max(dspc, maxScaleDown), maxScaleUp))
	desiredPanic := int32(math.Min(math.Max(dppc, maxScaleDown), maxScaleUp))

	if spec.ActivationScale > 1 {
		if dspc > 0 && spec.ActivationScale > desiredStable {
			desiredStable = spec.ActivationScale
		}
		if dppc > 0 && spec.ActivationScale > desiredPanic {
			desiredPanic = spec.ActivationScale
		}
	}

	overThreshold := dppc/readyPodsCount >= spec.PanicThreshold
	switch {
	case overThreshold:
		// Enter, or extend, panic mode.
		st.panicTime = now
	case st.panicking() && st.panicTime.Add(spec.StableWindow).Before(now):
		// The surge has made its way into the stable window: calm down.
		st = panicState{}
	}

	desired := desiredStable
	if st.panicking() {
		// The stable window may exceed the panic one at the tail of a
		// burst: provision for the larger.
		desired = max(desired, desiredPanic)
		// Never scale down in panic mode.
		st.maxPanicPods = max(st.maxPanicPods, desired)
		desired = st.maxPanicPods
	}

	ebc := -1.
	switch {
	case spec.TargetBurstCapacity == 0:
		ebc = 0
	case spec.TargetBurstCapacity > 0:
		// Panic load: the decision whether the activator stays in the
		// path should not wait for the stable window.
		ebc = math.Floor(float64(obs.readyPods)*spec.TotalValue - spec.TargetBurstCapacity - obs.panic)
	}
	return decision{desired: desired, excessBurstCapacity: ebc, dspc: dspc, dppc: dppc}, st
}

// autoscaler is the UniScaler of one revision: it gathers an observation,
// decides and reports.
type autoscaler struct {
	namespace    string
	revision     string
	metricClient metrics.MetricClient
	podCounter   podCounter
	reporterCtx  context.Context

	// state is only used by Scale, which the MultiScaler never runs
	// concurrently for one revision.
	state panicState

	// delayWindow holds the largest recommendation of the last
	// ScaleDownDelay, deferring scale-downs; nil without a delay.
	delayWindow *aggmax.TimeWindow

	// specMux guards deciderSpec, which Update replaces.
	specMux     sync.RWMutex
	deciderSpec *DeciderSpec
}

// New creates the autoscaler of a revision.
func New(
	reporterCtx context.Context,
	namespace, revision string,
	metricClient metrics.MetricClient,
	podCounter resources.EndpointsCounter,
	deciderSpec *DeciderSpec,
) UniScaler {
	var delayer *aggmax.TimeWindow
	if deciderSpec.ScaleDownDelay > 0 {
		delayer = aggmax.NewTimeWindow(deciderSpec.ScaleDownDelay, tickInterval)
	}
	return newAutoscaler(reporterCtx, namespace, revision, metricClient, podCounter, deciderSpec, delayer)
}

func newAutoscaler(
	reporterCtx context.Context,
	namespace, revision string,
	metricClient metrics.MetricClient,
	podCounter podCounter,
	deciderSpec *DeciderSpec,
	delayWindow *aggmax.TimeWindow,
) *autoscaler {
	// A restarted autoscaler has lost its metric history and would scale
	// down at once. Start in panic mode when more than one pod runs, so it
	// keeps at least the current scale until the windows fill again.
	curC, err := podCounter.ReadyCount()
	if err != nil {
		// Normal for a new revision: its Service does not exist yet.
		curC = 0
	}
	var st panicState
	if curC > 1 {
		st = panicState{panicTime: time.Now(), maxPanicPods: int32(curC)}
		pkgmetrics.Record(reporterCtx, panicM.M(1))
	} else {
		pkgmetrics.Record(reporterCtx, panicM.M(0))
	}
	return &autoscaler{
		namespace:    namespace,
		revision:     revision,
		metricClient: metricClient,
		podCounter:   podCounter,
		reporterCtx:  reporterCtx,
		state:        st,
		delayWindow:  delayWindow,
		deciderSpec:  deciderSpec,
	}
}

// Update implements UniScaler.
func (a *autoscaler) Update(deciderSpec *DeciderSpec) {
	a.specMux.Lock()
	defer a.specMux.Unlock()
	a.deciderSpec = deciderSpec
}

func (a *autoscaler) currentSpec() *DeciderSpec {
	a.specMux.RLock()
	defer a.specMux.RUnlock()
	return a.deciderSpec
}

// Scale implements UniScaler. It is not safe to call concurrently.
func (a *autoscaler) Scale(logger *zap.SugaredLogger, now time.Time) ScaleResult {
	spec := a.currentSpec()
	readyPods, err := a.podCounter.ReadyCount()
	// No Service or Endpoints (yet): no pods.
	if err != nil && !apierrors.IsNotFound(err) {
		logger.Errorw("Failed to get ready pod count via K8S Lister", zap.Error(err))
		return invalidSR
	}

	key := types.NamespacedName{Namespace: a.namespace, Name: a.revision}
	var stable, panicV float64
	if spec.ScalingMetric == autoscaling.RPS {
		stable, panicV, err = a.metricClient.StableAndPanicRPS(key, now)
	} else {
		stable, panicV, err = a.metricClient.StableAndPanicConcurrency(key, now)
	}
	if err != nil {
		if errors.Is(err, metrics.ErrNoData) {
			logger.Debug("No data to scale on yet")
		} else {
			logger.Errorw("Failed to obtain metrics", zap.Error(err))
		}
		return invalidSR
	}

	wasPanicking := a.state.panicking()
	d, next := decide(spec, observation{readyPods: readyPods, stable: stable, panic: panicV}, a.state, now)
	a.state = next
	switch {
	case !wasPanicking && next.panicking():
		logger.Info("PANICKING.")
		pkgmetrics.Record(a.reporterCtx, panicM.M(1))
	case wasPanicking && !next.panicking():
		logger.Info("Un-panicking.")
		pkgmetrics.Record(a.reporterCtx, panicM.M(0))
	}

	desired := d.desired
	if a.delayWindow != nil {
		// Even a one-slot window differs from no delay: two decisions in the
		// same slot keep the larger.
		a.delayWindow.Record(now, desired)
		desired = a.delayWindow.Current()
	}

	if desugared := logger.Desugar(); desugared.Core().Enabled(zapcore.DebugLevel) {
		desugared.Debug("Scaling decision",
			zap.String("metric", spec.ScalingMetric),
			zap.Float64("observedStable", stable), zap.Float64("observedPanic", panicV),
			zap.Float64("target", spec.TargetValue), zap.Int("readyPods", readyPods),
			zap.Float64("desiredStable", d.dspc), zap.Float64("desiredPanic", d.dppc),
			zap.Int32("desired", desired), zap.Float64("excessBurstCapacity", d.excessBurstCapacity),
			zap.Bool("panic", next.panicking()))
	}

	if spec.ScalingMetric == autoscaling.RPS {
		pkgmetrics.RecordBatch(a.reporterCtx,
			excessBurstCapacityM.M(d.excessBurstCapacity),
			desiredPodCountM.M(int64(desired)),
			stableRPSM.M(stable),
			panicRPSM.M(panicV),
			targetRPSM.M(spec.TargetValue),
		)
	} else {
		pkgmetrics.RecordBatch(a.reporterCtx,
			excessBurstCapacityM.M(d.excessBurstCapacity),
			desiredPodCountM.M(int64(desired)),
			stableRequestConcurrencyM.M(stable),
			panicRequestConcurrencyM.M(panicV),
			targetRequestConcurrencyM.M(spec.TargetValue),
		)
	}

	return ScaleResult{
		DesiredPodCount:     desired,
		ExcessBurstCapacity: int32(d.excessBurstCapacity),
		ScaleValid:          true,
	}
}
