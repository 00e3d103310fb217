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

// Package filter is the broker-filter data plane. The channel dispatcher
// delivers each event of a Broker to POST /triggers/<ns>/<trigger>/<uid>
// once per Trigger; the filter applies the Trigger's filter and forwards a
// matching event once, synchronously, to the Trigger's subscriber, and
// answers with the subscriber's status. Retries and dead-lettering happen in
// the channel dispatcher, from the Trigger's delivery spec copied onto its
// Subscription; a failure body carries broker.ErrExtensionInfo so the
// dead-lettered event names the real subscriber. A reply event from the
// subscriber is returned (with the TTL reattached) and the dispatcher sends
// it to the Subscription's reply, the broker ingress.
package filter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"go.uber.org/zap"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/eventfilter"
	"github.com/skiffhq/skiff/pkg/eventfilter/attributes"
	"github.com/skiffhq/skiff/pkg/eventfilter/subscriptionsapi"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// skipTTL marks responses (reply/dls proxying) that must not get a TTL.
const skipTTL = -1

// ErrNotFound is returned by a getter for a missing object (as is any error
// for which apierrors.IsNotFound is true).
var ErrNotFound = errors.New("not found")

// TriggerGetter gets a Trigger, e.g. a lister's Triggers(ns).Get(name).
type TriggerGetter func(namespace, name string) (*eventingv1.Trigger, error)

// BrokerGetter gets a Broker, e.g. a lister's Brokers(ns).Get(name).
type BrokerGetter func(namespace, name string) (*eventingv1.Broker, error)

// Handler is the broker filter http.Handler.
type Handler struct {
	reporter   StatsReporter
	dispatcher *kncloudevents.Dispatcher
	getTrigger TriggerGetter
	getBroker  BrokerGetter
	logger     *zap.Logger
	// MaxEventBytes bounds request bodies; larger ones get 413.
	MaxEventBytes int64

	filtersMu sync.RWMutex
	filters   map[types.NamespacedName]cachedFilter
}

type cachedFilter struct {
	uid        types.UID
	generation int64
	filter     eventfilter.Filter
}

// NewHandler creates the filter handler. getBroker is used only for the
// /reply and /dls paths.
func NewHandler(logger *zap.Logger, reporter StatsReporter, getTrigger TriggerGetter, getBroker BrokerGetter, dispatcher *kncloudevents.Dispatcher) *Handler {
	if logger == nil {
		logger = zap.NewNop()
	}
	if reporter == nil {
		reporter = noopReporter{}
	}
	if dispatcher == nil {
		dispatcher = kncloudevents.NewDispatcher()
	}
	return &Handler{
		reporter:      reporter,
		dispatcher:    dispatcher,
		getTrigger:    getTrigger,
		getBroker:     getBroker,
		logger:        logger,
		MaxEventBytes: kncloudevents.DefaultMaxEventBytes,
		filters:       make(map[types.NamespacedName]cachedFilter),
	}
}

// ForgetTrigger drops the cached filter of a deleted Trigger (call it from
// the informer's delete handler).
func (h *Handler) ForgetTrigger(namespace, name string) {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	h.filtersMu.Lock()
	defer h.filtersMu.Unlock()
	if c, ok := h.filters[key]; ok {
		c.filter.Cleanup()
		delete(h.filters, key)
	}
}

func isNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || apierrors.IsNotFound(err)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "POST")
	kncloudevents.AdvertiseBatch(w)
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	ref, err := ParseTriggerPath(r.URL.Path)
	if err != nil {
		h.logger.Info("Unable to parse path as trigger", zap.Error(err), zap.String("path", r.URL.Path))
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	trigger, err := h.getTrigger(ref.Namespace, ref.Name)
	switch {
	case err != nil && isNotFound(err):
		http.Error(w, fmt.Sprintf("trigger %s not found", ref.NamespacedName), http.StatusNotFound)
		return
	case err != nil:
		h.logger.Info("Unable to get the Trigger", zap.Error(err), zap.Any("triggerRef", ref))
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case trigger.UID != ref.UID:
		// The Trigger was deleted and re-created: the old one's events
		// must not reach the new one's subscriber.
		http.Error(w, fmt.Sprintf("trigger %s has UID %s, not %s", ref.NamespacedName, trigger.UID, ref.UID), http.StatusBadRequest)
		return
	}

	if kncloudevents.IsBatchRequest(r) {
		h.serveBatch(w, r, ref, trigger)
		return
	}
	ev, code, err := kncloudevents.ReadEvent(r, h.MaxEventBytes)
	if err != nil {
		h.logger.Warn("Failed to extract event from request", zap.Error(err))
		http.Error(w, err.Error(), code)
		return
	}
	h.serveEvent(w, r, ref, trigger, ev)
}

