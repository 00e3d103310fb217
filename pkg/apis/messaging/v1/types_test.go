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

package v1

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
)

func TestRegister(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Channel", "ChannelList", "InMemoryChannel", "InMemoryChannelList", "Subscription", "SubscriptionList"} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not recognize %s", kind)
		}
	}
	if got := (&Channel{}).GetGroupVersionKind().String(); got != "messaging.knative.dev/v1, Kind=Channel" {
		t.Errorf("Channel GVK = %s", got)
	}
	if got := (&InMemoryChannel{}).GetGroupVersionKind().String(); got != "messaging.knative.dev/v1, Kind=InMemoryChannel" {
		t.Errorf("InMemoryChannel GVK = %s", got)
	}
	if got := (&Subscription{}).GetGroupVersionKind().String(); got != "messaging.knative.dev/v1, Kind=Subscription" {
		t.Errorf("Subscription GVK = %s", got)
	}
	if got := Resource("inmemorychannels").String(); got != "inmemorychannels.messaging.knative.dev" {
		t.Errorf("Resource() = %s", got)
	}
	if got := Kind("Subscription").String(); got != "Subscription.messaging.knative.dev" {
		t.Errorf("Kind() = %s", got)
	}
}

func TestKRShaped(t *testing.T) {
	c := &Channel{}
	if c.GetStatus() != &c.Status.Status {
		t.Error("Channel.GetStatus()")
	}
	if _, ok := c.GetUntypedSpec().(ChannelSpec); !ok {
		t.Errorf("Channel.GetUntypedSpec() = %T", c.GetUntypedSpec())
	}
	imc := &InMemoryChannel{}
	if imc.GetStatus() != &imc.Status.Status {
		t.Error("InMemoryChannel.GetStatus()")
	}
	if _, ok := imc.GetUntypedSpec().(InMemoryChannelSpec); !ok {
		t.Errorf("InMemoryChannel.GetUntypedSpec() = %T", imc.GetUntypedSpec())
	}
	s := &Subscription{Spec: SubscriptionSpec{Channel: imcRef("c")}}
	if s.GetStatus() != &s.Status.Status {
		t.Error("Subscription.GetStatus()")
	}
	if _, ok := s.GetUntypedSpec().(SubscriptionSpec); !ok {
		t.Errorf("Subscription.GetUntypedSpec() = %T", s.GetUntypedSpec())
	}
	if s.GetCrossNamespaceRef().Name != "c" {
		t.Errorf("GetCrossNamespaceRef() = %+v", s.GetCrossNamespaceRef())
	}
	for _, conv := range []apis.Convertible{&Channel{}, &InMemoryChannel{}, &Subscription{}} {
		if conv.ConvertTo(context.Background(), &Channel{}) == nil || conv.ConvertFrom(context.Background(), &Channel{}) == nil {
			t.Errorf("%T converts, want errors (v1 is the hub)", conv)
		}
	}
}

type validatable interface {
	Validate(context.Context) *apis.FieldError
}

// Objects as upstream Knative 1.17 writes them, status included (OIDC and
// EventPolicy fields too): they must decode strictly, validate and encode
// back unchanged.
func TestUpstreamManifestsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		obj  validatable
		doc  string
	}{{
		name: "subscription",
		obj:  &Subscription{},
		doc: `{
  "apiVersion": "messaging.knative.dev/v1",
  "kind": "Subscription",
  "metadata": {"name": "t-sub", "namespace": "ns"},
  "spec": {
    "channel": {"apiVersion": "messaging.knative.dev/v1", "kind": "InMemoryChannel", "name": "default-kne-trigger"},
    "subscriber": {"uri": "http://broker-filter.knative-eventing.svc.cluster.local/triggers/ns/t/uid"},
    "reply": {"uri": "http://broker-ingress.knative-eventing.svc.cluster.local/ns/default"},
    "delivery": {"retry": 5, "backoffPolicy": "linear", "backoffDelay": "PT1S"}
  },
  "status": {
    "observedGeneration": 1,
    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": null}],
    "physicalSubscription": {
      "subscriberUri": "http://broker-filter.knative-eventing.svc.cluster.local/triggers/ns/t/uid",
      "subscriberAudience": "aud",
      "replyUri": "http://broker-ingress.knative-eventing.svc.cluster.local/ns/default",
      "deadLetterSinkUri": "http://dls.ns.svc.cluster.local"
    },
    "auth": {"serviceAccountName": "oidc-sa", "serviceAccountNames": ["a"]}
  }
}`,
	}, {
		name: "channel",
		obj:  &Channel{},
		doc: `{
  "apiVersion": "messaging.knative.dev/v1",
  "kind": "Channel",
  "metadata": {"name": "c", "namespace": "ns", "annotations": {"messaging.knative.dev/subscribable": "v1"}},
  "spec": {
    "channelTemplate": {"apiVersion": "messaging.knative.dev/v1", "kind": "InMemoryChannel", "spec": {"delivery": {"retry": 3}}},
    "delivery": {"retry": 3}
  },
  "status": {
    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": null}],
    "address": {"name": "http", "url": "http://c-kn-channel.ns.svc.cluster.local"},
    "subscribers": [{"uid": "u", "observedGeneration": 1, "ready": "True"}],
    "channel": {"apiVersion": "messaging.knative.dev/v1", "kind": "InMemoryChannel", "name": "c", "namespace": "ns"},
    "policies": [{"apiVersion": "eventing.knative.dev/v1alpha1", "name": "p"}]
  }
}`,
	}, {
		name: "inmemorychannel",
		obj:  &InMemoryChannel{},
		doc: `{
  "apiVersion": "messaging.knative.dev/v1",
  "kind": "InMemoryChannel",
  "metadata": {"name": "c", "namespace": "ns"},
  "spec": {
    "subscribers": [{"uid": "u", "generation": 1, "subscriberUri": "http://s.ns.svc.cluster.local", "delivery": {"retry": 2}, "auth": {"serviceAccountName": "sa"}}]
  },
  "status": {
    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": null}],
    "address": {"name": "http", "url": "http://c-kn-channel.ns.svc.cluster.local", "audience": "aud"}
  }
}`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec := json.NewDecoder(strings.NewReader(tc.doc))
			dec.DisallowUnknownFields()
			if err := dec.Decode(tc.obj); err != nil {
				t.Fatal("decoding upstream document:", err)
			}
			if err := tc.obj.Validate(context.Background()); err != nil {
				t.Error("upstream document does not validate:", err)
			}
			out, err := json.Marshal(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			var want, got map[string]interface{}
			if err := json.Unmarshal([]byte(tc.doc), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			delete(got["metadata"].(map[string]interface{}), "creationTimestamp")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Error("round trip (-upstream, +skiff):", diff)
			}
		})
	}
}
