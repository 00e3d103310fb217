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

package multichannelfanout

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/channel/fanout"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
	"github.com/skiffhq/skiff/pkg/kncloudevents/attributes"
)

const channelHost = "imc-kn-channel.ns.svc.cluster.local"

// waitTimeout only guards against a hung test; no assertion depends on it.
const waitTimeout = 30 * time.Second

// sink is a loopback CloudEvents receiver. status decides the response to
// each request (by 0-based count per event id).
type sink struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	byID   map[string]int
	events []event.Event
	got    chan event.Event
	status func(id string, n int) int
}

func newSink(t *testing.T, status func(id string, n int) int) *sink {
	s := &sink{t: t, byID: map[string]int{}, got: make(chan event.Event, 10000), status: status}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			t.Errorf("sink got a non-event: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		n := s.byID[ev.ID()]
		s.byID[ev.ID()] = n + 1
		s.mu.Unlock()
		code := http.StatusAccepted
		if s.status != nil {
			code = s.status(ev.ID(), n)
		}
		if code < 300 {
			s.mu.Lock()
			s.events = append(s.events, *ev)
			s.mu.Unlock()
		}
		w.WriteHeader(code)
		if code >= 300 {
			_, _ = w.Write([]byte("subscriber says no"))
		}
		s.got <- *ev
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) url() *apis.URL {
	u, err := apis.ParseURL(s.srv.URL + "/")
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func (s *sink) addressable() *duckv1.Addressable {
	return &duckv1.Addressable{URL: s.url()}
}

// next waits for the next request the sink answered.
func (s *sink) next() event.Event {
	s.t.Helper()
	select {
	case ev := <-s.got:
		return ev
	case <-time.After(waitTimeout):
		s.t.Fatal("timed out waiting for an event")
		return event.Event{}
	}
}

func (s *sink) accepted() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, e := range s.events {
		m[e.ID()]++
	}
	return m
}

func retry(n int, delay string) *kncloudevents.RetryConfig {
	linear := eventingduckv1.BackoffPolicyLinear
	r := int32(n)
	rc, err := kncloudevents.RetryConfigFromDeliverySpec(eventingduckv1.DeliverySpec{Retry: &r, BackoffPolicy: &linear, BackoffDelay: &delay})
	if err != nil {
		panic(err)
	}
	return &rc
}

func config(subs ...fanout.Subscription) ChannelConfig {
	return ChannelConfig{
		Namespace:    "ns",
		Name:         "imc",
		HostName:     channelHost,
		Path:         "ns/imc",
		FanoutConfig: fanout.Config{Subscriptions: subs},
	}
}

func sub(uid string, s *sink) fanout.Subscription {
	return fanout.Subscription{Subscriber: *s.addressable(), UID: types.UID(uid), Namespace: "ns"}
}

type harness struct {
	t   *testing.T
	h   *EventHandler
	srv *httptest.Server
}

func start(t *testing.T, dir string, cfg ChannelConfig) *harness {
	t.Helper()
	h, err := NewEventHandler(context.Background(), nil, Options{Dir: dir, ParkDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h.SetChannel(cfg)
	srv := httptest.NewServer(h)
	hs := &harness{t: t, h: h, srv: srv}
	t.Cleanup(hs.stop)
	return hs
}

// stop is what a kill looks like to the log: requests stop, deliveries in
// progress are cut off without recording an outcome.
func (hs *harness) stop() {
	if hs.srv == nil {
		return
	}
	hs.srv.Close()
	hs.srv = nil
	if err := hs.h.Close(); err != nil {
		hs.t.Errorf("Close: %v", err)
	}
}

func (hs *harness) post(host, path string, header http.Header, body string) (int, string) {
	hs.t.Helper()
	req, err := http.NewRequest(http.MethodPost, hs.srv.URL+path, strings.NewReader(body))
	if err != nil {
		hs.t.Fatal(err)
	}
	req.Host = host
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		hs.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func ceHeaders(id string) http.Header {
	return http.Header{
		"Ce-Specversion": {"1.0"},
		"Ce-Id":          {id},
		"Ce-Type":        {"dev.knative.test"},
		"Ce-Source":      {"/test"},
		"Content-Type":   {"text/plain"},
	}
}

func (hs *harness) send(id string) {
	hs.t.Helper()
	if code, body := hs.post(channelHost, "/", ceHeaders(id), "hello"); code != http.StatusAccepted {
		hs.t.Fatalf("POST event %s = %d %q, want 202", id, code, body)
	}
}

func TestRequestHandling(t *testing.T) {
	s := newSink(t, nil)
	hs := start(t, t.TempDir(), config(sub("u1", s)))
	structured := `{"specversion":"1.0","id":"s1","type":"t","source":"/s","data":"x"}`
	tests := []struct {
		name     string
		method   string
		host     string
		path     string
		header   http.Header
		body     string
		wantCode int
		wantBody string
	}{
		{name: "binary event", host: channelHost, path: "/", header: ceHeaders("b1"), body: "hi", wantCode: 202},
		{name: "structured event", host: channelHost, path: "/",
			header: http.Header{"Content-Type": {"application/cloudevents+json"}}, body: structured, wantCode: 202},
		{name: "host with port", host: channelHost + ":80", path: "/", header: ceHeaders("b2"), body: "hi", wantCode: 202},
		{name: "path addressing", host: "127.0.0.1", path: "/ns/imc", header: ceHeaders("b3"), body: "hi", wantCode: 202},
		{name: "unknown host", host: "other-kn-channel.ns.svc.cluster.local", path: "/", header: ceHeaders("x"), wantCode: 404, wantBody: "cannot map host"},
		{name: "unknown path", host: "127.0.0.1", path: "/ns/other", header: ceHeaders("x"), wantCode: 404, wantBody: "unknown channel"},
		{name: "bad path", host: "127.0.0.1", path: "/a/b/c", header: ceHeaders("x"), wantCode: 400},
		{name: "not an event", host: channelHost, path: "/", header: http.Header{"Content-Type": {"text/plain"}}, body: "hi", wantCode: 400, wantBody: "not a CloudEvent"},
		{name: "missing id", host: channelHost, path: "/",
			header: http.Header{"Ce-Specversion": {"1.0"}, "Ce-Type": {"t"}, "Ce-Source": {"/s"}}, wantCode: 400, wantBody: "id"},
		{name: "malformed structured", host: channelHost, path: "/",
			header: http.Header{"Content-Type": {"application/cloudevents+json"}}, body: "{", wantCode: 400, wantBody: "malformed"},
		{name: "oversized", host: channelHost, path: "/", header: ceHeaders("big"), body: strings.Repeat("x", 5<<20), wantCode: 413},
		{name: "GET", method: http.MethodGet, host: channelHost, path: "/", wantCode: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, hs.srv.URL+tc.path, strings.NewReader(tc.body))
			req.Host = tc.host
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode || !strings.Contains(string(b), tc.wantBody) {
				t.Errorf("got %d %q, want %d containing %q", resp.StatusCode, b, tc.wantCode, tc.wantBody)
			}
		})
	}
	// Every accepted event reached the subscriber.
	for i := 0; i < 4; i++ {
		s.next()
	}
}

func TestFanoutToEverySubscriber(t *testing.T) {
	a, b := newSink(t, nil), newSink(t, nil)
	hs := start(t, t.TempDir(), config(sub("a", a), sub("b", b)))
	const n = 20
	for i := 0; i < n; i++ {
		hs.send(fmt.Sprint("e", i))
	}
	for i := 0; i < n; i++ {
		a.next()
		b.next()
	}
	for name, s := range map[string]*sink{"a": a, "b": b} {
		got := s.accepted()
		if len(got) != n {
			t.Errorf("subscriber %s got %d distinct events, want %d", name, len(got), n)
		}
		for id, c := range got {
			if c != 1 {
				t.Errorf("subscriber %s got %s %d times", name, id, c)
			}
		}
	}
}

func TestRetryThenSucceedDeliversOnce(t *testing.T) {
	const failures = 3
	s := newSink(t, func(_ string, n int) int {
		if n < failures {
			return http.StatusServiceUnavailable
		}
		return http.StatusAccepted
	})
	su := sub("u1", s)
	su.RetryConfig = retry(5, "PT0.001S")
	hs := start(t, t.TempDir(), config(su))
	hs.send("once")
	for i := 0; i <= failures; i++ {
		s.next()
	}
	if got := s.accepted()["once"]; got != 1 {
		t.Errorf("event accepted %d times, want exactly once", got)
	}
	s.mu.Lock()
	attempts := s.byID["once"]
	s.mu.Unlock()
	if attempts != failures+1 {
		t.Errorf("subscriber saw %d attempts, want %d", attempts, failures+1)
	}
}

func TestRetryThenDeadLetter(t *testing.T) {
	s := newSink(t, func(string, int) int { return http.StatusInternalServerError })
	dls := newSink(t, nil)
	su := sub("u1", s)
	su.RetryConfig = retry(2, "PT0.001S")
	su.DeadLetter = dls.addressable()
	hs := start(t, t.TempDir(), config(su))
	hs.send("doomed")
	for i := 0; i < 3; i++ {
		s.next()
	}
	got := dls.next()
	if got.ID() != "doomed" {
		t.Fatalf("dead-letter sink got %s, want doomed", got.ID())
	}
	ext := got.Extensions()
	if ext[attributes.KnativeErrorCodeExtensionKey] != "500" {
		t.Errorf("knativeerrorcode = %v, want 500", ext[attributes.KnativeErrorCodeExtensionKey])
	}
	if ext[attributes.KnativeErrorDestExtensionKey] != s.url().String() {
		t.Errorf("knativeerrordest = %v, want %s", ext[attributes.KnativeErrorDestExtensionKey], s.url())
	}
	if ext[attributes.KnativeErrorDataExtensionKey] != attributes.EncodeErrorData([]byte("subscriber says no")) {
		t.Errorf("knativeerrordata = %v", ext[attributes.KnativeErrorDataExtensionKey])
	}
}

// TestKilledMidRetryIsReplayed is the durability guarantee: events accepted
// (202) while the subscriber is failing, then the dispatcher stops in the
// middle of its retries; a new dispatcher on the same directory delivers
// every one of them.
func TestKilledMidRetryIsReplayed(t *testing.T) {
	dir := t.TempDir()
	down := newSink(t, func(string, int) int { return http.StatusServiceUnavailable })
	su := sub("u1", down)
	su.RetryConfig = retry(10, "PT1H") // the second attempt would be an hour away
	hs := start(t, dir, config(su))
	const n = 50
	for i := 0; i < n; i++ {
		hs.send(fmt.Sprint("ev-", i))
	}
	for i := 0; i < n; i++ {
		down.next() // every event failed its first attempt and waits to retry
	}
	hs.stop()
	if st := hs.h.Stats(); st.Abandoned != n || st.Delivered != 0 {
		t.Fatalf("stats after stop = %+v, want %d abandoned", st, n)
	}

	up := newSink(t, nil)
	su2 := sub("u1", up) // same subscription, its pod came back elsewhere
	hs2 := start(t, dir, config(su2))
	if started := hs2.h.Replay(context.Background()); started != n {
		t.Fatalf("Replay started %d events, want %d", started, n)
	}
	for i := 0; i < n; i++ {
		up.next()
	}
	got := up.accepted()
	for i := 0; i < n; i++ {
		if id := fmt.Sprint("ev-", i); got[id] != 1 {
			t.Errorf("event %s delivered %d times after replay, want 1", id, got[id])
		}
	}
	// Once delivered, nothing is left to replay.
	waitLive(t, hs2.h, 0)
	hs2.stop()
	hs3 := start(t, dir, config(su2))
	if started := hs3.h.Replay(context.Background()); started != 0 {
		t.Errorf("third start replayed %d events, want 0", started)
	}
}

func TestReplaySkipsFinishedSubscribers(t *testing.T) {
	dir := t.TempDir()
	ok := newSink(t, nil)
	down := newSink(t, func(string, int) int { return http.StatusServiceUnavailable })
	slow := sub("down", down)
	slow.RetryConfig = retry(10, "PT1H")
	hs := start(t, dir, config(sub("ok", ok), slow))
	hs.send("e1")
	ok.next()
	down.next()
	waitCompletions(t, hs.h, 1) // "ok" recorded as finished
	hs.stop()

	ok2, up := newSink(t, nil), newSink(t, nil)
	hs2 := start(t, dir, config(sub("ok", ok2), sub("down", up)))
	if started := hs2.h.Replay(context.Background()); started != 1 {
		t.Fatalf("Replay started %d, want 1", started)
	}
	if got := up.next(); got.ID() != "e1" {
		t.Errorf("recovered subscriber got %s", got.ID())
	}
	waitLive(t, hs2.h, 0)
	if got := len(ok2.accepted()); got != 0 {
		t.Errorf("subscriber that had the event already got it again %d times", got)
	}
}

func TestReplayKeepsDataBytes(t *testing.T) {
	dir := t.TempDir()
	down := newSink(t, func(string, int) int { return http.StatusServiceUnavailable })
	su := sub("u1", down)
	su.RetryConfig = retry(10, "PT1H")
	hs := start(t, dir, config(su))
	// A JSON content type does not make the bytes JSON; they must come
	// back unchanged all the same.
	bodies := map[string]struct{ contentType, data string }{
		"json":     {"application/json", `{"msg":"hello"}`},
		"not-json": {"application/json", `not json {`},
		"binary":   {"application/octet-stream", "\x00\x01\xff"},
	}
	for id, b := range bodies {
		h := ceHeaders(id)
		h.Set("Content-Type", b.contentType)
		h.Set("Ce-Myext", "v-"+id)
		if code, body := hs.post(channelHost, "/", h, b.data); code != http.StatusAccepted {
			t.Fatalf("POST %s = %d %q", id, code, body)
		}
		down.next()
	}
	hs.stop()

	up := newSink(t, nil)
	hs2 := start(t, dir, config(sub("u1", up)))
	hs2.h.Replay(context.Background())
	for range bodies {
		up.next()
	}
	up.mu.Lock()
	defer up.mu.Unlock()
	for _, ev := range up.events {
		want := bodies[ev.ID()]
		if string(ev.Data()) != want.data || ev.DataContentType() != want.contentType || ev.Extensions()["myext"] != "v-"+ev.ID() {
			t.Errorf("replayed %s: data %q type %q ext %v; want %q %q v-%s",
				ev.ID(), ev.Data(), ev.DataContentType(), ev.Extensions()["myext"], want.data, want.contentType, ev.ID())
		}
	}
}

func TestReplayDropsRemovedSubscriptions(t *testing.T) {
	dir := t.TempDir()
	down := newSink(t, func(string, int) int { return http.StatusServiceUnavailable })
	su := sub("gone", down)
	su.RetryConfig = retry(10, "PT1H")
	hs := start(t, dir, config(su))
	hs.send("e1")
	down.next()
	hs.stop()

	other := newSink(t, nil)
	hs2 := start(t, dir, config(sub("other", other)))
	if started := hs2.h.Replay(context.Background()); started != 0 {
		t.Errorf("Replay started %d deliveries for a removed subscription", started)
	}
	waitLive(t, hs2.h, 0)
}

func TestNoSubscribersIsAcceptedWithoutLogging(t *testing.T) {
	hs := start(t, t.TempDir(), config())
	hs.send("e1")
	if st := hs.h.Stats(); st.Log.Appends != 0 {
		t.Errorf("an event for a channel without subscribers was logged: %+v", st)
	}
}

func TestFailingDeadLetterSinkIsRetriedLater(t *testing.T) {
	down := newSink(t, func(string, int) int { return http.StatusBadRequest })
	// The dead-letter sink is down for its first two rounds.
	dls := newSink(t, func(_ string, n int) int {
		if n < 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusAccepted
	})
	su := sub("u1", down)
	su.DeadLetter = dls.addressable()
	hs := start(t, t.TempDir(), config(su))
	hs.send("e1")
	for i := 0; i < 3; i++ {
		down.next()
		dls.next()
	}
	waitLive(t, hs.h, 0)
	st := hs.h.Stats()
	if st.DeadLettered != 1 || st.Parked != 2 || st.Failed != 0 {
		t.Errorf("stats = %+v, want dead-lettered after 2 parked rounds", st)
	}
	if got := dls.accepted()["e1"]; got != 1 {
		t.Errorf("dead-letter sink accepted e1 %d times, want 1", got)
	}
}

func TestNoDeadLetterSinkFailureIsFinished(t *testing.T) {
	down := newSink(t, func(string, int) int { return http.StatusBadRequest })
	hs := start(t, t.TempDir(), config(sub("u1", down)))
	hs.send("e1")
	down.next()
	waitLive(t, hs.h, 0)
	if st := hs.h.Stats(); st.Failed != 1 {
		t.Errorf("stats = %+v, want 1 failed", st)
	}
}

// waitLive and waitCompletions poll the log's counters: the log writes
// completions asynchronously. The guard timeout is not an assertion.
func waitLive(t *testing.T, h *EventHandler, want int64) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for h.Stats().Log.Live != want {
		if time.Now().After(deadline) {
			t.Fatalf("log still has %d live entries, want %d", h.Stats().Log.Live, want)
		}
		// Append nothing; a completion-only batch is written by the writer
		// on its own.
		time.Sleep(time.Millisecond)
	}
}

func waitCompletions(t *testing.T, h *EventHandler, want uint64) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for h.Stats().Log.Completions < want {
		if time.Now().After(deadline) {
			t.Fatalf("log has %d completions, want %d", h.Stats().Log.Completions, want)
		}
		time.Sleep(time.Millisecond)
	}
}
