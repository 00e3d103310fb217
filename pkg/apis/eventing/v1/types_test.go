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
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
)

func TestRegisterAndGVK(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Broker", "BrokerList", "Trigger", "TriggerList"} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not recognize %s", kind)
		}
	}
	if got, want := (&Broker{}).GetGroupVersionKind(), (schema.GroupVersionKind{Group: "eventing.knative.dev", Version: "v1", Kind: "Broker"}); got != want {
		t.Errorf("Broker GVK = %v, want %v", got, want)
	}
	if got, want := (&Trigger{}).GetGroupVersionKind(), (schema.GroupVersionKind{Group: "eventing.knative.dev", Version: "v1", Kind: "Trigger"}); got != want {
		t.Errorf("Trigger GVK = %v, want %v", got, want)
	}
	if got := Resource("brokers"); got.String() != "brokers.eventing.knative.dev" {
		t.Errorf("Resource() = %v", got)
	}
	if got := Kind("Trigger"); got.String() != "Trigger.eventing.knative.dev" {
		t.Errorf("Kind() = %v", got)
	}
}

func TestKRShaped(t *testing.T) {
	b := &Broker{}
	b.Status.InitializeConditions()
	if b.GetStatus() != &b.Status.Status {
		t.Error("Broker.GetStatus() does not point at the status")
	}
	if _, ok := b.GetUntypedSpec().(BrokerSpec); !ok {
		t.Errorf("Broker.GetUntypedSpec() = %T", b.GetUntypedSpec())
	}
	tr := &Trigger{}
	if tr.GetStatus() != &tr.Status.Status {
		t.Error("Trigger.GetStatus() does not point at the status")
	}
	if _, ok := tr.GetUntypedSpec().(TriggerSpec); !ok {
		t.Errorf("Trigger.GetUntypedSpec() = %T", tr.GetUntypedSpec())
	}
	if got := tr.GetCrossNamespaceRef(); got.Name != "" {
		t.Errorf("GetCrossNamespaceRef() without brokerRef = %+v", got)
	}
	if err := (&Broker{}).ConvertTo(context.Background(), &Trigger{}); err == nil {
		t.Error("Broker.ConvertTo() = nil, want error (v1 is the hub)")
	}
	if err := (&Trigger{}).ConvertFrom(context.Background(), &Broker{}); err == nil {
		t.Error("Trigger.ConvertFrom() = nil, want error (v1 is the hub)")
	}
}

// Objects as upstream Knative 1.17 writes them, status included (OIDC and
// EventPolicy fields too). They must decode with no unknown fields, validate,
// and encode back unchanged.
const upstreamBroker = `{
  "apiVersion": "eventing.knative.dev/v1",
  "kind": "Broker",
  "metadata": {"name": "default", "namespace": "ns", "annotations": {"eventing.knative.dev/broker.class": "MTChannelBasedBroker"}},
  "spec": {
    "config": {"apiVersion": "v1", "kind": "ConfigMap", "name": "config-br-default-channel", "namespace": "knative-eventing"},
    "delivery": {"retry": 10, "backoffPolicy": "exponential", "backoffDelay": "PT0.2S"}
  },
  "status": {
    "observedGeneration": 1,
    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": null}],
    "annotations": {"knative.dev/channelAddress": "http://default-kne-trigger-kn-channel.ns.svc.cluster.local"},
    "address": {"name": "http", "url": "http://broker-ingress.knative-eventing.svc.cluster.local/ns/default"},
    "addresses": [{"name": "http", "url": "http://broker-ingress.knative-eventing.svc.cluster.local/ns/default"}],
    "deadLetterSinkUri": "http://dls.ns.svc.cluster.local",
    "policies": [{"apiVersion": "eventing.knative.dev/v1alpha1", "name": "p"}]
  }
}`

const upstreamTrigger = `{
  "apiVersion": "eventing.knative.dev/v1",
  "kind": "Trigger",
  "metadata": {"name": "t", "namespace": "ns", "labels": {"eventing.knative.dev/broker": "default"}},
  "spec": {
    "broker": "default",
    "filter": {"attributes": {"type": "dev.knative.foo"}},
    "filters": [
      {"exact": {"type": "dev.knative.foo"}},
      {"any": [{"prefix": {"source": "/apis"}}, {"suffix": {"subject": ".png"}}]},
      {"not": {"cesql": "EXISTS myext"}},
      {"all": [{"exact": {"type": "a"}}]}
    ],
    "subscriber": {"ref": {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "name": "svc", "namespace": "ns"}},
    "delivery": {"retry": 3, "timeout": "PT10S", "deadLetterSink": {"uri": "http://dls.ns.svc.cluster.local"}}
  },
  "status": {
    "observedGeneration": 1,
    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": null}],
    "subscriberUri": "http://svc.ns.svc.cluster.local",
    "subscriberCACerts": "pem",
    "subscriberAudience": "aud",
    "deadLetterSinkUri": "http://dls.ns.svc.cluster.local",
    "auth": {"serviceAccountName": "oidc-sa"}
  }
}`

func TestUpstreamManifestsRoundTrip(t *testing.T) {
	roundTrip(t, "broker", upstreamBroker, &Broker{})
	roundTrip(t, "trigger", upstreamTrigger, &Trigger{})
}

type validatable interface {
	Validate(context.Context) *apis.FieldError
}

func roundTrip(t *testing.T, name, doc string, obj validatable) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		t.Fatalf("%s: decoding upstream document: %v", name, err)
	}
	if err := obj.Validate(context.Background()); err != nil {
		t.Errorf("%s: upstream document does not validate: %v", name, err)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]interface{}
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	delete(got["metadata"].(map[string]interface{}), "creationTimestamp")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: round trip (-upstream, +skiff): %s", name, diff)
	}
}
