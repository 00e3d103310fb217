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
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/feature"
)

func TestDeliverySpecValidation(t *testing.T) {
	linear := BackoffPolicyLinear
	bogusPolicy := BackoffPolicyType("bogus")
	json := DeliveryFormatJson
	bogusFormat := FormatType("yaml")
	retryAfterOn := feature.ToContext(context.Background(), feature.Flags{
		feature.DeliveryRetryAfter: feature.Enabled,
		feature.DeliveryTimeout:    feature.Enabled,
	})
	timeoutOff := feature.ToContext(context.Background(), feature.Flags{
		feature.DeliveryTimeout: feature.Disabled,
	})

	tests := []struct {
		name string
		ctx  context.Context
		spec *DeliverySpec
		want *apis.FieldError
	}{{
		name: "nil is valid",
		spec: nil,
	}, {
		name: "empty is valid",
		spec: &DeliverySpec{},
	}, {
		name: "everything valid",
		ctx:  retryAfterOn,
		spec: &DeliverySpec{
			DeadLetterSink: &duckv1.Destination{URI: apis.HTTP("dls.example.com")},
			Retry:          ptr.Int32(3),
			Timeout:        ptr.String("PT10S"),
			BackoffPolicy:  &linear,
			BackoffDelay:   ptr.String("PT0.2S"),
			RetryAfterMax:  ptr.String("PT0S"),
			Format:         &json,
		},
	}, {
		name: "dead letter sink without ref or uri",
		spec: &DeliverySpec{DeadLetterSink: &duckv1.Destination{}},
		want: apis.ErrGeneric("expected at least one, got none", "deadLetterSink.ref", "deadLetterSink.uri"),
	}, {
		name: "dead letter sink ref missing name",
		spec: &DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{Kind: "Service", APIVersion: "v1"}}},
		want: apis.ErrMissingField("deadLetterSink.ref.name"),
	}, {
		name: "negative retry",
		spec: &DeliverySpec{Retry: ptr.Int32(-1)},
		want: apis.ErrInvalidValue(int32(-1), "retry"),
	}, {
		name: "zero retry is fine",
		spec: &DeliverySpec{Retry: ptr.Int32(0)},
	}, {
		name: "timeout not ISO-8601",
		spec: &DeliverySpec{Timeout: ptr.String("10s")},
		want: apis.ErrInvalidValue("10s", "timeout"),
	}, {
		name: "zero timeout",
		spec: &DeliverySpec{Timeout: ptr.String("PT0S")},
		want: apis.ErrInvalidValue("PT0S", "timeout"),
	}, {
		name: "negative timeout",
		spec: &DeliverySpec{Timeout: ptr.String("-PT1S")},
		want: apis.ErrInvalidValue("-PT1S", "timeout"),
	}, {
		name: "timeout with the feature disabled",
		ctx:  timeoutOff,
		spec: &DeliverySpec{Timeout: ptr.String("PT1S")},
		want: apis.ErrDisallowedFields("timeout"),
	}, {
		name: "bad backoff policy",
		spec: &DeliverySpec{BackoffPolicy: &bogusPolicy},
		want: apis.ErrInvalidValue(bogusPolicy, "backoffPolicy"),
	}, {
		name: "backoff delay not ISO-8601",
		spec: &DeliverySpec{BackoffDelay: ptr.String("2s")},
		want: apis.ErrInvalidValue("2s", "backoffDelay"),
	}, {
		name: "negative backoff delay",
		spec: &DeliverySpec{BackoffDelay: ptr.String("-PT2S")},
		want: apis.ErrInvalidValue("-PT2S", "backoffDelay"),
	}, {
		name: "bad format",
		spec: &DeliverySpec{Format: &bogusFormat},
		want: apis.ErrInvalidValue(bogusFormat, "format"),
	}, {
		name: "retryAfterMax with the feature disabled (default)",
		spec: &DeliverySpec{RetryAfterMax: ptr.String("PT1S")},
		want: apis.ErrDisallowedFields("retryAfterMax"),
	}, {
		name: "retryAfterMax malformed",
		ctx:  retryAfterOn,
		spec: &DeliverySpec{RetryAfterMax: ptr.String("1 second")},
		want: apis.ErrInvalidValue("1 second", "retryAfterMax"),
	}, {
		name: "several errors at once",
		spec: &DeliverySpec{Retry: ptr.Int32(-2), BackoffDelay: ptr.String("x")},
		want: apis.ErrInvalidValue(int32(-2), "retry").Also(apis.ErrInvalidValue("x", "backoffDelay")),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := tc.spec.Validate(ctx)
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want, +got):", diff)
			}
		})
	}
}

func TestDeliverySpecSetDefaults(t *testing.T) {
	ctx := apis.WithinParent(context.Background(), metaWithNamespace("ns"))
	tests := []struct {
		name string
		in   *DeliverySpec
		want *DeliverySpec
	}{{
		name: "nil stays nil",
	}, {
		name: "no dead letter sink",
		in:   &DeliverySpec{Retry: ptr.Int32(1)},
		want: &DeliverySpec{Retry: ptr.Int32(1)},
	}, {
		name: "dead letter sink ref gets the parent namespace",
		in:   &DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{Kind: "Service", Name: "dls", APIVersion: "v1"}}},
		want: &DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{Kind: "Service", Name: "dls", APIVersion: "v1", Namespace: "ns"}}},
	}, {
		name: "explicit namespace is kept",
		in:   &DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{Kind: "Service", Name: "dls", APIVersion: "v1", Namespace: "other"}}},
		want: &DeliverySpec{DeadLetterSink: &duckv1.Destination{Ref: &duckv1.KReference{Kind: "Service", Name: "dls", APIVersion: "v1", Namespace: "other"}}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.SetDefaults(ctx)
			if diff := cmp.Diff(tc.want, tc.in); diff != "" {
				t.Error("SetDefaults (-want, +got):", diff)
			}
		})
	}
}

func TestDeliveryStatusHelpers(t *testing.T) {
	addr := &duckv1.Addressable{URL: apis.HTTP("dls.ns.svc.cluster.local"), CACerts: ptr.String("pem"), Audience: ptr.String("aud")}
	ds := NewDeliveryStatusFromAddressable(addr)
	if !ds.IsSet() {
		t.Error("IsSet() = false for a resolved sink")
	}
	want := duckv1.Destination{URI: addr.URL, CACerts: addr.CACerts, Audience: addr.Audience}
	if diff := cmp.Diff(want, NewDestinationFromDeliveryStatus(ds)); diff != "" {
		t.Error("NewDestinationFromDeliveryStatus (-want, +got):", diff)
	}
	if (&DeliveryStatus{}).IsSet() {
		t.Error("IsSet() = true for an empty status")
	}
}

func TestConversionIsRejected(t *testing.T) {
	ctx := context.Background()
	convertibles := []apis.Convertible{
		&DeliverySpec{}, &DeliveryStatus{}, &Subscribable{}, &SubscribableSpec{},
		&SubscribableStatus{}, &SubscriberSpec{}, &SubscriberStatus{},
	}
	for _, c := range convertibles {
		if err := c.ConvertTo(ctx, &DeliverySpec{}); err == nil {
			t.Errorf("%T.ConvertTo() = nil, want error", c)
		}
		if err := c.ConvertFrom(ctx, &DeliverySpec{}); err == nil {
			t.Errorf("%T.ConvertFrom() = nil, want error", c)
		}
	}
}
