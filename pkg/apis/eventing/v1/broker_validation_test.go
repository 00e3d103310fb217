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
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing/config"
)

func validBroker() *Broker {
	return &Broker{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "b",
			Namespace:   "ns",
			Annotations: map[string]string{BrokerClassAnnotationKey: "MTChannelBasedBroker"},
		},
		Spec: BrokerSpec{Config: cmRef("config-br-default-channel", "knative-eventing")},
	}
}

func TestBrokerValidation(t *testing.T) {
	disallowCluster := config.ToContext(context.Background(), &config.Config{Defaults: &config.Defaults{
		ClusterDefaultConfig: &config.DefaultConfig{DefaultBrokerClass: "X", DisallowDifferentNamespaceConfig: ptr.Bool(true)},
	}})
	disallowNamespace := config.ToContext(context.Background(), &config.Config{Defaults: &config.Defaults{
		NamespaceDefaultsConfig: map[string]*config.DefaultConfig{"ns": {DisallowDifferentNamespaceConfig: ptr.Bool(true)}},
	}})

	tests := []struct {
		name   string
		ctx    context.Context
		mutate func(*Broker)
		want   string
	}{{
		name:   "valid",
		mutate: func(*Broker) {},
	}, {
		name:   "valid without config",
		mutate: func(b *Broker) { b.Spec.Config = nil },
	}, {
		name:   "missing class annotation",
		mutate: func(b *Broker) { b.Annotations = nil },
		want:   "missing field(s): metadata.annotations[eventing.knative.dev/broker.class]",
	}, {
		name:   "empty class annotation",
		mutate: func(b *Broker) { b.Annotations[BrokerClassAnnotationKey] = "" },
		want:   "missing field(s): metadata.annotations[eventing.knative.dev/broker.class]",
	}, {
		name:   "config without name and kind",
		mutate: func(b *Broker) { b.Spec.Config = &duckv1.KReference{APIVersion: "v1", Namespace: "ns"} },
		want:   "missing field(s): spec.config.kind, spec.config.name",
	}, {
		name: "delivery errors carry the spec.delivery path",
		mutate: func(b *Broker) {
			b.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(-1), BackoffDelay: ptr.String("5s")}
		},
		want: apis.ErrInvalidValue(int32(-1), "spec.delivery.retry").Also(apis.ErrInvalidValue("5s", "spec.delivery.backoffDelay")).Error(),
	}, {
		name: "dead letter sink needs a ref or uri",
		mutate: func(b *Broker) {
			b.Spec.Delivery = &eventingduckv1.DeliverySpec{DeadLetterSink: &duckv1.Destination{}}
		},
		want: "expected at least one, got none: spec.delivery.deadLetterSink.ref, spec.delivery.deadLetterSink.uri",
	}, {
		name:   "config in another namespace is allowed by default",
		mutate: func(b *Broker) { b.Spec.Config = cmRef("cm", "elsewhere") },
	}, {
		name:   "config in another namespace rejected when the cluster disallows it",
		ctx:    disallowCluster,
		mutate: func(b *Broker) { b.Spec.Config = cmRef("cm", "elsewhere") },
		want:   `mismatched namespaces: spec.config.namespace` + "\n" + `parent namespace: "ns" does not match ref: "elsewhere"`,
	}, {
		name:   "config in another namespace rejected when the namespace disallows it",
		ctx:    disallowNamespace,
		mutate: func(b *Broker) { b.Spec.Config = cmRef("cm", "elsewhere") },
		want:   `mismatched namespaces: spec.config.namespace` + "\n" + `parent namespace: "ns" does not match ref: "elsewhere"`,
	}, {
		name:   "config in the same namespace is fine when disallowed",
		ctx:    disallowCluster,
		mutate: func(b *Broker) { b.Spec.Config = cmRef("cm", "ns") },
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			b := validBroker()
			tc.mutate(b)
			got := b.Validate(ctx)
			if diff := cmp.Diff(tc.want, got.Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestBrokerImmutableFields(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*Broker)
		wantPaths []string
	}{{
		name:   "no change",
		mutate: func(*Broker) {},
	}, {
		name: "delivery may change",
		mutate: func(b *Broker) {
			b.Spec.Delivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(3)}
		},
	}, {
		name:      "class annotation may not change",
		mutate:    func(b *Broker) { b.Annotations[BrokerClassAnnotationKey] = "OtherClass" },
		wantPaths: []string{"metadata.annotations[eventing.knative.dev/broker.class]"},
	}, {
		name:      "class annotation may not be removed",
		mutate:    func(b *Broker) { delete(b.Annotations, BrokerClassAnnotationKey) },
		wantPaths: []string{"metadata.annotations[eventing.knative.dev/broker.class]"},
	}, {
		name:      "config may not change",
		mutate:    func(b *Broker) { b.Spec.Config = cmRef("other", "knative-eventing") },
		wantPaths: []string{"spec"},
	}, {
		name: "other annotations may change",
		mutate: func(b *Broker) {
			b.Annotations["something"] = "else"
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			original := validBroker()
			updated := validBroker()
			tc.mutate(updated)
			ctx := apis.WithinUpdate(context.Background(), original)
			got := updated.Validate(ctx)
			var paths []string
			if got != nil {
				// An annotation removal also trips the "class required" check;
				// only the immutability paths matter here.
				for _, e := range got.WrappedErrors() {
					if e.Message == "Immutable fields changed (-old +new)" || e.Message == "Immutable annotations changed (-old +new)" {
						paths = append(paths, e.Paths...)
					}
				}
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("immutability paths (-want, +got): %s\nfull error: %v", diff, got)
			}
		})
	}
	if err := validBroker().CheckImmutableFields(context.Background(), nil); err != nil {
		t.Error("CheckImmutableFields(nil original) =", err)
	}
}
