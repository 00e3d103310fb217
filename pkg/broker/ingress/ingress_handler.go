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

// Package ingress is the broker-ingress data plane: POST /<ns>/<broker>
// accepts a CloudEvent (binary or structured), stamps the broker TTL and
// arrival time, and forwards it to the broker's channel. The channel's 202
// (given only once the event is durable in the imc-dispatcher's log) is
// the ingress's 202.
package ingress

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"go.uber.org/zap"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// DefaultMaxEventBytes bounds the request body the ingress accepts.
const DefaultMaxEventBytes = kncloudevents.DefaultMaxEventBytes

// ErrBrokerNotFound is returned by a ChannelAddressFunc for an unknown broker
// (as is any error for which apierrors.IsNotFound is true).
var ErrBrokerNotFound = errors.New("broker not found")

// ChannelAddressFunc returns the address of the channel behind broker
// namespace/name.
type ChannelAddressFunc func(namespace, name string) (*duckv1.Addressable, error)

// BrokerGetter gets a Broker, e.g. a lister's Brokers(ns).Get(name).
type BrokerGetter func(namespace, name string) (*eventingv1.Broker, error)

// ChannelAddressFromBrokers adapts a BrokerGetter (a lister) to a
// ChannelAddressFunc reading the broker's knative.dev/channelAddress status
// annotation, as upstream.
func ChannelAddressFromBrokers(get BrokerGetter) ChannelAddressFunc {
	return func(namespace, name string) (*duckv1.Addressable, error) {
		b, err := get(namespace, name)
		if err != nil {
			return nil, err
		}
		return ChannelAddress(b)
	}
}

// ChannelAddress reads the channel address from a Broker's status annotations.
func ChannelAddress(b *eventingv1.Broker) (*duckv1.Addressable, error) {
	if b.Status.Annotations == nil {
		return nil, errors.New("broker status annotations uninitialized")
	}
	address, ok := b.Status.Annotations[eventing.BrokerChannelAddressStatusAnnotationKey]
	if !ok || address == "" {
		return nil, errors.New("channel address not found in broker status annotations")
	}
	u, err := apis.ParseURL(address)
	if err != nil {
		return nil, fmt.Errorf("failed to parse channel address url %q: %w", address, err)
	}
	addr := &duckv1.Addressable{URL: u}
	if certs, ok := b.Status.Annotations[eventing.BrokerChannelCACertsStatusAnnotationKey]; ok && certs != "" {
		addr.CACerts = &certs
	}
	if audience, ok := b.Status.Annotations[eventing.BrokerChannelAudienceStatusAnnotationKey]; ok && audience != "" {
		addr.Audience = &audience
	}
	return addr, nil
}

// Handler is the broker ingress http.Handler.
type Handler struct {
	// Defaulter changes incoming events (TTL); default broker.TTLDefaulter.
	Defaulter broker.EventDefaulter
	// Reporter reports stats of status code and dispatch time.
	Reporter StatsReporter
	// GetChannelAddress finds a broker's channel.
	GetChannelAddress ChannelAddressFunc
	Logger            *zap.Logger
	// MaxEventBytes bounds request bodies; larger ones get 413.
	MaxEventBytes int64

	dispatcher *kncloudevents.Dispatcher
}

// NewHandler creates the ingress handler.
func NewHandler(logger *zap.Logger, reporter StatsReporter, defaulter broker.EventDefaulter, getChannelAddress ChannelAddressFunc, dispatcher *kncloudevents.Dispatcher) *Handler {
	if logger == nil {
		logger = zap.NewNop()
	}
	if defaulter == nil {
		defaulter = broker.TTLDefaulter(logger, broker.DefaultTTL)
	}
	if reporter == nil {
		reporter = noopReporter{}
	}
	if dispatcher == nil {
		dispatcher = kncloudevents.NewDispatcher()
	}
	return &Handler{
		Defaulter:         defaulter,
		Reporter:          reporter,
		GetChannelAddress: getChannelAddress,
		Logger:            logger,
		MaxEventBytes:     DefaultMaxEventBytes,
		dispatcher:        dispatcher,
	}
}

