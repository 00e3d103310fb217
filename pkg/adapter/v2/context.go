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

package adapter

import (
	"context"
)

type haEnabledKey struct{}

// WithHAEnabled runs the adapter's controller leader-elected (the
// K_LEADER_ELECTION_CONFIG buckets are shared among the replicas).
func WithHAEnabled(ctx context.Context) context.Context {
	return context.WithValue(ctx, haEnabledKey{}, struct{}{})
}

// IsHAEnabled tells whether WithHAEnabled was called.
func IsHAEnabled(ctx context.Context) bool {
	return ctx.Value(haEnabledKey{}) != nil
}

type haDisabledFlagKey struct{}

func withHADisabledFlag(ctx context.Context) context.Context {
	return context.WithValue(ctx, haDisabledFlagKey{}, struct{}{})
}

func isHADisabledFlag(ctx context.Context) bool {
	return ctx.Value(haDisabledFlagKey{}) != nil
}

type controllerKey struct{}

// WithController runs ctor's controller beside the adapter (multi-tenant
// adapters learn their sources from it).
func WithController(ctx context.Context, ctor ControllerConstructor) context.Context {
	return context.WithValue(ctx, controllerKey{}, ctor)
}

// ControllerFromContext returns the constructor WithController set, nil if
// none.
func ControllerFromContext(ctx context.Context) ControllerConstructor {
	value := ctx.Value(controllerKey{})
	if value == nil {
		return nil
	}
	return value.(ControllerConstructor)
}

type namespaceKey struct{}

// WithNamespace sets the namespace the adapter runs in.
func WithNamespace(ctx context.Context, namespace string) context.Context {
	return context.WithValue(ctx, namespaceKey{}, namespace)
}

// NamespaceFromContext returns the namespace WithNamespace set, "" if none.
func NamespaceFromContext(ctx context.Context) string {
	value := ctx.Value(namespaceKey{})
	if value == nil {
		return ""
	}
	return value.(string)
}

type injectorEnabledKey struct{}

// WithInjectorEnabled sets up the injection clients and informers the
// adapter's package registered (dynamic client, kube client) even without
// a controller.
func WithInjectorEnabled(ctx context.Context) context.Context {
	return context.WithValue(ctx, injectorEnabledKey{}, struct{}{})
}

// IsInjectorEnabled tells whether WithInjectorEnabled was called.
func IsInjectorEnabled(ctx context.Context) bool {
	return ctx.Value(injectorEnabledKey{}) != nil
}

type healthProbesDisabledKey struct{}

// WithHealthProbesDisabled keeps Main from serving /health and /readiness
// on :8080 (tests).
func WithHealthProbesDisabled(ctx context.Context) context.Context {
	return context.WithValue(ctx, healthProbesDisabledKey{}, struct{}{})
}

// HealthProbesDisabled tells whether WithHealthProbesDisabled was called.
func HealthProbesDisabled(ctx context.Context) bool {
	return ctx.Value(healthProbesDisabledKey{}) != nil
}
