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

// Package multichannelfanout is the InMemoryChannel dispatcher's data
// plane: one http.Handler for every channel, routing a request by its Host
// header (or a /<namespace>/<name> path) to the channel's subscribers.
//
// Unlike upstream's, it does not hold an accepted event only in memory.
// Each event is appended to the durable event log (eventlog) and fsynced,
// in a group commit, before the channel answers 202; then it is delivered
// to every subscriber concurrently with that subscriber's delivery spec.
// A subscriber's final outcome, delivered or dead-lettered, is recorded.
// After a crash or restart, Replay delivers whatever was not finished, so an
// accepted event is delivered at least once while the log directory
// survives. Receivers may see a duplicate and can dedupe by CloudEvents id.
package multichannelfanout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.uber.org/zap"

	"github.com/skiffhq/skiff/pkg/channel"
	"github.com/skiffhq/skiff/pkg/channel/eventlog"
	"github.com/skiffhq/skiff/pkg/channel/fanout"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// DefaultMaxInflight bounds how many accepted events are being delivered at
// once; past it, new requests wait (backpressure to the sender) instead of
// growing memory without bound.
const DefaultMaxInflight = 20000

// ChannelConfig is one channel: where requests for it arrive and who
// subscribes to it.
type ChannelConfig struct {
	Namespace string
	Name      string
	// HostName is the channel's address host, e.g.
	// <imc>-kn-channel.<ns>.svc.cluster.local.
	HostName string
	// Path is "<ns>/<name>", for requests sent to /<ns>/<name>.
	Path         string
	FanoutConfig fanout.Config
}

// Options configures an EventHandler.
type Options struct {
	// Dir is the durable log directory (an emptyDir on a cluster,
	// $SKIFF_HOME locally). Required.
	Dir string
	// Syncer, SyncInterval and SegmentBytes tune the log (see eventlog).
	Syncer       eventlog.Syncer
	SyncInterval time.Duration
	SegmentBytes int64
	// Dispatcher sends to subscribers (default kncloudevents.NewDispatcher()).
	Dispatcher *kncloudevents.Dispatcher
	// Reporter records channel metrics (default: none).
	Reporter channel.StatsReporter
	// MaxEventBytes bounds a request body (default channel.DefaultMaxEventBytes).
	MaxEventBytes int64
	// MaxInflight bounds events being delivered (default DefaultMaxInflight).
	MaxInflight int
	// ParkDelay is the first wait before delivering again an event whose
	// subscriber and dead-letter sink both failed (default
	// DefaultParkDelay); it doubles up to MaxParkDelay.
	ParkDelay time.Duration
}

const (
	// DefaultParkDelay and MaxParkDelay pace the redelivery of events that
	// neither the subscriber nor the dead-letter sink took.
	DefaultParkDelay = time.Second
	MaxParkDelay     = 5 * time.Minute
)

type channelState struct {
	ref    channel.ChannelReference
	config ChannelConfig
	byKey  map[string]int // subscription key -> index in config subscriptions
}

