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
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	cetypes "github.com/cloudevents/sdk-go/v2/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/kncloudevents/attributes"
)

// recorder is a loopback CloudEvents receiver whose response is scripted per
// request number (0-based).
type recorder struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	events  []event.Event
	headers []http.Header
	respond func(n int, w http.ResponseWriter, r *http.Request)
}

func newRecorder(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request)) *recorder {
	rec := &recorder{t: t, respond: respond}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			t.Errorf("receiver got a non-event: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rec.mu.Lock()
		n := len(rec.events)
		rec.events = append(rec.events, *ev)
		rec.headers = append(rec.headers, r.Header.Clone())
		rec.mu.Unlock()
		if rec.respond == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		rec.respond(n, w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (r *recorder) addressable() duckv1.Addressable {
	u, err := apis.ParseURL(r.srv.URL + "/")
	if err != nil {
		r.t.Fatal(err)
	}
	return duckv1.Addressable{URL: u}
}

func (r *recorder) received() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.events...)
}

func status(code int, body string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

func testEvent() event.Event {
	e := event.New()
	e.SetID("id-1")
	e.SetType("dev.knative.test")
	e.SetSource("/test")
	_ = e.SetData("text/plain", []byte("hello, world!"))
	return e
}

// fastRetry retries with no wait so the tests do not depend on time.
func fastRetry(n int) *RetryConfig {
	rc, _ := RetryConfigFromDeliverySpec(v1.DeliverySpec{
		Retry:         ptrTo(int32(n)),
		BackoffPolicy: ptrTo(v1.BackoffPolicyLinear),
		BackoffDelay:  ptrTo("PT0S"),
	})
	return &rc
}

func extString(t *testing.T, e event.Event, name string) string {
	t.Helper()
	v, ok := e.Extensions()[name]
	if !ok {
		t.Fatalf("event lacks extension %q: %v", name, e)
	}
	s, err := typesFormat(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendEventSucceedsAfterNFailures(t *testing.T) {
	for _, failures := range []int{0, 1, 3} {
		failures := failures
		t.Run("", func(t *testing.T) {
			sub := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n < failures {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusAccepted)
			})
			dls := newRecorder(t, nil)
			dlsAddr := dls.addressable()
			info, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(),
				WithRetryConfig(fastRetry(5)), WithDeadLetterSink(&dlsAddr))
			if err != nil {
				t.Fatalf("SendEvent: %v", err)
			}
			if got := len(sub.received()); got != failures+1 {
				t.Errorf("subscriber saw %d requests, want %d", got, failures+1)
			}
			if info.Attempts != failures+1 || info.ResponseCode != http.StatusAccepted || info.DeadLettered {
				t.Errorf("info = %+v, want %d attempts, 202, not dead-lettered", info, failures+1)
			}
			if got := len(dls.received()); got != 0 {
				t.Errorf("dead-letter sink got %d events, want 0", got)
			}
		})
	}
}

func TestSendEventDeadLetters(t *testing.T) {
	long := strings.Repeat("x", 2000)
	tests := []struct {
		name         string
		code         int
		body         string
		retries      int
		wantAttempts int
	}{
		{name: "retryable 500 exhausts retries", code: 500, body: "boom", retries: 3, wantAttempts: 4},
		{name: "400 is not retried", code: 400, body: "bad data", retries: 3, wantAttempts: 1},
		{name: "long body is truncated", code: 500, body: long, retries: 1, wantAttempts: 2},
		{name: "no retries", code: 503, body: "", retries: 0, wantAttempts: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := newRecorder(t, status(tc.code, tc.body))
			dls := newRecorder(t, nil)
			dlsAddr := dls.addressable()
			ev := testEvent()
			info, err := NewDispatcher().SendEvent(context.Background(), ev, sub.addressable(),
				WithRetryConfig(fastRetry(tc.retries)), WithDeadLetterSink(&dlsAddr))
			if err != nil {
				t.Fatalf("SendEvent: %v", err)
			}
			if !info.DeadLettered {
				t.Errorf("DeadLettered = false")
			}
			if got := len(sub.received()); got != tc.wantAttempts {
				t.Errorf("subscriber attempts = %d, want %d", got, tc.wantAttempts)
			}
			got := dls.received()
			if len(got) != 1 {
				t.Fatalf("dead-letter sink got %d events, want 1", len(got))
			}
			d := got[0]
			if d.ID() != ev.ID() || string(d.Data()) != "hello, world!" {
				t.Errorf("dead-lettered event = %v, want the original", d)
			}
			if dest := extString(t, d, attributes.KnativeErrorDestExtensionKey); dest != sub.srv.URL+"/" {
				t.Errorf("knativeerrordest = %q, want %q", dest, sub.srv.URL+"/")
			}
			if code := extString(t, d, attributes.KnativeErrorCodeExtensionKey); code != itoa(tc.code) {
				t.Errorf("knativeerrorcode = %q, want %d", code, tc.code)
			}
			data := extString(t, d, attributes.KnativeErrorDataExtensionKey)
			want := base64.StdEncoding.EncodeToString([]byte(tc.body))
			if len(want) > attributes.KnativeErrorDataExtensionMaxLength {
				want = want[:attributes.KnativeErrorDataExtensionMaxLength]
			}
			if data != want {
				t.Errorf("knativeerrordata = %q (len %d), want %q (len %d)", data, len(data), want, len(want))
			}
		})
	}
}

