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

// Package fanout sends one event to every subscriber of a channel,
// concurrently, each with its own delivery policy (retries, dead-letter
// sink, reply). FanoutEventHandler is the synchronous http.Handler form;
// multichannelfanout uses Dispatch behind its durable log.
package fanout

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/channel"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// Subscription is one subscriber of a channel with its delivery policy.
type Subscription struct {
	Subscriber  duckv1.Addressable
	Reply       *duckv1.Addressable
	DeadLetter  *duckv1.Addressable
	RetryConfig *kncloudevents.RetryConfig
	// Format forces binary or structured encoding to the subscriber.
	Format    *eventingduckv1.FormatType
	Name      string
	Namespace string
	UID       types.UID
}

// Key identifies the subscription across restarts: its UID, or its
// subscriber URL when it has none.
func (s *Subscription) Key() string {
	if s.UID != "" {
		return string(s.UID)
	}
	if s.Subscriber.URL != nil {
		return s.Subscriber.URL.String()
	}
	return ""
}

// Config for a fanout.EventHandler.
type Config struct {
	Subscriptions []Subscription `json:"subscriptions"`
}

// SubscriberSpecToFanoutConfig converts a channel's spec.subscribers entry
// (as the subscription reconciler writes it: URIs resolved, delivery copied
// from the Subscription, and for Triggers from the Trigger) to a Subscription.
func SubscriberSpecToFanoutConfig(sub eventingduckv1.SubscriberSpec) (*Subscription, error) {
	s := &Subscription{
		Subscriber: duckv1.Addressable{
			URL:      sub.SubscriberURI,
			CACerts:  sub.SubscriberCACerts,
			Audience: sub.SubscriberAudience,
		},
		UID: sub.UID,
	}
	if sub.ReplyURI != nil {
		s.Reply = &duckv1.Addressable{URL: sub.ReplyURI, CACerts: sub.ReplyCACerts, Audience: sub.ReplyAudience}
	}
	if sub.Delivery != nil {
		if dls := sub.Delivery.DeadLetterSink; dls != nil && dls.URI != nil {
			// The subscription reconciler resolves the sink into URI.
			s.DeadLetter = &duckv1.Addressable{URL: dls.URI, CACerts: dls.CACerts, Audience: dls.Audience}
		}
		rc, err := kncloudevents.RetryConfigFromDeliverySpec(*sub.Delivery)
		if err != nil {
			return nil, err
		}
		s.RetryConfig = &rc
		s.Format = sub.Delivery.Format
	}
	if sub.Name != nil {
		s.Name = *sub.Name
	}
	return s, nil
}

// DispatchResult is the outcome of delivering to one subscription.
type DispatchResult struct {
	err  error
	info *kncloudevents.DispatchInfo
}

// NewDispatchResult builds a DispatchResult.
func NewDispatchResult(err error, info *kncloudevents.DispatchInfo) DispatchResult {
	return DispatchResult{err: err, info: info}
}

// Error is nil when the event was delivered or dead-lettered.
func (d DispatchResult) Error() error { return d.err }

// Info describes the last HTTP exchange.
func (d DispatchResult) Info() *kncloudevents.DispatchInfo { return d.info }

// Send delivers ev to one subscription with its policy. additionalHeaders
// are copied; the Kn-Namespace header is set to the subscription's namespace.
func Send(ctx context.Context, d *kncloudevents.Dispatcher, ev event.Event, additionalHeaders http.Header, sub Subscription) DispatchResult {
	h := make(http.Header, len(additionalHeaders)+1)
	for k, v := range additionalHeaders {
		h[k] = v
	}
	if sub.Namespace != "" {
		h.Set(kncloudevents.KnNamespaceHeader, sub.Namespace)
	}
	opts := []kncloudevents.SendOption{
		kncloudevents.WithHeader(h),
		kncloudevents.WithReply(sub.Reply),
		kncloudevents.WithDeadLetterSink(sub.DeadLetter),
		kncloudevents.WithRetryConfig(sub.RetryConfig),
	}
	if sub.Format != nil {
		opts = append(opts, kncloudevents.WithEventFormat(sub.Format))
	}
	info, err := d.SendEvent(ctx, ev, sub.Subscriber, opts...)
	return DispatchResult{err: err, info: info}
}

