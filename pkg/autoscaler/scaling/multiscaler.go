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
	"math"
	"sync"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/logging/logkey"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

// tickInterval is how often each decider decides.
const tickInterval = 2 * time.Second

// ScaleResult is the outcome of one UniScaler evaluation.
type ScaleResult struct {
	// DesiredPodCount is the number of pods the revision should have.
	DesiredPodCount int32
	// ExcessBurstCapacity is the spare capacity beyond the target burst
	// capacity; negative keeps the activator in the request path.
	ExcessBurstCapacity int32
	// ScaleValid is false if there was not enough information to decide.
	ScaleValid bool
}

var invalidSR = ScaleResult{ScaleValid: false}

// UniScaler decides the scale of one revision.
type UniScaler interface {
	// Scale computes a scale recommendation at time now.
	Scale(*zap.SugaredLogger, time.Time) ScaleResult
	// Update replaces the DeciderSpec.
	Update(*DeciderSpec)
}

// UniScalerFactory creates the UniScaler for a Decider.
type UniScalerFactory func(*Decider) (UniScaler, error)

// scalerRunner runs one UniScaler on a ticker.
type scalerRunner struct {
	scaler UniScaler
	stopCh chan struct{}
	// pokeCh asks for a decision now; it has room for one pending poke, so
	// pokes never block and never pile up.
	pokeCh chan struct{}
	logger *zap.SugaredLogger

	// mux guards decider.
	mux     sync.RWMutex
	decider *Decider
}

func (sr *scalerRunner) latestScale() int32 {
	sr.mux.RLock()
	defer sr.mux.RUnlock()
	return sr.decider.Status.DesiredScale
}

func sameSign(a, b int32) bool {
	return (a&math.MinInt32)^(b&math.MinInt32) == 0
}

func (sr *scalerRunner) safeDecider() *Decider {
	sr.mux.RLock()
	defer sr.mux.RUnlock()
	return sr.decider.DeepCopy()
}

// updateLatestScale stores a result and reports whether the kpa reconciler
// must hear of it: the desired scale changed, or the excess burst capacity
// changed sign (which flips the SKS between Proxy and Serve).
func (sr *scalerRunner) updateLatestScale(sRes ScaleResult) bool {
	sr.mux.Lock()
	defer sr.mux.Unlock()
	changed := sr.decider.Status.DesiredScale != sRes.DesiredPodCount ||
		!sameSign(sr.decider.Status.ExcessBurstCapacity, sRes.ExcessBurstCapacity)
	sr.decider.Status.DesiredScale = sRes.DesiredPodCount
	sr.decider.Status.ExcessBurstCapacity = sRes.ExcessBurstCapacity
	return changed
}

// MultiScaler runs the deciders of all revisions. It implements the kpa
// reconciler's Deciders interface: the reconciler creates, updates and
// deletes Deciders, and is told through Watch when one's status changed.
type MultiScaler struct {
	scalersMutex  sync.RWMutex
	scalers       map[types.NamespacedName]*scalerRunner
	scalersStopCh <-chan struct{}

	uniScalerFactory UniScalerFactory
	logger           *zap.SugaredLogger

	watcherMutex sync.RWMutex
	watcher      func(types.NamespacedName)

	tickProvider func(time.Duration) *time.Ticker
	now          func() time.Time
}

// NewMultiScaler creates a MultiScaler whose deciders stop when stopCh is
// closed.
func NewMultiScaler(stopCh <-chan struct{}, uniScalerFactory UniScalerFactory, logger *zap.SugaredLogger) *MultiScaler {
	return &MultiScaler{
		scalers:          make(map[types.NamespacedName]*scalerRunner),
		scalersStopCh:    stopCh,
		uniScalerFactory: uniScalerFactory,
		logger:           logger,
		tickProvider:     time.NewTicker,
		now:              time.Now,
	}
}

// notFound is the error for a missing Decider. Deciders are not API
// objects; the group resource only makes errors.IsNotFound work.
func notFound(key types.NamespacedName) error {
	return errors.NewNotFound(autoscalingv1alpha1.Resource("Deciders"), key.String())
}

// Get returns a copy of the Decider.
func (m *MultiScaler) Get(_ context.Context, namespace, name string) (*Decider, error) {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	m.scalersMutex.RLock()
	defer m.scalersMutex.RUnlock()
	scaler, exists := m.scalers[key]
	if !exists {
		return nil, notFound(key)
	}
	return scaler.safeDecider(), nil
}

