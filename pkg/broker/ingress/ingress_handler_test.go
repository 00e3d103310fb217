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

package ingress

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	cetypes "github.com/cloudevents/sdk-go/v2/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker"
)

type channelSink struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []event.Event
	code   int
}

func newChannelSink(t *testing.T, code int) *channelSink {
	c := &channelSink{code: code}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			t.Errorf("channel got a non-event: %v", err)
		} else {
			c.mu.Lock()
			c.events = append(c.events, *ev)
			c.mu.Unlock()
		}
		w.WriteHeader(c.code)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func brokerWithChannel(ns, name, address string) *eventingv1.Broker {
	b := &eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if address != "" {
		b.Status.Annotations = map[string]string{eventing.BrokerChannelAddressStatusAnnotationKey: address}
	}
	return b
}

func getter(brokers ...*eventingv1.Broker) BrokerGetter {
	return func(ns, name string) (*eventingv1.Broker, error) {
		for _, b := range brokers {
			if b.Namespace == ns && b.Name == name {
				return b, nil
			}
		}
		return nil, apierrors.NewNotFound(schema.GroupResource{Group: "eventing.knative.dev", Resource: "brokers"}, name)
	}
}

func binary(id string, extra map[string]string) http.Header {
	h := http.Header{
		"Ce-Specversion": {"1.0"},
		"Ce-Id":          {id},
		"Ce-Type":        {"dev.knative.samples.helloworld"},
		"Ce-Source":      {"dev.knative.samples/helloworldsource"},
		"Content-Type":   {"application/json"},
	}
	for k, v := range extra {
		h.Set(k, v)
	}
	return h
}

func TestIngress(t *testing.T) {
	ch := newChannelSink(t, http.StatusAccepted)
	down := newChannelSink(t, http.StatusAccepted)
	down.srv.Close()
	h := NewHandler(nil, nil, nil, ChannelAddressFromBrokers(getter(
		brokerWithChannel("ns", "default", ch.srv.URL+"/"),
		brokerWithChannel("ns", "unready", ""),
		brokerWithChannel("ns", "down", down.srv.URL+"/"),
	)), nil)
	h.MaxEventBytes = 1024
	srv := httptest.NewServer(h)
	defer srv.Close()

	structured := `{"specversion":"1.0","id":"s-1","type":"t","source":"/s","data":{"msg":"hi"}}`
	tests := []struct {
		name     string
		method   string
		path     string
		header   http.Header
		body     string
		wantCode int
		wantBody string
		wantTTL  string // TTL the channel sees; "" = event not forwarded
	}{
		{name: "binary event", path: "/ns/default", header: binary("b-1", nil), body: `{"msg":"hello"}`, wantCode: 202, wantTTL: "255"},
		{name: "structured event", path: "/ns/default", header: http.Header{"Content-Type": {"application/cloudevents+json"}}, body: structured, wantCode: 202, wantTTL: "255"},
		{name: "trailing slash", path: "/ns/default/", header: binary("b-2", nil), wantCode: 202, wantTTL: "255"},
		{name: "TTL is decremented", path: "/ns/default", header: binary("b-3", map[string]string{"Ce-Knativebrokerttl": "7"}), wantCode: 202, wantTTL: "6"},
		{name: "exhausted TTL", path: "/ns/default", header: binary("b-4", map[string]string{"Ce-Knativebrokerttl": "1"}), wantCode: 400, wantBody: "TTL"},
		{name: "not a CloudEvent", path: "/ns/default", header: http.Header{"Content-Type": {"application/json"}}, body: `{"msg":"hi"}`, wantCode: 400, wantBody: "not a CloudEvent"},
		{name: "missing source", path: "/ns/default", header: http.Header{"Ce-Specversion": {"1.0"}, "Ce-Id": {"x"}, "Ce-Type": {"t"}}, wantCode: 400, wantBody: "source"},
		{name: "bad specversion", path: "/ns/default", header: http.Header{"Ce-Specversion": {"9.9"}, "Ce-Id": {"x"}, "Ce-Type": {"t"}, "Ce-Source": {"/s"}}, wantCode: 400, wantBody: "malformed"},
		{name: "malformed structured", path: "/ns/default", header: http.Header{"Content-Type": {"application/cloudevents+json"}}, body: `{"specversion":`, wantCode: 400, wantBody: "malformed"},
		{name: "oversized", path: "/ns/default", header: binary("big", nil), body: strings.Repeat("x", 2048), wantCode: 413, wantBody: "exceeds"},
		{name: "unknown broker", path: "/ns/nope", header: binary("n-1", nil), wantCode: 404, wantBody: "broker ns/nope not found"},
		{name: "unknown namespace", path: "/other/default", header: binary("n-2", nil), wantCode: 404},
		{name: "root path", path: "/", header: binary("r-1", nil), wantCode: 404},
		{name: "malformed path", path: "/ns/default/extra", header: binary("m-1", nil), wantCode: 400, wantBody: "malformed path"},
		{name: "broker without channel", path: "/ns/unready", header: binary("u-1", nil), wantCode: 500, wantBody: "not ready"},
		{name: "channel unreachable", path: "/ns/down", header: binary("d-1", nil), wantCode: 500, wantBody: "channel"},
		{name: "GET", method: http.MethodGet, path: "/ns/default", wantCode: 405},
		{name: "PUT", method: http.MethodPut, path: "/ns/default", header: binary("p-1", nil), wantCode: 405},
		{name: "OPTIONS", method: http.MethodOptions, path: "/ns/default", wantCode: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch.mu.Lock()
			before := len(ch.events)
			ch.mu.Unlock()
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, srv.URL+tc.path, strings.NewReader(tc.body))
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
			ch.mu.Lock()
			got := ch.events[before:]
			ch.mu.Unlock()
			if tc.wantTTL == "" {
				if len(got) != 0 {
					t.Errorf("channel received %d events, want none", len(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("channel received %d events, want 1", len(got))
			}
			ext := got[0].Extensions()
			if ttl, _ := cetypes.ToString(ext[broker.TTLAttribute]); ttl != tc.wantTTL {
				t.Errorf("channel saw %s=%q, want %q", broker.TTLAttribute, ttl, tc.wantTTL)
			}
			if _, ok := ext[broker.EventArrivalTime]; !ok {
				t.Errorf("channel saw no %s extension", broker.EventArrivalTime)
			}
		})
	}
}

func TestChannelAddress(t *testing.T) {
	b := brokerWithChannel("ns", "b", "http://b-kne-trigger-kn-channel.ns.svc.cluster.local")
	b.Status.Annotations[eventing.BrokerChannelAudienceStatusAnnotationKey] = "aud"
	got, err := ChannelAddress(b)
	if err != nil {
		t.Fatal(err)
	}
	want := duckv1.Addressable{URL: apis.HTTP("b-kne-trigger-kn-channel.ns.svc.cluster.local")}
	if got.URL.String() != want.URL.String() || got.Audience == nil || *got.Audience != "aud" {
		t.Errorf("ChannelAddress = %+v, want %s with audience", got, want.URL)
	}
	for _, bad := range []*eventingv1.Broker{
		brokerWithChannel("ns", "b", ""),
		{Status: eventingv1.BrokerStatus{}},
	} {
		if _, err := ChannelAddress(bad); err == nil {
			t.Errorf("ChannelAddress(%v) succeeded", bad.Status.Annotations)
		}
	}
}
