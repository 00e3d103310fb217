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

package config

import (
	"context"

	"knative.dev/pkg/configmap"
)

type cfgKey struct{}

// Config holds the collection of configurations that we attach to contexts.
// +k8s:deepcopy-gen=false
type Config struct {
	Defaults *Defaults
}

// FromContext extracts a Config from the provided context, or nil.
func FromContext(ctx context.Context) *Config {
	x, ok := ctx.Value(cfgKey{}).(*Config)
	if ok {
		return x
	}
	return nil
}

// FromContextOrDefaults is like FromContext, but when no Config is attached
// it returns the built-in defaults (class MTChannelBasedBroker, config
// ConfigMap knative-eventing/config-br-default-channel).
func FromContextOrDefaults(ctx context.Context) *Config {
	if cfg := FromContext(ctx); cfg != nil {
		return cfg
	}
	return &Config{Defaults: builtinDefaults()}
}

// ToContext attaches the provided Config to the provided context.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store is a typed wrapper around configmap.UntypedStore for config-br-defaults.
// +k8s:deepcopy-gen=false
type Store struct {
	*configmap.UntypedStore
}

// NewStore creates a Store, optionally calling onAfterStore on updates.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"defaults",
			logger,
			configmap.Constructors{
				DefaultsConfigName: NewDefaultsConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext attaches the current Config state to the provided context.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load returns a copy of the current Config; the built-in defaults until
// config-br-defaults has been seen.
func (s *Store) Load() *Config {
	d, ok := s.UntypedLoad(DefaultsConfigName).(*Defaults)
	if !ok || d == nil {
		return &Config{Defaults: builtinDefaults()}
	}
	return &Config{Defaults: d.DeepCopy()}
}
