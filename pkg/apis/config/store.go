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

	asconfig "github.com/skiffhq/skiff/pkg/autoscaler/config"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

type cfgKey struct{}

// Config is the set of ConfigMaps the serving API consults, as attached to
// a context by the Store.
type Config struct {
	Defaults   *Defaults
	Features   *Features
	Autoscaler *autoscalerconfig.Config
}

// FromContext returns the Config attached to ctx, or nil.
func FromContext(ctx context.Context) *Config {
	if x, ok := ctx.Value(cfgKey{}).(*Config); ok {
		return x
	}
	return nil
}

// FromContextOrDefaults is like FromContext, but fills every part that is
// missing with the defaults of its ConfigMap, so callers can always
// dereference Defaults, Features and Autoscaler. The Config in ctx is not
// modified.
func FromContextOrDefaults(ctx context.Context) *Config {
	cfg := &Config{}
	if attached := FromContext(ctx); attached != nil {
		*cfg = *attached
	}
	if cfg.Defaults == nil {
		cfg.Defaults = defaultDefaultsConfig()
	}
	if cfg.Features == nil {
		cfg.Features = defaultFeaturesConfig()
	}
	if cfg.Autoscaler == nil {
		// The empty map parses to the defaults; it cannot fail.
		cfg.Autoscaler, _ = asconfig.NewConfigFromMap(map[string]string{})
	}
	return cfg
}

// ToContext attaches c to ctx.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store is a typed wrapper around configmap.UntypedStore for the
// ConfigMaps in Config.
// +k8s:deepcopy-gen=false
type Store struct {
	*configmap.UntypedStore
}

// NewStore creates a Store watching config-defaults, config-features and
// config-autoscaler. onAfterStore functions run after each ConfigMap update.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"apis",
			logger,
			configmap.Constructors{
				DefaultsConfigName:  NewDefaultsConfigFromConfigMap,
				FeaturesConfigName:  NewFeaturesConfigFromConfigMap,
				asconfig.ConfigName: asconfig.NewConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext attaches the Store's current Config to ctx.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load returns a deep copy of the Store's current Config. ConfigMaps not yet
// seen are left nil; FromContextOrDefaults fills them in.
func (s *Store) Load() *Config {
	cfg := &Config{}
	if def, ok := s.UntypedLoad(DefaultsConfigName).(*Defaults); ok {
		cfg.Defaults = def.DeepCopy()
	}
	if feat, ok := s.UntypedLoad(FeaturesConfigName).(*Features); ok {
		cfg.Features = feat.DeepCopy()
	}
	if as, ok := s.UntypedLoad(asconfig.ConfigName).(*autoscalerconfig.Config); ok {
		cfg.Autoscaler = as.DeepCopy()
	}
	return cfg
}
