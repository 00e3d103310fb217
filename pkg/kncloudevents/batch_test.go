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

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

// batchReceiver is a Skiff-like receiver: it advertises batching, answers
// each event by its id ("fail-once-*" fails its first delivery), and can
// hold single requests behind a gate.
type batchReceiver struct {
	srv       *httptest.Server
	advertise bool
	gate      chan struct{}
	held      chan struct{}

	mu        sync.Mutex
	batches   [][]string // ids per batch request
	singles   []string
	delivered map[string][]byte
	failed    map[string]bool
}

func newBatchReceiver(t *testing.T, advertise bool) *batchReceiver {
	br := &batchReceiver{advertise: advertise, delivered: map[string][]byte{}, failed: map[string]bool{}, held: make(chan struct{}, 100)}
	br.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if br.advertise {
			AdvertiseBatch(w)
		}
		if IsBatchRequest(r) {
			items, code, err := ReadBatch(r, 0)
			if err != nil {
				http.Error(w, err.Error(), code)
				return
			}
			var ids []string
			results := make([]BatchResult, len(items))
			for i, it := range items {
				if it.Err != nil {
					t.Errorf("batch item %d: %v", i, it.Err)
					continue
				}
				ids = append(ids, it.Event.ID())
				results[i] = BatchResult{Code: br.answer(it.Event, it.Header)}
			}
			br.mu.Lock()
			br.batches = append(br.batches, ids)
			br.mu.Unlock()
			WriteBatchResults(w, results)
			return
		}
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		br.mu.Lock()
		br.singles = append(br.singles, ev.ID())
		gate := br.gate
		br.mu.Unlock()
		if gate != nil && strings.HasPrefix(ev.ID(), "hold-") {
			br.held <- struct{}{}
			<-gate
		}
		w.WriteHeader(br.answer(ev, r.Header))
	}))
	t.Cleanup(br.srv.Close)
	return br
}

func (br *batchReceiver) answer(ev *event.Event, h http.Header) int {
	br.mu.Lock()
	defer br.mu.Unlock()
	if strings.HasPrefix(ev.ID(), "fail-once-") && !br.failed[ev.ID()] {
		br.failed[ev.ID()] = true
		return http.StatusServiceUnavailable
	}
	if h.Get("Kn-Namespace") != "ns" {
		return http.StatusBadRequest
	}
	br.delivered[ev.ID()] = ev.Data()
	return http.StatusAccepted
}

func (br *batchReceiver) addressable() duckv1.Addressable {
	u, _ := apis.ParseURL(br.srv.URL + "/")
	return duckv1.Addressable{URL: u}
}

func eventWithID(id string) event.Event {
	e := event.New()
	e.SetID(id)
	e.SetType("t")
	e.SetSource("/s")
	_ = e.SetData("application/json", []byte(`not json {`+id))
	return e
}

func sendAll(t *testing.T, d *Dispatcher, dest duckv1.Addressable, ids []string) map[string]error {
	t.Helper()
	var mu sync.Mutex
	errs := map[string]error{}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			_, err := d.SendEvent(context.Background(), eventWithID(id), dest,
				WithHeader(http.Header{"Kn-Namespace": {"ns"}}), WithRetryConfig(fastRetry(3)))
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		}(id)
	}
	wg.Wait()
	return errs
}

// fillSlots discovers the receiver and occupies every request slot with a
// held single request, so what is sent next must queue.
func fillSlots(t *testing.T, d *Dispatcher, br *batchReceiver) (release func()) {
	t.Helper()
	dest := br.addressable()
	if errs := sendAll(t, d, dest, []string{"discover"}); errs["discover"] != nil {
		t.Fatal(errs["discover"])
	}
	br.mu.Lock()
	br.gate = make(chan struct{})
	gate := br.gate
	br.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ids []string
		for i := 0; i < DefaultBatchConcurrency; i++ {
			ids = append(ids, fmt.Sprint("hold-", i))
		}
		sendAll(t, d, dest, ids)
	}()
	for i := 0; i < DefaultBatchConcurrency; i++ {
		<-br.held
	}
	return func() {
		close(gate)
		<-done
	}
}

