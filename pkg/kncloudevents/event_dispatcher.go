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

// Package kncloudevents sends CloudEvents to Addressables with Knative's
// delivery semantics: retries with linear or exponential backoff, a
// per-attempt timeout, Retry-After honoured up to retryAfterMax, a reply
// destination for response events, and a dead-letter sink that receives the
// original event with knativeerrordest, knativeerrorcode and knativeerrordata.
// Every Skiff dispatcher (channel fanout, broker ingress, broker filter)
// sends through Dispatcher so the policy lives in one place.
package kncloudevents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/network"

	v1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/kncloudevents/attributes"
)

const (
	// NoDuration signals that the dispatch step hasn't started.
	NoDuration = -1
	// NoResponse signals that no HTTP response was received.
	NoResponse = -1

	// maxResponseBytes bounds how much of a response body is kept; a reply
	// event larger than this is not a sensible reply.
	maxResponseBytes = 16 << 20
)

// DispatchInfo describes the last HTTP exchange of a send.
type DispatchInfo struct {
	Duration       time.Duration
	ResponseCode   int
	ResponseHeader http.Header
	ResponseBody   []byte
	Scheme         string
	// Attempts is how many requests the last exchange took (1 + retries).
	Attempts int
	// DeadLettered is true when the event (or its failed reply) went to the
	// dead-letter sink; Duration and ResponseCode are then the sink's.
	DeadLettered bool
}

// SendOption configures one SendEvent call.
type SendOption func(*senderConfig) error

type senderConfig struct {
	reply             *duckv1.Addressable
	deadLetterSink    *duckv1.Addressable
	additionalHeaders http.Header
	retryConfig       *RetryConfig
	eventFormat       *v1.FormatType
}

// WithReply sends a response event to reply.
func WithReply(reply *duckv1.Addressable) SendOption {
	return func(sc *senderConfig) error {
		sc.reply = reply
		return nil
	}
}

// WithDeadLetterSink sends the original event there when delivery fails.
func WithDeadLetterSink(dls *duckv1.Addressable) SendOption {
	return func(sc *senderConfig) error {
		sc.deadLetterSink = dls
		return nil
	}
}

// WithRetryConfig sets the retry policy; nil makes a single attempt.
func WithRetryConfig(retryConfig *RetryConfig) SendOption {
	return func(sc *senderConfig) error {
		sc.retryConfig = retryConfig
		return nil
	}
}

// WithHeader adds headers to the request (see PassThroughHeaders).
func WithHeader(header http.Header) SendOption {
	return func(sc *senderConfig) error {
		sc.additionalHeaders = header
		return nil
	}
}

// WithEventFormat forces binary or structured encoding.
func WithEventFormat(format *v1.FormatType) SendOption {
	return func(sc *senderConfig) error {
		sc.eventFormat = format
		return nil
	}
}

// Dispatcher sends events. It is safe for concurrent use.
type Dispatcher struct {
	client *http.Client
	// batching coalesces first attempts to Skiff receivers that accept
	// batches (see batch.go).
	batching bool
	batchers batchers
	// brokerFilterHost is the host whose failure bodies are
	// broker.ErrExtensionInfo, unwrapped into the dead-letter extensions.
	brokerFilterHost string
}

// DispatcherOption configures a Dispatcher.
type DispatcherOption func(*Dispatcher)

// WithHTTPClient sets the HTTP client (default: NewTransport(nil), no
// client-wide timeout; RetryConfig.RequestTimeout bounds attempts).
func WithHTTPClient(c *http.Client) DispatcherOption {
	return func(d *Dispatcher) { d.client = c }
}

// WithBrokerFilterHost overrides the host recognised as broker-filter
// (default broker-filter.<SYSTEM_NAMESPACE or knative-eventing>.svc.<cluster domain>).
func WithBrokerFilterHost(host string) DispatcherOption {
	return func(d *Dispatcher) { d.brokerFilterHost = host }
}

// WithoutBatching sends every event in a request of its own, even to
// receivers that accept batches.
func WithoutBatching() DispatcherOption {
	return func(d *Dispatcher) { d.batching = false }
}

