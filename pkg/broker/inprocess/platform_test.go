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
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	cetypes "github.com/cloudevents/sdk-go/v2/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker"
	"github.com/skiffhq/skiff/pkg/kncloudevents/attributes"
)

// waitTimeout guards against a hung test only; nothing asserts on time.
const waitTimeout = 30 * time.Second

// app is a subscriber like the seed's helloworld app: it answers per event
// with respond (default 202) and reports every request on got.
type app struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	ok      map[string]int
	tries   map[string]int
	got     chan event.Event
	respond func(ev event.Event, try int, w http.ResponseWriter, r *http.Request)
}

func newApp(t *testing.T, respond func(ev event.Event, try int, w http.ResponseWriter, r *http.Request)) *app {
	a := &app{t: t, ok: map[string]int{}, tries: map[string]int{}, got: make(chan event.Event, 10000), respond: respond}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			t.Errorf("app got a non-event: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		try := a.tries[ev.ID()]
		a.tries[ev.ID()]++
		a.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		if a.respond != nil {
			a.respond(*ev, try, rec, r)
		} else {
			rec.WriteHeader(http.StatusAccepted)
		}
		if rec.code < 300 {
			a.mu.Lock()
			a.ok[ev.ID()]++
			a.mu.Unlock()
		}
		a.got <- *ev
	}))
	t.Cleanup(a.srv.Close)
	return a
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (a *app) url() *apis.URL {
	u, _ := apis.ParseURL(a.srv.URL + "/")
	return u
}

func (a *app) next() event.Event {
	a.t.Helper()
	select {
	case ev := <-a.got:
		return ev
	case <-time.After(waitTimeout):
		a.t.Fatal("timed out waiting for a delivery")
		return event.Event{}
	}
}

func (a *app) delivered(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ok[id]
}