func waitQueued(d *Dispatcher, url string, n int) {
	b := d.batchers.get(url, nil, false)
	for {
		b.mu.Lock()
		q := len(b.queue)
		b.mu.Unlock()
		if q >= n {
			return
		}
		runtime.Gosched()
	}
}

func TestBatchingCoalescesQueuedEvents(t *testing.T) {
	br := newBatchReceiver(t, true)
	d := NewDispatcher()
	release := fillSlots(t, d, br)

	var ids []string
	for i := 0; i < 20; i++ {
		ids = append(ids, fmt.Sprint("ev-", i))
	}
	ids = append(ids, "fail-once-a", "fail-once-b")
	var errs map[string]error
	done := make(chan struct{})
	go func() {
		errs = sendAll(t, d, br.addressable(), ids)
		close(done)
	}()
	waitQueued(d, br.srv.URL+"/", len(ids))
	release()
	<-done

	for id, err := range errs {
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	if len(br.batches) != 1 || len(br.batches[0]) != len(ids) {
		t.Fatalf("batches = %v, want one batch of the %d queued events", br.batches, len(ids))
	}
	for _, id := range ids {
		if got := string(br.delivered[id]); got != `not json {`+id {
			t.Errorf("%s delivered with data %q", id, got)
		}
	}
	// The two that failed inside the batch were retried on their own.
	retried := 0
	for _, id := range br.singles {
		if strings.HasPrefix(id, "fail-once-") {
			retried++
		}
	}
	if retried != 2 {
		t.Errorf("retried singly %d times, want 2: %v", retried, br.singles)
	}
	if st := d.BatchStats(); st.Batches != 1 || st.BatchedEvents != uint64(len(ids)) {
		t.Errorf("BatchStats = %+v", st)
	}
}

func TestNoBatchesToReceiversThatDoNotAdvertise(t *testing.T) {
	br := newBatchReceiver(t, false)
	d := NewDispatcher()
	var ids []string
	for i := 0; i < 50; i++ {
		ids = append(ids, fmt.Sprint("ev-", i))
	}
	for id, err := range sendAll(t, d, br.addressable(), ids) {
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	if len(br.batches) != 0 || len(br.singles) != 50 {
		t.Errorf("batches=%v singles=%d, want 0 batches and 50 single requests", br.batches, len(br.singles))
	}
}

func TestBatchRefusedByNonSkiffReceiverIsResentSingly(t *testing.T) {
	br := newBatchReceiver(t, true)
	d := NewDispatcher()
	release := fillSlots(t, d, br)
	// The destination is replaced by something that does not take
	// batches (and no longer advertises).
	br.mu.Lock()
	br.advertise = false
	br.mu.Unlock()
	ids := []string{"a", "b", "c"}
	var errs map[string]error
	done := make(chan struct{})
	go func() {
		errs = sendAll(t, d, br.addressable(), ids)
		close(done)
	}()
	waitQueued(d, br.srv.URL+"/", len(ids))
	release()
	<-done
	for id, err := range errs {
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	br.mu.Lock()
	defer br.mu.Unlock()
	for _, id := range ids {
		if _, ok := br.delivered[id]; !ok {
			t.Errorf("%s not delivered", id)
		}
	}
}

func TestWithoutBatching(t *testing.T) {
	br := newBatchReceiver(t, true)
	d := NewDispatcher(WithoutBatching())
	var ids []string
	for i := 0; i < 40; i++ {
		ids = append(ids, fmt.Sprint("ev-", i))
	}
	sendAll(t, d, br.addressable(), ids)
	br.mu.Lock()
	defer br.mu.Unlock()
	if len(br.batches) != 0 {
		t.Errorf("WithoutBatching sent %d batches", len(br.batches))
	}
}
