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

package inprocess

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// UpstreamIMCEventsPerSecond is the published throughput of upstream
// Knative's InMemoryChannel broker (~1.2–1.5k events/s); upstream cannot run
// here, so the benchmark prints this figure beside its own.
const UpstreamIMCEventsPerSecond = "1.2k-1.5k"

// LoadOptions configures RunLoad.
type LoadOptions struct {
	// Events to send (default 20000).
	Events int
	// Concurrency is the number of senders (default 128).
	Concurrency int
	// PayloadBytes is the event data size (default 64).
	PayloadBytes int
	// ExtraTriggers are additional Triggers on the broker whose filter
	// matches nothing, so each event is also filtered out that many times.
	ExtraTriggers int
	// DrainTimeout bounds the wait for deliveries once sending is done
	// (default 60s); what has not arrived by then counts as lost.
	DrainTimeout time.Duration
}

// LoadResult is what RunLoad measured.
type LoadResult struct {
	Sent, Accepted, Delivered, Duplicates, Lost int
	// Rejected counts sends that did not get 202 (not lost: the sender knows).
	Rejected int
	Duration time.Duration
	// EventsPerSec is accepted events over the time from the first send to
	// the last delivery.
	EventsPerSec float64
	// P50 and P99 are end-to-end: POST to the broker until the subscriber
	// has the event.
	P50, P99 time.Duration
	// IngressP50 and IngressP99 are the time until the broker answered 202
	// (the event is durable then).
	IngressP50, IngressP99 time.Duration
	Fsyncs                 uint64
	// CPU is the process's CPU time (user+system) during the run, load
	// generator and subscriber included; CPUPerEvent is CPU/Accepted.
	CPU, CPUPerEvent time.Duration
	// Batching between Skiff's own hops during the run.
	IngressBatches, FilterBatches kncloudevents.BatchStats
}

// EventsPerCoreSecond is how many events one fully used core processes, a
// figure that does not depend on what else runs on the machine.
func (r LoadResult) EventsPerCoreSecond() float64 {
	if r.CPUPerEvent <= 0 {
		return 0
	}
	return float64(time.Second) / float64(r.CPUPerEvent)
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (r LoadResult) String() string {
	return fmt.Sprintf("sent=%d accepted=%d delivered=%d lost=%d duplicates=%d rejected=%d in %v: %.0f events/s, "+
		"end-to-end p50=%v p99=%v, ingress 202 p50=%v p99=%v, fsyncs=%d (%.1f events/fsync), "+
		"CPU %v = %.1fus/event = %.0f events per core-second, "+
		"batched ingress->channel %d events in %d batches, channel->filter %d events in %d batches",
		r.Sent, r.Accepted, r.Delivered, r.Lost, r.Duplicates, r.Rejected, r.Duration.Round(time.Millisecond), r.EventsPerSec,
		r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond),
		r.IngressP50.Round(time.Microsecond), r.IngressP99.Round(time.Microsecond),
		r.Fsyncs, float64(r.Accepted)/float64(max(r.Fsyncs, 1)),
		r.CPU.Round(time.Millisecond), float64(r.CPUPerEvent)/float64(time.Microsecond), r.EventsPerCoreSecond(),
		r.IngressBatches.BatchedEvents, r.IngressBatches.Batches, r.FilterBatches.BatchedEvents, r.FilterBatches.Batches)
}

// benchSink is the subscriber: it records the first arrival of each event.
type benchSink struct {
	start     time.Time
	counts    []atomic.Int32
	latencies []int64 // ns, first arrival only
	delivered atomic.Int64
	dups      atomic.Int64
	last      atomic.Int64 // ns since start of the last first-arrival
}

func (s *benchSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	n, err := strconv.Atoi(strings.TrimPrefix(r.Header.Get("Ce-Id"), "e-"))
	if err != nil || n < 0 || n >= len(s.counts) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if s.counts[n].Add(1) == 1 {
		sent, _ := strconv.ParseInt(r.Header.Get("Ce-Benchsent"), 10, 64)
		now := time.Since(s.start).Nanoseconds()
		s.latencies[n] = now - sent
		s.delivered.Add(1)
		for {
			last := s.last.Load()
			if now <= last || s.last.CompareAndSwap(last, now) {
				break
			}
		}
	} else {
		s.dups.Add(1)
	}
	w.WriteHeader(http.StatusAccepted)
}

