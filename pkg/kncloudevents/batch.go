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

package kncloudevents

// Batching between Skiff's own data-plane hops.
//
// Every hop of a broker is a full HTTP exchange per event, and on two cores
// the exchanges, not the work, bound throughput. Skiff's own receivers (the
// imc-dispatcher and broker-filter) advertise, on every response, that they
// also take a batch: BatchCapabilityHeader. Once a destination has said so,
// a Dispatcher sending to it faster than it answers coalesces the events
// queued meanwhile into one request (natural batching: a lone event is
// always sent on its own, at once). Anything else, including every user
// subscriber, only ever sees one event per request. Retries are never
// batched: only a first attempt can join a batch.
//
// Wire format (both directions), BatchContentType / BatchResultsContentType:
// a sequence of items, each item the HTTP binary-mode form of one event (or
// one result): [uvarint code, results only] [uvarint n] n x (key, value)
// header pairs, then the body, every string and the body prefixed by its
// uvarint length. Binary mode keeps the event bytes exactly as a single
// request would carry them.
//
// A batch to a channel is accepted or refused as a whole (the status applies
// to every event); a batch to broker-filter is answered with one result per
// event. A batch answer without the capability header means the
// destination is not (or no longer) Skiff: its events are resent one by one.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

const (
	// BatchCapabilityHeader is set by receivers that accept batches; its
	// value is the most events they take in one.
	BatchCapabilityHeader = "Skiff-Accept-Batch"
	// BatchContentType is the content type of a batch request.
	BatchContentType = "application/vnd.skiff.cloudevents-batch"
	// BatchResultsContentType is the content type of per-event results.
	BatchResultsContentType = "application/vnd.skiff.cloudevents-batch-results"

	// DefaultMaxBatch is how many events one batch holds at most.
	DefaultMaxBatch = 256
	// DefaultBatchConcurrency is how many requests a Dispatcher keeps in
	// flight to one batch-capable destination before it queues (and so
	// batches) further events.
	DefaultBatchConcurrency = 4
)

// BatchStats counts what the batchers of a Dispatcher sent.
type BatchStats struct {
	// Batches is how many multi-event requests were sent.
	Batches uint64
	// BatchedEvents is how many events went in them.
	BatchedEvents uint64
}

// BatchStats returns the Dispatcher's batching counters.
func (d *Dispatcher) BatchStats() BatchStats {
	return BatchStats{Batches: d.batchers.batches.Load(), BatchedEvents: d.batchers.events.Load()}
}

// AdvertiseBatch marks a response as coming from a batch-capable receiver.
func AdvertiseBatch(w http.ResponseWriter) {
	w.Header().Set(BatchCapabilityHeader, strconv.Itoa(DefaultMaxBatch))
}

// IsBatchRequest reports whether r carries a batch.
func IsBatchRequest(r *http.Request) bool {
	return r.Header.Get("Content-Type") == BatchContentType
}

// BatchedEvent is one event of a received batch, with the headers it would
// have had as a single request. Err is set when it is not a valid event;
// Code is then the status a single request would have got.
type BatchedEvent struct {
	Event  *event.Event
	Header http.Header
	Err    error
	Code   int
}

// ReadBatch parses a batch request, limiting the body to maxBytes.
func ReadBatch(r *http.Request, maxBytes int64) ([]BatchedEvent, int, error) {
	body := io.Reader(r.Body)
	if maxBytes > 0 {
		body = io.LimitReader(r.Body, maxBytes+1)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("reading batch: %w", err)
	}
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("batch exceeds the limit of %d bytes", maxBytes)
	}
	rd := &batchReader{b: data}
	var out []BatchedEvent
	for len(rd.b) > 0 && rd.err == nil {
		header := rd.header()
		payload := rd.bytes()
		if rd.err != nil {
			break
		}
		be := BatchedEvent{Header: header}
		msg := cehttp.NewMessage(header, io.NopCloser(bytes.NewReader(payload)))
		if msg.ReadEncoding() == binding.EncodingUnknown {
			be.Err, be.Code = errors.New("batch item is not a CloudEvent"), http.StatusBadRequest
		} else if ev, err := binding.ToEvent(r.Context(), msg); err != nil {
			be.Err, be.Code = fmt.Errorf("malformed CloudEvent: %w", err), http.StatusBadRequest
		} else if err := ev.Validate(); err != nil {
			be.Err, be.Code = fmt.Errorf("invalid CloudEvent: %w", err), http.StatusBadRequest
		} else {
			be.Event = ev
		}
		out = append(out, be)
	}
	if rd.err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("malformed batch: %w", rd.err)
	}
	return out, 0, nil
}