// NewDispatcher returns a Dispatcher.
func NewDispatcher(opts ...DispatcherOption) *Dispatcher {
	ns := os.Getenv("SYSTEM_NAMESPACE")
	if ns == "" {
		ns = "knative-eventing"
	}
	d := &Dispatcher{
		brokerFilterHost: network.GetServiceHostname("broker-filter", ns),
		batching:         true,
	}
	for _, o := range opts {
		o(d)
	}
	if d.client == nil {
		d.client = &http.Client{Transport: NewTransport(nil)}
	}
	return d
}

// SendEvent sends event to destination, then any response event to the
// reply, falling back to the dead-letter sink when either fails after
// retries. The returned error is nil when the event was delivered or
// dead-lettered. When ctx is cancelled the send stops at once and the dead-
// letter sink is not tried: the caller is shutting down and must not record
// the event as finished.
func (d *Dispatcher) SendEvent(ctx context.Context, ev event.Event, destination duckv1.Addressable, options ...SendOption) (*DispatchInfo, error) {
	config := senderConfig{}
	for _, opt := range options {
		if err := opt(&config); err != nil {
			return nil, fmt.Errorf("could not apply option: %w", err)
		}
	}
	return d.send(ctx, &ev, destination, &config)
}

func (d *Dispatcher) send(ctx context.Context, ev *event.Event, destination duckv1.Addressable, config *senderConfig) (*DispatchInfo, error) {
	if destination.URL == nil {
		return &DispatchInfo{Duration: NoDuration, ResponseCode: NoResponse}, errors.New("can not dispatch event to nil destination.URL")
	}
	destination.URL = sanitizeURL(destination.URL)
	reply := sanitizeAddressable(config.reply)
	dls := sanitizeAddressable(config.deadLetterSink)

	if config.eventFormat != nil {
		switch *config.eventFormat {
		case v1.DeliveryFormatBinary:
			ctx = binding.WithForceBinary(ctx)
		case v1.DeliveryFormatJson:
			ctx = binding.WithForceStructured(ctx)
		}
	}

	// Prefer: reply is always set, whether or not a reply destination exists
	// (knative/eventing#5764).
	headers := make(http.Header, len(config.additionalHeaders)+1)
	for k, v := range config.additionalHeaders {
		headers[k] = v
	}
	headers.Set("Prefer", "reply")

	info, err := d.executeRequest(ctx, destination, ev, headers, config.retryConfig)
	if err != nil {
		if dls == nil || ctx.Err() != nil {
			return info, fmt.Errorf("unable to complete request to %s: %w", destination.URL, err)
		}
		dlsInfo, dlsErr := d.sendToDeadLetterSink(ctx, *dls, ev, destination.URL, info, config)
		if dlsErr != nil {
			return dlsInfo, fmt.Errorf("unable to complete request to either %s (%v) or %s (%w)", destination.URL, err, dls.URL, dlsErr)
		}
		return dlsInfo, nil
	}

	if reply == nil || len(info.ResponseBody) == 0 && info.ResponseHeader.Get("Ce-Specversion") == "" {
		return info, nil
	}
	responseEvent, ok := responseToEvent(ctx, info)
	if !ok {
		// A non-event response is discarded, as upstream.
		return info, nil
	}

	replyHeaders := PassThroughHeaders(info.ResponseHeader)
	if ns := config.additionalHeaders.Get(KnNamespaceHeader); ns != "" {
		replyHeaders.Set(KnNamespaceHeader, ns)
	}
	replyInfo, err := d.executeRequest(ctx, *reply, responseEvent, replyHeaders, config.retryConfig)
	if err != nil {
		if dls == nil || ctx.Err() != nil {
			return replyInfo, fmt.Errorf("failed to forward reply to %s: %w", reply.URL, err)
		}
		dlsInfo, dlsErr := d.sendToDeadLetterSink(ctx, *dls, ev, reply.URL, replyInfo, config)
		if dlsErr != nil {
			return dlsInfo, fmt.Errorf("failed to forward reply to %s (%v) and failed to send it to the dead letter sink %s (%w)", reply.URL, err, dls.URL, dlsErr)
		}
		return dlsInfo, nil
	}
	return replyInfo, nil
}