func TestSendEventFailsWithoutDeadLetterSink(t *testing.T) {
	sub := newRecorder(t, status(500, ""))
	info, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(), WithRetryConfig(fastRetry(2)))
	if err == nil {
		t.Fatal("SendEvent succeeded, want an error")
	}
	if info.ResponseCode != 500 || info.Attempts != 3 {
		t.Errorf("info = %+v, want code 500 after 3 attempts", info)
	}
}

func TestSendEventDeadLetterFailureIsAnError(t *testing.T) {
	sub := newRecorder(t, status(500, ""))
	dls := newRecorder(t, status(500, ""))
	dlsAddr := dls.addressable()
	_, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(),
		WithRetryConfig(fastRetry(1)), WithDeadLetterSink(&dlsAddr))
	if err == nil {
		t.Fatal("SendEvent succeeded although both subscriber and dead-letter sink failed")
	}
	if got := len(dls.received()); got != 2 {
		t.Errorf("dead-letter sink attempts = %d, want 2 (it shares the retry policy)", got)
	}
}

func replyWith(e event.Event) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		if err := cehttp.WriteResponseWriter(r.Context(), binding.ToMessage(&e), http.StatusOK, w); err != nil {
			panic(err)
		}
	}
}

func TestSendEventForwardsReply(t *testing.T) {
	replyEvent := event.New()
	replyEvent.SetID("reply-1")
	replyEvent.SetType("dev.knative.reply")
	replyEvent.SetSource("/subscriber")
	sub := newRecorder(t, replyWith(replyEvent))
	reply := newRecorder(t, nil)
	replyAddr := reply.addressable()
	hdr := http.Header{}
	hdr.Set(KnNamespaceHeader, "ns1")
	if _, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(),
		WithReply(&replyAddr), WithHeader(hdr)); err != nil {
		t.Fatalf("SendEvent: %v", err)
	}
	if p := sub.headers[0].Get("Prefer"); p != "reply" {
		t.Errorf("Prefer header = %q, want reply", p)
	}
	got := reply.received()
	if len(got) != 1 || got[0].ID() != "reply-1" || got[0].Type() != "dev.knative.reply" {
		t.Fatalf("reply destination got %v, want the reply event", got)
	}
	if ns := reply.headers[0].Get(KnNamespaceHeader); ns != "ns1" {
		t.Errorf("reply Kn-Namespace = %q, want ns1", ns)
	}
}

func TestSendEventReplyFailureDeadLettersOriginal(t *testing.T) {
	replyEvent := event.New()
	replyEvent.SetID("reply-1")
	replyEvent.SetType("dev.knative.reply")
	replyEvent.SetSource("/subscriber")
	sub := newRecorder(t, replyWith(replyEvent))
	reply := newRecorder(t, status(500, "reply down"))
	dls := newRecorder(t, nil)
	replyAddr, dlsAddr := reply.addressable(), dls.addressable()
	info, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(),
		WithReply(&replyAddr), WithDeadLetterSink(&dlsAddr), WithRetryConfig(fastRetry(1)))
	if err != nil {
		t.Fatalf("SendEvent: %v", err)
	}
	if !info.DeadLettered {
		t.Error("DeadLettered = false")
	}
	got := dls.received()
	if len(got) != 1 || got[0].ID() != "id-1" {
		t.Fatalf("dead-letter sink got %v, want the original event", got)
	}
	if dest := extString(t, got[0], attributes.KnativeErrorDestExtensionKey); dest != reply.srv.URL+"/" {
		t.Errorf("knativeerrordest = %q, want the reply URL", dest)
	}
}

