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

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
)

type cfgKey struct{}

// Config is the configuration the net-istio reconciler uses, one field per
// ConfigMap.
type Config struct {
	Istio   *Istio
	Network *netcfg.Config
}

// FromContext returns the Config attached to ctx.
func FromContext(ctx context.Context) *Config {
	return ctx.Value(cfgKey{}).(*Config)
}

// ToContext attaches c to ctx.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store is a typed wrapper around configmap.UntypedStore for config-istio
// and config-network.
type Store struct {
	*configmap.UntypedStore
}

// NewStore creates a Store; onAfterStore functions run after each update.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	return &Store{
		UntypedStore: configmap.NewUntypedStore(
			"ingress",
			logger,
			configmap.Constructors{
				IstioConfigName:      NewIstioFromConfigMap,
				netcfg.ConfigMapName: netcfg.NewConfigFromConfigMap,
			},
			onAfterStore...,
		),
	}
}

// ToContext attaches the current configuration to ctx.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// Load returns a copy of the current configuration.
func (s *Store) Load() *Config {
	return &Config{
		Istio:   s.UntypedLoad(IstioConfigName).(*Istio).DeepCopy(),
		Network: s.UntypedLoad(netcfg.ConfigMapName).(*netcfg.Config).DeepCopy(),
	}
}
