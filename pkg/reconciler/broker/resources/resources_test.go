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
package resources

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/ptr"
	_ "knative.dev/pkg/system/testing" // system.Namespace() = knative-testing

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

func TestMakeTriggerChannel(t *testing.T) {
	b := &eventingv1.Broker{
		ObjectMeta: metav1.ObjectMeta{
			Name: "default", Namespace: "ns", UID: "uid",
			Annotations: map[string]string{
				"messaging.knative.dev/async-handler": "true", // passed through
				"eventing.knative.dev/broker.class":   "MTChannelBasedBroker",
			},
		},
		Spec: eventingv1.BrokerSpec{Delivery: &eventingduckv1.DeliverySpec{Retry: ptr.Int32(2)}},
	}
	template := messagingv1.ChannelTemplateSpec{
		TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "KafkaChannel"},
		Spec:     &runtime.RawExtension{Raw: []byte(`{"numPartitions":3}`)},
	}
	u, err := MakeTriggerChannel(b, template)
	if err != nil {
		t.Fatal("MakeTriggerChannel:", err)
	}
	if u.GetKind() != "KafkaChannel" || u.GetName() != "default-kne-trigger" || u.GetNamespace() != "ns" {
		t.Errorf("channel = %s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
	}
	wantSpec := map[string]interface{}{
		"delivery":      map[string]interface{}{"retry": int64(2)},
		"numPartitions": int64(3),
	}
	if diff := cmp.Diff(wantSpec, u.Object["spec"]); diff != "" {
		t.Error("spec (-want, +got):", diff)
	}
	wantAnnotations := map[string]string{"eventing.knative.dev/scope": "cluster", "messaging.knative.dev/async-handler": "true"}
	if diff := cmp.Diff(wantAnnotations, u.GetAnnotations()); diff != "" {
		t.Error("annotations (-want, +got):", diff)
	}
	if refs := u.GetOwnerReferences(); len(refs) != 1 || refs[0].UID != types.UID("uid") || refs[0].Kind != "Broker" {
		t.Errorf("owner references = %+v", refs)
	}
}

func TestSubscriptionNaming(t *testing.T) {
	tr := &eventingv1.Trigger{
		ObjectMeta: metav1.ObjectMeta{Name: "hello-go", Namespace: "knative-samples", UID: "b0532795-1042-4459-898f-d63afea8307d"},
		Spec:       eventingv1.TriggerSpec{Broker: "default"},
	}
	if got, want := SubscriptionName(tr), "default-hello-go-b0532795-1042-4459-898f-d63afea8307d"; got != want {
		t.Errorf("SubscriptionName = %q, want %q", got, want)
	}
	if got, want := FilterSubscriberURI(tr).String(), "http://broker-filter.knative-testing.svc.cluster.local/triggers/knative-samples/hello-go/b0532795-1042-4459-898f-d63afea8307d"; got != want {
		t.Errorf("FilterSubscriberURI = %q, want %q", got, want)
	}
	tr.Name = strings.Repeat("t", 60)
	if got := SubscriptionName(tr); len(got) > 63 {
		t.Errorf("SubscriptionName of a long trigger = %q (%d chars)", got, len(got))
	}
}
