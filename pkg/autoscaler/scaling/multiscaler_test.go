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
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

// fakeUniScaler returns whatever result the test sets and reports each
// evaluation on scaled.
type fakeUniScaler struct {
	mu     sync.Mutex
	result ScaleResult
	spec   *DeciderSpec
	scaled chan struct{}
}

func newFakeUniScaler() *fakeUniScaler {
	return &fakeUniScaler{scaled: make(chan struct{}, 100)}
}

func (u *fakeUniScaler) Scale(*zap.SugaredLogger, time.Time) ScaleResult {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.scaled <- struct{}{}
	return u.result
}

func (u *fakeUniScaler) Update(s *DeciderSpec) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.spec = s
}

func (u *fakeUniScaler) set(r ScaleResult) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.result = r
}

// manualTicks hands out tickers that tick only when the test says so.
type manualTicks struct {
	ch chan time.Time
}

func (m *manualTicks) NewTicker(time.Duration) *time.Ticker {
	return &time.Ticker{C: m.ch}
}

func (m *manualTicks) tick() { m.ch <- time.Now() }

type harness struct {
	ms      *MultiScaler
	us      *fakeUniScaler
	ticks   *manualTicks
	informs chan types.NamespacedName
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	stopCh := make(chan struct{})
	t.Cleanup(func() { close(stopCh) })
	h := &harness{
		us:      newFakeUniScaler(),
		ticks:   &manualTicks{ch: make(chan time.Time)},
		informs: make(chan types.NamespacedName, 100),
	}
	h.ms = NewMultiScaler(stopCh, func(*Decider) (UniScaler, error) { return h.us, nil }, logtesting.TestLogger(t))
	h.ms.tickProvider = h.ticks.NewTicker
	h.ms.Watch(func(key types.NamespacedName) { h.informs <- key })
	return h
}

func testDecider(tbc float64) *Decider {
	return &Decider{
		ObjectMeta: metav1.ObjectMeta{Namespace: testNamespace, Name: testRevision},
		Spec: DeciderSpec{
			TargetValue: 70, TotalValue: 100, TargetBurstCapacity: tbc, InitialScale: 1,
			MaxScaleUpRate: 1000, MaxScaleDownRate: 2, PanicThreshold: 2, StableWindow: time.Minute,
		},
	}
}

var testKey = types.NamespacedName{Namespace: testNamespace, Name: testRevision}

// waitScaled waits for the decider to have evaluated once more.
func (h *harness) waitScaled(t *testing.T) {
	t.Helper()
	select {
	case <-h.us.scaled:
	case <-time.After(10 * time.Second):
		t.Fatal("decider did not run")
	}
}

func (h *harness) wantInform(t *testing.T) {
	t.Helper()
	select {
	case k := <-h.informs:
		if k != testKey {
			t.Errorf("informed %v, want %v", k, testKey)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watcher was not informed")
	}
}

// wantNoInform checks no inform is pending. Informs are sent before Scale
// returns to the ticker loop, so after waitScaled plus one more evaluation
// any inform of the first would be visible.
func (h *harness) wantNoInform(t *testing.T) {
	t.Helper()
	select {
	case k := <-h.informs:
		t.Errorf("unexpected inform of %v", k)
	default:
	}
}

func TestMultiScalerCreateStatus(t *testing.T) {
	tests := []struct {
		name    string
		tbc     float64
		wantEBC int32
	}{
		{name: "TBC -1: activator always in path", tbc: -1, wantEBC: -1},
		{name: "TBC 0: activator only at zero", tbc: 0, wantEBC: 0},
		{name: "TBC larger than the initial scale's capacity: start behind the activator", tbc: 211, wantEBC: 100 - 211},
		{name: "TBC covered by the initial scale", tbc: 50, wantEBC: 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			d, err := h.ms.Create(context.Background(), testDecider(tc.tbc))
			if err != nil {
				t.Fatal("Create:", err)
			}
			want := DeciderStatus{DesiredScale: -1, ExcessBurstCapacity: tc.wantEBC}
			if d.Status != want {
				t.Errorf("Status = %+v, want %+v", d.Status, want)
			}
		})
	}
}