// serveBatch handles a batch from the channel dispatcher: every event is
// handled as if it had come alone, concurrently, and answered with its own
// result.
func (h *Handler) serveBatch(w http.ResponseWriter, r *http.Request, ref TriggerRef, trigger *eventingv1.Trigger) {
	batch, code, err := kncloudevents.ReadBatch(r, h.MaxEventBytes*kncloudevents.DefaultMaxBatch)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	results := make([]kncloudevents.BatchResult, len(batch))
	var wg sync.WaitGroup
	for i := range batch {
		be := batch[i]
		if be.Err != nil {
			results[i] = kncloudevents.BatchResult{Code: be.Code, Body: []byte(be.Err.Error())}
			continue
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rec := kncloudevents.NewResponseRecorder()
			single := &http.Request{Method: http.MethodPost, URL: r.URL, Header: be.Header, TLS: r.TLS}
			h.serveEvent(rec, single.WithContext(r.Context()), ref, trigger, be.Event)
			results[i] = rec.Finish()
		}(i)
	}
	wg.Wait()
	kncloudevents.WriteBatchResults(w, results)
}

func (h *Handler) serveEvent(w http.ResponseWriter, r *http.Request, ref TriggerRef, trigger *eventingv1.Trigger, ev *cloudevents.Event) {
	switch {
	case ref.IsReply:
		h.handleDispatchToReplyRequest(r.Context(), trigger, w, r, ev)
	case ref.IsDLS:
		h.handleDispatchToDLSRequest(r.Context(), trigger, w, r, ev)
	default:
		h.handleDispatchToSubscriberRequest(r.Context(), trigger, w, r, ev)
	}
}

