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

	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/api/equality"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmp"
)

// Validate checks the Subscription and, on update, that spec.channel did
// not change. As upstream, the parent is not put in ctx, so subscriber and
// reply refs may name other namespaces.
func (s *Subscription) Validate(ctx context.Context) *apis.FieldError {
	errs := s.Spec.Validate(ctx).ViaField("spec")
	if apis.IsInUpdate(ctx) {
		original := apis.GetBaseline(ctx).(*Subscription)
		errs = errs.Also(s.CheckImmutableFields(ctx, original))
	}
	return errs
}

// Validate requires a channel and a subscriber, and checks reply and delivery.
func (ss *SubscriptionSpec) Validate(ctx context.Context) *apis.FieldError {
	if isChannelEmpty(ss.Channel) {
		fe := apis.ErrMissingField("channel")
		fe.Details = "the Subscription must reference a channel"
		return fe
	}
	var errs *apis.FieldError
	errs = errs.Also(isValidChannel(ctx, ss.Channel).ViaField("channel"))

	if isDestinationNilOrEmpty(ss.Subscriber) {
		fe := apis.ErrMissingField("subscriber")
		fe.Details = "the Subscription must reference a subscriber"
		errs = errs.Also(fe)
	} else {
		errs = errs.Also(ss.Subscriber.Validate(ctx).ViaField("subscriber"))
	}

	if !isDestinationNilOrEmpty(ss.Reply) {
		errs = errs.Also(ss.Reply.Validate(ctx).ViaField("reply"))
	}

	errs = errs.Also(ss.Delivery.Validate(ctx).ViaField("delivery"))
	return errs
}

func isDestinationNilOrEmpty(d *duckv1.Destination) bool {
	return d == nil || equality.Semantic.DeepEqual(d, &duckv1.Destination{})
}

// CheckImmutableFields rejects changes to anything but subscriber, reply
// and delivery.
func (s *Subscription) CheckImmutableFields(_ context.Context, original *Subscription) *apis.FieldError {
	if original == nil {
		return nil
	}

	ignoreArguments := cmpopts.IgnoreFields(SubscriptionSpec{}, "Subscriber", "Reply", "Delivery")
	if diff, err := kmp.ShortDiff(original.Spec, s.Spec, ignoreArguments); err != nil {
		return &apis.FieldError{
			Message: "Failed to diff Subscription",
			Paths:   []string{"spec"},
			Details: err.Error(),
		}
	} else if diff != "" {
		return &apis.FieldError{
			Message: "Immutable fields changed (-old +new)",
			Paths:   []string{"spec"},
			Details: diff,
		}
	}
	return nil
}
