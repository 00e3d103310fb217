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
	"knative.dev/pkg/metrics"
	pkgtracing "knative.dev/pkg/tracing/config"

	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/deployment"
)

type cfgKey struct{}

// Config contains the configmaps requires for revision reconciliation.
type Config struct {
	*apiconfig.Config
	Deployment    *deployment.Config
	Logging       *logging.Config
	Network       *netcfg.Config
	Observability *metrics.ObservabilityConfig
	// Tracing is always the default (tracing off): Skiff ships no
	// config-tracing, and queue-proxy only needs its values as environment.
	Tracing *pkgtracing.Config
}

// FromContext loads the configuration from the context.
func FromContext(ctx context.Context) *Config {
	return ctx.Value(cfgKey{}).(*Config)
}

// ToContext persists the configuration to the context.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store is a typed wrapper around configmap.UntypedStore to handle our configmaps.
type Store struct {
	*configmap.UntypedStore
	apiStore *apiconfig.Store
}

// NewStore creates a new store of Configs and optionally calls functions when
// ConfigMaps are updated for Revisions.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"revision",
			logger,
			configmap.Constructors{
				deployment.ConfigName:   deployment.NewConfigFromConfigMap,
				logging.ConfigMapName(): logging.NewConfigFromConfigMap,
				metrics.ConfigMapName(): metrics.NewObservabilityConfigFromConfigMap,
				netcfg.ConfigMapName:    netcfg.NewConfigFromConfigMap,
			},
			onAfterStore...,
		),
		apiStore: apiconfig.NewStore(logger, onAfterStore...),
	}
}

// WatchConfigs uses the provided configmap.Watcher to set up watches for the
// config names of both stores.
func (s *Store) WatchConfigs(cmw configmap.Watcher) {
	s.UntypedStore.WatchConfigs(cmw)
	s.apiStore.WatchConfigs(cmw)
}

// ToContext persists the config on the context.
func (s *Store) ToContext(ctx context.Context) context.Context {
	cfg := s.Load()
	return apiconfig.ToContext(ToContext(ctx, cfg), cfg.Config)
}

// Load returns the config from the store. ConfigMaps not seen yet are
// replaced by their defaults, so every field is non-nil.
func (s *Store) Load() *Config {
	cfg := &Config{
		Config:  apiconfig.FromContextOrDefaults(apiconfig.ToContext(context.Background(), s.apiStore.Load())),
		Tracing: &pkgtracing.Config{Backend: pkgtracing.None},
	}

	if dep, ok := s.UntypedLoad(deployment.ConfigName).(*deployment.Config); ok {
		cfg.Deployment = dep.DeepCopy()
	} else {
		cfg.Deployment, _ = deployment.NewConfigFromMap(nil)
	}
	if log, ok := s.UntypedLoad(logging.ConfigMapName()).(*logging.Config); ok {
		cfg.Logging = log.DeepCopy()
	} else {
		cfg.Logging, _ = logging.NewConfigFromMap(nil)
	}
	if net, ok := s.UntypedLoad(netcfg.ConfigMapName).(*netcfg.Config); ok {
		cfg.Network = net.DeepCopy()
	} else {
		cfg.Network, _ = netcfg.NewConfigFromMap(nil)
	}
	if obs, ok := s.UntypedLoad(metrics.ConfigMapName()).(*metrics.ObservabilityConfig); ok {
		cfg.Observability = obs.DeepCopy()
	} else {
		cfg.Observability, _ = metrics.NewObservabilityConfigFromConfigMap(nil)
	}
	return cfg
}
