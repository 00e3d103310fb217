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

package filter

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker"
)

// subscriber is a loopback receiver with a scripted response.
type subscriber struct {
	srv     *httptest.Server
	mu      sync.Mutex
	events  []event.Event
	headers []http.Header
	respond func(w http.ResponseWriter, r *http.Request)
}

func newSubscriber(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) *subscriber {
	s := &subscriber{respond: respond}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			t.Errorf("subscriber got a non-event: %v", err)
		} else {
			s.mu.Lock()
			s.events = append(s.events, *ev)
			s.headers = append(s.headers, r.Header.Clone())
			s.mu.Unlock()
		}
		if s.respond != nil {
			s.respond(w, r)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

func (s *subscriber) url() *apis.URL {
	u, _ := apis.ParseURL(s.srv.URL + "/")
	return u
}

func trigger(name string, uid types.UID, sub *subscriber, mutate func(*eventingv1.Trigger)) *eventingv1.Trigger {
	t := &eventingv1.Trigger{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, UID: uid, Generation: 1},
		Spec:       eventingv1.TriggerSpec{Broker: "default"},
	}
	if sub != nil {
		t.Status.SubscriberURI = sub.url()
	}
	if mutate != nil {
		mutate(t)
	}
	return t
}

func triggers(ts ...*eventingv1.Trigger) TriggerGetter {
	return func(ns, name string) (*eventingv1.Trigger, error) {
		for _, t := range ts {
			if t.Namespace == ns && t.Name == name {
				return t, nil
			}
		}
		return nil, apierrors.NewNotFound(schema.GroupResource{Group: "eventing.knative.dev", Resource: "triggers"}, name)
	}
}

func brokers(bs ...*eventingv1.Broker) BrokerGetter {
	return func(ns, name string) (*eventingv1.Broker, error) {
		for _, b := range bs {
			if b.Namespace == ns && b.Name == name {
				return b, nil
			}
		}
		return nil, ErrNotFound
	}
}

func ceHeader(typ string, ttl string) http.Header {
	h := http.Header{
		"Ce-Specversion": {"1.0"},
		"Ce-Id":          {"id-1"},
		"Ce-Type":        {typ},
		"Ce-Source":      {"/src"},
		"Content-Type":   {"text/plain"},
	}
	if ttl != "" {
		h.Set("Ce-Knativebrokerttl", ttl)
	}
	return h
}

func replyEvent(w http.ResponseWriter, r *http.Request) {
	e := event.New()
	e.SetID("reply-1")
	e.SetType("dev.knative.reply")
	e.SetSource("/subscriber")
	_ = cehttp.WriteResponseWriter(r.Context(), binding.ToMessage(&e), http.StatusOK, w)
}

