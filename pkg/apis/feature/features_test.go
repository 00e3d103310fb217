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

package feature

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	logtesting "knative.dev/pkg/logging/testing"
)

func TestNewFlagsConfigFromMap(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		want    Flags
		wantErr bool
	}{{
		name: "empty gives defaults",
		data: map[string]string{},
		want: newDefaults(),
	}, {
		name: "case-insensitive toggles, example ignored, unknown kept",
		data: map[string]string{
			"_example":               "my-flag: enabled",
			DeliveryRetryAfter:       "ENABLED",
			DeliveryTimeout:          "disabled",
			" " + KReferenceGroup:    "Allowed",
			TransportEncryption:      "strict",
			"some-future-flag":       "whatever",
			NodeSelectorLabel + "zz": " node-a ",
		},
		want: func() Flags {
			f := newDefaults()
			f[DeliveryRetryAfter] = Enabled
			f[DeliveryTimeout] = Disabled
			f[KReferenceGroup] = Allowed
			f[TransportEncryption] = Strict
			f["some-future-flag"] = "whatever"
			f[NodeSelectorLabel+"zz"] = " node-a "
			return f
		}(),
	}, {
		name:    "typo in a known toggle is rejected",
		data:    map[string]string{DeliveryTimeout: "enbled"},
		wantErr: true,
	}, {
		name:    "permissive is only for transport-encryption",
		data:    map[string]string{CrossNamespaceEventLinks: "permissive"},
		wantErr: true,
	}, {
		name:    "bad transport-encryption value",
		data:    map[string]string{TransportEncryption: "maybe"},
		wantErr: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewFlagsConfigFromMap(tc.data)
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewFlagsConfigFromMap() error = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("flags (-want, +got):", diff)
			}
		})
	}
}

func TestFlagPredicates(t *testing.T) {
	f := Flags{
		"a":                      Enabled,
		"b":                      Allowed,
		"c":                      Disabled,
		TransportEncryption:      Permissive,
		CrossNamespaceEventLinks: Enabled,
		NodeSelectorLabel + "k":  " v ",
	}
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"IsEnabled(a)", f.IsEnabled("a"), true},
		{"IsEnabled(b)", f.IsEnabled("b"), false},
		{"IsAllowed(a)", f.IsAllowed("a"), true},
		{"IsAllowed(b)", f.IsAllowed("b"), true},
		{"IsAllowed(c)", f.IsAllowed("c"), false},
		{"IsDisabled(c)", f.IsDisabled("c"), true},
		{"IsDisabled(missing)", f.IsDisabled("missing"), false},
		{"IsPermissiveTransportEncryption", f.IsPermissiveTransportEncryption(), true},
		{"IsStrictTransportEncryption", f.IsStrictTransportEncryption(), false},
		{"IsDisabledTransportEncryption", f.IsDisabledTransportEncryption(), false},
		{"IsCrossNamespaceEventLinks", f.IsCrossNamespaceEventLinks(), true},
		{"IsOIDCAuthentication", f.IsOIDCAuthentication(), false},
		{"nil IsEnabled", Flags(nil).IsEnabled("a"), false},
		{"nil IsAllowed", Flags(nil).IsAllowed("a"), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if diff := cmp.Diff(map[string]string{"k": "v"}, f.NodeSelector()); diff != "" {
		t.Error("NodeSelector (-want, +got):", diff)
	}
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if FromContext(ctx) != nil {
		t.Error("FromContext(empty) != nil")
	}
	if !FromContextOrDefaults(ctx).IsEnabled(DeliveryTimeout) {
		t.Error("defaults should enable delivery-timeout")
	}
	if FromContextOrDefaults(ctx).IsEnabled(DeliveryRetryAfter) {
		t.Error("defaults should not enable delivery-retryafter")
	}

	ctx = ToContext(ctx, Flags{KReferenceGroup: Enabled})
	if !FromContext(ctx).IsEnabled(KReferenceGroup) {
		t.Error("FromContext lost the flags")
	}
	// KReference.Validate only accepts Group when knative.dev/pkg's own
	// context marker is set, so this checks the mirroring.
	ref := &duckv1.KReference{Kind: "Broker", Group: "eventing.knative.dev", Name: "b"}
	if err := ref.Validate(ctx); err != nil {
		t.Error("kreference-group enabled but Group rejected:", err)
	}
	if err := ref.Validate(ToContext(context.Background(), Flags{})); err == nil {
		t.Error("kreference-group not enabled but Group accepted")
	}
}

func TestStore(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	if !store.Load().IsEnabled(DeliveryTimeout) {
		t.Error("empty store should return defaults")
	}
	store.OnConfigChanged(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: FlagsConfigName},
		Data:       map[string]string{DeliveryRetryAfter: "enabled", DeliveryTimeout: "allowed"},
	})
	if !store.IsEnabled(DeliveryRetryAfter) {
		t.Error("store did not pick up delivery-retryafter")
	}
	if store.IsEnabled(DeliveryTimeout) || !store.IsAllowed(DeliveryTimeout) {
		t.Error("delivery-timeout should be allowed but not enabled")
	}
	if !FromContext(store.ToContext(context.Background())).IsEnabled(DeliveryRetryAfter) {
		t.Error("Store.ToContext did not attach the flags")
	}
}
