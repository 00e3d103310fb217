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

package channel

import (
	"context"
	"errors"
	"net/http"

	"github.com/cloudevents/sdk-go/v2/event"
	"go.uber.org/zap"

	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// DefaultMaxEventBytes bounds a request body a channel accepts.
const DefaultMaxEventBytes = kncloudevents.DefaultMaxEventBytes

// ReadEvent is kncloudevents.ReadEvent.
var ReadEvent = kncloudevents.ReadEvent

// EventReceiverFunc handles one accepted event. Returning nil answers 202;
// an *UnknownChannelError answers 404; anything else 500.
type EventReceiverFunc func(ctx context.Context, ref ChannelReference, ev event.Event, additionalHeaders http.Header) error

// ResolveChannelFromHostFunc maps a request Host to a channel. It returns
// UnknownHostError when no channel has that host.
type ResolveChannelFromHostFunc func(host string) (ChannelReference, error)

// ResolveChannelFromPathFunc maps a request path to a channel.
type ResolveChannelFromPathFunc func(path string) (ChannelReference, error)

// EventReceiverOptions configures an EventReceiver.
type EventReceiverOptions func(*EventReceiver) error

// ResolveChannelFromHostHeader replaces ParseChannelFromHost.
func ResolveChannelFromHostHeader(f ResolveChannelFromHostFunc) EventReceiverOptions {
	return func(r *EventReceiver) error {
		r.hostToChannelFunc = f
		return nil
	}
}

// ResolveChannelFromPath resolves channels from /<ns>/<name> paths instead
// of the Host header.
func ResolveChannelFromPath(f ResolveChannelFromPathFunc) EventReceiverOptions {
	return func(r *EventReceiver) error {
		r.pathToChannelFunc = f
		return nil
	}
}

// WithMaxEventBytes bounds the request body; larger requests get 413.
func WithMaxEventBytes(n int64) EventReceiverOptions {
	return func(r *EventReceiver) error {
		r.maxEventBytes = n
		return nil
	}
}

// EventReceiver is the HTTP front of a channel dispatcher: it resolves the
// channel, parses and validates the CloudEvent (binary or structured) and
// hands it to the receiver function.
type EventReceiver struct {
	receiverFunc      EventReceiverFunc
	logger            *zap.Logger
	hostToChannelFunc ResolveChannelFromHostFunc
	pathToChannelFunc ResolveChannelFromPathFunc
	reporter          StatsReporter
	maxEventBytes     int64
}

// NewEventReceiver creates an event receiver passing new events to receiverFunc.
func NewEventReceiver(receiverFunc EventReceiverFunc, logger *zap.Logger, reporter StatsReporter, opts ...EventReceiverOptions) (*EventReceiver, error) {
	r := &EventReceiver{
		receiverFunc:      receiverFunc,
		logger:            logger,
		hostToChannelFunc: ParseChannelFromHost,
		reporter:          reporter,
		maxEventBytes:     DefaultMaxEventBytes,
	}
	if r.reporter == nil {
		r.reporter = NoopReporter{}
	}
	for _, opt := range opts {
		if err := opt(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ServeHTTP answers 202 when the event was accepted, 400 for a request
// that is not a valid CloudEvent (with the reason in the body), 404 for an
// unknown channel, 405 for a method other than POST, 413 for an oversized
// body and 500 when the receiver function failed.
func (r *EventReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Allow", "POST, OPTIONS")
	if req.Method == http.MethodOptions {
		w.Header().Set("WebHook-Allowed-Origin", "*") // Accept from any Origin:
		w.Header().Set("WebHook-Allowed-Rate", "*")   // Unlimited requests/minute
		w.WriteHeader(http.StatusOK)
		return
	}
	if req.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}

	args := ReportArgs{EventScheme: "http"}
	if req.TLS != nil {
		args.EventScheme = "https"
	}

	var ref ChannelReference
	var err error
	if r.pathToChannelFunc != nil {
		ref, err = r.pathToChannelFunc(req.URL.Path)
	} else {
		if req.URL.Path != "/" && req.URL.Path != "" {
			http.Error(w, "channel requests must be sent to /", http.StatusBadRequest)
			return
		}
		ref, err = r.hostToChannelFunc(req.Host)
	}
	if err != nil {
		code := http.StatusInternalServerError
		var unknownHost UnknownHostError
		var badRequest BadRequestError
		switch {
		case errors.As(err, &unknownHost):
			code = http.StatusNotFound
		case errors.As(err, &badRequest):
			code = http.StatusBadRequest
		}
		r.logger.Info("Could not extract channel", zap.Error(err))
		http.Error(w, err.Error(), code)
		_ = r.reporter.ReportEventCount(&args, code)
		return
	}
	args.Ns = ref.Namespace

	ev, code, err := ReadEvent(req, r.maxEventBytes)
	if err != nil {
		r.logger.Debug("Rejected request", zap.Int("code", code), zap.Error(err))
		http.Error(w, err.Error(), code)
		_ = r.reporter.ReportEventCount(&args, code)
		return
	}
	args.EventType = ev.Type()

	if err := r.receiverFunc(req.Context(), ref, *ev, kncloudevents.PassThroughHeaders(req.Header)); err != nil {
		var unknown *UnknownChannelError
		if errors.As(err, &unknown) {
			http.Error(w, err.Error(), http.StatusNotFound)
			_ = r.reporter.ReportEventCount(&args, http.StatusNotFound)
			return
		}
		r.logger.Warn("Error in receiver", zap.Error(err))
		http.Error(w, err.Error(), http.StatusInternalServerError)
		_ = r.reporter.ReportEventCount(&args, http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
