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
	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmp"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	"github.com/skiffhq/skiff/pkg/apis/eventing/config"
)

// BrokerClassAnnotationKey is the annotation naming the Broker's class.
const BrokerClassAnnotationKey = eventing.BrokerClassKey

// Validate checks the Broker: a class annotation, a valid spec and, on
// update, an unchanged class and spec.config.
func (b *Broker) Validate(ctx context.Context) *apis.FieldError {
	ctx = apis.WithinParent(ctx, b.ObjectMeta)
	cfg := config.FromContextOrDefaults(ctx)

	var errs *apis.FieldError
	if bc, ok := b.GetAnnotations()[BrokerClassAnnotationKey]; !ok || bc == "" {
		errs = errs.Also(viaAnnotation(apis.ErrMissingField(apis.CurrentField), BrokerClassAnnotationKey))
	}

	withNS := determineNamespaceAllowance(ctx, cfg.Defaults)
	errs = errs.Also(b.Spec.Validate(withNS).ViaField("spec"))
	if apis.IsInUpdate(ctx) {
		original := apis.GetBaseline(ctx).(*Broker)
		errs = errs.Also(b.CheckImmutableFields(ctx, original))
	}
	return errs
}

// determineNamespaceAllowance allows spec.config to point to another
// namespace unless disallowDifferentNamespaceConfig is set for the Broker's
// namespace or, failing a namespace setting, the cluster.
func determineNamespaceAllowance(ctx context.Context, brConfig *config.Defaults) context.Context {
	if brConfig == nil {
		return apis.AllowDifferentNamespace(ctx)
	}
	if nsConfig := brConfig.NamespaceDefaultsConfig[apis.ParentMeta(ctx).Namespace]; nsConfig != nil && nsConfig.DisallowDifferentNamespaceConfig != nil && *nsConfig.DisallowDifferentNamespaceConfig {
		return ctx
	}
	if c := brConfig.ClusterDefaultConfig; c != nil && c.DisallowDifferentNamespaceConfig != nil && *c.DisallowDifferentNamespaceConfig {
		return ctx
	}
	return apis.AllowDifferentNamespace(ctx)
}

// Validate checks spec.config and spec.delivery.
func (bs *BrokerSpec) Validate(ctx context.Context) *apis.FieldError {
	var errs *apis.FieldError
	if bs.Config != nil {
		errs = errs.Also(bs.Config.Validate(ctx).ViaField("config"))
	}
	errs = errs.Also(bs.Delivery.Validate(ctx).ViaField("delivery"))
	return errs
}

// CheckImmutableFields rejects changes to the spec (other than delivery)
// and to the broker class annotation.
func (b *Broker) CheckImmutableFields(_ context.Context, original *Broker) *apis.FieldError {
	if original == nil {
		return nil
	}

	var errs *apis.FieldError
	ignoreArguments := cmpopts.IgnoreFields(BrokerSpec{}, "Delivery")
	if diff, err := kmp.ShortDiff(original.Spec, b.Spec, ignoreArguments); err != nil {
		errs = errs.Also(&apis.FieldError{
			Message: "Failed to diff Broker",
			Paths:   []string{"spec"},
			Details: err.Error(),
		})
	} else if diff != "" {
		errs = errs.Also(&apis.FieldError{
			Message: "Immutable fields changed (-old +new)",
			Paths:   []string{"spec"},
			Details: diff,
		})
	}

	oldClass, newClass := original.GetAnnotations()[BrokerClassAnnotationKey], b.GetAnnotations()[BrokerClassAnnotationKey]
	if diff, _ := kmp.ShortDiff(oldClass, newClass); diff != "" {
		errs = errs.Also(viaAnnotation(&apis.FieldError{
			Message: "Immutable annotations changed (-old +new)",
			Paths:   []string{apis.CurrentField},
			Details: diff,
		}, BrokerClassAnnotationKey))
	}
	return errs
}
