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

// Package config holds the ConfigMaps the autoscaling reconcilers read.
package config

import (
	"context"

	"knative.dev/pkg/configmap"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	asconfig "github.com/skiffhq/skiff/pkg/autoscaler/config"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
	"github.com/skiffhq/skiff/pkg/deployment"
)

type cfgKey struct{}

// Config of the Autoscaler.
type Config struct {
	Autoscaler *autoscalerconfig.Config
	Deployment *deployment.Config
	Network    *netcfg.Config
}

// FromContext fetch config from context.
func FromContext(ctx context.Context) *Config {
	return ctx.Value(cfgKey{}).(*Config)
}

// ToContext adds config to given context.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store is configmap.UntypedStore based config store.
type Store struct {
	*configmap.UntypedStore
}

// NewStore creates a configmap.UntypedStore based config store over
// config-autoscaler, config-deployment and config-network. onAfterStore
// functions run after each ConfigMap update.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"autoscaler",
			logger,
			configmap.Constructors{
				asconfig.ConfigName:   asconfig.NewConfigFromConfigMap,
				deployment.ConfigName: deployment.NewConfigFromConfigMap,
				netcfg.ConfigMapName:  netcfg.NewConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext adds Store contents to given context.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load fetches config from Store. ConfigMaps not seen yet are replaced by
// their defaults, so every field is non-nil.
func (s *Store) Load() *Config {
	cfg := &Config{}
	if as, ok := s.UntypedLoad(asconfig.ConfigName).(*autoscalerconfig.Config); ok {
		cfg.Autoscaler = as.DeepCopy()
	} else {
		cfg.Autoscaler, _ = asconfig.NewConfigFromMap(nil)
	}
	if dep, ok := s.UntypedLoad(deployment.ConfigName).(*deployment.Config); ok {
		cfg.Deployment = dep.DeepCopy()
	} else {
		cfg.Deployment, _ = deployment.NewConfigFromMap(nil)
	}
	if net, ok := s.UntypedLoad(netcfg.ConfigMapName).(*netcfg.Config); ok {
		cfg.Network = net.DeepCopy()
	} else {
		cfg.Network, _ = netcfg.NewConfigFromMap(nil)
	}
	return cfg
}