// Create starts a decider (if none runs for the key) and returns a copy of it.
func (m *MultiScaler) Create(_ context.Context, decider *Decider) (*Decider, error) {
	key := types.NamespacedName{Namespace: decider.Namespace, Name: decider.Name}
	m.scalersMutex.Lock()
	defer m.scalersMutex.Unlock()
	scaler, exists := m.scalers[key]
	if !exists {
		var err error
		if scaler, err = m.createScaler(decider, key); err != nil {
			return nil, err
		}
		m.scalers[key] = scaler
	}
	return scaler.safeDecider(), nil
}

// Update applies a new spec to a running decider.
func (m *MultiScaler) Update(_ context.Context, decider *Decider) (*Decider, error) {
	key := types.NamespacedName{Namespace: decider.Namespace, Name: decider.Name}
	m.scalersMutex.Lock()
	defer m.scalersMutex.Unlock()
	scaler, exists := m.scalers[key]
	if !exists {
		return nil, notFound(key)
	}
	scaler.mux.Lock()
	defer scaler.mux.Unlock()
	scaler.decider = decider.DeepCopy()
	scaler.scaler.Update(&scaler.decider.Spec)
	return decider, nil
}

// Delete stops and removes a decider.
func (m *MultiScaler) Delete(_ context.Context, namespace, name string) {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	m.scalersMutex.Lock()
	defer m.scalersMutex.Unlock()
	if scaler, exists := m.scalers[key]; exists {
		close(scaler.stopCh)
		delete(m.scalers, key)
	}
}

// Watch registers the single function called with a decider's key when its
// status changed.
func (m *MultiScaler) Watch(fn func(types.NamespacedName)) {
	m.watcherMutex.Lock()
	defer m.watcherMutex.Unlock()
	if m.watcher != nil {
		m.logger.Fatal("Multiple calls to Watch() not supported")
	}
	m.watcher = fn
}

// Inform calls the watcher with key and reports whether there was one.
func (m *MultiScaler) Inform(key types.NamespacedName) bool {
	m.watcherMutex.RLock()
	defer m.watcherMutex.RUnlock()
	if m.watcher != nil {
		m.watcher(key)
		return true
	}
	return false
}

func (m *MultiScaler) runScalerTicker(runner *scalerRunner, key types.NamespacedName) {
	ticker := m.tickProvider(tickInterval)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-m.scalersStopCh:
				return
			case <-runner.stopCh:
				return
			case <-ticker.C:
			case <-runner.pokeCh:
			}
			m.tickScaler(runner, key)
		}
	}()
}

func (m *MultiScaler) createScaler(decider *Decider, key types.NamespacedName) (*scalerRunner, error) {
	d := decider.DeepCopy()
	scaler, err := m.uniScalerFactory(d)
	if err != nil {
		return nil, err
	}
	runner := &scalerRunner{
		scaler:  scaler,
		stopCh:  make(chan struct{}),
		pokeCh:  make(chan struct{}, 1),
		decider: d,
		logger:  m.logger.With(zap.String(logkey.Key, key.String())),
	}
	// No decision yet.
	d.Status.DesiredScale = -1
	switch tbc := d.Spec.TargetBurstCapacity; tbc {
	case -1, 0:
		d.Status.ExcessBurstCapacity = int32(tbc)
	default:
		// Until the first decision: does the initial scale cover the
		// target burst capacity? If not, the activator stays in the path.
		d.Status.ExcessBurstCapacity = int32(float64(d.Spec.InitialScale)*d.Spec.TotalValue - tbc)
	}
	m.runScalerTicker(runner, key)
	return runner, nil
}

func (m *MultiScaler) tickScaler(runner *scalerRunner, key types.NamespacedName) {
	sr := runner.scaler.Scale(runner.logger, m.now())
	if !sr.ScaleValid {
		return
	}
	if runner.updateLatestScale(sr) {
		m.Inform(key)
	}
}

// Poke makes the decider of key decide now, instead of at its next tick,
// when a stat shows load on a revision that is at zero (or not decided
// yet): that is the activator reporting a request waiting for a pod, and
// every millisecond here is cold-start latency.
func (m *MultiScaler) Poke(key types.NamespacedName, stat metrics.Stat) {
	if stat.AverageConcurrentRequests == 0 {
		return
	}
	m.scalersMutex.RLock()
	scaler, exists := m.scalers[key]
	m.scalersMutex.RUnlock()
	if !exists || scaler.latestScale() > 0 {
		return
	}
	select {
	case scaler.pokeCh <- struct{}{}:
	default:
		// A poke is pending already.
	}
}