func TestFilterHandler(t *testing.T) {
	ok := newSubscriber(t, nil)
	rejecting := newSubscriber(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("bad data"))
	})
	failing := newSubscriber(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	replying := newSubscriber(t, replyEvent)
	garbage := newSubscriber(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("not an event")) })
	brokerIngress := newSubscriber(t, nil)

	typeFilter := func(t *eventingv1.Trigger) {
		t.Spec.Filter = &eventingv1.TriggerFilter{Attributes: eventingv1.TriggerFilterAttributes{"type": "dev.knative.hello"}}
	}
	all := []*eventingv1.Trigger{
		trigger("by-type", "u1", ok, typeFilter),
		trigger("no-filter", "u2", ok, nil),
		trigger("cesql", "u3", ok, func(t *eventingv1.Trigger) {
			t.Spec.Filters = []eventingv1.SubscriptionsAPIFilter{{CESQL: "type LIKE 'dev.knative.%' AND source = '/src'"}}
		}),
		trigger("prefix", "u4", ok, func(t *eventingv1.Trigger) {
			t.Spec.Filters = []eventingv1.SubscriptionsAPIFilter{{Prefix: map[string]string{"type": "com.example."}}}
		}),
		trigger("rejecting", "u5", rejecting, nil),
		trigger("failing", "u6", failing, nil),
		trigger("replying", "u7", replying, nil),
		trigger("garbage", "u8", garbage, nil),
		trigger("unresolved", "u9", nil, nil),
	}
	b := &eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "default"}}
	b.Status.Address = &duckv1.Addressable{URL: brokerIngress.url()}
	h := NewHandler(nil, nil, triggers(all...), brokers(b), nil)
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := []struct {
		name        string
		method      string
		path        string
		header      http.Header
		wantCode    int
		wantBody    string
		sub         *subscriber
		wantDeliver bool
		check       func(t *testing.T, resp *http.Response, body []byte)
	}{
		{name: "attribute filter matches", path: "/triggers/ns/by-type/u1", header: ceHeader("dev.knative.hello", "255"), wantCode: 202, sub: ok, wantDeliver: true},
		{name: "attribute filter does not match", path: "/triggers/ns/by-type/u1", header: ceHeader("dev.knative.other", "255"), wantCode: 200, sub: ok},
		{name: "no filter passes everything", path: "/triggers/ns/no-filter/u2", header: ceHeader("anything", "255"), wantCode: 202, sub: ok, wantDeliver: true},
		{name: "cesql filter matches", path: "/triggers/ns/cesql/u3", header: ceHeader("dev.knative.x", "255"), wantCode: 202, sub: ok, wantDeliver: true},
		{name: "cesql filter does not match", path: "/triggers/ns/cesql/u3", header: ceHeader("com.example.x", "255"), wantCode: 200, sub: ok},
		{name: "prefix filter matches", path: "/triggers/ns/prefix/u4", header: ceHeader("com.example.x", "255"), wantCode: 202, sub: ok, wantDeliver: true},
		{name: "event without TTL did not come through a broker", path: "/triggers/ns/no-filter/u2", header: ceHeader("t", ""), wantCode: 400, wantBody: "knativebrokerttl", sub: ok},
		{name: "unknown trigger", path: "/triggers/ns/nope/u0", header: ceHeader("t", "255"), wantCode: 404},
		{name: "trigger UID changed", path: "/triggers/ns/no-filter/old-uid", header: ceHeader("t", "255"), wantCode: 400, wantBody: "UID", sub: ok},
		{name: "bad path", path: "/ns/default", header: ceHeader("t", "255"), wantCode: 400},
		{name: "bad path suffix", path: "/triggers/ns/no-filter/u2/nope", header: ceHeader("t", "255"), wantCode: 400},
		{name: "non-event", path: "/triggers/ns/no-filter/u2", header: http.Header{"Content-Type": {"text/plain"}}, wantCode: 400, wantBody: "not a CloudEvent", sub: ok},
		{name: "GET", method: http.MethodGet, path: "/triggers/ns/no-filter/u2", wantCode: 405},
		{name: "unresolved subscriber", path: "/triggers/ns/unresolved/u9", header: ceHeader("t", "255"), wantCode: 400, wantBody: "subscriber"},
		{name: "subscriber rejects: its status and the error extension body", path: "/triggers/ns/rejecting/u5", header: ceHeader("t", "255"), wantCode: 400, sub: rejecting, wantDeliver: true,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				var ext broker.ErrExtensionInfo
				if err := json.Unmarshal(body, &ext); err != nil {
					t.Fatalf("body %q is not ErrExtensionInfo: %v", body, err)
				}
				if ext.ErrDestination.String() != rejecting.url().String() || string(ext.ErrResponseBody) != "bad data" {
					t.Errorf("ErrExtensionInfo = %s %q, want %s %q", ext.ErrDestination, ext.ErrResponseBody, rejecting.url(), "bad data")
				}
			}},
		{name: "subscriber fails: forwarded once, no retry in the filter", path: "/triggers/ns/failing/u6", header: ceHeader("t", "255"), wantCode: 503, sub: failing, wantDeliver: true},
		{name: "subscriber replies: reply returned with TTL", path: "/triggers/ns/replying/u7", header: ceHeader("t", "17"), wantCode: 200, sub: replying, wantDeliver: true,
			check: func(t *testing.T, resp *http.Response, body []byte) {
				msg := cehttp.NewMessage(resp.Header, io.NopCloser(strings.NewReader(string(body))))
				reply, err := binding.ToEvent(context.Background(), msg)
				if err != nil {
					t.Fatalf("response is not an event: %v", err)
				}
				ttl, err := broker.GetTTL(reply.Context)
				if reply.ID() != "reply-1" || err != nil || ttl != 17 {
					t.Errorf("reply = %s ttl %d (%v), want reply-1 with TTL 17", reply.ID(), ttl, err)
				}
			}},
		{name: "subscriber answers a non-event body", path: "/triggers/ns/garbage/u8", header: ceHeader("t", "255"), wantCode: 502, sub: garbage, wantDeliver: true},
		{name: "reply path forwards to the broker", path: "/triggers/ns/no-filter/u2/reply", header: ceHeader("t", "255"), wantCode: 202, sub: brokerIngress, wantDeliver: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := 0
			if tc.sub != nil {
				before = tc.sub.count()
			}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, srv.URL+tc.path, strings.NewReader("payload"))
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode || !strings.Contains(string(body), tc.wantBody) {
				t.Fatalf("got %d %q, want %d containing %q", resp.StatusCode, body, tc.wantCode, tc.wantBody)
			}
			if tc.sub != nil {
				delivered := tc.sub.count() - before
				want := 0
				if tc.wantDeliver {
					want = 1
				}
				if delivered != want {
					t.Errorf("subscriber got %d requests, want %d", delivered, want)
				}
				if delivered == 1 && tc.sub != brokerIngress {
					tc.sub.mu.Lock()
					got := tc.sub.events[len(tc.sub.events)-1]
					hdr := tc.sub.headers[len(tc.sub.headers)-1]
					tc.sub.mu.Unlock()
					if _, has := got.Extensions()[broker.TTLAttribute]; has {
						t.Errorf("subscriber saw the broker TTL extension")
					}
					if ns := hdr.Get("Kn-Namespace"); ns != "ns" {
						t.Errorf("Kn-Namespace = %q, want ns", ns)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, resp, body)
			}
		})
	}
}

