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
	"fmt"

	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmp"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
)

// EventingControllerSAName is the only user allowed to change an
// InMemoryChannel's spec.subscribers: the Subscription reconciler owns them.
const EventingControllerSAName = "system:serviceaccount:knative-eventing:eventing-controller"

// Validate checks the InMemoryChannel, its scope annotation and, on update,
// who changed the subscribers.
func (imc *InMemoryChannel) Validate(ctx context.Context) *apis.FieldError {
	errs := imc.Spec.Validate(ctx).ViaField("spec")

	if scope, ok := imc.Annotations[eventing.ScopeAnnotationKey]; ok {
		if scope != eventing.ScopeNamespace && scope != eventing.ScopeCluster {
			iv := apis.ErrInvalidValue(scope, apis.CurrentField)
			iv.Details = "expected either 'cluster' or 'namespace'"
			errs = errs.Also(viaAnnotation(iv, eventing.ScopeAnnotationKey))
		}
	}

	if apis.IsInUpdate(ctx) {
		original := apis.GetBaseline(ctx).(*InMemoryChannel)
		errs = errs.Also(imc.CheckSubscribersChangeAllowed(ctx, original))
	}
	return errs
}

// Validate checks that each subscriber has somewhere to send events and a
// valid delivery spec.
func (imcs *InMemoryChannelSpec) Validate(ctx context.Context) *apis.FieldError {
	var errs *apis.FieldError
	for i, subscriber := range imcs.SubscribableSpec.Subscribers {
		if subscriber.ReplyURI == nil && subscriber.SubscriberURI == nil {
			fe := apis.ErrMissingField("replyUri", "subscriberUri")
			fe.Details = "expected at least one of, got none"
			errs = errs.Also(fe.ViaIndex(i).ViaField("subscribers"))
		}
		errs = errs.Also(subscriber.Delivery.Validate(ctx).ViaField("delivery").ViaIndex(i).ViaField("subscribers"))
	}
	errs = errs.Also(imcs.Delivery.Validate(ctx).ViaField("delivery"))
	return errs
}

// CheckSubscribersChangeAllowed rejects changes to spec.subscribers made by
// anyone but the eventing controller's service account.
func (imc *InMemoryChannel) CheckSubscribersChangeAllowed(ctx context.Context, original *InMemoryChannel) *apis.FieldError {
	if original == nil {
		return nil
	}
	if user := apis.GetUserInfo(ctx); user != nil && user.Username == EventingControllerSAName {
		return nil
	}
	diff, err := kmp.ShortDiff(original.Spec.Subscribers, imc.Spec.Subscribers)
	if err != nil {
		return &apis.FieldError{
			Message: "Failed to diff Channel.Spec.Subscribers",
			Paths:   []string{"spec.subscribers"},
			Details: err.Error(),
		}
	}
	if diff == "" {
		return nil
	}
	userName := ""
	if user := apis.GetUserInfo(ctx); user != nil {
		userName = user.Username
	}
	return &apis.FieldError{
		Message: fmt.Sprintf("Channel.Spec.Subscribers changed by user %s which was not the %s service account", userName, EventingControllerSAName),
		Paths:   []string{"spec.subscribers"},
		Details: diff,
	}
}
