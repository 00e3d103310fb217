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

package metrics

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	. "github.com/skiffhq/skiff/pkg/testing"
)

// scriptedScraper returns the stats and errors the test queues, one per
// scrape, and reports each scrape on done once it has been recorded (the
// next scrape or a read of the windows happens after).
type scriptedScraper struct {
	mu    sync.Mutex
	stat  Stat
	err   error
	calls chan struct{}
}

func newScriptedScraper() *scriptedScraper {
	return &scriptedScraper{calls: make(chan struct{}, 100)}
}

func (s *scriptedScraper) set(stat Stat, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stat, s.err = stat, err
}

func (s *scriptedScraper) Scrape(time.Duration) (Stat, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls <- struct{}{}
	return s.stat, s.err
}

var testKey = types.NamespacedName{Namespace: testNamespace, Name: testRevision}

type collectorHarness struct {
	c       *MetricCollector
	clock   *clocktesting.FakeClock
	scraper *scriptedScraper
	informs chan types.NamespacedName
}

// stillTickers is a clock whose time the test steps but whose tickers
// never fire: the tests run the scrapes themselves, one at a time.
type stillTickers struct {
	*clocktesting.FakeClock
	idle *clocktesting.FakeClock
}

func (s stillTickers) NewTicker(d time.Duration) clock.Ticker { return s.idle.NewTicker(d) }

func newCollectorHarness(t *testing.T) *collectorHarness {
	h := &collectorHarness{
		clock:   clocktesting.NewFakeClock(time.Unix(1_700_000_000, 0)),
		scraper: newScriptedScraper(),
		informs: make(chan types.NamespacedName, 100),
	}
	clk := stillTickers{FakeClock: h.clock, idle: clocktesting.NewFakeClock(time.Time{})}
	h.c = newMetricCollector(func(m *autoscalingv1alpha1.Metric, _ *zap.SugaredLogger) (StatsScraper, error) {
		if m.Spec.ScrapeTarget == "" {
			return nil, nil
		}
		return h.scraper, nil
	}, clk, logtesting.TestLogger(t))
	h.c.Watch(func(k types.NamespacedName) { h.informs <- k })
	t.Cleanup(func() { h.c.Delete(testNamespace, testRevision) })
	return h
}

// scrape advances the clock by a scrape interval and runs one scrape of
// the test revision's collection, as its ticker would.
func (h *collectorHarness) scrape(t *testing.T) {
	t.Helper()
	h.clock.Step(scrapeTickInterval)
	h.c.collectionsMutex.RLock()
	coll := h.c.collections[testKey]
	h.c.collectionsMutex.RUnlock()
	coll.scrapeOnce(h.clock, testKey, h.c.Inform, logtesting.TestLogger(t))
	<-h.scraper.calls
}

func TestCollectorScrapesIntoWindows(t *testing.T) {
	h := newCollectorHarness(t)
	if err := h.c.CreateOrUpdate(Metric(testNamespace, testRevision)); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}
	if _, _, err := h.c.StableAndPanicConcurrency(testKey, h.clock.Now()); !errors.Is(err, ErrNoData) {
		t.Errorf("before any scrape: error = %v, want ErrNoData", err)
	}

	// Proxied requests were reported by the activator: not counted twice.
	h.scraper.set(Stat{PodName: scraperPodName, AverageConcurrentRequests: 10, AverageProxiedConcurrentRequests: 2,
		RequestCount: 20, ProxiedRequestCount: 5}, nil)
	h.scrape(t)
	stable, panic, err := h.c.StableAndPanicConcurrency(testKey, h.clock.Now())
	if err != nil || stable != 8 || panic != 8 {
		t.Errorf("concurrency = %v, %v, %v; want 8, 8, nil", stable, panic, err)
	}
	stable, panic, err = h.c.StableAndPanicRPS(testKey, h.clock.Now())
	if err != nil || stable != 15 || panic != 15 {
		t.Errorf("rps = %v, %v, %v; want 15, 15, nil", stable, panic, err)
	}

	// The activator's stat in the same second adds up with the scrape.
	h.c.Record(testKey, h.clock.Now(), Stat{PodName: "activator", AverageConcurrentRequests: 3, RequestCount: 1})
	if stable, _, _ := h.c.StableAndPanicConcurrency(testKey, h.clock.Now()); stable != 11 {
		t.Errorf("after the activator's stat: stable concurrency = %v, want 11", stable)
	}

	// A quieter second: both windows average the two seconds so far.
	h.scraper.set(Stat{PodName: scraperPodName, AverageConcurrentRequests: 1}, nil)
	h.scrape(t)
	if stable, panic, _ := h.c.StableAndPanicConcurrency(testKey, h.clock.Now()); stable != 6 || panic != 6 {
		t.Errorf("two seconds: concurrency = %v, %v; want 6, 6", stable, panic)
	}

	// After the panic window, only the stable window remembers the load.
	h.scraper.set(Stat{}, nil) // empty stat: scaled to zero, nothing recorded
	for range 7 {
		h.scrape(t)
	}
	stable, panic, err = h.c.StableAndPanicConcurrency(testKey, h.clock.Now())
	if err != nil || stable != 6 || panic != 0 {
		t.Errorf("after the panic window: concurrency = %v, %v, %v; want 6, 0, nil", stable, panic, err)
	}
}

