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
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	"github.com/skiffhq/skiff/pkg/apis/eventing/config"
)

func cmRef(name, ns string) *duckv1.KReference {
	return &duckv1.KReference{APIVersion: "v1", Kind: "ConfigMap", Name: name, Namespace: ns}
}

func TestBrokerSetDefaults(t *testing.T) {
	exponential := eventingduckv1.BackoffPolicyExponential
	linear := eventingduckv1.BackoffPolicyLinear
	clusterDelivery := &eventingduckv1.DeliverySpec{
		Retry:         ptr.Int32(10),
		BackoffPolicy: &exponential,
		BackoffDelay:  ptr.String("PT0.2S"),
		Timeout:       ptr.String("PT5S"),
	}
	nsDelivery := &eventingduckv1.DeliverySpec{
		Retry:          ptr.Int32(5),
		BackoffPolicy:  &linear,
		DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls"}},
	}
	cfg := &config.Config{Defaults: &config.Defaults{
		ClusterDefaultConfig: &config.DefaultConfig{
			DefaultBrokerClass: eventing.MTChannelBrokerClassValue,
			BrokerConfig:       &config.BrokerConfig{KReference: cmRef("cluster-cm", "knative-eventing"), Delivery: clusterDelivery},
			BrokerClasses: map[string]*config.BrokerConfig{
				"OtherClass": {KReference: cmRef("other-class-cm", "knative-eventing")},
			},
		},
		NamespaceDefaultsConfig: map[string]*config.DefaultConfig{
			"mynamespace": {
				DefaultBrokerClass: "NsClass",
				BrokerConfig:       &config.BrokerConfig{KReference: &duckv1.KReference{APIVersion: "v1", Kind: "ConfigMap", Name: "ns-cm"}, Delivery: nsDelivery},
			},
		},
	}}
	withConfig := config.ToContext(context.Background(), cfg)

	tests := []struct {
		name    string
		ctx     context.Context
		initial Broker
		want    Broker
	}{{
		name:    "built-in defaults: MTChannelBasedBroker backed by config-br-default-channel",
		ctx:     context.Background(),
		initial: Broker{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns"}},
		want: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns", Annotations: map[string]string{BrokerClassAnnotationKey: "MTChannelBasedBroker"}},
			Spec:       BrokerSpec{Config: cmRef("config-br-default-channel", "knative-eventing")},
		},
	}, {
		name:    "cluster default config and delivery",
		ctx:     withConfig,
		initial: Broker{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns"}},
		want: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns", Annotations: map[string]string{BrokerClassAnnotationKey: "MTChannelBasedBroker"}},
			Spec:       BrokerSpec{Config: cmRef("cluster-cm", "knative-eventing"), Delivery: clusterDelivery},
		},
	}, {
		name:    "namespace override: class, config namespace and DLS namespace defaulted",
		ctx:     withConfig,
		initial: Broker{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "mynamespace"}},
		want: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "mynamespace", Annotations: map[string]string{BrokerClassAnnotationKey: "NsClass"}},
			Spec: BrokerSpec{
				Config: cmRef("ns-cm", "mynamespace"),
				Delivery: &eventingduckv1.DeliverySpec{
					Retry:          ptr.Int32(5),
					BackoffPolicy:  &linear,
					DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: "mynamespace"}},
				},
			},
		},
	}, {
		name: "given class picks that class's config, keeps the class",
		ctx:  withConfig,
		initial: Broker{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns",
			Annotations: map[string]string{BrokerClassAnnotationKey: "OtherClass"}}},
		want: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns", Annotations: map[string]string{BrokerClassAnnotationKey: "OtherClass"}},
			Spec:       BrokerSpec{Config: cmRef("other-class-cm", "knative-eventing")},
		},
	}, {
		name: "given config and delivery are kept; config namespace defaulted",
		ctx:  withConfig,
		initial: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns"},
			Spec: BrokerSpec{
				Config:   &duckv1.KReference{APIVersion: "v1", Kind: "ConfigMap", Name: "mine"},
				Delivery: &eventingduckv1.DeliverySpec{Retry: ptr.Int32(1)},
			},
		},
		want: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns", Annotations: map[string]string{BrokerClassAnnotationKey: "MTChannelBasedBroker"}},
			Spec: BrokerSpec{
				Config:   cmRef("mine", "ns"),
				Delivery: &eventingduckv1.DeliverySpec{Retry: ptr.Int32(1)},
			},
		},
	}, {
		name: "nothing configured: broker left alone",
		ctx:  config.ToContext(context.Background(), &config.Config{Defaults: &config.Defaults{}}),
		initial: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns"},
		},
		want: Broker{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.initial.DeepCopy()
			got.SetDefaults(tc.ctx)
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
		})
	}

	// Defaulting copies from the config; it must never write into it.
	if nsDelivery.DeadLetterSink.Ref.Namespace != "" {
		t.Errorf("config's DLS was mutated to namespace %q", nsDelivery.DeadLetterSink.Ref.Namespace)
	}
	if cfg.Defaults.NamespaceDefaultsConfig["mynamespace"].BrokerConfig.KReference.Namespace != "" {
		t.Error("config's KReference was mutated")
	}
}