// BatchResult is the response one event of a batch would have got alone.
type BatchResult struct {
	Code   int
	Header http.Header
	Body   []byte
}

// WriteBatchResults answers a batch with one result per event, in order.
func WriteBatchResults(w http.ResponseWriter, results []BatchResult) {
	size := 0
	for _, r := range results {
		size += 2*binary.MaxVarintLen64 + headerSize(r.Header) + len(r.Body)
	}
	buf := make([]byte, 0, size)
	for _, r := range results {
		buf = binary.AppendUvarint(buf, uint64(r.Code))
		buf = appendHeader(buf, r.Header)
		buf = appendBytes(buf, r.Body)
	}
	AdvertiseBatch(w)
	w.Header().Set("Content-Type", BatchResultsContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}

func readBatchResults(data []byte, n int) ([]BatchResult, error) {
	rd := &batchReader{b: data}
	out := make([]BatchResult, 0, n)
	for len(rd.b) > 0 && rd.err == nil {
		code := rd.uvarint()
		header := rd.header()
		body := rd.bytes()
		out = append(out, BatchResult{Code: int(code), Header: header, Body: body})
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if len(out) != n {
		return nil, fmt.Errorf("batch of %d events got %d results", n, len(out))
	}
	return out, nil
}

// ResponseRecorder captures what a handler writes for one event of a batch.
type ResponseRecorder struct {
	Result BatchResult
	wrote  bool
	buf    bytes.Buffer
}

// NewResponseRecorder returns an empty recorder.
func NewResponseRecorder() *ResponseRecorder {
	return &ResponseRecorder{Result: BatchResult{Header: http.Header{}}}
}

// Header returns the header map to set.
func (r *ResponseRecorder) Header() http.Header { return r.Result.Header }

// WriteHeader records the status code.
func (r *ResponseRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.wrote = true
		r.Result.Code = code
	}
}

// Write records body bytes.
func (r *ResponseRecorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.buf.Write(b)
}

// Finish returns the recorded result.
func (r *ResponseRecorder) Finish() BatchResult {
	r.WriteHeader(http.StatusOK)
	r.Result.Body = r.buf.Bytes()
	return r.Result
}

type batchReader struct {
	b   []byte
	err error
}

func (r *batchReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *batchReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if uint64(len(r.b)) < n {
		r.err = errors.New("truncated item")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *batchReader) header() http.Header {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		if r.err == nil {
			r.err = errors.New("bad header count")
		}
		return nil
	}
	h := make(http.Header, n)
	// One backing array for all values: most keys have one value.
	vals := make([]string, 0, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		k := string(r.bytes())
		vals = append(vals, string(r.bytes()))
		if prev, ok := h[k]; ok {
			h[k] = append(prev[:len(prev):len(prev)], vals[len(vals)-1])
		} else {
			h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
		}
	}
	return h
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// headerSize bounds the encoded size of h.
func headerSize(h http.Header) int {
	n := binary.MaxVarintLen64
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 2*binary.MaxVarintLen64
		}
	}
	return n
}

func appendHeader(b []byte, h http.Header) []byte {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	b = binary.AppendUvarint(b, uint64(n))
	for k, vs := range h {
		for _, v := range vs {
			b = appendString(b, k)
			b = appendString(b, v)
		}
	}
	return b
}

// --- sending side ---

type batchItem struct {
	header http.Header
	body   []byte
	done   chan batchOutcome
}

type batchOutcome struct {
	code   int
	header http.Header
	body   []byte
	err    error
	// resend asks the caller to send the event alone: the destination
	// turned out not to take batches.
	resend bool
}

// destBatcher coalesces first attempts to one destination URL.
type destBatcher struct {
	url         string
	client      *http.Client
	capable     bool // guarded by mu
	maxInflight int
	maxBatch    int

	mu       sync.Mutex
	queue    []*batchItem
	inflight int
	timeout  time.Duration

	stats *batchers
}

type batchers struct {
	mu sync.Mutex
	m  map[string]*destBatcher

	batches, events atomic.Uint64
}