func TestCollectorScrapeFailures(t *testing.T) {
	h := newCollectorHarness(t)
	m := Metric(testNamespace, testRevision)
	if err := h.c.CreateOrUpdate(m); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}

	h.scraper.set(Stat{}, errors.New("pods exhausted"))
	h.scrape(t)
	// The reconciler hears of the failure, and sees it on its next pass.
	select {
	case k := <-h.informs:
		if k != testKey {
			t.Errorf("informed %v, want %v", k, testKey)
		}
	default:
		t.Error("watcher not informed of the failure")
	}
	if err := h.c.CreateOrUpdate(m); err == nil || err.Error() != "pods exhausted" {
		t.Errorf("CreateOrUpdate = %v, want the scrape error", err)
	}

	// The same failure again does not wake the reconciler again.
	h.scraper.set(Stat{}, errors.New("pods exhausted"))
	h.scrape(t)
	select {
	case <-h.informs:
		t.Error("watcher informed again of the same failure")
	default:
	}

	// Recovery informs, and the data counts.
	h.scraper.set(Stat{AverageConcurrentRequests: 4}, nil)
	h.scrape(t)
	select {
	case <-h.informs:
	default:
		t.Error("watcher not informed of the recovery")
	}
	if err := h.c.CreateOrUpdate(m); err != nil {
		t.Errorf("CreateOrUpdate after recovery = %v", err)
	}
	if stable, _, _ := h.c.StableAndPanicConcurrency(testKey, h.clock.Now()); stable != 4 {
		t.Errorf("stable concurrency = %v, want 4", stable)
	}
}

func TestCollectorNoScrapeTarget(t *testing.T) {
	h := newCollectorHarness(t)
	if err := h.c.CreateOrUpdate(Metric(testNamespace, testRevision, WithScrapeTarget(""))); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}
	// Nothing to scrape: no data means no load, not "unknown".
	stable, panic, err := h.c.StableAndPanicConcurrency(testKey, h.clock.Now())
	if err != nil || stable != 0 || panic != 0 {
		t.Errorf("concurrency = %v, %v, %v; want 0, 0, nil", stable, panic, err)
	}
	// The activator's stats still count.
	h.c.Record(testKey, h.clock.Now(), Stat{AverageConcurrentRequests: 1})
	if stable, _, _ := h.c.StableAndPanicConcurrency(testKey, h.clock.Now()); stable != 1 {
		t.Errorf("after a stat: stable = %v, want 1", stable)
	}
}