func (h *Handler) brokerOf(w http.ResponseWriter, t *eventingv1.Trigger) (*eventingv1.Broker, bool) {
	if h.getBroker == nil {
		http.Error(w, "broker lookup not configured", http.StatusInternalServerError)
		return nil, false
	}
	b, err := h.getBroker(t.Namespace, t.Spec.Broker)
	if err != nil {
		code := http.StatusBadRequest
		if isNotFound(err) {
			code = http.StatusNotFound
		}
		h.logger.Info("Unable to get the Broker", zap.Error(err))
		http.Error(w, err.Error(), code)
		return nil, false
	}
	return b, true
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func (h *Handler) handleDispatchToReplyRequest(ctx context.Context, t *eventingv1.Trigger, w http.ResponseWriter, r *http.Request, ev *cloudevents.Event) {
	b, ok := h.brokerOf(w, t)
	if !ok {
		return
	}
	if b.Status.Address == nil || b.Status.Address.URL == nil {
		http.Error(w, "broker has no address", http.StatusBadRequest)
		return
	}
	args := &ReportArgs{ns: t.Namespace, trigger: t.Name, broker: t.Spec.Broker, requestType: "reply_forward", requestScheme: scheme(r)}
	// The filter acts as a proxy here, so headers are not filtered.
	h.send(ctx, w, r.Header.Clone(), duckv1.Addressable{URL: b.Status.Address.URL}, args, ev, t, skipTTL)
}

func (h *Handler) handleDispatchToDLSRequest(ctx context.Context, t *eventingv1.Trigger, w http.ResponseWriter, r *http.Request, ev *cloudevents.Event) {
	b, ok := h.brokerOf(w, t)
	if !ok {
		return
	}
	var target *duckv1.Addressable
	switch {
	case t.Status.DeadLetterSinkURI != nil:
		target = &duckv1.Addressable{URL: t.Status.DeadLetterSinkURI, CACerts: t.Status.DeadLetterSinkCACerts}
	case b.Status.DeadLetterSinkURI != nil:
		target = &duckv1.Addressable{URL: b.Status.DeadLetterSinkURI, CACerts: b.Status.DeadLetterSinkCACerts}
	}
	if target == nil {
		http.Error(w, "neither the trigger nor the broker has a dead-letter sink", http.StatusBadRequest)
		return
	}
	args := &ReportArgs{ns: t.Namespace, trigger: t.Name, broker: t.Spec.Broker, requestType: "dls_forward", requestScheme: scheme(r)}
	h.send(ctx, w, r.Header.Clone(), *target, args, ev, t, skipTTL)
}

func (h *Handler) handleDispatchToSubscriberRequest(ctx context.Context, t *eventingv1.Trigger, w http.ResponseWriter, r *http.Request, ev *cloudevents.Event) {
	args := &ReportArgs{
		ns:            t.Namespace,
		trigger:       t.Name,
		broker:        t.Spec.Broker,
		filterType:    triggerFilterAttribute(t.Spec.Filter, "type"),
		requestType:   "filter",
		requestScheme: scheme(r),
	}
	// Only events that went through a Broker carry the TTL; anything else
	// is refused (400 is final, so the channel dead-letters it).
	ttl, err := broker.GetTTL(ev.Context)
	if err != nil {
		h.logger.Warn("No TTL seen, dropping", zap.Any("trigger", t.Namespace+"/"+t.Name), zap.String("event.id", ev.ID()))
		http.Error(w, fmt.Sprintf("event has no %s extension: it did not come through a broker", broker.TTLAttribute), http.StatusBadRequest)
		return
	}
	if err := broker.DeleteTTL(ev.Context); err != nil {
		h.logger.Warn("Failed to delete TTL", zap.Error(err))
	}
	if t.Status.SubscriberURI == nil {
		http.Error(w, "trigger has no resolved subscriber URI", http.StatusBadRequest)
		_ = h.reporter.ReportEventCount(args, http.StatusBadRequest)
		return
	}

	if h.filterEvent(ctx, t, *ev) == eventfilter.FailFilter {
		// Not for this Trigger. Not counted: the ingress counted it.
		w.WriteHeader(http.StatusOK)
		return
	}
	h.reportArrivalTime(ev, args)

	target := duckv1.Addressable{URL: t.Status.SubscriberURI, CACerts: t.Status.SubscriberCACerts, Audience: t.Status.SubscriberAudience}
	var opts []kncloudevents.SendOption
	if t.Spec.Delivery != nil && t.Spec.Delivery.Format != nil {
		opts = append(opts, kncloudevents.WithEventFormat(t.Spec.Delivery.Format))
	}
	h.send(ctx, w, kncloudevents.PassThroughHeaders(r.Header), target, args, ev, t, ttl, opts...)
}

// send forwards ev once to target and writes the outcome as the response.
func (h *Handler) send(ctx context.Context, w http.ResponseWriter, headers http.Header, target duckv1.Addressable, args *ReportArgs, ev *cloudevents.Event, t *eventingv1.Trigger, ttl int32, sendOpts ...kncloudevents.SendOption) {
	// headers is ours to change: callers pass a fresh map.
	additional := headers
	if additional == nil {
		additional = http.Header{}
	}
	additional.Set(kncloudevents.KnNamespaceHeader, t.Namespace)
	opts := append([]kncloudevents.SendOption{kncloudevents.WithHeader(additional)}, sendOpts...)

	info, err := h.dispatcher.SendEvent(ctx, *ev, target, opts...)
	if err != nil {
		h.logger.Info("Failed to send event to the subscriber", zap.String("trigger", t.Namespace+"/"+t.Name), zap.Error(err))
		if info == nil || info.ResponseCode <= 0 {
			w.WriteHeader(http.StatusInternalServerError)
			_ = h.reporter.ReportEventCount(args, http.StatusInternalServerError)
			return
		}
		// A transport failure (refused, timed out) arrives here as 500
		// with the error as body, which the channel retries.
		_ = h.reporter.ReportEventDispatchTime(args, info.ResponseCode, info.Duration)
		writeHeaders(kncloudevents.PassThroughHeaders(info.ResponseHeader), w)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(info.ResponseCode)
		_, _ = w.Write(errExtensionBody(target, info.ResponseBody))
		_ = h.reporter.ReportEventCount(args, info.ResponseCode)
		return
	}
	statusCode, err := h.writeResponse(ctx, w, info, ttl)
	if err != nil {
		h.logger.Info("Failed to write response", zap.Error(err))
	}
	if statusCode == info.ResponseCode {
		reportDispatch(h.reporter, args, statusCode, info.Duration)
	} else {
		_ = h.reporter.ReportEventDispatchTime(args, info.ResponseCode, info.Duration)
		_ = h.reporter.ReportEventCount(args, statusCode)
	}
}

// errExtensionBody is the failure body the channel dispatcher unwraps into
// the dead-letter extensions.
func errExtensionBody(target duckv1.Addressable, body []byte) []byte {
	b, err := json.Marshal(broker.ErrExtensionInfo{ErrDestination: target.URL, ErrResponseBody: body})
	if err != nil {
		return nil
	}
	return b
}

// writeResponse relays the subscriber's answer: an empty body as is, a
// reply event with the TTL reattached, anything else as 502.
func (h *Handler) writeResponse(ctx context.Context, w http.ResponseWriter, info *kncloudevents.DispatchInfo, ttl int32) (int, error) {
	response := cehttp.NewMessage(info.ResponseHeader, io.NopCloser(bytes.NewReader(info.ResponseBody)))
	defer response.Finish(nil)

	if response.ReadEncoding() == binding.EncodingUnknown {
		if len(info.ResponseBody) != 0 {
			// A response that is neither empty nor an event is a delivery
			// failure; 502 tells it apart from other errors.
			http.Error(w, "subscriber answered with a body that is not a CloudEvent", http.StatusBadGateway)
			return http.StatusBadGateway, errors.New("received a non-empty response not recognized as CloudEvent. The response MUST be either empty or a valid CloudEvent")
		}
		writeHeaders(kncloudevents.PassThroughHeaders(info.ResponseHeader), w)
		w.WriteHeader(info.ResponseCode)
		return info.ResponseCode, nil
	}

	reply, err := binding.ToEvent(ctx, response)
	if err != nil {
		http.Error(w, "subscriber replied with a malformed CloudEvent", http.StatusBadGateway)
		return http.StatusBadGateway, err
	}
	if err := reply.Validate(); err != nil {
		http.Error(w, "subscriber replied with an invalid CloudEvent", http.StatusBadGateway)
		return http.StatusBadGateway, err
	}
	if ttl != skipTTL {
		// The reply re-enters the broker with the same TTL; the ingress
		// decrements it, so reply loops end.
		if err := broker.SetTTL(reply.Context, ttl); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return http.StatusInternalServerError, fmt.Errorf("failed to reset TTL: %w", err)
		}
	}
	writeHeaders(kncloudevents.PassThroughHeaders(info.ResponseHeader), w)
	if err := cehttp.WriteResponseWriter(ctx, binding.ToMessage(reply), info.ResponseCode, w); err != nil {
		return http.StatusInternalServerError, fmt.Errorf("failed to write response event: %w", err)
	}
	return info.ResponseCode, nil
}