// RunBaseline sends the same load straight to a subscriber like RunLoad's,
// without a broker: what the load generator and the subscriber cost on
// their own, to subtract from RunLoad's CPU per event.
func RunBaseline(opts LoadOptions) (LoadResult, error) {
	opts = withDefaults(opts)
	start := time.Now()
	sink := &benchSink{start: start, counts: make([]atomic.Int32, opts.Events), latencies: make([]int64, opts.Events)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return LoadResult{}, err
	}
	srv := &http.Server{Handler: sink, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	t := kncloudevents.NewTransport(nil)
	t.MaxIdleConnsPerHost = opts.Concurrency
	return measure(opts, start, sink, &http.Client{Transport: t}, "http://"+ln.Addr().String()+"/", nil)
}

func withDefaults(opts LoadOptions) LoadOptions {
	if opts.Events <= 0 {
		opts.Events = 20000
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 128
	}
	if opts.PayloadBytes <= 0 {
		opts.PayloadBytes = 64
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 60 * time.Second
	}
	return opts
}

// RunLoad sends events to a fresh Broker with one matching Trigger (plus
// opts.ExtraTriggers that match nothing) and measures throughput, latency
// and loss: ingress -> channel (durable) -> filter -> subscriber.
func RunLoad(p *Platform, opts LoadOptions) (LoadResult, error) {
	opts = withDefaults(opts)
	start := time.Now()
	sink := &benchSink{start: start, counts: make([]atomic.Int32, opts.Events), latencies: make([]int64, opts.Events)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return LoadResult{}, err
	}
	srv := &http.Server{Handler: sink, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	ns := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	b := p.AddBroker(ns, "default")
	subURI := apis.HTTP(ln.Addr().String())
	subURI.Path = "/"
	mk := func(name, typ string) *eventingv1.Trigger {
		return &eventingv1.Trigger{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(ns + "-" + name), Generation: 1},
			Spec: eventingv1.TriggerSpec{Broker: "default", Filter: &eventingv1.TriggerFilter{
				Attributes: eventingv1.TriggerFilterAttributes{"type": typ}}},
			Status: eventingv1.TriggerStatus{SubscriberURI: subURI},
		}
	}
	if err := p.AddTrigger(mk("bench", "dev.skiff.bench")); err != nil {
		return LoadResult{}, err
	}
	for i := 0; i < opts.ExtraTriggers; i++ {
		if err := p.AddTrigger(mk(fmt.Sprintf("other-%d", i), fmt.Sprintf("dev.skiff.other.%d", i))); err != nil {
			return LoadResult{}, err
		}
	}

	client := p.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = opts.Concurrency
	return measure(opts, start, sink, client, b.Status.Address.URL.String(), p)
}

// measure drives the load against target and collects the result; p is nil
// for the baseline.
func measure(opts LoadOptions, start time.Time, sink *benchSink, client *http.Client, target string, p *Platform) (LoadResult, error) {
	payload := `{"data":"` + strings.Repeat("x", max(opts.PayloadBytes-11, 0)) + `"}`
	var fsyncsBefore uint64
	var ib0, fb0 kncloudevents.BatchStats
	if p != nil {
		fsyncsBefore = p.ChannelStats().Log.Syncs
		ib0, fb0 = p.BatchStats()
	}
	cpuBefore := processCPU()

	var next atomic.Int64
	var accepted, rejected atomic.Int64
	ingressLat := make([]int64, opts.Events)
	okByN := make([]bool, opts.Events)
	var wg sync.WaitGroup
	for w := 0; w < opts.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1) - 1)
				if n >= opts.Events {
					return
				}
				sent := time.Since(start).Nanoseconds()
				req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(payload))
				req.Header["Ce-Specversion"] = []string{"1.0"}
				req.Header["Ce-Id"] = []string{"e-" + strconv.Itoa(n)}
				req.Header["Ce-Type"] = []string{"dev.skiff.bench"}
				req.Header["Ce-Source"] = []string{"/bench"}
				req.Header["Ce-Benchsent"] = []string{strconv.FormatInt(sent, 10)}
				req.Header["Content-Type"] = []string{"application/json"}
				resp, err := client.Do(req)
				if err != nil {
					rejected.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				ingressLat[n] = time.Since(start).Nanoseconds() - sent
				if resp.StatusCode == http.StatusAccepted {
					okByN[n] = true
					accepted.Add(1)
				} else {
					rejected.Add(1)
				}
			}
		}()
	}
	wg.Wait()

	// Wait for every accepted event, giving up after DrainTimeout without
	// progress.
	deadline := time.Now().Add(opts.DrainTimeout)
	lastSeen := sink.delivered.Load()
	for sink.delivered.Load() < accepted.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		if d := sink.delivered.Load(); d != lastSeen {
			lastSeen = d
			deadline = time.Now().Add(opts.DrainTimeout)
		}
	}

	res := LoadResult{
		Sent:       opts.Events,
		Accepted:   int(accepted.Load()),
		Rejected:   int(rejected.Load()),
		Delivered:  int(sink.delivered.Load()),
		Duplicates: int(sink.dups.Load()),
		Duration:   time.Duration(sink.last.Load()),
		CPU:        processCPU() - cpuBefore,
	}
	if p != nil {
		res.Fsyncs = p.ChannelStats().Log.Syncs - fsyncsBefore
		ib1, fb1 := p.BatchStats()
		res.IngressBatches = kncloudevents.BatchStats{Batches: ib1.Batches - ib0.Batches, BatchedEvents: ib1.BatchedEvents - ib0.BatchedEvents}
		res.FilterBatches = kncloudevents.BatchStats{Batches: fb1.Batches - fb0.Batches, BatchedEvents: fb1.BatchedEvents - fb0.BatchedEvents}
	}
	if res.Accepted > 0 {
		res.CPUPerEvent = res.CPU / time.Duration(res.Accepted)
	}
	var e2e, ing []int64
	for n := 0; n < opts.Events; n++ {
		if okByN[n] {
			ing = append(ing, ingressLat[n])
			if sink.counts[n].Load() == 0 {
				res.Lost++
			} else {
				e2e = append(e2e, sink.latencies[n])
			}
		}
	}
	if res.Duration > 0 {
		res.EventsPerSec = float64(res.Accepted) / res.Duration.Seconds()
	}
	res.P50, res.P99 = percentiles(e2e)
	res.IngressP50, res.IngressP99 = percentiles(ing)
	if res.Lost > 0 {
		return res, errors.New("events were lost")
	}
	return res, nil
}

func percentiles(v []int64) (time.Duration, time.Duration) {
	if len(v) == 0 {
		return 0, 0
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	at := func(q float64) time.Duration {
		i := int(q * float64(len(v)-1))
		return time.Duration(v[i])
	}
	return at(0.50), at(0.99)
}
