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

package mtping

import (
	"container/heap"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand"
	"sync"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/uuid"
	"github.com/robfig/cron/v3"
	"go.uber.org/zap"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

const (
	resourceGroup = "pingsources.sources.knative.dev"

	// DefaultMaxSpread bounds how far the sends of ticks due at the same
	// instant are spread (upstream sleeps a random 0–500 ms before each
	// send): a burst of thousands of sources does not hit the sinks in the
	// same millisecond, and every tick still lands within a second.
	DefaultMaxSpread = 500 * time.Millisecond

	// DefaultSpacing is the gap between two sends of one burst while the
	// spread stays under DefaultMaxSpread: a lone tick goes out at once.
	DefaultSpacing = 100 * time.Microsecond

	// DefaultMaxInFlight bounds the concurrent sends, so a slow sink delays
	// ticks instead of piling up goroutines and sockets.
	DefaultMaxInFlight = 256
)

// Parser parses PingSource schedules: standard cron with an optional
// seconds field, descriptors (@every 1m, @hourly), and a CRON_TZ= or TZ=
// prefix, as upstream's adapter does.
var Parser = cron.NewParser(
	cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor,
)

// CronJobRunner schedules the ticks of PingSources, keyed by namespace/name.
type CronJobRunner interface {
	// Start runs the schedules until stopCh is closed.
	Start(stopCh <-chan struct{})
	// Stop waits for the sends in flight.
	Stop()
	// AddSchedule schedules the source (or replaces its schedule).
	AddSchedule(source *sourcesv1.PingSource) error
	// RemoveSchedule unschedules the source with this key.
	RemoveSchedule(key string)
	// Keys lists the scheduled keys.
	Keys() []string
}

// cronJobsRunner is a min-heap of the next tick of every source and one
// timer for the earliest: adding, replacing or removing a source costs
// O(log n), where robfig/cron (upstream's runner) re-sorts all entries on
// every change and every tick. robfig/cron still parses the schedules.
type cronJobsRunner struct {
	logger *zap.SugaredLogger
	client cloudevents.Client

	now         func() time.Time
	maxSpread   time.Duration
	spacing     time.Duration
	inFlight    chan struct{}
	sendContext func(context.Context) context.Context

	mu      sync.Mutex
	entries map[string]*entry
	queue   entryHeap
	wake    chan struct{}

	sends sync.WaitGroup
}

var _ CronJobRunner = (*cronJobsRunner)(nil)

// entry is one scheduled source.
type entry struct {
	key      string
	spec     string // the schedule with its CRON_TZ prefix, as parsed
	schedule cron.Schedule
	next     time.Time
	index    int // in the heap
	job      *job
}

// job is what a tick of one source sends.
type job struct {
	event  cloudevents.Event
	target string
	tag    *adapter.MetricTag
}

// RunnerOption changes a runner's defaults.
type RunnerOption func(*cronJobsRunner)

// WithMaxSpread sets how far a burst of simultaneous ticks is spread.
func WithMaxSpread(d time.Duration) RunnerOption {
	return func(r *cronJobsRunner) { r.maxSpread = d }
}

// WithMaxInFlight bounds the concurrent sends.
func WithMaxInFlight(n int) RunnerOption {
	return func(r *cronJobsRunner) { r.inFlight = make(chan struct{}, n) }
}

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) RunnerOption {
	return func(r *cronJobsRunner) { r.now = now }
}

// NewCronJobsRunner returns a runner sending every tick with client, whose
// target each send's context carries.
func NewCronJobsRunner(client cloudevents.Client, logger *zap.SugaredLogger, opts ...RunnerOption) *cronJobsRunner {
	r := &cronJobsRunner{
		logger:    logger,
		client:    client,
		now:       time.Now,
		maxSpread: DefaultMaxSpread,
		spacing:   DefaultSpacing,
		inFlight:  make(chan struct{}, DefaultMaxInFlight),
		entries:   make(map[string]*entry),
		wake:      make(chan struct{}, 1),
		sendContext: func(ctx context.Context) context.Context {
			return cloudevents.ContextWithRetriesExponentialBackoff(ctx, 50*time.Millisecond, 5)
		},
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Spec is the schedule a source's ticks follow: its schedule, with its
// timezone as a CRON_TZ prefix.
func Spec(source *sourcesv1.PingSource) string {
	if source.Spec.Timezone != "" {
		return "CRON_TZ=" + source.Spec.Timezone + " " + source.Spec.Schedule
	}
	return source.Spec.Schedule
}

func key(namespace, name string) string {
	return namespace + "/" + name
}

// AddSchedule schedules source, or replaces what an earlier call
// scheduled for it. When the schedule itself is unchanged, only what the
// ticks send changes and the next tick stays where it was, so an update
// (a new sink, new data) neither skips nor repeats a tick.
func (r *cronJobsRunner) AddSchedule(source *sourcesv1.PingSource) error {
	spec := Spec(source)
	schedule, err := Parser.Parse(spec)
	if err != nil {
		return fmt.Errorf("parsing schedule %q: %w", spec, err)
	}
	event, err := makeEvent(source)
	if err != nil {
		return err
	}
	if source.Status.SinkURI == nil {
		return fmt.Errorf("PingSource %s/%s has no sink URI", source.Namespace, source.Name)
	}
	j := &job{
		event:  event,
		target: source.Status.SinkURI.String(),
		tag: &adapter.MetricTag{
			Namespace:     source.Namespace,
			Name:          source.Name,
			ResourceGroup: resourceGroup,
		},
	}

	k := key(source.Namespace, source.Name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.entries[k]; ok {
		if e.spec == spec {
			e.job = j
			return nil
		}
		heap.Remove(&r.queue, e.index)
		delete(r.entries, k)
	}
	e := &entry{key: k, spec: spec, schedule: schedule, next: schedule.Next(r.now()), job: j}
	r.entries[k] = e
	heap.Push(&r.queue, e)
	if e.index == 0 {
		r.signal()
	}
	return nil
}

// RemoveSchedule stops the ticks of the source with this key.
func (r *cronJobsRunner) RemoveSchedule(k string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.entries[k]; ok {
		heap.Remove(&r.queue, e.index)
		delete(r.entries, k)
	}
}

// Keys lists the scheduled sources.
func (r *cronJobsRunner) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, 0, len(r.entries))
	for k := range r.entries {
		keys = append(keys, k)
	}
	return keys
}

func (r *cronJobsRunner) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// due is one tick to send.
type due struct {
	job *job
	at  time.Time
}

// Start fires the ticks until stopCh is closed.
func (r *cronJobsRunner) Start(stopCh <-chan struct{}) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		r.mu.Lock()
		wait := time.Hour
		if len(r.queue) > 0 {
			wait = r.queue[0].next.Sub(r.now())
		}
		r.mu.Unlock()

		if wait > 0 {
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(wait)
			select {
			case <-stopCh:
				return
			case <-r.wake:
				continue
			case <-timer.C:
			}
		}
		select {
		case <-stopCh:
			return
		default:
		}
		r.dispatch(r.popDue())
	}
}

