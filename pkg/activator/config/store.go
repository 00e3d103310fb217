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

// Package config holds the activator's configuration store: the tracing and
// network ConfigMaps, loaded into each request's context.
package config

import (
	"context"
	"sync/atomic"

	"knative.dev/pkg/configmap"
	tracingconfig "knative.dev/pkg/tracing/config"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
)

type cfgKey struct{}

// Config is the configuration for the activator.
type Config struct {
	Tracing *tracingconfig.Config
	Network *netcfg.Config
}

// FromContext returns the Config in ctx, or nil.
func FromContext(ctx context.Context) *Config {
	c, _ := ctx.Value(cfgKey{}).(*Config)
	return c
}

// ToContext returns ctx carrying c.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store keeps the current Config, rebuilt whenever a ConfigMap changes.
type Store struct {
	*configmap.UntypedStore

	current atomic.Pointer[Config]
}

// NewStore creates a Store; onAfterStore runs after each ConfigMap update.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value any)) *Store {
	s := &Store{}
	s.current.Store(&Config{})
	onAfterStore = append(onAfterStore, func(string, any) {
		c := &Config{}
		if t, ok := s.UntypedLoad(tracingconfig.ConfigName).(*tracingconfig.Config); ok {
			c.Tracing = t.DeepCopy()
		}
		if n, ok := s.UntypedLoad(netcfg.ConfigMapName).(*netcfg.Config); ok {
			c.Network = n.DeepCopy()
		}
		s.current.Store(c)
	})
	s.UntypedStore = configmap.NewUntypedStore(
		"activator",
		logger,
		configmap.Constructors{
			tracingconfig.ConfigName: tracingconfig.NewTracingConfigFromConfigMap,
			netcfg.ConfigMapName:     netcfg.NewConfigFromConfigMap,
		},
		onAfterStore...,
	)
	return s
}

// Load returns the current Config.
func (s *Store) Load() *Config {
	return s.current.Load()
}

// ToContext returns ctx carrying the current Config.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.current.Load())
}

// TracingEnabled reports whether c asks for tracing.
func (c *Config) TracingEnabled() bool {
	return c != nil && c.Tracing != nil && c.Tracing.Backend != tracingconfig.None
}