func (bs *batchers) get(url string, client *http.Client, create bool) *destBatcher {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.m[url]
	if b == nil && create {
		if bs.m == nil {
			bs.m = map[string]*destBatcher{}
		}
		b = &destBatcher{url: url, client: client, maxInflight: DefaultBatchConcurrency, maxBatch: DefaultMaxBatch, stats: bs}
		bs.m[url] = b
	}
	return b
}

// noteResponse records whether a destination advertised batching.
func (bs *batchers) noteResponse(url string, client *http.Client, resp *http.Response) {
	capable := resp.Header.Get(BatchCapabilityHeader) != ""
	b := bs.get(url, client, capable)
	if b == nil {
		return
	}
	b.mu.Lock()
	b.capable = capable
	b.mu.Unlock()
}

// begin decides how a first attempt goes out. When the destination is not
// batch-capable it returns alone=true, slot=false: send it alone. When a
// request slot is free it takes it and returns alone=true, slot=true: send
// it alone now and call release afterwards. Otherwise the event joins the
// queue and begin waits for the batch it went out in (alone=false).
func (b *destBatcher) begin(ctx context.Context, header http.Header, body []byte, timeout time.Duration) (out batchOutcome, alone, slot bool) {
	b.mu.Lock()
	if !b.capable {
		b.mu.Unlock()
		return batchOutcome{}, true, false
	}
	if b.inflight < b.maxInflight {
		b.inflight++
		b.mu.Unlock()
		return batchOutcome{}, true, true
	}
	it := &batchItem{header: header, body: body, done: make(chan batchOutcome, 1)}
	b.queue = append(b.queue, it)
	if timeout > b.timeout {
		b.timeout = timeout
	}
	b.mu.Unlock()
	select {
	case out := <-it.done:
		return out, false, false
	case <-ctx.Done():
		// The batch may still carry it: at-least-once allows that.
		return batchOutcome{err: ctx.Err()}, false, false
	}
}

// release ends one in-flight request and, if events queued meanwhile,
// sends them as the next batch.
func (b *destBatcher) release() {
	b.mu.Lock()
	if len(b.queue) == 0 {
		b.inflight--
		b.mu.Unlock()
		return
	}
	n := min(len(b.queue), b.maxBatch)
	batch := make([]*batchItem, n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	for i := rest; i < len(b.queue); i++ {
		b.queue[i] = nil
	}
	b.queue = b.queue[:rest]
	timeout := b.timeout
	b.mu.Unlock()
	// The in-flight slot passes to this batch.
	go func() {
		b.sendBatch(batch, timeout)
		b.release()
	}()
}

func (b *destBatcher) sendBatch(batch []*batchItem, timeout time.Duration) {
	fail := func(out batchOutcome) {
		for _, it := range batch {
			it.done <- out
		}
	}
	b.stats.batches.Add(1)
	b.stats.events.Add(uint64(len(batch)))
	size := 0
	for _, it := range batch {
		size += headerSize(it.header) + len(it.body) + binary.MaxVarintLen64
	}
	buf := make([]byte, 0, size)
	for _, it := range batch {
		buf = appendHeader(buf, it.header)
		buf = appendBytes(buf, it.body)
	}
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url, bytes.NewReader(buf))
	if err != nil {
		fail(batchOutcome{err: err})
		return
	}
	req.Header.Set("Content-Type", BatchContentType)
	resp, err := b.client.Do(req)
	if err != nil {
		fail(batchOutcome{err: err})
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	if err != nil {
		fail(batchOutcome{err: fmt.Errorf("failed to read batch response: %w", err)})
		return
	}
	if resp.Header.Get(BatchCapabilityHeader) == "" {
		// Not a Skiff receiver (any more): send each event alone.
		b.mu.Lock()
		b.capable = false
		b.mu.Unlock()
		fail(batchOutcome{resend: true})
		return
	}
	if resp.Header.Get("Content-Type") != BatchResultsContentType {
		// One status for the whole batch (a channel accepts or refuses it).
		for _, it := range batch {
			it.done <- batchOutcome{code: resp.StatusCode, header: resp.Header, body: body}
		}
		return
	}
	results, err := readBatchResults(body, len(batch))
	if err != nil {
		fail(batchOutcome{err: fmt.Errorf("bad batch results: %w", err)})
		return
	}
	for i, it := range batch {
		it.done <- batchOutcome{code: results[i].Code, header: results[i].Header, body: results[i].Body}
	}
}