// popDue takes the ticks that are due and schedules each source's next.
func (r *cronJobsRunner) popDue() []due {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	var ds []due
	for len(r.queue) > 0 && !r.queue[0].next.After(now) {
		e := r.queue[0]
		ds = append(ds, due{job: e.job, at: e.next})
		next := e.schedule.Next(e.next)
		if !next.After(now) {
			// Behind by more than a period (the process was paused): the
			// missed ticks are not sent late in a burst, the next one is.
			next = e.schedule.Next(now)
		}
		e.next = next
		heap.Fix(&r.queue, 0)
	}
	return ds
}

// dispatch sends the ticks, spread evenly (in random order) over
// min(maxSpread, len(ds)×spacing).
func (r *cronJobsRunner) dispatch(ds []due) {
	if len(ds) == 0 {
		return
	}
	spread := time.Duration(len(ds)) * r.spacing
	if spread > r.maxSpread {
		spread = r.maxSpread
	}
	if len(ds) == 1 || spread <= 0 {
		for _, d := range ds {
			r.send(d)
		}
		return
	}
	rand.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	start := time.Now()
	r.sends.Add(1)
	go func() {
		defer r.sends.Done()
		for i, d := range ds {
			if wait := time.Until(start.Add(spread * time.Duration(i) / time.Duration(len(ds)))); wait > time.Millisecond {
				time.Sleep(wait)
			}
			r.send(d)
		}
	}()
}

// send sends one tick in the background, once a send slot is free.
func (r *cronJobsRunner) send(d due) {
	r.inFlight <- struct{}{}
	r.sends.Add(1)
	go func() {
		defer func() {
			<-r.inFlight
			r.sends.Done()
		}()
		event := d.job.event.Clone()
		event.SetID(uuid.New().String())
		// The time of the occurrence is the tick, not when it is sent.
		event.SetTime(d.at)
		ctx := cloudevents.ContextWithTarget(context.Background(), d.job.target)
		ctx = adapter.ContextWithMetricTag(ctx, d.job.tag)
		ctx = r.sendContext(ctx)
		if result := r.client.Send(ctx, event); !cloudevents.IsACK(result) {
			r.logger.Errorw("Failed to send cloudevent", zap.Error(result),
				zap.String("source", event.Source()), zap.String("target", d.job.target), zap.String("id", event.ID()))
		}
	}()
}

// Stop waits for the sends in flight.
func (r *cronJobsRunner) Stop() {
	r.sends.Wait()
}

// makeEvent is the event a tick of source sends (without id and time):
// type dev.knative.sources.ping, source
// /apis/v1/namespaces/<ns>/pingsources/<name>, the ceOverrides'
// extensions, and dataBase64 (decoded) or data with the contentType.
func makeEvent(source *sourcesv1.PingSource) (cloudevents.Event, error) {
	event := cloudevents.NewEvent()
	event.SetType(sourcesv1.PingSourceEventType)
	event.SetSource(sourcesv1.PingSourceSource(source.Namespace, source.Name))
	if source.Spec.CloudEventOverrides != nil {
		for key, override := range source.Spec.CloudEventOverrides.Extensions {
			event.SetExtension(key, override)
		}
	}

	var data []byte
	switch {
	case source.Spec.DataBase64 != "":
		var err error
		if data, err = base64.StdEncoding.DecodeString(source.Spec.DataBase64); err != nil {
			return event, fmt.Errorf("decoding dataBase64: %w", err)
		}
	case source.Spec.Data != "":
		data = []byte(source.Spec.Data)
	}
	if data != nil {
		if err := event.SetData(source.Spec.ContentType, data); err != nil {
			return event, fmt.Errorf("setting data of content type %q: %w", source.Spec.ContentType, err)
		}
	}
	return event, nil
}

// entryHeap orders entries by their next tick.
type entryHeap []*entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *entryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *entryHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	e.index = -1
	*h = old[:n-1]
	return e
}
