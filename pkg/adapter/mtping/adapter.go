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

// Package mtping is the multi-tenant PingSource adapter: one Deployment
// (pingsource-mt-adapter in knative-eventing) schedules the ticks of every
// PingSource of the cluster. A leader-elected controller tells it which
// sources to schedule: with several replicas, config-leader-election's
// buckets for the component "pingsource" shard the sources among them, and
// each source ticks from exactly one replica.
package mtping

import (
	"context"
	"log"
	"os"
	"strconv"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/reconciler"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// EnvNoShutdownAfter is the second of the minute after which a stopping
// adapter keeps running until the next minute has started, so the
// minute's ticks (the most common schedules fire at second 0) are sent by
// the old replica rather than lost while the next one takes over.
const EnvNoShutdownAfter = "K_NO_SHUTDOWN_AFTER"

// MTAdapter is what the controller drives.
type MTAdapter interface {
	// Update schedules the source, or updates its schedule.
	Update(ctx context.Context, source *sourcesv1.PingSource)
	// Remove unschedules the source.
	Remove(source *sourcesv1.PingSource)
	// RemoveAll unschedules every source.
	RemoveAll(ctx context.Context)
	// RemoveBucket unschedules the sources of a bucket this replica no
	// longer leads. Skiff addition: upstream removes all on any demotion.
	RemoveBucket(bkt reconciler.Bucket)
}

type mtpingAdapter struct {
	logger *zap.SugaredLogger
	runner CronJobRunner

	// mu guards what Update/Remove do to one key at a time.
	mu sync.Mutex
}

var (
	_ adapter.Adapter = (*mtpingAdapter)(nil)
	_ MTAdapter       = (*mtpingAdapter)(nil)
)

// NewEnvConfig is the adapter's environment: the common one.
func NewEnvConfig() adapter.EnvConfigAccessor {
	return &adapter.EnvConfig{}
}

// NewAdapter returns the adapter, sending with ceClient (its target comes
// with each tick).
func NewAdapter(ctx context.Context, _ adapter.EnvConfigAccessor, ceClient cloudevents.Client) adapter.Adapter {
	logger := logging.FromContext(ctx)
	return &mtpingAdapter{
		logger: logger,
		runner: NewCronJobsRunner(ceClient, logger),
	}
}

// NewAdapterWithRunner returns an adapter driving runner (tests, benchmarks).
func NewAdapterWithRunner(ctx context.Context, runner CronJobRunner) adapter.Adapter {
	return &mtpingAdapter{logger: logging.FromContext(ctx), runner: runner}
}

// Start runs the schedules until ctx is done, then waits for the sends in
// flight.
func (a *mtpingAdapter) Start(ctx context.Context) error {
	a.logger.Info("Starting job runner...")
	a.runner.Start(ctx.Done())
	a.runner.Stop()
	a.logger.Info("Job runner stopped")
	return nil
}

// GetNoShutDownAfterValue reads K_NO_SHUTDOWN_AFTER (0–59, default 55).
func GetNoShutDownAfterValue() int {
	str := os.Getenv(EnvNoShutdownAfter)
	if str != "" {
		second, err := strconv.Atoi(str)
		if err != nil || second < 0 || second > 59 {
			log.Printf("%s environment value is invalid. It must be a integer between 0 and 59. (got %s)", EnvNoShutdownAfter, str)
		} else {
			return second
		}
	}
	return 55
}

// Update schedules source as its spec says.
func (a *mtpingAdapter) Update(ctx context.Context, source *sourcesv1.PingSource) {
	a.mu.Lock()
	defer a.mu.Unlock()
	logger := logging.FromContext(ctx)
	if err := a.runner.AddSchedule(source); err != nil {
		// A schedule the webhook let through but cron cannot parse, or no
		// sink yet: nothing ticks rather than stale ticks.
		logger.Errorw("Failed to schedule PingSource", zap.Error(err))
		a.runner.RemoveSchedule(key(source.Namespace, source.Name))
		return
	}
	logger.Debug("Synchronized schedule")
}

// Remove unschedules source.
func (a *mtpingAdapter) Remove(source *sourcesv1.PingSource) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.runner.RemoveSchedule(key(source.Namespace, source.Name))
}

// RemoveAll unschedules every source.
func (a *mtpingAdapter) RemoveAll(context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range a.runner.Keys() {
		a.runner.RemoveSchedule(k)
	}
}

// RemoveBucket unschedules the sources whose keys bkt holds.
func (a *mtpingAdapter) RemoveBucket(bkt reconciler.Bucket) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range a.runner.Keys() {
		ns, name, ok := splitKey(k)
		if ok && bkt.Has(types.NamespacedName{Namespace: ns, Name: name}) {
			a.runner.RemoveSchedule(k)
		}
	}
}

func splitKey(k string) (string, string, bool) {
	for i := 0; i < len(k); i++ {
		if k[i] == '/' {
			return k[:i], k[i+1:], true
		}
	}
	return "", "", false
}