// EventHandler routes, persists and fans out events for many channels.
type EventHandler struct {
	logger     *zap.Logger
	log        *eventlog.Log
	dispatcher *kncloudevents.Dispatcher
	reporter   channel.StatsReporter
	maxBytes   int64
	parkDelay  time.Duration
	sem        chan struct{}

	mu      sync.RWMutex
	byHost  map[string]*channelState
	byRef   map[string]*channelState
	pending []eventlog.Entry

	// ctx ends deliveries on Close; an ended delivery is not recorded as
	// finished, so it is replayed on the next start.
	ctx    context.Context
	cancel context.CancelFunc
	// lifecycle orders dispatch's wg.Add before Close's wg.Wait.
	lifecycle sync.RWMutex
	closing   bool
	wg        sync.WaitGroup

	delivered, deadLettered, failed, abandoned, parked atomic.Uint64
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Stats counts final outcomes per subscriber delivery.
type Stats struct {
	Delivered    uint64
	DeadLettered uint64
	// Failed deliveries had no dead-letter sink and ran out of retries; they
	// are logged with the event id and recorded as finished, as upstream.
	Failed uint64
	// Abandoned deliveries were cut short by Close; they stay in the log
	// for the next start.
	Abandoned uint64
	// Parked counts rounds in which both a subscriber and its dead-letter
	// sink failed; the event was kept and sent again later.
	Parked uint64
	Log    eventlog.Stats
}

// NewEventHandler opens the durable log in opts.Dir. Entries left
// unfinished by a previous run are kept until Replay.
func NewEventHandler(_ context.Context, logger *zap.Logger, opts Options) (*EventHandler, error) {
	if logger == nil {
		logger = zap.NewNop()
	}
	l, pending, err := eventlog.Open(eventlog.Options{
		Dir:          opts.Dir,
		Syncer:       opts.Syncer,
		SyncInterval: opts.SyncInterval,
		SegmentBytes: opts.SegmentBytes,
		Logger:       logger,
	})
	if err != nil {
		return nil, fmt.Errorf("opening event log: %w", err)
	}
	if opts.Dispatcher == nil {
		opts.Dispatcher = kncloudevents.NewDispatcher()
	}
	if opts.Reporter == nil {
		opts.Reporter = channel.NoopReporter{}
	}
	if opts.MaxEventBytes <= 0 {
		opts.MaxEventBytes = channel.DefaultMaxEventBytes
	}
	if opts.MaxInflight <= 0 {
		opts.MaxInflight = DefaultMaxInflight
	}
	if opts.ParkDelay <= 0 {
		opts.ParkDelay = DefaultParkDelay
	}
	ctx, cancel := context.WithCancel(context.Background())
	if len(pending) > 0 {
		logger.Info("Event log has unfinished events; they are delivered on Replay", zap.Int("count", len(pending)))
	}
	return &EventHandler{
		logger:     logger,
		log:        l,
		dispatcher: opts.Dispatcher,
		reporter:   opts.Reporter,
		maxBytes:   opts.MaxEventBytes,
		parkDelay:  opts.ParkDelay,
		sem:        make(chan struct{}, opts.MaxInflight),
		byHost:     make(map[string]*channelState),
		byRef:      make(map[string]*channelState),
		pending:    pending,
		ctx:        ctx,
		cancel:     cancel,
	}, nil
}

// SetChannel adds or replaces a channel's configuration.
func (h *EventHandler) SetChannel(cfg ChannelConfig) {
	st := &channelState{
		ref:    channel.ChannelReference{Namespace: cfg.Namespace, Name: cfg.Name},
		config: cfg,
		byKey:  make(map[string]int, len(cfg.FanoutConfig.Subscriptions)),
	}
	for i := range cfg.FanoutConfig.Subscriptions {
		st.byKey[cfg.FanoutConfig.Subscriptions[i].Key()] = i
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if old := h.byRef[st.ref.String()]; old != nil && old.config.HostName != cfg.HostName {
		delete(h.byHost, old.config.HostName)
	}
	h.byRef[st.ref.String()] = st
	if cfg.HostName != "" {
		h.byHost[cfg.HostName] = st
	}
}

// GetChannel returns a channel's configuration by host.
func (h *EventHandler) GetChannel(host string) (ChannelConfig, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	st, ok := h.byHost[host]
	if !ok {
		return ChannelConfig{}, false
	}
	return st.config, true
}

// DeleteChannel removes the channel with that host.
func (h *EventHandler) DeleteChannel(host string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if st, ok := h.byHost[host]; ok {
		delete(h.byHost, host)
		delete(h.byRef, st.ref.String())
	}
}

// CountChannels returns the number of channels configured.
func (h *EventHandler) CountChannels() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.byRef)
}

func (h *EventHandler) lookup(r *http.Request) (*channelState, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if r.URL.Path != "/" && r.URL.Path != "" {
		ref, err := channel.ParseChannelFromPath(r.URL.Path)
		if err != nil {
			return nil, err
		}
		if st, ok := h.byRef[ref.String()]; ok {
			return st, nil
		}
		return nil, &channel.UnknownChannelError{Channel: ref}
	}
	if st, ok := h.byHost[r.Host]; ok {
		return st, nil
	}
	if host, _, err := net.SplitHostPort(r.Host); err == nil {
		if st, ok := h.byHost[host]; ok {
			return st, nil
		}
	}
	return nil, channel.UnknownHostError(r.Host)
}