func start(t *testing.T) *Platform {
	t.Helper()
	p, err := Start(Options{Dir: t.TempDir(), Metrics: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

func trigger(name, typ string, sub *apis.URL, mutate ...func(*eventingv1.Trigger)) *eventingv1.Trigger {
	t := &eventingv1.Trigger{
		ObjectMeta: metav1.ObjectMeta{Namespace: "knative-samples", Name: name, UID: types.UID("uid-" + name), Generation: 1},
		Spec:       eventingv1.TriggerSpec{Broker: "default"},
	}
	if typ != "" {
		t.Spec.Filter = &eventingv1.TriggerFilter{Attributes: eventingv1.TriggerFilterAttributes{"type": typ}}
	}
	t.Status.SubscriberURI = sub
	for _, m := range mutate {
		m(t)
	}
	return t
}

// post sends a binary-mode event to the broker's address, like the seed's
// curl with Ce- headers.
func post(t *testing.T, p *Platform, b *eventingv1.Broker, id, typ, data string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.Status.Address.URL.String(), strings.NewReader(data))
	req.Header.Set("Ce-Specversion", "1.0")
	req.Header.Set("Ce-Id", id)
	req.Header.Set("Ce-Type", typ)
	req.Header.Set("Ce-Source", "dev.knative.samples/helloworldsource")
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func retry(n int32, delay string) *eventingduckv1.DeliverySpec {
	linear := eventingduckv1.BackoffPolicyLinear
	return &eventingduckv1.DeliverySpec{Retry: &n, BackoffPolicy: &linear, BackoffDelay: &delay}
}

func TestHelloWorldThroughTheBroker(t *testing.T) {
	p := start(t)
	b := p.AddBroker("knative-samples", "default")
	hello := newApp(t, nil)
	other := newApp(t, nil)
	if err := p.AddTrigger(trigger("helloworld-go", "dev.knative.samples.helloworld", hello.url())); err != nil {
		t.Fatal(err)
	}
	if err := p.AddTrigger(trigger("other", "dev.knative.samples.other", other.url())); err != nil {
		t.Fatal(err)
	}
	if code := post(t, p, b, "536808d3-88be-4077-9d7a-a3f162705f79", "dev.knative.samples.helloworld", `{"msg":"hello, world!"}`); code != http.StatusAccepted {
		t.Fatalf("POST to the broker = %d, want 202", code)
	}
	got := hello.next()
	if got.ID() != "536808d3-88be-4077-9d7a-a3f162705f79" || string(got.Data()) != `{"msg":"hello, world!"}` {
		t.Errorf("helloworld got %v", got)
	}
	if _, has := got.Extensions()[broker.TTLAttribute]; has {
		t.Error("subscriber saw the broker-internal TTL extension")
	}
	// The other type reaches only the other trigger.
	if code := post(t, p, b, "2", "dev.knative.samples.other", `{}`); code != http.StatusAccepted {
		t.Fatalf("POST = %d", code)
	}
	if got := other.next(); got.ID() != "2" {
		t.Errorf("other got %s", got.ID())
	}
	waitLive(t, p, 0)
	if n := hello.delivered("2"); n != 0 {
		t.Errorf("helloworld received an event of another type %d times", n)
	}
	if n := other.delivered("536808d3-88be-4077-9d7a-a3f162705f79"); n != 0 {
		t.Errorf("other trigger received the helloworld event %d times", n)
	}
}

func TestRejectedEventIsRetriedThenDeadLettered(t *testing.T) {
	p := start(t)
	b := p.AddBroker("knative-samples", "default")
	// The app rejects data it cannot parse with 503 (retryable) first,
	// then with 400 (final).
	picky := newApp(t, func(_ event.Event, try int, w http.ResponseWriter, _ *http.Request) {
		if try < 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("cannot parse data"))
	})
	dls := newApp(t, nil)
	tr := trigger("picky", "", picky.url(), func(t *eventingv1.Trigger) {
		t.Spec.Delivery = retry(5, "PT0.001S")
		t.Status.DeadLetterSinkURI = dls.url()
	})
	if err := p.AddTrigger(tr); err != nil {
		t.Fatal(err)
	}
	if code := post(t, p, b, "bad-1", "dev.knative.samples.helloworld", `not json`); code != http.StatusAccepted {
		t.Fatalf("POST = %d", code)
	}
	for i := 0; i < 3; i++ {
		picky.next()
	}
	dead := dls.next()
	ext := dead.Extensions()
	if dead.ID() != "bad-1" {
		t.Fatalf("dead-letter sink got %s", dead.ID())
	}
	if s, _ := cetypes.ToString(ext[attributes.KnativeErrorDestExtensionKey]); s != picky.url().String() {
		t.Errorf("knativeerrordest = %q, want the subscriber %s (not broker-filter)", s, picky.url())
	}
	if s, _ := cetypes.ToString(ext[attributes.KnativeErrorCodeExtensionKey]); s != "400" {
		t.Errorf("knativeerrorcode = %q, want 400", s)
	}
	if s, _ := cetypes.ToString(ext[attributes.KnativeErrorDataExtensionKey]); s != base64.StdEncoding.EncodeToString([]byte("cannot parse data")) {
		t.Errorf("knativeerrordata = %q", s)
	}
	waitLive(t, p, 0)
	if st := p.ChannelStats(); st.DeadLettered != 1 || st.Delivered != 0 {
		t.Errorf("channel stats = %+v, want 1 dead-lettered", st)
	}
}

func TestFailingSubscriberGetsEventOnceAfterRetries(t *testing.T) {
	const failures = 4
	p := start(t)
	b := p.AddBroker("knative-samples", "default")
	flaky := newApp(t, func(_ event.Event, try int, w http.ResponseWriter, _ *http.Request) {
		if try < failures {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	if err := p.AddTrigger(trigger("flaky", "", flaky.url(), func(t *eventingv1.Trigger) {
		t.Spec.Delivery = retry(failures, "PT0.001S")
	})); err != nil {
		t.Fatal(err)
	}
	if code := post(t, p, b, "e1", "t", `{}`); code != http.StatusAccepted {
		t.Fatalf("POST = %d", code)
	}
	for i := 0; i <= failures; i++ {
		flaky.next()
	}
	waitLive(t, p, 0)
	if n := flaky.delivered("e1"); n != 1 {
		t.Errorf("event accepted %d times, want exactly once", n)
	}
}

func TestReplyIsForwardedToTheBroker(t *testing.T) {
	p := start(t)
	b := p.AddBroker("knative-samples", "default")
	replier := newApp(t, func(ev event.Event, _ int, w http.ResponseWriter, r *http.Request) {
		reply := event.New()
		reply.SetID("reply-to-" + ev.ID())
		reply.SetType("dev.knative.samples.reply")
		reply.SetSource("/replier")
		_ = reply.SetData("text/plain", []byte("hi back"))
		_ = cehttp.WriteResponseWriter(r.Context(), binding.ToMessage(&reply), http.StatusOK, w)
	})
	replies := newApp(t, nil)
	if err := p.AddTrigger(trigger("replier", "dev.knative.samples.helloworld", replier.url())); err != nil {
		t.Fatal(err)
	}
	if err := p.AddTrigger(trigger("replies", "dev.knative.samples.reply", replies.url())); err != nil {
		t.Fatal(err)
	}
	if code := post(t, p, b, "q1", "dev.knative.samples.helloworld", `{}`); code != http.StatusAccepted {
		t.Fatalf("POST = %d", code)
	}
	replier.next()
	got := replies.next()
	if got.ID() != "reply-to-q1" || string(got.Data()) != "hi back" {
		t.Errorf("reply trigger got %v", got)
	}
	waitLive(t, p, 0)
}

func TestReplyLoopEndsAtTTL(t *testing.T) {
	p := start(t)
	b := p.AddBroker("knative-samples", "default")
	// Replies with an event of the same type: without the TTL this loops
	// forever.
	var mu sync.Mutex
	seen := 0
	looper := newApp(t, func(ev event.Event, _ int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen++
		n := seen
		mu.Unlock()
		reply := event.New()
		reply.SetID(fmt.Sprint("loop-", n))
		reply.SetType(ev.Type())
		reply.SetSource("/looper")
		_ = cehttp.WriteResponseWriter(r.Context(), binding.ToMessage(&reply), http.StatusOK, w)
	})
	if err := p.AddTrigger(trigger("looper", "loop", looper.url())); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, b.Status.Address.URL.String(), nil)
	req.Header.Set("Ce-Specversion", "1.0")
	req.Header.Set("Ce-Id", "loop-0")
	req.Header.Set("Ce-Type", "loop")
	req.Header.Set("Ce-Source", "/test")
	req.Header.Set("Ce-Knativebrokerttl", "4")
	resp, err := p.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// TTL 4 -> 3 at the ingress, then 2, 1, 0: three deliveries, the
	// fourth reply is refused by the ingress.
	for i := 0; i < 3; i++ {
		looper.next()
	}
	waitLive(t, p, 0)
	mu.Lock()
	defer mu.Unlock()
	if seen != 3 {
		t.Errorf("looping trigger saw %d events, want 3", seen)
	}
}

func TestEventsSurviveADispatcherCrashMidRetry(t *testing.T) {
	p := start(t)
	b := p.AddBroker("knative-samples", "default")
	var mu sync.Mutex
	down := true
	app := newApp(t, func(_ event.Event, _ int, w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	if err := p.AddTrigger(trigger("app", "", app.url(), func(t *eventingv1.Trigger) {
		t.Spec.Delivery = retry(100, "PT1H") // next retry an hour away
	})); err != nil {
		t.Fatal(err)
	}
	const n = 40
	for i := 0; i < n; i++ {
		if code := post(t, p, b, fmt.Sprint("ev-", i), "t", `{}`); code != http.StatusAccepted {
			t.Fatalf("POST %d = %d", i, code)
		}
	}
	for i := 0; i < n; i++ {
		app.next() // first attempt failed; each event now waits to retry
	}
	mu.Lock()
	down = false
	mu.Unlock()
	replayed, err := p.RestartChannel()
	if err != nil {
		t.Fatal(err)
	}
	if replayed != n {
		t.Errorf("restarted dispatcher replayed %d events, want %d", replayed, n)
	}
	for i := 0; i < n; i++ {
		app.next()
	}
	waitLive(t, p, 0)
	for i := 0; i < n; i++ {
		if got := app.delivered(fmt.Sprint("ev-", i)); got != 1 {
			t.Errorf("ev-%d delivered %d times, want 1", i, got)
		}
	}
}

func waitLive(t *testing.T, p *Platform, want int64) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for p.ChannelStats().Log.Live != want {
		if time.Now().After(deadline) {
			t.Fatalf("channel log has %d unfinished events, want %d", p.ChannelStats().Log.Live, want)
		}
		time.Sleep(time.Millisecond)
	}
}
