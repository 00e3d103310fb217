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
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func metaWithNamespace(ns string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: "parent"}
}

// A Channelable status as written by upstream Knative 1.17 (IMC with OIDC
// fields and applied policies). It must decode without unknown fields and
// encode back to the same document.
const upstreamChannelable = `{
  "apiVersion": "messaging.knative.dev/v1",
  "kind": "InMemoryChannel",
  "metadata": {"name": "c", "namespace": "ns"},
  "spec": {
    "subscribers": [{
      "name": "sub",
      "uid": "u1",
      "generation": 2,
      "subscriberUri": "http://sub.ns.svc.cluster.local",
      "subscriberCACerts": "pem",
      "subscriberAudience": "aud",
      "replyUri": "http://reply.ns.svc.cluster.local",
      "replyCACerts": "pem2",
      "replyAudience": "aud2",
      "delivery": {"retry": 3, "backoffPolicy": "exponential", "backoffDelay": "PT0.2S", "timeout": "PT5S", "retryAfterMax": "PT1S", "format": "json",
        "deadLetterSink": {"uri": "http://dls.ns.svc.cluster.local"}},
      "auth": {"serviceAccountName": "sa"}
    }],
    "delivery": {"retry": 1}
  },
  "status": {
    "observedGeneration": 2,
    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": null}],
    "address": {"name": "http", "url": "http://c-kn-channel.ns.svc.cluster.local"},
    "addresses": [{"name": "http", "url": "http://c-kn-channel.ns.svc.cluster.local"}],
    "subscribers": [{"uid": "u1", "observedGeneration": 2, "ready": "True", "message": "ok", "auth": {"serviceAccountName": "sa"}}],
    "deadLetterSinkUri": "http://dls.ns.svc.cluster.local",
    "deadLetterSinkCACerts": "pem3",
    "deadLetterSinkAudience": "aud3",
    "policies": [{"apiVersion": "eventing.knative.dev/v1alpha1", "name": "p"}]
  }
}`

func TestChannelableUpstreamRoundTrip(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(upstreamChannelable))
	dec.DisallowUnknownFields()
	var c Channelable
	if err := dec.Decode(&c); err != nil {
		t.Fatal("decoding an upstream Channelable:", err)
	}
	if got := *c.Spec.Subscribers[0].Delivery.BackoffPolicy; got != BackoffPolicyExponential {
		t.Errorf("backoffPolicy = %q", got)
	}
	if got := c.Status.Policies[0].Name; got != "p" {
		t.Errorf("policies[0].name = %q", got)
	}
	out, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]interface{}
	if err := json.Unmarshal([]byte(upstreamChannelable), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	// metav1 always writes creationTimestamp; upstream's document omits it.
	delete(got["metadata"].(map[string]interface{}), "creationTimestamp")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("round trip (-upstream, +skiff):", diff)
	}
}

func TestDuckShapes(t *testing.T) {
	var c Channelable
	c.Populate()
	if len(c.Spec.Subscribers) != 2 || c.Status.Address == nil || c.Spec.Delivery == nil {
		t.Errorf("Channelable.Populate() left fields empty: %+v", c)
	}
	var s Subscribable
	s.Populate()
	if len(s.Spec.Subscribers) != 2 || len(s.Status.Subscribers) != 2 {
		t.Errorf("Subscribable.Populate() left fields empty: %+v", s)
	}
	if _, ok := c.GetListType().(*ChannelableList); !ok {
		t.Errorf("Channelable.GetListType() = %T", c.GetListType())
	}
	if _, ok := s.GetListType().(*SubscribableList); !ok {
		t.Errorf("Subscribable.GetListType() = %T", s.GetListType())
	}
	if _, ok := c.GetFullType().(*Channelable); !ok {
		t.Errorf("Channelable.GetFullType() = %T", c.GetFullType())
	}
	if _, ok := s.GetFullType().(*Subscribable); !ok {
		t.Errorf("Subscribable.GetFullType() = %T", s.GetFullType())
	}
}

func TestRegister(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal("AddToScheme() =", err)
	}
	for _, kind := range []string{"Channelable", "ChannelableList"} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not recognize %s", kind)
		}
	}
	if got, want := Kind("Channelable"), (schema.GroupKind{Group: "duck.knative.dev", Kind: "Channelable"}); got != want {
		t.Errorf("Kind() = %v, want %v", got, want)
	}
}
