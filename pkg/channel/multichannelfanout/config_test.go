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
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

func TestChannelConfigFromInMemoryChannel(t *testing.T) {
	linear := eventingduckv1.BackoffPolicyLinear
	imc := &messagingv1.InMemoryChannel{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "default-kne-trigger"}}
	imc.Status.Address = &duckv1.Addressable{URL: apis.HTTP("default-kne-trigger-kn-channel.ns.svc.cluster.local")}
	imc.Spec.Subscribers = []eventingduckv1.SubscriberSpec{{
		UID:           "uid-1",
		Name:          ptr.String("sub-1"),
		SubscriberURI: apis.HTTP("broker-filter.knative-eventing.svc.cluster.local"),
		ReplyURI:      apis.HTTP("broker-ingress.knative-eventing.svc.cluster.local"),
		Delivery: &eventingduckv1.DeliverySpec{
			DeadLetterSink: &duckv1.Destination{URI: apis.HTTP("dls.ns.svc.cluster.local")},
			Retry:          ptr.Int32(3),
			BackoffPolicy:  &linear,
			BackoffDelay:   ptr.String("PT0.5S"),
		},
	}, {
		UID:           "uid-2",
		SubscriberURI: apis.HTTP("other.ns.svc.cluster.local"),
	}}
	cfg, err := ChannelConfigFromInMemoryChannel(imc)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HostName != "default-kne-trigger-kn-channel.ns.svc.cluster.local" || cfg.Path != "ns/default-kne-trigger" ||
		cfg.Namespace != "ns" || cfg.Name != "default-kne-trigger" {
		t.Errorf("config = %+v", cfg)
	}
	subs := cfg.FanoutConfig.Subscriptions
	if len(subs) != 2 {
		t.Fatalf("got %d subscriptions", len(subs))
	}
	s := subs[0]
	if s.Key() != "uid-1" || s.Name != "sub-1" || s.Namespace != "ns" ||
		s.Reply == nil || s.Reply.URL.Host != "broker-ingress.knative-eventing.svc.cluster.local" ||
		s.DeadLetter == nil || s.DeadLetter.URL.Host != "dls.ns.svc.cluster.local" ||
		s.RetryConfig == nil || s.RetryConfig.RetryMax != 3 || s.RetryConfig.Backoff(2, nil).String() != "1s" {
		t.Errorf("first subscription = %+v", s)
	}
	if subs[1].RetryConfig != nil || subs[1].DeadLetter != nil || subs[1].Reply != nil {
		t.Errorf("second subscription has a policy it was not given: %+v", subs[1])
	}

	imc.Status.Address = nil
	if _, err := ChannelConfigFromInMemoryChannel(imc); err == nil {
		t.Error("an IMC without address produced a config")
	}
	imc.Status.Address = &duckv1.Addressable{URL: apis.HTTP("h")}
	imc.Spec.Subscribers[0].Delivery.BackoffDelay = ptr.String("soon")
	if _, err := ChannelConfigFromInMemoryChannel(imc); err == nil {
		t.Error("a bad backoffDelay produced a config")
	}
}
