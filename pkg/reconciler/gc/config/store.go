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

// Package config holds the ConfigMaps the revision garbage collector
// consults: config-gc (and config-features).
package config

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/logging"

	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/gc"
)

type cfgKey struct{}

// Config is the configuration for GC.
type Config struct {
	RevisionGC *gc.Config
}

// FromContext fetches the config from the context, or nil.
func FromContext(ctx context.Context) *Config {
	c, _ := ctx.Value(cfgKey{}).(*Config)
	return c
}

// ToContext adds config to the given context.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store is a configmap.UntypedStore based config store.
type Store struct {
	*configmap.UntypedStore
}

// ToContext adds config to given context.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load fetches config from Store; until config-gc has been seen, GC uses
// its defaults.
func (s *Store) Load() *Config {
	c, ok := s.UntypedLoad(gc.ConfigName).(*gc.Config)
	if !ok {
		c, _ = gc.NewConfigFromConfigMap(emptyConfigMap)
	}
	return &Config{RevisionGC: c.DeepCopy()}
}

// NewStore creates a configmap.UntypedStore based config store.
func NewStore(ctx context.Context, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"configuration",
			logging.FromContext(ctx),
			configmap.Constructors{
				gc.ConfigName:                gc.NewConfigFromConfigMapFunc(ctx),
				apiconfig.FeaturesConfigName: apiconfig.NewFeaturesConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

var emptyConfigMap = &corev1.ConfigMap{}
