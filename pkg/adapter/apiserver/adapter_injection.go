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

package apiserver

import (
	"context"
	"encoding/json"
	"fmt"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"k8s.io/client-go/rest"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/clients/dynamicclient"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
)

func init() {
	injection.Default.RegisterClient(withStoredHost)
}

// Key is the context key of the apiserver's URL (the events' source).
type Key struct{}

func withStoredHost(ctx context.Context, cfg *rest.Config) context.Context {
	return context.WithValue(ctx, Key{}, cfg.Host)
}

// Get returns the apiserver's URL stored in ctx.
func Get(ctx context.Context) string {
	untyped := ctx.Value(Key{})
	if untyped == nil {
		logging.FromContext(ctx).Panic("Unable to fetch k8s.io/client-go/rest/Config.Host from context.")
	}
	return untyped.(string)
}

// envConfig is the adapter's environment: the common one, NAME (the
// source) and K_SOURCE_CONFIG (Config as JSON).
type envConfig struct {
	adapter.EnvConfig
	Name       string `envconfig:"NAME" required:"true"`
	ConfigJson string `envconfig:"K_SOURCE_CONFIG" required:"true"`
}

// NewEnvConfig returns the adapter's empty environment.
func NewEnvConfig() adapter.EnvConfigAccessor {
	return &envConfig{}
}

// NewAdapter returns the adapter for the environment's configuration,
// watching with the injected clients.
func NewAdapter(ctx context.Context, processed adapter.EnvConfigAccessor, ceClient cloudevents.Client) adapter.Adapter {
	env := processed.(*envConfig)
	config := Config{}
	if err := json.Unmarshal([]byte(env.ConfigJson), &config); err != nil {
		logging.FromContext(ctx).Fatalw(fmt.Sprintf("Failed to parse K_SOURCE_CONFIG %q", env.ConfigJson), "error", err)
	}
	return New(ctx, Args{
		Discovery: kubeclient.Get(ctx).Discovery(),
		Dynamic:   dynamicclient.Get(ctx),
		Client:    ceClient,
		Source:    Get(ctx),
		Name:      env.Name,
		Config:    config,
	})
}