// sendToDeadLetterSink sends a copy of the original event with the knative
// error extensions describing the failed exchange.
func (d *Dispatcher) sendToDeadLetterSink(ctx context.Context, dls duckv1.Addressable, ev *event.Event, failed *apis.URL, info *DispatchInfo, config *senderConfig) (*DispatchInfo, error) {
	dest, body := failed, info.ResponseBody
	if failed != nil && failed.Host == d.brokerFilterHost {
		// broker-filter wraps its subscriber's failure; name the subscriber.
		var ext broker.ErrExtensionInfo
		if err := json.Unmarshal(info.ResponseBody, &ext); err == nil && ext.ErrDestination != nil {
			dest, body = ext.ErrDestination, ext.ErrResponseBody
		}
	}
	dest = sanitizeURL(dest)
	destString := ""
	if dest != nil {
		destString = dest.String()
	}
	dlsEvent := ev.Clone()
	attributes.SetKnativeErrorExtensions(&dlsEvent, destString, info.ResponseCode, attributes.EncodeErrorData(body))

	dlsInfo, err := d.executeRequest(ctx, dls, &dlsEvent, config.additionalHeaders, config.retryConfig)
	dlsInfo.DeadLettered = err == nil
	return dlsInfo, err
}

// responseToEvent turns a response carrying a CloudEvent into an event.
func responseToEvent(ctx context.Context, info *DispatchInfo) (*event.Event, bool) {
	msg := cehttp.NewMessage(info.ResponseHeader, io.NopCloser(bytes.NewReader(info.ResponseBody)))
	defer msg.Finish(nil)
	if msg.ReadEncoding() == binding.EncodingUnknown {
		return nil, false
	}
	ev, err := binding.ToEvent(ctx, msg)
	if err != nil {
		return nil, false
	}
	return ev, true
}

// executeRequest delivers ev to target, retrying as retryConfig says.
func (d *Dispatcher) executeRequest(ctx context.Context, target duckv1.Addressable, ev *event.Event, headers http.Header, retryConfig *RetryConfig) (*DispatchInfo, error) {
	info := &DispatchInfo{
		Duration:       NoDuration,
		ResponseCode:   NoResponse,
		ResponseHeader: make(http.Header),
		Scheme:         "http",
	}
	if target.URL == nil {
		return info, errors.New("can not dispatch event to nil URL")
	}
	info.Scheme = target.URL.Scheme

	tmpl, err := newRequest(ctx, ev, target.URL, headers)
	if err != nil {
		return info, err
	}

	start := time.Now()
	defer func() { info.Duration = time.Since(start) }()
	for attempt := 0; ; attempt++ {
		info.Attempts = attempt + 1
		var resp *http.Response
		var body []byte
		var doErr error
		if attempt == 0 && d.batching {
			resp, body, doErr = d.doFirst(ctx, tmpl, ev, retryConfig)
		} else {
			resp, body, doErr = d.do(ctx, tmpl, retryConfig)
		}
		err := doErr
		if err == nil && isFailure(resp.StatusCode) {
			err = fmt.Errorf("unexpected HTTP response, expected 2xx, got %d", resp.StatusCode)
		}
		if resp != nil {
			info.ResponseCode = resp.StatusCode
			info.ResponseHeader = resp.Header
			info.ResponseBody = body
		} else {
			info.ResponseCode = http.StatusInternalServerError
			info.ResponseHeader = make(http.Header)
			info.ResponseBody = []byte(fmt.Sprintf("dispatch error: %v", err))
		}
		if ctx.Err() != nil {
			return info, fmt.Errorf("dispatch aborted: %w", context.Cause(ctx))
		}
		if retryConfig == nil || attempt >= retryConfig.RetryMax || retryConfig.CheckRetry == nil {
			return info, err
		}
		// CheckRetry sees transport errors only; a failure status is in resp.
		retry, checkErr := retryConfig.CheckRetry(ctx, resp, doErr)
		if checkErr != nil {
			return info, checkErr
		}
		if !retry {
			return info, err
		}
		if !sleep(ctx, retryConfig.backoffFor(attempt+1, resp)) {
			return info, fmt.Errorf("dispatch aborted: %w", context.Cause(ctx))
		}
	}
}