func TestSendEventNonEventResponseIsDiscarded(t *testing.T) {
	sub := newRecorder(t, status(200, "just text"))
	reply := newRecorder(t, nil)
	replyAddr := reply.addressable()
	if _, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(), WithReply(&replyAddr)); err != nil {
		t.Fatalf("SendEvent: %v", err)
	}
	if got := len(reply.received()); got != 0 {
		t.Errorf("reply destination got %d events for a non-event response, want 0", got)
	}
}

func TestDeadLetterNamesBrokerFilterSubscriber(t *testing.T) {
	inner, _ := apis.ParseURL("http://subscriber.ns.svc.cluster.local/")
	body, _ := json.Marshal(broker.ErrExtensionInfo{ErrDestination: inner, ErrResponseBody: []byte("rejected")})
	filter := newRecorder(t, status(400, string(body)))
	dls := newRecorder(t, nil)
	dlsAddr := dls.addressable()
	filterAddr := filter.addressable()
	d := NewDispatcher(WithBrokerFilterHost(filterAddr.URL.Host))
	if _, err := d.SendEvent(context.Background(), testEvent(), filterAddr, WithDeadLetterSink(&dlsAddr)); err != nil {
		t.Fatalf("SendEvent: %v", err)
	}
	got := dls.received()
	if len(got) != 1 {
		t.Fatalf("dead-letter sink got %d events, want 1", len(got))
	}
	if dest := extString(t, got[0], attributes.KnativeErrorDestExtensionKey); dest != inner.String() {
		t.Errorf("knativeerrordest = %q, want %q", dest, inner)
	}
	if data := extString(t, got[0], attributes.KnativeErrorDataExtensionKey); data != base64.StdEncoding.EncodeToString([]byte("rejected")) {
		t.Errorf("knativeerrordata = %q, want base64 of the subscriber's body", data)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	// The first attempt hangs until the dispatcher gives up on it; the second
	// succeeds. Only the per-attempt timeout can end the first one.
	sub := newRecorder(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	rc := fastRetry(1)
	rc.RequestTimeout = 50e6 // 50ms
	info, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(), WithRetryConfig(rc))
	if err != nil {
		t.Fatalf("SendEvent: %v", err)
	}
	if info.Attempts != 2 || info.ResponseCode != http.StatusAccepted {
		t.Errorf("info = %+v, want success on attempt 2", info)
	}
}

func TestCancelledSendSkipsDeadLetterSink(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sub := newRecorder(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		cancel() // the process is shutting down while this delivery fails
		w.WriteHeader(http.StatusInternalServerError)
	})
	dls := newRecorder(t, nil)
	dlsAddr := dls.addressable()
	rc, _ := RetryConfigFromDeliverySpec(v1.DeliverySpec{
		Retry: ptrTo(int32(10)), BackoffPolicy: ptrTo(v1.BackoffPolicyLinear), BackoffDelay: ptrTo("PT1H"),
	})
	_, err := NewDispatcher().SendEvent(ctx, testEvent(), sub.addressable(), WithRetryConfig(&rc), WithDeadLetterSink(&dlsAddr))
	if err == nil {
		t.Fatal("SendEvent succeeded, want an aborted error")
	}
	if got := len(dls.received()); got != 0 {
		t.Errorf("dead-letter sink got %d events after cancel, want 0", got)
	}
}

func TestEventFormat(t *testing.T) {
	for _, tc := range []struct {
		format v1.FormatType
		want   string
	}{{v1.DeliveryFormatJson, "application/cloudevents+json"}, {v1.DeliveryFormatBinary, "text/plain"}} {
		sub := newRecorder(t, nil)
		f := tc.format
		if _, err := NewDispatcher().SendEvent(context.Background(), testEvent(), sub.addressable(), WithEventFormat(&f)); err != nil {
			t.Fatal(err)
		}
		if ct := sub.headers[0].Get("Content-Type"); !strings.HasPrefix(ct, tc.want) {
			t.Errorf("format %s: Content-Type = %q, want %q", tc.format, ct, tc.want)
		}
	}
}

func TestSanitizeHostOnlyURL(t *testing.T) {
	sub := newRecorder(t, nil)
	u, _ := apis.ParseURL(sub.srv.URL)
	hostOnly := &apis.URL{Host: u.Host}
	if _, err := NewDispatcher().SendEvent(context.Background(), testEvent(), duckv1.Addressable{URL: hostOnly}); err != nil {
		t.Fatalf("SendEvent to host-only URL: %v", err)
	}
	if got := len(sub.received()); got != 1 {
		t.Errorf("got %d events, want 1", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func typesFormat(v interface{}) (string, error) { return cetypes.Format(v) }