func (h *Handler) reportArrivalTime(ev *cloudevents.Event, args *ReportArgs) {
	var arrival string
	if err := ev.ExtensionAs(broker.EventArrivalTime, &arrival); err == nil {
		if t, err := time.Parse(time.RFC3339, arrival); err == nil {
			_ = h.reporter.ReportEventProcessingTime(args, time.Since(t))
		}
	}
}

// filterEvent applies spec.filters when set, else spec.filter, caching the
// materialized filter per Trigger generation.
func (h *Handler) filterEvent(ctx context.Context, t *eventingv1.Trigger, ev cloudevents.Event) eventfilter.FilterResult {
	switch {
	case len(t.Spec.Filters) > 0:
		return h.subscriptionsAPIFilter(t).Filter(ctx, ev)
	case t.Spec.Filter != nil:
		return attributes.NewAttributesFilter(t.Spec.Filter.Attributes).Filter(ctx, ev)
	default:
		return eventfilter.NoFilter
	}
}

func (h *Handler) subscriptionsAPIFilter(t *eventingv1.Trigger) eventfilter.Filter {
	key := types.NamespacedName{Namespace: t.Namespace, Name: t.Name}
	h.filtersMu.RLock()
	c, ok := h.filters[key]
	h.filtersMu.RUnlock()
	if ok && c.uid == t.UID && c.generation == t.Generation {
		return c.filter
	}
	f := subscriptionsapi.CreateSubscriptionsAPIFilters(h.logger, t.Spec.Filters)
	h.filtersMu.Lock()
	if old, ok := h.filters[key]; ok {
		old.filter.Cleanup()
	}
	h.filters[key] = cachedFilter{uid: t.UID, generation: t.Generation, filter: f}
	h.filtersMu.Unlock()
	return f
}

// triggerFilterAttribute returns the value a Trigger filters attribute on,
// or "" (any) when it does not.
func triggerFilterAttribute(filter *eventingv1.TriggerFilter, attributeName string) string {
	if filter != nil {
		if v, ok := filter.Attributes[attributeName]; ok {
			return v
		}
	}
	return eventingv1.TriggerAnyFilter
}

func writeHeaders(h http.Header, w http.ResponseWriter) {
	for k, vs := range h {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
}
