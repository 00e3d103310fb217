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

package inmemorychannel

import (
	"context"
	"strings"
	"testing"

	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	v1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/channel/multichannelfanout"
	"github.com/skiffhq/skiff/pkg/client/clientset/versioned/fake"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"
)

type fakeHandler struct {
	set     []multichannelfanout.ChannelConfig
	deleted []string
}

func (f *fakeHandler) SetChannel(cfg multichannelfanout.ChannelConfig) { f.set = append(f.set, cfg) }
func (f *fakeHandler) DeleteChannel(host string)                       { f.deleted = append(f.deleted, host) }

const host = "imc-kn-channel.ns.svc.cluster.local"

func subscribers() []eventingduckv1.SubscriberSpec {
	return []eventingduckv1.SubscriberSpec{
		{UID: "u1", Generation: 2, SubscriberURI: apis.HTTP("sub1.ns.svc.cluster.local")},
		{UID: "u2", Generation: 1, SubscriberURI: apis.HTTP("sub2.ns.svc.cluster.local")},
	}
}

func TestReconcileKind(t *testing.T) {
	ready := func(imc *v1.InMemoryChannel) {
		WithInMemoryChannelReady(duckv1.Addressable{URL: apis.HTTP(host)})(imc)
		WithInMemoryChannelStatusDLS(nil)(imc)
		WithInMemoryChannelDeploymentReady()(imc)
	}
	tests := []struct {
		name      string
		imc       *v1.InMemoryChannel
		wantSet   bool
		wantPatch string // substring of the status patch; "" = no patch
	}{{
		name:      "ready channel is configured and its subscribers marked ready",
		imc:       NewInMemoryChannel("imc", "ns", WithInitInMemoryChannelConditions, ready, WithInMemoryChannelSubscribers(subscribers())),
		wantSet:   true,
		wantPatch: `"uid":"u1"`,
	}, {
		name: "subscribers already ready: no patch",
		imc: NewInMemoryChannel("imc", "ns", WithInitInMemoryChannelConditions, ready, WithInMemoryChannelSubscribers(subscribers()),
			WithInMemoryChannelReadySubscriberAndGeneration("u1", 2), WithInMemoryChannelReadySubscriberAndGeneration("u2", 1)),
		wantSet: true,
	}, {
		name: "channel without address yet: nothing configured",
		imc:  NewInMemoryChannel("imc", "ns", WithInitInMemoryChannelConditions, WithInMemoryChannelSubscribers(subscribers())),
	}, {
		name: "channel not ready (its dispatcher restarting) but addressed: configured, subscribers not patched",
		imc: NewInMemoryChannel("imc", "ns", WithInitInMemoryChannelConditions, WithInMemoryChannelSubscribers(subscribers()),
			WithInMemoryChannelAddress(duckv1.Addressable{URL: apis.HTTP(host)}),
			WithInMemoryChannelEndpointsNotReady("NoEndpoints", "dispatcher restarting")),
		wantSet: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &fakeHandler{}
			client := fake.NewSimpleClientset(tc.imc)
			r := &Reconciler{handler: h, messagingClientSet: client.MessagingV1()}
			if err := r.ReconcileKind(context.Background(), tc.imc); err != nil {
				t.Fatalf("ReconcileKind: %v", err)
			}
			if got := len(h.set) == 1; got != tc.wantSet {
				t.Fatalf("SetChannel called %d times, want configured=%v", len(h.set), tc.wantSet)
			}
			if tc.wantSet {
				cfg := h.set[0]
				if cfg.HostName != host || len(cfg.FanoutConfig.Subscriptions) != 2 {
					t.Errorf("config = %+v", cfg)
				}
			}
			var patches []string
			for _, a := range client.Actions() {
				if p, ok := a.(clientgotesting.PatchAction); ok && a.GetSubresource() == "status" {
					patches = append(patches, string(p.GetPatch()))
				}
			}
			switch {
			case tc.wantPatch == "" && len(patches) != 0:
				t.Errorf("unexpected status patches %v", patches)
			case tc.wantPatch != "" && (len(patches) != 1 || !strings.Contains(patches[0], tc.wantPatch) || !strings.Contains(patches[0], `"ready":"True"`)):
				t.Errorf("status patches = %v, want one marking subscribers ready", patches)
			}
		})
	}
}

func TestObserveKindConfiguresWithoutPatching(t *testing.T) {
	imc := NewInMemoryChannel("imc", "ns", WithInitInMemoryChannelConditions,
		WithInMemoryChannelReady(duckv1.Addressable{URL: apis.HTTP(host)}), WithInMemoryChannelStatusDLS(nil),
		WithInMemoryChannelDeploymentReady(), WithInMemoryChannelSubscribers(subscribers()))
	h := &fakeHandler{}
	client := fake.NewSimpleClientset(imc)
	r := &Reconciler{handler: h, messagingClientSet: client.MessagingV1()}
	if err := r.ObserveKind(context.Background(), imc); err != nil {
		t.Fatal(err)
	}
	if len(h.set) != 1 {
		t.Errorf("SetChannel called %d times, want 1", len(h.set))
	}
	if n := len(client.Actions()); n != 0 {
		t.Errorf("a non-leader made %d API calls", n)
	}
}

func TestDeleteDropsTheChannel(t *testing.T) {
	imc := NewInMemoryChannel("imc", "ns", WithInMemoryChannelAddress(duckv1.Addressable{URL: apis.HTTP(host)}))
	h := &fakeHandler{}
	r := &Reconciler{handler: h}
	r.deleteFunc(cache.DeletedFinalStateUnknown{Key: "ns/imc", Obj: imc})
	r.deleteFunc(imc)
	if len(h.deleted) != 2 || h.deleted[0] != host {
		t.Errorf("deleted = %v, want %s twice", h.deleted, host)
	}
}