func TestCollectorLifecycle(t *testing.T) {
	h := newCollectorHarness(t)
	now := h.clock.Now()
	if _, _, err := h.c.StableAndPanicRPS(testKey, now); !errors.Is(err, ErrNotCollecting) {
		t.Errorf("unknown metric: error = %v, want ErrNotCollecting", err)
	}
	// Stats for unknown revisions are dropped, not an error.
	h.c.Record(testKey, now, Stat{AverageConcurrentRequests: 1})

	if err := h.c.CreateOrUpdate(Metric(testNamespace, testRevision)); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}
	// Resizing looks at the wall clock, as the collections do in production.
	now = time.Now()
	h.c.Record(testKey, now, Stat{AverageConcurrentRequests: 5})
	// Updating the windows keeps the data; as upstream, a resized window
	// counts as full, so the second of data averages over all of it.
	if err := h.c.CreateOrUpdate(Metric(testNamespace, testRevision, WithMetricWindows(30*time.Second, 3*time.Second))); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}
	if stable, panic, err := h.c.StableAndPanicConcurrency(testKey, now); err != nil || math.Abs(stable-5./30) > 1e-5 || math.Abs(panic-5./3) > 1e-5 {
		t.Errorf("after resize: %v, %v, %v; want 5/30, 5/3, nil", stable, panic, err)
	}
	h.c.Delete(testNamespace, testRevision)
	if _, _, err := h.c.StableAndPanicConcurrency(testKey, now); !errors.Is(err, ErrNotCollecting) {
		t.Errorf("after Delete: error = %v, want ErrNotCollecting", err)
	}

	factoryErr := errors.New("no revision label")
	c := newMetricCollector(func(*autoscalingv1alpha1.Metric, *zap.SugaredLogger) (StatsScraper, error) {
		return nil, factoryErr
	}, h.clock, logtesting.TestLogger(t))
	if err := c.CreateOrUpdate(Metric(testNamespace, testRevision)); !errors.Is(err, factoryErr) {
		t.Errorf("CreateOrUpdate with a failing factory = %v, want %v", err, factoryErr)
	}
}

func TestCollectorWeightedAlgorithm(t *testing.T) {
	h := newCollectorHarness(t)
	m := Metric(testNamespace, testRevision)
	m.Annotations[autoscaling.MetricAggregationAlgorithmKey] = autoscaling.MetricAggregationAlgorithmWeightedExponential
	if err := h.c.CreateOrUpdate(m); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}
	now := h.clock.Now()
	h.c.Record(testKey, now.Add(-time.Second), Stat{AverageConcurrentRequests: 0})
	h.c.Record(testKey, now, Stat{AverageConcurrentRequests: 10})
	stable, panic, _ := h.c.StableAndPanicConcurrency(testKey, now)
	// A simple average of the two seconds would be 5; the weighted one
	// leans to the newest second, the more so in the short panic window.
	if !(stable > 0 && stable < panic && panic > 5) {
		t.Errorf("weighted concurrency = %v, %v; want 0 < stable < panic and panic > 5", stable, panic)
	}
}

// TestCollectorScrapesOnTicks runs the real scrape loop: each tick of the
// collection's ticker scrapes once.
func TestCollectorScrapesOnTicks(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(1_700_000_000, 0))
	scraper := newScriptedScraper()
	scraper.set(Stat{AverageConcurrentRequests: 2}, nil)
	c := newMetricCollector(func(*autoscalingv1alpha1.Metric, *zap.SugaredLogger) (StatsScraper, error) {
		return scraper, nil
	}, clk, logtesting.TestLogger(t))
	if err := c.CreateOrUpdate(Metric(testNamespace, testRevision)); err != nil {
		t.Fatal("CreateOrUpdate:", err)
	}
	defer c.Delete(testNamespace, testRevision)
	for i := range 3 {
		// Wait for the loop to be waiting on its ticker, then tick.
		for !clk.HasWaiters() {
			time.Sleep(time.Millisecond)
		}
		clk.Step(scrapeTickInterval)
		select {
		case <-scraper.calls:
		case <-time.After(30 * time.Second):
			t.Fatalf("tick %d did not scrape", i)
		}
	}
	// Eventually (the third scrape records after Scrape returns) the data
	// is in the windows.
	for {
		if stable, _, err := c.StableAndPanicConcurrency(testKey, clk.Now()); err == nil && stable == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
}
