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

	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/configmap"
)

// FlagsConfigName is the name of the ConfigMap holding the feature flags.
const FlagsConfigName = "config-features"

type cfgKey struct{}

// FromContext extracts Flags from ctx, or nil when none are attached.
func FromContext(ctx context.Context) Flags {
	x, ok := ctx.Value(cfgKey{}).(Flags)
	if ok {
		return x
	}
	return nil
}

// FromContextOrDefaults is like FromContext, but when no Flags are attached
// it returns the defaults.
func FromContextOrDefaults(ctx context.Context) Flags {
	if cfg := FromContext(ctx); cfg != nil {
		return cfg
	}
	return newDefaults()
}

// ToContext attaches the provided Flags to ctx.
func ToContext(ctx context.Context, c Flags) context.Context {
	ctx = context.WithValue(ctx, cfgKey{}, c)
	// KReference.Validate in knative.dev/pkg consults its own context key
	// for the Group field, so mirror the flag there.
	if c.IsEnabled(KReferenceGroup) {
		ctx = duckv1.KReferenceGroupAllowed(ctx)
	}
	return ctx
}

// Store is a typed wrapper around configmap.UntypedStore for config-features.
// +k8s:deepcopy-gen=false
type Store struct {
	*configmap.UntypedStore
}

// NewStore creates a Store, optionally calling onAfterStore on updates.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"feature-flags",
			logger,
			configmap.Constructors{
				FlagsConfigName: NewFlagsConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext attaches the current Flags to ctx.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// IsEnabled is a shortcut for Load().IsEnabled(featureName).
func (s *Store) IsEnabled(featureName string) bool {
	return s.Load().IsEnabled(featureName)
}

// IsAllowed is a shortcut for Load().IsAllowed(featureName).
func (s *Store) IsAllowed(featureName string) bool {
	return s.Load().IsAllowed(featureName)
}

// Load returns the current Flags; the defaults until config-features has
// been seen.
func (s *Store) Load() Flags {
	loaded, ok := s.UntypedLoad(FlagsConfigName).(Flags)
	if !ok || loaded == nil {
		return newDefaults()
	}
	return loaded
}
