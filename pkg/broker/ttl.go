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

// Package broker holds what the broker ingress and filter share: the TTL
// extension, the error-extension body the filter returns, and metric tags.
package broker

import (
	"context"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cetypes "github.com/cloudevents/sdk-go/v2/types"
	"go.uber.org/zap"
)

const (
	// TTLAttribute is the CloudEvents extension that counts how many more
	// times an event may pass through a Broker, so reply loops end.
	TTLAttribute = "knativebrokerttl"

	// DefaultTTL is what the ingress sets on an event without a TTL.
	DefaultTTL int32 = 255
)

// GetTTL reads the TTL extension.
func GetTTL(ctx cloudevents.EventContext) (int32, error) {
	ttl, err := ctx.GetExtension(TTLAttribute)
	if err != nil {
		return 0, err
	}
	return cetypes.ToInteger(ttl)
}

// SetTTL sets the TTL extension; ttl should be positive.
func SetTTL(ctx cloudevents.EventContext, ttl int32) error {
	return ctx.SetExtension(TTLAttribute, ttl)
}

// DeleteTTL removes the TTL extension.
func DeleteTTL(ctx cloudevents.EventContext) error {
	return ctx.SetExtension(TTLAttribute, nil)
}

// EventDefaulter changes an event before it is sent on (sdk-go's
// client.EventDefaulter shape).
type EventDefaulter func(ctx context.Context, event cloudevents.Event) cloudevents.Event

// TTLDefaulter manages the TTL as upstream: a missing or unreadable TTL
// becomes defaultTTL; otherwise it is decremented, never below 0.
func TTLDefaulter(logger *zap.Logger, defaultTTL int32) EventDefaulter {
	return func(_ context.Context, event cloudevents.Event) cloudevents.Event {
		var ttl int32
		if raw, err := event.Context.GetExtension(TTLAttribute); err != nil {
			ttl = defaultTTL
		} else if ttl, err = cetypes.ToInteger(raw); err != nil {
			logger.Warn("Failed to convert existing TTL into integer, defaulting.",
				zap.String("event.id", event.ID()), zap.Any(TTLAttribute, raw), zap.Error(err))
			ttl = defaultTTL
		} else {
			ttl--
			if ttl < 0 {
				ttl = 0
			}
		}
		if err := SetTTL(event.Context, ttl); err != nil {
			logger.Error("Failed to set TTL on outbound event.",
				zap.String("event.id", event.ID()), zap.Int32(TTLAttribute, ttl), zap.Error(err))
		}
		return event
	}
}
