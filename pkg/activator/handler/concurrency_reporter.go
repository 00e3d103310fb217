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

package handler

import (
	"context"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	netstats "knative.dev/networking/pkg/http/stats"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"
	pkgmetrics "knative.dev/pkg/metrics"

	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	servinglisters "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
)

const reportInterval = time.Second

// revisionStats is the request accounting of one revision.
type revisionStats struct {
	stats *netstats.RequestStats
	// firstRequest is 1 when the revision's first request was already
	// reported on its own (and must not be counted again); only report
	// touches it.
	firstRequest float64
	// refs counts requests in flight: the entry is not deleted while > 0.
	refs atomic.Int64
}

// ConcurrencyReporter counts requests per revision and reports their
// concurrency and rate to the autoscaler every second — and at once on the
// first request of a revision that saw none in the last period: that is
// the request a revision at zero is waiting to be scaled up for, and the
// autoscaler is poked right away instead of at the next report.
type ConcurrencyReporter struct {
	logger  *zap.SugaredLogger
	podName string

	statCh chan []asmetrics.StatMessage
	rl     servinglisters.RevisionLister

	mux   sync.RWMutex
	stats map[types.NamespacedName]*revisionStats

	contexts *contextCache
}

// NewConcurrencyReporter creates a ConcurrencyReporter sending its reports
// on statCh.
func NewConcurrencyReporter(ctx context.Context, podName string, statCh chan []asmetrics.StatMessage) *ConcurrencyReporter {
	return &ConcurrencyReporter{
		logger:   logging.FromContext(ctx),
		podName:  podName,
		statCh:   statCh,
		rl:       revisioninformer.Get(ctx).Lister(),
		stats:    make(map[types.NamespacedName]*revisionStats),
		contexts: &contextCache{pod: podName},
	}
}

// handleRequestIn counts a request in and returns its revision's stats.
func (cr *ConcurrencyReporter) handleRequestIn(event netstats.ReqEvent) *revisionStats {
	stat, msg := cr.getOrCreateStat(event)
	if msg != nil {
		cr.statCh <- []asmetrics.StatMessage{*msg}
	}
	stat.stats.HandleEvent(event)
	return stat
}

// handleRequestOut counts a request out.
func (cr *ConcurrencyReporter) handleRequestOut(stat *revisionStats, event netstats.ReqEvent) {
	stat.stats.HandleEvent(event)
	stat.refs.Add(-1)
}

// getOrCreateStat returns the revision's stats, creating them — and a
// message for the autoscaler about this first request — if absent.
func (cr *ConcurrencyReporter) getOrCreateStat(event netstats.ReqEvent) (*revisionStats, *asmetrics.StatMessage) {
	cr.mux.RLock()
	stat := cr.stats[event.Key]
	if stat != nil {
		// Under the lock, so the deletion in report sees it.
		stat.refs.Add(1)
		cr.mux.RUnlock()
		return stat, nil
	}
	cr.mux.RUnlock()

	cr.mux.Lock()
	defer cr.mux.Unlock()
	if stat = cr.stats[event.Key]; stat != nil {
		stat.refs.Add(1)
		return stat, nil
	}
	stat = &revisionStats{stats: netstats.NewRequestStats(event.Time), firstRequest: 1}
	stat.refs.Add(1)
	cr.stats[event.Key] = stat
	return stat, &asmetrics.StatMessage{
		Key: event.Key,
		Stat: asmetrics.Stat{
			PodName:                   cr.podName,
			AverageConcurrentRequests: 1,
			// Stats are only deleted after an idle period, so this
			// path runs at most once per period: one request.
			RequestCount: 1,
		},
	}
}

// report cuts a report of every revision's stats and drops the stats of
// revisions idle for a whole period.
func (cr *ConcurrencyReporter) report(now time.Time) []asmetrics.StatMessage {
	msgs, toDelete := cr.computeReport(now)
	if len(toDelete) > 0 {
		cr.mux.Lock()
		defer cr.mux.Unlock()
		for _, key := range toDelete {
			// Unless a request raced in meanwhile.
			if cr.stats[key].refs.Load() == 0 {
				delete(cr.stats, key)
			}
		}
	}
	return msgs
}

func (cr *ConcurrencyReporter) computeReport(now time.Time) (msgs []asmetrics.StatMessage, toDelete []types.NamespacedName) {
	cr.mux.RLock()
	defer cr.mux.RUnlock()
	msgs = make([]asmetrics.StatMessage, 0, len(cr.stats))
	for key, stat := range cr.stats {
		report := stat.stats.Report(now)
		firstAdj := stat.firstRequest
		stat.firstRequest = 0
		if report.AverageConcurrency == 0 {
			toDelete = append(toDelete, key)
		}
		// The first request was reported already, as concurrency 1; the
		// period's average may be below that.
		msgs = append(msgs, asmetrics.StatMessage{
			Key: key,
			Stat: asmetrics.Stat{
				PodName:                   cr.podName,
				AverageConcurrentRequests: math.Max(report.AverageConcurrency-firstAdj, 0),
				RequestCount:              report.RequestCount - firstAdj,
			},
		})
	}
	return msgs, toDelete
}

func (cr *ConcurrencyReporter) reportToMetricsBackend(key types.NamespacedName, concurrency float64) {
	rev, err := cr.rl.Revisions(key.Namespace).Get(key.Name)
	if err != nil {
		cr.logger.Debugw("Error while getting revision", zap.String(logkey.Key, key.String()), zap.Error(err))
		return
	}
	pkgmetrics.Record(cr.contexts.get(rev, 0), requestConcurrencyM.M(concurrency))
}

// Run reports every second until stopCh is closed.
func (cr *ConcurrencyReporter) Run(stopCh <-chan struct{}) {
	ticker := time.NewTicker(reportInterval)
	defer ticker.Stop()
	cr.run(stopCh, ticker.C)
}

func (cr *ConcurrencyReporter) run(stopCh <-chan struct{}, reportCh <-chan time.Time) {
	for {
		select {
		case now := <-reportCh:
			msgs := cr.report(now)
			for _, msg := range msgs {
				cr.reportToMetricsBackend(msg.Key, msg.Stat.AverageConcurrentRequests)
			}
			if len(msgs) > 0 {
				cr.statCh <- msgs
			}
		case <-stopCh:
			return
		}
	}
}

// Handler returns a handler counting the requests it passes to next.
func (cr *ConcurrencyReporter) Handler(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := RevIDFrom(r.Context())
		stat := cr.handleRequestIn(netstats.ReqEvent{Key: key, Type: netstats.ReqIn, Time: time.Now()})
		defer func() {
			cr.handleRequestOut(stat, netstats.ReqEvent{Key: key, Type: netstats.ReqOut, Time: time.Now()})
		}()
		next.ServeHTTP(w, r)
	}
}