func TestFilterCacheFollowsGeneration(t *testing.T) {
	ok := newSubscriber(t, nil)
	tr := trigger("t", "u1", ok, func(t *eventingv1.Trigger) {
		t.Spec.Filters = []eventingv1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "a"}}}
	})
	h := NewHandler(nil, nil, triggers(tr), nil, nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(typ string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/triggers/ns/t/u1", nil)
		for k, v := range ceHeader(typ, "255") {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("a"); got != 202 {
		t.Fatalf("type a = %d, want 202", got)
	}
	// The user edits the Trigger: a new generation with another filter.
	tr.Spec.Filters = []eventingv1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "b"}}}
	tr.Generation = 2
	if got := post("a"); got != 200 {
		t.Errorf("type a after the edit = %d, want 200 (filtered out)", got)
	}
	if got := post("b"); got != 202 {
		t.Errorf("type b after the edit = %d, want 202", got)
	}
}

func TestTriggerPath(t *testing.T) {
	tr := &eventingv1.Trigger{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "t", UID: "abc"}}
	for _, tc := range []struct {
		path  string
		reply bool
		dls   bool
	}{{TriggerPath(tr), false, false}, {TriggerReplyPath(tr), true, false}, {TriggerDLSPath(tr), false, true}} {
		ref, err := ParseTriggerPath(tc.path)
		if err != nil {
			t.Fatalf("ParseTriggerPath(%q): %v", tc.path, err)
		}
		if ref.Namespace != "ns" || ref.Name != "t" || ref.UID != "abc" || ref.IsReply != tc.reply || ref.IsDLS != tc.dls {
			t.Errorf("ParseTriggerPath(%q) = %+v", tc.path, ref)
		}
	}
	for _, bad := range []string{"", "/", "/triggers/ns/t", "/trigger/ns/t/u", "x/triggers/ns/t/u", "/triggers//t/u", "/triggers/ns/t/u/x"} {
		if _, err := ParseTriggerPath(bad); err == nil {
			t.Errorf("ParseTriggerPath(%q) succeeded", bad)
		}
	}
}