// doFirst makes the first attempt, in a batch when the destination takes
// batches and already has requests in flight.
func (d *Dispatcher) doFirst(ctx context.Context, tmpl *http.Request, ev *event.Event, retryConfig *RetryConfig) (*http.Response, []byte, error) {
	url := tmpl.URL.String()
	b := d.batchers.get(url, d.client, false)
	if b == nil {
		resp, body, err := d.do(ctx, tmpl, retryConfig)
		if resp != nil {
			d.batchers.noteResponse(url, d.client, resp)
		}
		return resp, body, err
	}
	var payload []byte
	if data := ev.Data(); tmpl.Header.Get("Ce-Specversion") != "" && int64(len(data)) == tmpl.ContentLength {
		// Binary mode: the body is the event's data; no need to copy it.
		payload = data
	} else if tmpl.GetBody != nil {
		rc, err := tmpl.GetBody()
		if err != nil {
			return nil, nil, err
		}
		payload, err = io.ReadAll(rc)
		if err != nil {
			return nil, nil, err
		}
	}
	var timeout time.Duration
	if retryConfig != nil {
		timeout = retryConfig.RequestTimeout
	}
	out, alone, slot := b.begin(ctx, tmpl.Header, payload, timeout)
	if alone || out.resend {
		resp, body, err := d.do(ctx, tmpl, retryConfig)
		if resp != nil {
			d.batchers.noteResponse(url, d.client, resp)
		}
		if slot {
			b.release()
		}
		return resp, body, err
	}
	if out.err != nil {
		return nil, nil, out.err
	}
	return &http.Response{StatusCode: out.code, Header: out.header}, out.body, nil
}

// do makes one attempt and reads the whole response, so the per-attempt
// timeout covers the body too.
func (d *Dispatcher) do(ctx context.Context, tmpl *http.Request, retryConfig *RetryConfig) (*http.Response, []byte, error) {
	if retryConfig != nil && retryConfig.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, retryConfig.RequestTimeout)
		defer cancel()
	}
	req := tmpl.WithContext(ctx)
	if tmpl.GetBody != nil {
		// Every attempt needs a fresh body reader. The header map is
		// shared: neither we nor the transport write to it.
		body, err := tmpl.GetBody()
		if err != nil {
			return nil, nil, err
		}
		req.Body = body
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	var body []byte
	if resp.ContentLength != 0 {
		body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		if err != nil {
			return resp, body, fmt.Errorf("failed to read response body: %w", err)
		}
	} else {
		// Drain so the connection can be reused.
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	return resp, body, nil
}

func newRequest(ctx context.Context, ev *event.Event, u *apis.URL, headers http.Header) (*http.Request, error) {
	// Built directly rather than with http.NewRequest: the URL is parsed
	// already, and this runs for every event on every hop.
	target := u.URL()
	if target.Host == "" {
		return nil, fmt.Errorf("could not create http request: URL %q has no host", u)
	}
	req := (&http.Request{
		Method:     http.MethodPost,
		URL:        target,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, 8+len(headers)),
		Host:       target.Host,
	}).WithContext(ctx)
	if err := cehttp.WriteRequest(ctx, binding.ToMessage(ev), req); err != nil {
		return nil, fmt.Errorf("could not write event to request: %w", err)
	}
	for k, v := range headers {
		req.Header[k] = v
	}
	return req, nil
}

// sleep waits d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// isFailure reports whether statusCode is not 2xx.
func isFailure(statusCode int) bool {
	return statusCode < http.StatusOK || statusCode >= http.StatusMultipleChoices
}

func sanitizeAddressable(a *duckv1.Addressable) *duckv1.Addressable {
	if a == nil || a.URL == nil {
		return nil
	}
	c := *a
	c.URL = sanitizeURL(a.URL)
	return &c
}

// sanitizeURL turns a host-only URL into http://host/.
func sanitizeURL(u *apis.URL) *apis.URL {
	if u == nil {
		return nil
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return u
	}
	return &apis.URL{Scheme: "http", Host: u.Host, Path: "/"}
}
