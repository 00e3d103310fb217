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
	"sync"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"knative.dev/pkg/logging/logkey"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/autoscaler/aggregation"
	"github.com/skiffhq/skiff/pkg/autoscaler/config"
)

// scrapeTickInterval is the time between two scrapes of a revision.
const scrapeTickInterval = time.Second

var (
	// ErrNoData means the collector has no data for the window.
	ErrNoData = errors.New("no data available")

	// ErrNotCollecting means no collection exists for the resource.
	ErrNotCollecting = errors.New("no metrics are being collected for the requested resource")
)

// StatsScraperFactory creates the StatsScraper for a Metric. It may return
// a nil scraper: nothing to scrape (an empty scrape target).
type StatsScraperFactory func(*autoscalingv1alpha1.Metric, *zap.SugaredLogger) (StatsScraper, error)

// Collector starts and stops metric collection for Metrics. The metric
// reconciler drives it.
type Collector interface {
	// CreateOrUpdate starts collecting for the Metric or updates its
	// collection, and returns the last scrape error of the collection.
	CreateOrUpdate(metric *autoscalingv1alpha1.Metric) error
	// Record records a stat that came from outside the collector (the
	// activator's, through the stat server).
	Record(key types.NamespacedName, now time.Time, stat Stat)
	// Delete stops collecting for the Metric.
	Delete(namespace, name string)
	// Watch registers the single function called with a Metric's key when
	// its collection's state (its scrape error) changes.
	Watch(func(types.NamespacedName))
}

// MetricClient serves the collected windows to the deciders.
type MetricClient interface {
	// StableAndPanicConcurrency returns the average concurrency over the
	// stable and the panic window ending at now.
	StableAndPanicConcurrency(key types.NamespacedName, now time.Time) (float64, float64, error)
	// StableAndPanicRPS returns the average requests per second over the
	// stable and the panic window ending at now.
	StableAndPanicRPS(key types.NamespacedName, now time.Time) (float64, float64, error)
}

// MetricCollector collects metrics for many Metrics: one collection (four
// windows and a scrape loop) each.
type MetricCollector struct {
	logger              *zap.SugaredLogger
	statsScraperFactory StatsScraperFactory
	clock               clock.WithTicker

	collectionsMutex sync.RWMutex
	collections      map[types.NamespacedName]*collection

	watcherMutex sync.RWMutex
	watcher      func(types.NamespacedName)
}

var (
	_ Collector    = (*MetricCollector)(nil)
	_ MetricClient = (*MetricCollector)(nil)
)

// NewMetricCollector creates a MetricCollector.
func NewMetricCollector(statsScraperFactory StatsScraperFactory, logger *zap.SugaredLogger) *MetricCollector {
	return newMetricCollector(statsScraperFactory, clock.RealClock{}, logger)
}

func newMetricCollector(factory StatsScraperFactory, clk clock.WithTicker, logger *zap.SugaredLogger) *MetricCollector {
	return &MetricCollector{
		logger:              logger,
		collections:         make(map[types.NamespacedName]*collection),
		statsScraperFactory: factory,
		clock:               clk,
	}
}

// CreateOrUpdate implements Collector.
func (c *MetricCollector) CreateOrUpdate(metric *autoscalingv1alpha1.Metric) error {
	key := types.NamespacedName{Namespace: metric.Namespace, Name: metric.Name}
	logger := c.logger.With(zap.String(logkey.Key, key.String()))
	scraper, err := c.statsScraperFactory(metric, logger)
	if err != nil {
		return err
	}

	c.collectionsMutex.Lock()
	defer c.collectionsMutex.Unlock()
	if coll, exists := c.collections[key]; exists {
		coll.updateScraper(scraper)
		coll.updateMetric(metric)
		return coll.lastError()
	}
	c.collections[key] = newCollection(metric, scraper, c.clock, c.Inform, logger)
	return nil
}

// Delete implements Collector.
func (c *MetricCollector) Delete(namespace, name string) {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	c.collectionsMutex.Lock()
	coll, ok := c.collections[key]
	delete(c.collections, key)
	c.collectionsMutex.Unlock()
	if ok {
		// Outside the lock: close waits for an ongoing scrape.
		coll.close()
	}
}