// ReportDispatchResult records the channel metrics for one result.
func ReportDispatchResult(result DispatchResult, reporter channel.StatsReporter, args channel.ReportArgs) {
	if result.info != nil {
		args.EventScheme = result.info.Scheme
	}
	switch {
	case result.info != nil && result.info.Duration > kncloudevents.NoDuration && result.err == nil:
		channel.ReportDispatch(reporter, &args, result.info.ResponseCode, result.info.Duration)
	case result.info != nil && result.info.Duration > kncloudevents.NoDuration:
		code := result.info.ResponseCode
		if code <= kncloudevents.NoResponse {
			code = http.StatusInternalServerError
		}
		_ = reporter.ReportEventDispatchTime(&args, code, result.info.Duration)
		_ = reporter.ReportEventCount(&args, http.StatusInternalServerError)
	case result.err != nil:
		_ = reporter.ReportEventCount(&args, http.StatusInternalServerError)
	case result.info != nil:
		_ = reporter.ReportEventCount(&args, result.info.ResponseCode)
	}
}

// FanoutEventHandler is a synchronous http.Handler fanning an event out to
// every subscription; it answers 202 only when all of them succeeded (or
// dead-lettered). It does not persist events: multichannelfanout does.
type FanoutEventHandler struct {
	mu            sync.RWMutex
	subscriptions []Subscription

	receiver   *channel.EventReceiver
	dispatcher *kncloudevents.Dispatcher
	reporter   channel.StatsReporter
	logger     *zap.Logger
	timeout    time.Duration
}

const defaultTimeout = 15 * time.Minute

// NewFanoutEventHandler creates a new fanout handler.
func NewFanoutEventHandler(logger *zap.Logger, config Config, reporter channel.StatsReporter, dispatcher *kncloudevents.Dispatcher, receiverOpts ...channel.EventReceiverOptions) (*FanoutEventHandler, error) {
	if reporter == nil {
		reporter = channel.NoopReporter{}
	}
	f := &FanoutEventHandler{
		dispatcher: dispatcher,
		reporter:   reporter,
		logger:     logger,
		timeout:    defaultTimeout,
	}
	f.SetSubscriptions(context.Background(), config.Subscriptions)
	receiver, err := channel.NewEventReceiver(func(ctx context.Context, ref channel.ChannelReference, ev event.Event, h http.Header) error {
		return f.Dispatch(ctx, ev, h)
	}, logger, reporter, receiverOpts...)
	if err != nil {
		return nil, err
	}
	f.receiver = receiver
	return f, nil
}

// SetSubscriptions replaces the subscriptions.
func (f *FanoutEventHandler) SetSubscriptions(_ context.Context, subs []Subscription) {
	s := append([]Subscription(nil), subs...)
	f.mu.Lock()
	f.subscriptions = s
	f.mu.Unlock()
}

// GetSubscriptions returns a copy of the subscriptions.
func (f *FanoutEventHandler) GetSubscriptions(_ context.Context) []Subscription {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return append([]Subscription(nil), f.subscriptions...)
}

func (f *FanoutEventHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.receiver.ServeHTTP(w, r)
}

// Dispatch sends ev to all subscriptions concurrently and returns the last
// error, if any.
func (f *FanoutEventHandler) Dispatch(ctx context.Context, ev event.Event, h http.Header) error {
	subs := f.GetSubscriptions(ctx)
	if len(subs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	results := make(chan DispatchResult, len(subs))
	for _, sub := range subs {
		go func(s Subscription) {
			r := Send(ctx, f.dispatcher, ev, h, s)
			ReportDispatchResult(r, f.reporter, channel.ReportArgs{Ns: s.Namespace, EventType: ev.Type()})
			results <- r
		}(sub)
	}
	var err error
	for range subs {
		if r := <-results; r.err != nil {
			f.logger.Error("Fanout had an error", zap.Error(r.err))
			err = r.err
		}
	}
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		return errors.New("fanout timed out")
	}
	return err
}
