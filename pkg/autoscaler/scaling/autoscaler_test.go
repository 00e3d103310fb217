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
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	aggmax "github.com/skiffhq/skiff/pkg/autoscaler/aggregation/max"
	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

const (
	testNamespace = "default"
	testRevision  = "hello-00001"
	stableWindow  = 60 * time.Second
)

// fakeMetrics serves the windows' averages a step sets.
type fakeMetrics struct {
	stable, panic float64
	err           error
	// rps is true when the RPS windows were asked for.
	rps bool
}

func (f *fakeMetrics) StableAndPanicConcurrency(types.NamespacedName, time.Time) (float64, float64, error) {
	f.rps = false
	return f.stable, f.panic, f.err
}

func (f *fakeMetrics) StableAndPanicRPS(types.NamespacedName, time.Time) (float64, float64, error) {
	f.rps = true
	return f.stable, f.panic, f.err
}

// fakePods counts the ready pods a step sets.
type fakePods struct {
	ready int
	err   error
}

func (f *fakePods) ReadyCount() (int, error)    { return f.ready, f.err }
func (f *fakePods) NotReadyCount() (int, error) { return 0, nil }

// baseSpec is a revision with containerConcurrency 10 at 100% target
// utilisation: a pod should take 10 concurrent requests and can take 10.
func baseSpec(opts ...func(*DeciderSpec)) *DeciderSpec {
	s := &DeciderSpec{
		ScalingMetric:       autoscaling.Concurrency,
		TargetValue:         10,
		TotalValue:          10,
		TargetBurstCapacity: -1,
		MaxScaleUpRate:      10,
		MaxScaleDownRate:    2,
		PanicThreshold:      2,
		StableWindow:        stableWindow,
		Reachable:           true,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// step is one decision: the world at a time offset, and what the decider
// must recommend.
type step struct {
	at            time.Duration
	ready         int
	stable, panic float64

	want      int32
	wantEBC   int32
	wantPanic bool
}

// TestDecider is the KPA's behaviour as a table of metric series. Each row
// starts a fresh decider and feeds it observations at 2 s ticks (or at the
// given offsets).
func TestDecider(t *testing.T) {
	tests := []struct {
		name string
		spec *DeciderSpec
		// startReady is the ready pod count when the decider is created.
		startReady int
		steps      []step
	}{{
		name: "steady load: pods = load / target",
		spec: baseSpec(),
		steps: []step{
			{ready: 5, stable: 50, panic: 50, want: 5, wantEBC: -1},
			{ready: 5, stable: 50, panic: 50, want: 5, wantEBC: -1},
		},
	}, {
		name:  "steady load: a partial pod's worth rounds up",
		spec:  baseSpec(),
		steps: []step{{ready: 5, stable: 51, panic: 52, want: 6, wantEBC: -1}},
	}, {
		name: "growing load scales up without panic below the threshold",
		spec: baseSpec(),
		steps: []step{
			{ready: 5, stable: 50, panic: 50, want: 5, wantEBC: -1},
			{ready: 5, stable: 70, panic: 90, want: 7, wantEBC: -1},
		},
	}, {
		name:  "falling load scales down at most by the max scale down rate",
		spec:  baseSpec(),
		steps: []step{{ready: 10, stable: 10, panic: 10, want: 5, wantEBC: -1}},
	}, {
		name: "spike: panic window at twice the ready capacity enters panic and follows it",
		spec: baseSpec(),
		steps: []step{
			{ready: 2, stable: 20, panic: 20, want: 2, wantEBC: -1},
			{ready: 2, stable: 25, panic: 80, want: 8, wantEBC: -1, wantPanic: true},
		},
	}, {
		name:  "spike below the threshold: no panic, stable window decides",
		spec:  baseSpec(),
		steps: []step{{ready: 4, stable: 30, panic: 70, want: 3, wantEBC: -1}},
	}, {
		name: "in panic the decider never scales down",
		spec: baseSpec(),
		steps: []step{
			{ready: 2, stable: 20, panic: 80, want: 8, wantEBC: -1, wantPanic: true},
			{at: 2 * time.Second, ready: 8, stable: 20, panic: 30, want: 8, wantEBC: -1, wantPanic: true},
			{at: 50 * time.Second, ready: 8, stable: 10, panic: 10, want: 8, wantEBC: -1, wantPanic: true},
		},
	}, {
		name: "in panic a bigger spike still scales up",
		spec: baseSpec(),
		steps: []step{
			{ready: 2, stable: 20, panic: 80, want: 8, wantEBC: -1, wantPanic: true},
			{at: 2 * time.Second, ready: 8, stable: 40, panic: 200, want: 20, wantEBC: -1, wantPanic: true},
		},
	}, {
		name: "panic exit: a stable window after the last spike, back to the stable decision",
		spec: baseSpec(),
		steps: []step{
			{ready: 2, stable: 20, panic: 80, want: 8, wantEBC: -1, wantPanic: true},
			{at: 30 * time.Second, ready: 8, stable: 40, panic: 40, want: 8, wantEBC: -1, wantPanic: true},
			// 61 s after the spike: the stable window has seen it.
			{at: 61 * time.Second, ready: 8, stable: 30, panic: 30, want: 4, wantEBC: -1},
		},
	}, {
		name: "panic is extended while the panic window stays over the threshold",
		spec: baseSpec(),
		steps: []step{
			{ready: 2, stable: 20, panic: 80, want: 8, wantEBC: -1, wantPanic: true},
			{at: 40 * time.Second, ready: 8, stable: 50, panic: 160, want: 16, wantEBC: -1, wantPanic: true},
			// 80 s after the first spike but only 40 s after the second.
			{at: 80 * time.Second, ready: 16, stable: 50, panic: 50, want: 16, wantEBC: -1, wantPanic: true},
			{at: 101 * time.Second, ready: 16, stable: 50, panic: 50, want: 8, wantEBC: -1},
		},
	}, {
		name: "a restarted autoscaler with several pods starts in panic and keeps them",
		spec: baseSpec(), startReady: 6,
		steps: []step{
			// Fresh windows see little load: hold the 6 pods for now.
			{ready: 6, stable: 10, panic: 10, want: 6, wantEBC: -1, wantPanic: true},
		},
	}, {
		name: "traffic stopped: one pod stays while the stable window still averages load",
		spec: baseSpec(),
		steps: []step{
			{ready: 1, stable: 0.4, panic: 0, want: 1, wantEBC: -1},
			{at: 30 * time.Second, ready: 1, stable: 0.1, panic: 0, want: 1, wantEBC: -1},
			// The window has drained: recommend zero (the kpa reconciler then
			// applies the scale-to-zero grace period).
			{at: 62 * time.Second, ready: 1, stable: 0, panic: 0, want: 0, wantEBC: -1},
		},
	}, {
		name: "scale down delay holds the largest recommendation for the delay",
		spec: baseSpec(func(s *DeciderSpec) { s.ScaleDownDelay = 10 * time.Second }),
		steps: []step{
			{ready: 5, stable: 50, panic: 50, want: 5, wantEBC: -1},
			{at: 2 * time.Second, ready: 5, stable: 0, panic: 0, want: 5, wantEBC: -1},
			{at: 8 * time.Second, ready: 5, stable: 0, panic: 0, want: 5, wantEBC: -1},
			// The delay has passed; the max scale down rate still applies.
			{at: 10 * time.Second, ready: 5, stable: 0, panic: 0, want: 2, wantEBC: -1},
		},
	}, {
		name: "scale down delay does not delay scale up",
		spec: baseSpec(func(s *DeciderSpec) { s.ScaleDownDelay = 10 * time.Second }),
		steps: []step{
			{ready: 2, stable: 20, panic: 20, want: 2, wantEBC: -1},
			{at: 2 * time.Second, ready: 2, stable: 30, panic: 30, want: 3, wantEBC: -1},
		},
	}, {
		name:  "unreachable revision may drop straight to zero",
		spec:  baseSpec(func(s *DeciderSpec) { s.Reachable = false }),
		steps: []step{{ready: 10, stable: 0, panic: 0, want: 0, wantEBC: -1}},
	}, {
		name: "max scale up rate caps the climb",
		spec: baseSpec(func(s *DeciderSpec) { s.MaxScaleUpRate = 2 }),
		steps: []step{
			{ready: 2, stable: 1000, panic: 1000, want: 4, wantEBC: -1, wantPanic: true},
			{at: 2 * time.Second, ready: 4, stable: 1000, panic: 1000, want: 8, wantEBC: -1, wantPanic: true},
		},
	}, {
		name:  "max scale up rate: a slow rate still adds a pod",
		spec:  baseSpec(func(s *DeciderSpec) { s.MaxScaleUpRate = 1.1 }),
		steps: []step{{ready: 2, stable: 30, panic: 30, want: 3, wantEBC: -1}},
	}, {
		name:  "max scale up rate from zero: zero pods count as one",
		spec:  baseSpec(func(s *DeciderSpec) { s.MaxScaleUpRate = 3 }),
		steps: []step{{ready: 0, stable: 100, panic: 100, want: 3, wantEBC: -1, wantPanic: true}},
	}, {
		name:  "scale from zero: the activator's first request asks for one pod",
		spec:  baseSpec(func(s *DeciderSpec) { s.TargetValue = 70; s.TotalValue = 100 }),
		steps: []step{{ready: 0, stable: 1, panic: 1, want: 1, wantEBC: -1}},
	}, {
		name: "activation scale: scale from zero goes to the activation scale",
		spec: baseSpec(func(s *DeciderSpec) { s.ActivationScale = 3 }),
		steps: []step{
			{ready: 0, stable: 1, panic: 1, want: 3, wantEBC: -1},
			{at: 2 * time.Second, ready: 3, stable: 1, panic: 1, want: 3, wantEBC: -1},
		},
	}, {
		name:  "activation scale still allows scale to zero",
		spec:  baseSpec(func(s *DeciderSpec) { s.ActivationScale = 3 }),
		steps: []step{{ready: 3, stable: 0, panic: 0, want: 1, wantEBC: -1}, {at: 2 * time.Second, ready: 1, stable: 0, panic: 0, want: 0, wantEBC: -1}},
	}, {
		name:  "activation scale below the load does not hold it back",
		spec:  baseSpec(func(s *DeciderSpec) { s.ActivationScale = 2 }),
		steps: []step{{ready: 5, stable: 50, panic: 50, want: 5, wantEBC: -1}},
	}, {
		name:  "TBC -1: excess burst capacity is always negative (activator always in path)",
		spec:  baseSpec(func(s *DeciderSpec) { s.TotalValue = 100 }),
		steps: []step{{ready: 50, stable: 10, panic: 10, want: 25, wantEBC: -1}},
	}, {
		name:  "TBC 0: excess burst capacity is zero (activator only at zero)",
		spec:  baseSpec(func(s *DeciderSpec) { s.TargetBurstCapacity = 0 }),
		steps: []step{{ready: 1, stable: 10, panic: 10, want: 1, wantEBC: 0}},
	}, {
		name:  "TBC 211, one pod: too little headroom, negative EBC keeps the SKS in Proxy",
		spec:  baseSpec(func(s *DeciderSpec) { s.TargetValue = 70; s.TotalValue = 100; s.TargetBurstCapacity = 211 }),
		steps: []step{{ready: 1, stable: 10, panic: 10, want: 1, wantEBC: 100 - 211 - 10}},
	}, {
		name:  "TBC 211, enough pods: positive EBC lets the SKS Serve",
		spec:  baseSpec(func(s *DeciderSpec) { s.TargetValue = 70; s.TotalValue = 100; s.TargetBurstCapacity = 211 }),
		steps: []step{{ready: 4, stable: 140, panic: 150, want: 2, wantEBC: 400 - 211 - 150}},
	}, {
		name: "TBC: EBC follows the panic window, not the stable one",
		spec: baseSpec(func(s *DeciderSpec) { s.TargetValue = 70; s.TotalValue = 100; s.TargetBurstCapacity = 100 }),
		steps: []step{
			{ready: 3, stable: 100, panic: 100, want: 2, wantEBC: 100},
			// 250/70 asks for 4 pods, under twice the 3 ready: no panic, the
			// stable window decides, but EBC turns negative at once.
			{at: 2 * time.Second, ready: 3, stable: 100, panic: 250, want: 2, wantEBC: -50},
		},
	}, {
		name:  "EBC is floored",
		spec:  baseSpec(func(s *DeciderSpec) { s.TotalValue = 100; s.TargetBurstCapacity = 50 }),
		steps: []step{{ready: 1, stable: 10.5, panic: 10.5, want: 2, wantEBC: 39, wantPanic: true}},
	}, {
		name: "min and max scale are not the decider's: its wish is unbounded and the kpa reconciler clamps it",
		spec: baseSpec(),
		steps: []step{
			// Even with max-scale 3 on the PodAutoscaler, the decider asks
			// for what the load needs: desired_pods shows the demand.
			{ready: 3, stable: 100, panic: 100, want: 10, wantEBC: -1, wantPanic: true},
		},
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger := logtesting.TestLogger(t)
			mc := &fakeMetrics{}
			pc := &fakePods{ready: tc.startReady}
			var delay *aggmax.TimeWindow
			if tc.spec.ScaleDownDelay > 0 {
				delay = aggmax.NewTimeWindow(tc.spec.ScaleDownDelay, tickInterval)
			}
			a := newAutoscaler(context.Background(), testNamespace, testRevision, mc, pc, tc.spec, delay)
			// Align to the delay window's 2 s slots.
			t0 := time.Unix(1_700_000_000, 0)
			for i, s := range tc.steps {
				mc.stable, mc.panic, pc.ready = s.stable, s.panic, s.ready
				got := a.Scale(logger, t0.Add(s.at))
				want := ScaleResult{DesiredPodCount: s.want, ExcessBurstCapacity: s.wantEBC, ScaleValid: true}
				if got != want {
					t.Errorf("step %d (t+%v): Scale = %+v, want %+v", i, s.at, got, want)
				}
				if p := a.state.panicking(); p != s.wantPanic {
					t.Errorf("step %d (t+%v): panicking = %v, want %v", i, s.at, p, s.wantPanic)
				}
			}
		})
	}
}

func TestDeciderMetricChoice(t *testing.T) {
	for _, metric := range []string{autoscaling.Concurrency, autoscaling.RPS, ""} {
		t.Run(fmt.Sprintf("metric %q", metric), func(t *testing.T) {
			mc := &fakeMetrics{stable: 100, panic: 100}
			spec := baseSpec(func(s *DeciderSpec) { s.ScalingMetric = metric })
			a := newAutoscaler(context.Background(), testNamespace, testRevision, mc, &fakePods{ready: 10}, spec, nil)
			if got := a.Scale(logtesting.TestLogger(t), time.Now()); got.DesiredPodCount != 10 {
				t.Errorf("DesiredPodCount = %d, want 10", got.DesiredPodCount)
			}
			if want := metric == autoscaling.RPS; mc.rps != want {
				t.Errorf("read RPS windows = %v, want %v", mc.rps, want)
			}
		})
	}
}

func TestDeciderInvalid(t *testing.T) {
	notFound := apierrors.NewNotFound(schema.GroupResource{Resource: "endpoints"}, "hello-00001")
	tests := []struct {
		name      string
		metricErr error
		podsErr   error
		wantValid bool
	}{{
		name:      "no data yet: no decision",
		metricErr: metrics.ErrNoData,
	}, {
		name:      "not collecting: no decision",
		metricErr: metrics.ErrNotCollecting,
	}, {
		name:    "pods cannot be counted: no decision",
		podsErr: errors.New("lister broke"),
	}, {
		name:      "no endpoints yet counts as zero pods",
		podsErr:   notFound,
		wantValid: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mc := &fakeMetrics{stable: 10, panic: 10, err: tc.metricErr}
			pc := &fakePods{err: tc.podsErr}
			a := newAutoscaler(context.Background(), testNamespace, testRevision, mc, pc, baseSpec(), nil)
			got := a.Scale(logtesting.TestLogger(t), time.Now())
			if got.ScaleValid != tc.wantValid {
				t.Errorf("ScaleValid = %v, want %v (%+v)", got.ScaleValid, tc.wantValid, got)
			}
			if tc.wantValid && got.DesiredPodCount != 1 {
				t.Errorf("DesiredPodCount = %d, want 1", got.DesiredPodCount)
			}
		})
	}
}

func TestDeciderUpdate(t *testing.T) {
	mc := &fakeMetrics{stable: 100, panic: 100}
	pc := &fakePods{}
	a := New(context.Background(), testNamespace, testRevision, mc, pc, baseSpec())
	pc.ready = 10
	logger := logtesting.TestLogger(t)
	if got := a.Scale(logger, time.Now()); got.DesiredPodCount != 10 {
		t.Fatalf("DesiredPodCount = %d, want 10", got.DesiredPodCount)
	}
	a.Update(baseSpec(func(s *DeciderSpec) { s.TargetValue = 20 }))
	if got := a.Scale(logger, time.Now()); got.DesiredPodCount != 5 {
		t.Errorf("after Update: DesiredPodCount = %d, want 5", got.DesiredPodCount)
	}
}