// Record implements Collector. Stats for revisions without a collection are
// dropped.
func (c *MetricCollector) Record(key types.NamespacedName, now time.Time, stat Stat) {
	c.collectionsMutex.RLock()
	defer c.collectionsMutex.RUnlock()
	if coll, exists := c.collections[key]; exists {
		coll.record(now, stat)
	}
}

// Watch implements Collector.
func (c *MetricCollector) Watch(fn func(types.NamespacedName)) {
	c.watcherMutex.Lock()
	defer c.watcherMutex.Unlock()
	if c.watcher != nil {
		c.logger.Panic("Multiple calls to Watch() not supported")
	}
	c.watcher = fn
}

// Inform calls the watcher, if any, with key.
func (c *MetricCollector) Inform(key types.NamespacedName) {
	c.watcherMutex.RLock()
	defer c.watcherMutex.RUnlock()
	if c.watcher != nil {
		c.watcher(key)
	}
}

// StableAndPanicConcurrency implements MetricClient.
func (c *MetricCollector) StableAndPanicConcurrency(key types.NamespacedName, now time.Time) (float64, float64, error) {
	return c.stableAndPanic(key, now, func(coll *collection) (windowAverager, windowAverager) {
		return coll.concurrencyBuckets, coll.concurrencyPanicBuckets
	})
}

// StableAndPanicRPS implements MetricClient.
func (c *MetricCollector) StableAndPanicRPS(key types.NamespacedName, now time.Time) (float64, float64, error) {
	return c.stableAndPanic(key, now, func(coll *collection) (windowAverager, windowAverager) {
		return coll.rpsBuckets, coll.rpsPanicBuckets
	})
}

func (c *MetricCollector) stableAndPanic(key types.NamespacedName, now time.Time,
	windows func(*collection) (windowAverager, windowAverager),
) (float64, float64, error) {
	c.collectionsMutex.RLock()
	defer c.collectionsMutex.RUnlock()
	coll, exists := c.collections[key]
	if !exists {
		return 0, 0, ErrNotCollecting
	}
	stable, panic := windows(coll)
	// Nothing recorded for a whole window means no data — unless there is
	// nothing to scrape, in which case no data means no load.
	if stable.IsEmpty(now) && coll.currentMetric().Spec.ScrapeTarget != "" {
		return 0, 0, ErrNoData
	}
	return stable.WindowAverage(now), panic.WindowAverage(now), nil
}

// windowAverager is what a collection needs of the bucket types.
type windowAverager interface {
	Record(time.Time, float64)
	ResizeWindow(time.Duration)
	WindowAverage(time.Time) float64
	IsEmpty(time.Time) bool
}

// collection is the metric collection of one revision.
type collection struct {
	// mux guards metric, scraper and lastErr.
	mux sync.RWMutex

	metric *autoscalingv1alpha1.Metric

	concurrencyBuckets      windowAverager
	concurrencyPanicBuckets windowAverager
	rpsBuckets              windowAverager
	rpsPanicBuckets         windowAverager

	scraper StatsScraper
	lastErr error
	grp     sync.WaitGroup
	stopCh  chan struct{}
}

