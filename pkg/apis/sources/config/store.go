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

type pingCfgKey struct{}

// Config holds the collection of configurations that we attach to contexts.
type Config struct {
	PingDefaults *PingDefaults
}

// FromContext extracts a Config from the provided context, or nil.
func FromContext(ctx context.Context) *Config {
	x, ok := ctx.Value(pingCfgKey{}).(*Config)
	if ok {
		return x
	}
	return nil
}

// FromContextOrDefaults is like FromContext, but when no Config is attached
// it returns a Config populated with the defaults for each of its fields.
func FromContextOrDefaults(ctx context.Context) *Config {
	if cfg := FromContext(ctx); cfg != nil && cfg.PingDefaults != nil {
		return cfg
	}
	return &Config{
		PingDefaults: &PingDefaults{DataMaxSize: DefaultDataMaxSize},
	}
}

// ToContext attaches the provided Config to the provided context, returning
// the new context with the Config attached.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, pingCfgKey{}, c)
}

// Store is a typed wrapper around configmap.UntypedStore to handle our
// ConfigMaps.
type Store struct {
	*configmap.UntypedStore
}

// NewStore creates a new store of Configs and optionally calls functions when
// ConfigMaps are updated.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"pingdefaults",
			logger,
			configmap.Constructors{
				PingDefaultsConfigName: NewPingDefaultsConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext attaches the current Config state to the provided context.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load creates a Config from the current config state of the Store.
func (s *Store) Load() *Config {
	cfg := &Config{PingDefaults: &PingDefaults{DataMaxSize: DefaultDataMaxSize}}
	// Before the first ConfigMap event the untyped store holds nothing;
	// callers then get the defaults rather than a panic.
	if pd, ok := s.UntypedLoad(PingDefaultsConfigName).(*PingDefaults); ok && pd != nil {
		cfg.PingDefaults = pd.DeepCopy()
	}
	return cfg
}
