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

import "context"

// hdcnKey marks a context as having a default configuration name.
type hdcnKey struct{}

// WithDefaultConfigurationName notes on the context, for nested validation
// and defaulting, that traffic targets have a default configuration (the
// Service's own), which changes how an empty configurationName is treated.
func WithDefaultConfigurationName(ctx context.Context) context.Context {
	return context.WithValue(ctx, hdcnKey{}, struct{}{})
}

// HasDefaultConfigurationName reports whether ctx was marked by
// WithDefaultConfigurationName.
func HasDefaultConfigurationName(ctx context.Context) bool {
	return ctx.Value(hdcnKey{}) != nil
}
