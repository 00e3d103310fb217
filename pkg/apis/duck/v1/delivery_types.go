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

	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/duck/period"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

// DeliverySpec contains the delivery options for event senders,
// such as channelable and source.
type DeliverySpec struct {
	// DeadLetterSink is the sink receiving event that could not be sent to
	// a destination.
	// +optional
	DeadLetterSink *duckv1.Destination `json:"deadLetterSink,omitempty"`

	// Retry is the minimum number of retries the sender should attempt when
	// sending an event before moving it to the dead letter sink.
	// +optional
	Retry *int32 `json:"retry,omitempty"`

	// Timeout is the timeout of each single request, an ISO-8601 duration
	// greater than zero.
	// +optional
	Timeout *string `json:"timeout,omitempty"`

	// BackoffPolicy is the retry backoff policy (linear, exponential).
	// +optional
	BackoffPolicy *BackoffPolicyType `json:"backoffPolicy,omitempty"`

	// BackoffDelay is the delay before retrying, an ISO-8601 duration.
	// For linear policy, backoff delay is backoffDelay*<numberOfRetries>.
	// For exponential policy, backoff delay is backoffDelay*2^<numberOfRetries>.
	// +optional
	BackoffDelay *string `json:"backoffDelay,omitempty"`

	// RetryAfterMax provides an optional upper bound on the duration specified
	// in a "Retry-After" header when calculating backoff times for retrying
	// 429 and 503 response codes. "PT0S" opts out of respecting "Retry-After".
	// Only accepted when the delivery-retryafter feature is enabled.
	// +optional
	RetryAfterMax *string `json:"retryAfterMax,omitempty"`

	// Format specifies the desired event format for the cloud event:
	// "json" (structured mode) or "binary". Unset means no preference.
	// +optional
	Format *FormatType `json:"format,omitempty"`
}

// Validate checks the DeliverySpec. Feature flags come from ctx, falling back
// to the defaults (timeout allowed, retryAfterMax not) when none are attached.
func (ds *DeliverySpec) Validate(ctx context.Context) *apis.FieldError {
	if ds == nil {
		return nil
	}
	flags := feature.FromContextOrDefaults(ctx)
	var errs *apis.FieldError
	if dlse := ds.DeadLetterSink.Validate(ctx); dlse != nil {
		errs = errs.Also(dlse.ViaField("deadLetterSink"))
	}

	if ds.Retry != nil && *ds.Retry < 0 {
		errs = errs.Also(apis.ErrInvalidValue(*ds.Retry, "retry"))
	}

	if ds.Timeout != nil {
		if flags.IsEnabled(feature.DeliveryTimeout) {
			t, err := period.Parse(*ds.Timeout)
			if err != nil || t.IsZero() || t.IsNegative() {
				errs = errs.Also(apis.ErrInvalidValue(*ds.Timeout, "timeout"))
			}
		} else {
			errs = errs.Also(apis.ErrDisallowedFields("timeout"))
		}
	}

	if ds.BackoffPolicy != nil {
		switch *ds.BackoffPolicy {
		case BackoffPolicyExponential, BackoffPolicyLinear:
		default:
			errs = errs.Also(apis.ErrInvalidValue(*ds.BackoffPolicy, "backoffPolicy"))
		}
	}

	if ds.BackoffDelay != nil {
		if p, err := period.Parse(*ds.BackoffDelay); err != nil || p.IsNegative() {
			errs = errs.Also(apis.ErrInvalidValue(*ds.BackoffDelay, "backoffDelay"))
		}
	}

	if ds.Format != nil {
		switch *ds.Format {
		case DeliveryFormatBinary, DeliveryFormatJson:
		default:
			errs = errs.Also(apis.ErrInvalidValue(*ds.Format, "format"))
		}
	}

	if ds.RetryAfterMax != nil {
		if flags.IsEnabled(feature.DeliveryRetryAfter) {
			if p, err := period.Parse(*ds.RetryAfterMax); err != nil || p.IsNegative() {
				errs = errs.Also(apis.ErrInvalidValue(*ds.RetryAfterMax, "retryAfterMax"))
			}
		} else {
			errs = errs.Also(apis.ErrDisallowedFields("retryAfterMax"))
		}
	}
	return errs
}

// BackoffPolicyType is the type for backoff policies.
type BackoffPolicyType string

const (
	// BackoffPolicyLinear waits backoffDelay*<attempt> between retries.
	BackoffPolicyLinear BackoffPolicyType = "linear"

	// BackoffPolicyExponential waits backoffDelay*2^<attempt> between retries.
	BackoffPolicyExponential BackoffPolicyType = "exponential"
)

// FormatType is the type for delivery format.
type FormatType string

const (
	// DeliveryFormatJson asks for structured mode.
	DeliveryFormatJson FormatType = "json"
	// DeliveryFormatBinary asks for binary mode.
	DeliveryFormatBinary FormatType = "binary"
)

// DeliveryStatus contains the Status of an object supporting delivery
// options. This type is intended to be embedded into a status struct.
type DeliveryStatus struct {
	// DeadLetterSinkURI is the resolved URI of the dead letter sink.
	// +optional
	DeadLetterSinkURI *apis.URL `json:"deadLetterSinkUri,omitempty"`
	// DeadLetterSinkCACerts are Certification Authority (CA) certificates in
	// PEM format according to https://www.rfc-editor.org/rfc/rfc7468.
	// +optional
	DeadLetterSinkCACerts *string `json:"deadLetterSinkCACerts,omitempty"`
	// DeadLetterSinkAudience is the OIDC audience of the DeadLetterSink.
	// Kept for compatibility; Skiff does not use OIDC.
	// +optional
	DeadLetterSinkAudience *string `json:"deadLetterSinkAudience,omitempty"`
}

// IsSet reports whether a dead letter sink has been resolved.
func (ds *DeliveryStatus) IsSet() bool {
	return ds.DeadLetterSinkURI != nil
}

// NewDeliveryStatusFromAddressable builds a DeliveryStatus from a resolved
// dead letter sink address.
func NewDeliveryStatusFromAddressable(addr *duckv1.Addressable) DeliveryStatus {
	return DeliveryStatus{
		DeadLetterSinkURI:      addr.URL,
		DeadLetterSinkCACerts:  addr.CACerts,
		DeadLetterSinkAudience: addr.Audience,
	}
}

// NewDestinationFromDeliveryStatus turns a resolved DeliveryStatus back into
// a URI Destination.
func NewDestinationFromDeliveryStatus(status DeliveryStatus) duckv1.Destination {
	return duckv1.Destination{
		URI:      status.DeadLetterSinkURI,
		CACerts:  status.DeadLetterSinkCACerts,
		Audience: status.DeadLetterSinkAudience,
	}
}