func TestMultiScalerTickInformsOnChange(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.ms.Create(ctx, testDecider(-1)); err != nil {
		t.Fatal("Create:", err)
	}

	// An invalid result changes nothing.
	h.ticks.tick()
	h.waitScaled(t)

	// A new desired scale informs the kpa reconciler.
	h.us.set(ScaleResult{DesiredPodCount: 3, ExcessBurstCapacity: -1, ScaleValid: true})
	h.ticks.tick()
	h.waitScaled(t)
	h.wantInform(t)
	if d, err := h.ms.Get(ctx, testNamespace, testRevision); err != nil || d.Status.DesiredScale != 3 {
		t.Errorf("Get = %+v, %v; want desired scale 3", d, err)
	}

	// The same result again does not.
	h.ticks.tick()
	h.waitScaled(t)
	h.ticks.tick()
	h.waitScaled(t)
	h.wantNoInform(t)

	// EBC changing sign (Serve ↔ Proxy) does, even at the same scale.
	h.us.set(ScaleResult{DesiredPodCount: 3, ExcessBurstCapacity: 5, ScaleValid: true})
	h.ticks.tick()
	h.waitScaled(t)
	h.wantInform(t)

	// EBC changing but keeping its sign does not (only the value is kept).
	h.us.set(ScaleResult{DesiredPodCount: 3, ExcessBurstCapacity: 50, ScaleValid: true})
	h.ticks.tick()
	h.waitScaled(t)
	h.ticks.tick()
	h.waitScaled(t)
	h.wantNoInform(t)
	if d, _ := h.ms.Get(ctx, testNamespace, testRevision); d.Status.ExcessBurstCapacity != 50 {
		t.Errorf("ExcessBurstCapacity = %d, want 50", d.Status.ExcessBurstCapacity)
	}
}

func TestMultiScalerPokeAtZero(t *testing.T) {
	tests := []struct {
		name      string
		latest    int32 // the decider's current desired scale; -1 = none yet
		stat      metrics.Stat
		wantPoked bool
	}{
		{name: "request at zero decides at once", latest: 0, stat: metrics.Stat{AverageConcurrentRequests: 1}, wantPoked: true},
		{name: "request before any decision decides at once", latest: -1, stat: metrics.Stat{AverageConcurrentRequests: 1}, wantPoked: true},
		{name: "idle stat at zero waits for the tick", latest: 0, stat: metrics.Stat{}},
		{name: "request while scaled up waits for the tick", latest: 2, stat: metrics.Stat{AverageConcurrentRequests: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if _, err := h.ms.Create(context.Background(), testDecider(-1)); err != nil {
				t.Fatal("Create:", err)
			}
			if tc.latest >= 0 {
				h.us.set(ScaleResult{DesiredPodCount: tc.latest, ExcessBurstCapacity: -1, ScaleValid: true})
				h.ticks.tick()
				h.waitScaled(t)
				if tc.latest != -1 {
					h.wantInform(t)
				}
			}
			h.us.set(ScaleResult{DesiredPodCount: 1, ExcessBurstCapacity: -1, ScaleValid: true})
			h.ms.Poke(testKey, tc.stat)
			if tc.wantPoked {
				h.waitScaled(t)
				h.wantInform(t)
				return
			}
			// Not poked: only a tick evaluates again.
			select {
			case <-h.us.scaled:
				t.Fatal("decider ran without a tick")
			default:
			}
		})
	}
}

func TestMultiScalerPokeNeverBlocks(t *testing.T) {
	h := newHarness(t)
	if _, err := h.ms.Create(context.Background(), testDecider(-1)); err != nil {
		t.Fatal("Create:", err)
	}
	// Many pokes while the runner is busy must neither block nor queue up.
	for range 1000 {
		h.ms.Poke(testKey, metrics.Stat{AverageConcurrentRequests: 1})
	}
	h.ms.Poke(types.NamespacedName{Namespace: "x", Name: "unknown"}, metrics.Stat{AverageConcurrentRequests: 1})
}

func TestMultiScalerUpdateGetDelete(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.ms.Update(ctx, testDecider(-1)); !apierrors.IsNotFound(err) {
		t.Errorf("Update of a missing decider = %v, want NotFound", err)
	}
	if _, err := h.ms.Get(ctx, testNamespace, testRevision); !apierrors.IsNotFound(err) {
		t.Errorf("Get of a missing decider = %v, want NotFound", err)
	}
	if _, err := h.ms.Create(ctx, testDecider(-1)); err != nil {
		t.Fatal("Create:", err)
	}
	upd := testDecider(-1)
	upd.Spec.TargetValue = 10
	if _, err := h.ms.Update(ctx, upd); err != nil {
		t.Fatal("Update:", err)
	}
	if h.us.spec == nil || h.us.spec.TargetValue != 10 {
		t.Errorf("UniScaler spec = %+v, want TargetValue 10", h.us.spec)
	}
	if d, _ := h.ms.Get(ctx, testNamespace, testRevision); d.Spec.TargetValue != 10 {
		t.Errorf("Get after Update: TargetValue = %v, want 10", d.Spec.TargetValue)
	}
	h.ms.Delete(ctx, testNamespace, testRevision)
	if _, err := h.ms.Get(ctx, testNamespace, testRevision); !apierrors.IsNotFound(err) {
		t.Errorf("Get after Delete = %v, want NotFound", err)
	}
}

func TestMultiScalerFactoryError(t *testing.T) {
	ms := NewMultiScaler(make(chan struct{}), func(*Decider) (UniScaler, error) {
		return nil, errors.New("no labels")
	}, logtesting.TestLogger(t))
	if _, err := ms.Create(context.Background(), testDecider(-1)); err == nil {
		t.Error("Create succeeded despite the factory failing")
	}
}