// ServeHTTP answers 202 when the channel accepted the event, 400 for a
// non-event or bad event (with the reason in the body) or an exhausted TTL,
// 404 for an unknown broker, 405 for non-POST, 413 for an oversized body,
// and 500 when the channel could not be reached.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "POST, OPTIONS")
	if r.Method == http.MethodOptions {
		w.Header().Set("WebHook-Allowed-Origin", "*") // Accept from any Origin:
		w.Header().Set("WebHook-Allowed-Rate", "*")   // Unlimited requests/minute
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.Method != http.MethodPost {
		h.Logger.Debug("unexpected request method", zap.String("method", r.Method))
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/" || r.URL.Path == "" {
		http.Error(w, "send events to /<namespace>/<broker>", http.StatusNotFound)
		return
	}
	parts := strings.Split(strings.TrimSuffix(r.URL.Path, "/"), "/")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		http.Error(w, fmt.Sprintf("malformed path %q: want /<namespace>/<broker>", r.URL.Path), http.StatusBadRequest)
		return
	}
	ns, name := parts[1], parts[2]

	ev, code, err := kncloudevents.ReadEvent(r, h.MaxEventBytes)
	if err != nil {
		h.Logger.Debug("Rejected request", zap.Int("code", code), zap.Error(err))
		http.Error(w, err.Error(), code)
		return
	}

	channelAddress, err := h.GetChannelAddress(ns, name)
	if err != nil {
		if errors.Is(err, ErrBrokerNotFound) || apierrors.IsNotFound(err) {
			http.Error(w, fmt.Sprintf("broker %s/%s not found", ns, name), http.StatusNotFound)
			return
		}
		h.Logger.Warn("Broker has no usable channel", zap.String("broker", ns+"/"+name), zap.Error(err))
		http.Error(w, fmt.Sprintf("broker %s/%s is not ready: %v", ns, name, err), http.StatusInternalServerError)
		return
	}

	args := &ReportArgs{ns: ns, broker: name, eventType: ev.Type(), eventScheme: "http"}
	if r.TLS != nil {
		args.eventScheme = "https"
	}
	statusCode, dispatchTime, reason := h.receive(r.Context(), kncloudevents.PassThroughHeaders(r.Header), ev, channelAddress)
	if dispatchTime > kncloudevents.NoDuration {
		reportDispatch(h.Reporter, args, statusCode, dispatchTime)
	} else {
		_ = h.Reporter.ReportEventCount(args, statusCode)
	}
	if reason != "" {
		http.Error(w, reason, statusCode)
		return
	}
	w.WriteHeader(statusCode)
}

func (h *Handler) receive(ctx context.Context, headers http.Header, ev *cloudevents.Event, channelAddress *duckv1.Addressable) (int, time.Duration, string) {
	ev.SetExtension(broker.EventArrivalTime, cloudevents.Timestamp{Time: time.Now()})
	if h.Defaulter != nil {
		e := h.Defaulter(ctx, *ev)
		ev = &e
	}
	if ttl, err := broker.GetTTL(ev.Context); err != nil || ttl <= 0 {
		h.Logger.Debug("Dropping event based on TTL status", zap.Int32("TTL", ttl), zap.String("event.id", ev.ID()), zap.Error(err))
		return http.StatusBadRequest, kncloudevents.NoDuration, fmt.Sprintf("event TTL (%s) exhausted: it looped through the broker too often", broker.TTLAttribute)
	}
	info, err := h.dispatcher.SendEvent(ctx, *ev, *channelAddress, kncloudevents.WithHeader(headers))
	if err != nil {
		h.Logger.Error("Failed to dispatch event to the channel", zap.String("event.id", ev.ID()), zap.Error(err))
		d := time.Duration(kncloudevents.NoDuration)
		if info != nil {
			d = info.Duration
		}
		return http.StatusInternalServerError, d, "failed to forward the event to the broker's channel"
	}
	return info.ResponseCode, info.Duration, ""
}

type noopReporter struct{}

func (noopReporter) ReportEventCount(*ReportArgs, int) error                       { return nil }
func (noopReporter) ReportEventDispatchTime(*ReportArgs, int, time.Duration) error { return nil }
