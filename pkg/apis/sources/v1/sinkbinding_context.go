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

package v1

import (
	"context"

	"knative.dev/pkg/apis"
	"knative.dev/pkg/resolver"
)

// sinkURIKey and resolverKey key the values Do reads from its context.
type (
	sinkURIKey  struct{}
	resolverKey struct{}
)

// WithSinkURI notes on the context for binding that the resolved SinkURI
// is the provided apis.URL. Do prefers it over a resolver.
func WithSinkURI(ctx context.Context, uri *apis.URL) context.Context {
	return context.WithValue(ctx, sinkURIKey{}, uri)
}

// GetSinkURI accesses the apis.URL for the Sink URI that has been associated
// with this context, or nil.
func GetSinkURI(ctx context.Context) *apis.URL {
	uri, _ := ctx.Value(sinkURIKey{}).(*apis.URL)
	return uri
}

// WithURIResolver attaches a resolver Do uses to resolve the sink when the
// context carries no sink URI (as upstream's SinkBinding reconciler and
// webhook set it up).
func WithURIResolver(ctx context.Context, r *resolver.URIResolver) context.Context {
	return context.WithValue(ctx, resolverKey{}, r)
}

// GetURIResolver returns the resolver attached with WithURIResolver, or nil.
func GetURIResolver(ctx context.Context) *resolver.URIResolver {
	r, _ := ctx.Value(resolverKey{}).(*resolver.URIResolver)
	return r
}