// newCollection creates a collection and starts scraping every
// scrapeTickInterval. callback is called when the scrape error changes.
func newCollection(metric *autoscalingv1alpha1.Metric, scraper StatsScraper, clk clock.WithTicker,
	callback func(types.NamespacedName), logger *zap.SugaredLogger,
) *collection {
	// The aggregation algorithm is a revision annotation, so immutable.
	newBuckets := func(w time.Duration) windowAverager {
		return aggregation.NewTimedFloat64Buckets(w, config.BucketSize)
	}
	if metric.AggregationAlgorithm() == autoscaling.MetricAggregationAlgorithmWeightedExponential {
		newBuckets = func(w time.Duration) windowAverager {
			return aggregation.NewWeightedFloat64Buckets(w, config.BucketSize)
		}
	}
	c := &collection{
		metric:                  metric,
		concurrencyBuckets:      newBuckets(metric.Spec.StableWindow),
		concurrencyPanicBuckets: newBuckets(metric.Spec.PanicWindow),
		rpsBuckets:              newBuckets(metric.Spec.StableWindow),
		rpsPanicBuckets:         newBuckets(metric.Spec.PanicWindow),
		scraper:                 scraper,
		stopCh:                  make(chan struct{}),
	}

	key := types.NamespacedName{Namespace: metric.Namespace, Name: metric.Name}
	logger = logger.Named("collector")

	c.grp.Add(1)
	go func() {
		defer c.grp.Done()
		ticker := clk.NewTicker(scrapeTickInterval)
		defer ticker.Stop()
		for {
			select {
			case <-c.stopCh:
				return
			case <-ticker.C():
				c.scrapeOnce(clk, key, callback, logger)
			}
		}
	}()
	return c
}

func (c *collection) scrapeOnce(clk clock.Clock, key types.NamespacedName, callback func(types.NamespacedName), logger *zap.SugaredLogger) {
	scraper := c.getScraper()
	if scraper == nil {
		// Nothing to scrape (empty scrape target): not an error.
		if c.updateLastError(nil) {
			callback(key)
		}
		return
	}
	stat, err := scraper.Scrape(c.currentMetric().Spec.StableWindow)
	if err != nil {
		logger.Errorw("Failed to scrape metrics", zap.Error(err))
	}
	if c.updateLastError(err) {
		callback(key)
	}
	if stat != (Stat{}) {
		c.record(clk.Now(), stat)
	}
}

func (c *collection) updateScraper(ss StatsScraper) {
	c.mux.Lock()
	defer c.mux.Unlock()
	c.scraper = ss
}

func (c *collection) getScraper() StatsScraper {
	c.mux.RLock()
	defer c.mux.RUnlock()
	return c.scraper
}

// close stops the scrape loop and waits for it.
func (c *collection) close() {
	close(c.stopCh)
	c.grp.Wait()
}

// updateMetric stores the Metric and resizes the windows to its spec.
func (c *collection) updateMetric(metric *autoscalingv1alpha1.Metric) {
	c.mux.Lock()
	defer c.mux.Unlock()
	c.metric = metric
	c.concurrencyBuckets.ResizeWindow(metric.Spec.StableWindow)
	c.concurrencyPanicBuckets.ResizeWindow(metric.Spec.PanicWindow)
	c.rpsBuckets.ResizeWindow(metric.Spec.StableWindow)
	c.rpsPanicBuckets.ResizeWindow(metric.Spec.PanicWindow)
}

func (c *collection) currentMetric() *autoscalingv1alpha1.Metric {
	c.mux.RLock()
	defer c.mux.RUnlock()
	return c.metric
}

// updateLastError stores err and reports whether it differs from the
// previous one.
func (c *collection) updateLastError(err error) bool {
	c.mux.Lock()
	defer c.mux.Unlock()
	// Scrape errors are built afresh each time: the same message is the
	// same state, and must not wake the metric reconciler every second.
	if errors.Is(err, c.lastErr) || (err != nil && c.lastErr != nil && err.Error() == c.lastErr.Error()) {
		return false
	}
	c.lastErr = err
	return true
}

func (c *collection) lastError() error {
	c.mux.RLock()
	defer c.mux.RUnlock()
	return c.lastErr
}

// record adds a stat to the windows. Requests the activator proxied were
// already reported by the activator itself: subtract them from a pod's
// numbers so they are not counted twice.
func (c *collection) record(now time.Time, stat Stat) {
	concurrency := stat.AverageConcurrentRequests - stat.AverageProxiedConcurrentRequests
	c.concurrencyBuckets.Record(now, concurrency)
	c.concurrencyPanicBuckets.Record(now, concurrency)
	rps := stat.RequestCount - stat.ProxiedRequestCount
	c.rpsBuckets.Record(now, rps)
	c.rpsPanicBuckets.Record(now, rps)
}