// ServeHTTP answers 202 once the event is durable, 400 for a non-event (with
// the reason), 404 for an unknown channel, 405 for non-POST, 413 for an
// oversized body, 503 when the log cannot take the event. It also takes a
// batch of events from another Skiff component (kncloudevents batching),
// accepted or refused as a whole.
func (h *EventHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "POST, OPTIONS")
	kncloudevents.AdvertiseBatch(w)
	if r.Method == http.MethodOptions {
		w.Header().Set("WebHook-Allowed-Origin", "*")
		w.Header().Set("WebHook-Allowed-Rate", "*")
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	args := channel.ReportArgs{EventScheme: "http"}
	if r.TLS != nil {
		args.EventScheme = "https"
	}
	st, err := h.lookup(r)
	if err != nil {
		code := http.StatusNotFound
		var bad channel.BadRequestError
		if errors.As(err, &bad) {
			code = http.StatusBadRequest
		}
		h.logger.Info("Could not map request to a channel", zap.String("host", r.Host), zap.String("path", r.URL.Path), zap.Error(err))
		http.Error(w, err.Error(), code)
		_ = h.reporter.ReportEventCount(&args, code)
		return
	}
	args.Ns = st.ref.Namespace

	var events []incoming
	if kncloudevents.IsBatchRequest(r) {
		batch, code, err := kncloudevents.ReadBatch(r, h.maxBytes*kncloudevents.DefaultMaxBatch)
		if err != nil {
			http.Error(w, err.Error(), code)
			return
		}
		events = make([]incoming, len(batch))
		for i, be := range batch {
			if be.Err != nil {
				// The sender validated every event; refuse the batch.
				http.Error(w, fmt.Sprintf("batch item %d: %v", i, be.Err), be.Code)
				return
			}
			events[i] = incoming{ev: be.Event, headers: kncloudevents.PassThroughHeaders(be.Header)}
		}
	} else {
		ev, code, err := channel.ReadEvent(r, h.maxBytes)
		if err != nil {
			http.Error(w, err.Error(), code)
			_ = h.reporter.ReportEventCount(&args, code)
			return
		}
		events = []incoming{{ev: ev, headers: kncloudevents.PassThroughHeaders(r.Header)}}
	}
	if err := h.accept(r.Context(), st, events); err != nil {
		h.logger.Warn("Could not accept events", zap.String("channel", st.ref.String()), zap.Int("count", len(events)), zap.Error(err))
		w.Header().Set("Retry-After", "1")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		for _, in := range events {
			args.EventType = in.ev.Type()
			_ = h.reporter.ReportEventCount(&args, http.StatusServiceUnavailable)
		}
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

type incoming struct {
	ev      *event.Event
	headers http.Header
}

type target struct {
	index int
	sub   fanout.Subscription
}

// accept persists events for the channel's current subscribers, in one
// commit, and starts delivering them. It returns once they are durable.
func (h *EventHandler) accept(ctx context.Context, st *channelState, events []incoming) error {
	subs := st.config.FanoutConfig.Subscriptions
	if len(subs) == 0 {
		return nil // nobody to deliver to, as upstream
	}
	keys := make([]string, len(subs))
	targets := make([]target, len(subs))
	for i := range subs {
		keys[i] = subs[i].Key()
		targets[i] = target{index: i, sub: subs[i]}
	}
	entries := make([]*eventlog.Entry, len(events))
	for i, in := range events {
		body, err := encodeEvent(in.ev)
		if err != nil {
			return fmt.Errorf("encoding event: %w", err)
		}
		entries[i] = &eventlog.Entry{Channel: st.ref.String(), Subscribers: keys, Header: in.headers, Event: body}
	}
	acquired := 0
	release := func() {
		for ; acquired > 0; acquired-- {
			<-h.sem
		}
	}
	for range events {
		select {
		case h.sem <- struct{}{}:
			acquired++
		case <-ctx.Done():
			release()
			return fmt.Errorf("too many events in flight: %w", ctx.Err())
		case <-h.ctx.Done():
			release()
			return errors.New("dispatcher is shutting down")
		}
	}
	if err := h.log.AppendAll(ctx, entries); err != nil {
		release()
		return fmt.Errorf("persisting events: %w", err)
	}
	for i, in := range events {
		h.dispatch(entries[i].Seq, *in.ev, in.headers, targets)
	}
	return nil
}

// dispatch delivers one entry to its targets concurrently; it holds one
// in-flight slot until every target finished.
func (h *EventHandler) dispatch(seq uint64, ev event.Event, headers http.Header, targets []target) {
	h.lifecycle.RLock()
	defer h.lifecycle.RUnlock()
	if h.closing {
		// Accepted and durable, but we are stopping: the next start
		// delivers it.
		h.abandoned.Add(uint64(len(targets)))
		<-h.sem
		return
	}
	remaining := new(atomic.Int32)
	remaining.Store(int32(len(targets)))
	h.wg.Add(len(targets))
	for _, t := range targets {
		go func(t target) {
			defer h.wg.Done()
			defer func() {
				if remaining.Add(-1) == 0 {
					<-h.sem
				}
			}()
			h.deliver(seq, ev, headers, t)
		}(t)
	}
}

func (h *EventHandler) deliver(seq uint64, ev event.Event, headers http.Header, t target) {
	var res fanout.DispatchResult
	for park := h.parkDelay; ; park = min(2*park, MaxParkDelay) {
		res = fanout.Send(h.ctx, h.dispatcher, ev, headers, t.sub)
		if h.ctx.Err() != nil {
			// Shutting down: leave the entry unfinished for the next start.
			h.abandoned.Add(1)
			return
		}
		fanout.ReportDispatchResult(res, h.reporter, channel.ReportArgs{Ns: t.sub.Namespace, EventType: ev.Type()})
		if res.Error() == nil || t.sub.DeadLetter == nil {
			break
		}
		// Both the subscriber and its dead-letter sink failed. Upstream
		// drops the event here; it stays in the log and goes out again
		// later (and after a restart, if one comes first).
		h.parked.Add(1)
		h.logger.Error("Delivery and dead-lettering failed; event parked for another round",
			zap.String("id", ev.ID()), zap.String("subscription", t.sub.Key()), zap.Duration("next", park), zap.Error(res.Error()))
		if !sleep(h.ctx, park) {
			h.abandoned.Add(1)
			return
		}
	}
	info := res.Info()
	switch err := res.Error(); {
	case err == nil && info != nil && info.DeadLettered:
		h.deadLettered.Add(1)
		h.logger.Info("Event dead-lettered", zap.String("id", ev.ID()), zap.String("subscription", t.sub.Key()))
	case err == nil:
		h.delivered.Add(1)
	default:
		h.failed.Add(1)
		h.logger.Error("Delivery failed after retries and there is no dead-letter sink; event dropped",
			zap.String("id", ev.ID()), zap.String("type", ev.Type()), zap.String("source", ev.Source()),
			zap.String("subscription", t.sub.Key()), zap.Error(err))
	}
	h.log.Complete(seq, t.index)
}

// Replay delivers the events a previous run accepted but did not finish,
// to the subscriptions that had not finished them. Call it once the
// channels are configured (after the informers synced). A subscription or
// channel that no longer exists is finished with a warning.
func (h *EventHandler) Replay(_ context.Context) int {
	h.mu.Lock()
	pending := h.pending
	h.pending = nil
	h.mu.Unlock()
	started := 0
	for _, e := range pending {
		var ev event.Event
		if err := json.Unmarshal(e.Event, &ev); err != nil {
			h.logger.Error("Unreadable event in the log; dropping it", zap.Uint64("seq", e.Seq), zap.Error(err))
			for i := range e.Subscribers {
				h.log.Complete(e.Seq, i)
			}
			continue
		}
		h.mu.RLock()
		st := h.byRef[e.Channel]
		h.mu.RUnlock()
		var targets []target
		for i, key := range e.Subscribers {
			if e.Done[i] {
				continue
			}
			idx, ok := -1, false
			if st != nil {
				idx, ok = st.byKey[key]
			}
			if !ok {
				h.logger.Warn("Subscription of a logged event no longer exists; not delivering it",
					zap.String("channel", e.Channel), zap.String("subscription", key), zap.String("id", ev.ID()))
				h.log.Complete(e.Seq, i)
				continue
			}
			targets = append(targets, target{index: i, sub: st.config.FanoutConfig.Subscriptions[idx]})
		}
		if len(targets) == 0 {
			continue
		}
		select {
		case h.sem <- struct{}{}:
		case <-h.ctx.Done():
			return started
		}
		h.dispatch(e.Seq, ev, e.Header, targets)
		started++
	}
	if started > 0 {
		h.logger.Info("Replaying unfinished events from the log", zap.Int("count", started))
	}
	return started
}

// encodeEvent is the log's form of an event: structured JSON with the data
// as data_base64, so data that is not valid JSON (a JSON content type does
// not make the bytes JSON) round-trips byte for byte. Binary-mode delivery
// of the decoded event is identical to the original's.
func encodeEvent(ev *event.Event) ([]byte, error) {
	c := *ev
	c.DataBase64 = true
	return c.MarshalJSON()
}

// Stats returns delivery and log counters.
func (h *EventHandler) Stats() Stats {
	return Stats{
		Delivered:    h.delivered.Load(),
		DeadLettered: h.deadLettered.Load(),
		Failed:       h.failed.Load(),
		Abandoned:    h.abandoned.Load(),
		Parked:       h.parked.Load(),
		Log:          h.log.Stats(),
	}
}

// Close stops deliveries in progress (they stay unfinished in the log),
// waits for them to return and closes the log. Stop accepting requests
// (shut the HTTP server down) before calling it.
func (h *EventHandler) Close() error {
	h.cancel()
	h.lifecycle.Lock()
	h.closing = true
	h.lifecycle.Unlock()
	h.wg.Wait()
	return h.log.Close()
}
