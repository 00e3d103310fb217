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
	"knative.dev/pkg/logging"

	cfgmap "github.com/skiffhq/skiff/pkg/apis/config"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/gc"
)

type cfgKey struct{}

// Config is the configuration the Route reconciler uses, one field per
// ConfigMap.
// +k8s:deepcopy-gen=false
type Config struct {
	Domain   *Domain
	GC       *gc.Config
	Network  *netcfg.Config
	Features *cfgmap.Features
}

// FromContext returns the Config attached to ctx. It panics when none is,
// since the reconciler always runs with its Store's config attached.
func FromContext(ctx context.Context) *Config {
	return ctx.Value(cfgKey{}).(*Config)
}

// FromContextOrDefaults is like FromContext, but returns an empty Config
// when none is attached and fills a missing Features with its defaults.
// The Config in ctx is not modified.
func FromContextOrDefaults(ctx context.Context) *Config {
	cfg := &Config{}
	if attached, ok := ctx.Value(cfgKey{}).(*Config); ok && attached != nil {
		*cfg = *attached
	}
	if cfg.Features == nil {
		// The empty map parses to the defaults; it cannot fail.
		cfg.Features, _ = cfgmap.NewFeaturesConfigFromMap(map[string]string{})
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

// NewStore creates a Store watching config-domain, config-gc,
// config-network and config-features. config-gc is kept as upstream keeps
// it, though the Route reconciler itself does not read it. onAfterStore functions run after each ConfigMap update
// (the controller uses one to resync every Route when domains change).
func NewStore(ctx context.Context, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"route",
			logging.FromContext(ctx),
			configmap.Constructors{
				DomainConfigName:          NewDomainFromConfigMap,
				gc.ConfigName:             gc.NewConfigFromConfigMapFunc(ctx),
				netcfg.ConfigMapName:      netcfg.NewConfigFromConfigMap,
				cfgmap.FeaturesConfigName: cfgmap.NewFeaturesConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext attaches the Store's current Config to ctx.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load returns a deep copy of the Store's current Config, so a reconcile
// never sees a ConfigMap change half way through.
func (s *Store) Load() *Config {
	cfg := &Config{
		Domain:  s.UntypedLoad(DomainConfigName).(*Domain).DeepCopy(),
		GC:      s.UntypedLoad(gc.ConfigName).(*gc.Config).DeepCopy(),
		Network: s.UntypedLoad(netcfg.ConfigMapName).(*netcfg.Config).DeepCopy(),
	}
	if features, ok := s.UntypedLoad(cfgmap.FeaturesConfigName).(*cfgmap.Features); ok {
		cfg.Features = features.DeepCopy()
	}
	return cfg
}
