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

// Package handler holds the activator's request handlers. Each is one
// concern wrapping the next; cmd/activator composes them, outermost first:
// health (kubelet probes) → network probes → context (which revision) →
// full duplex → metrics → tracing → concurrency reporter → activation (wait
// for capacity, then proxy to a pod, with the revision's timeouts).
package handler

import (
	"context"

	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

type revCtxKey struct{}

type revCtx struct {
	revision *v1.Revision
	revID    types.NamespacedName
}

// WithRevisionAndID attaches the Revision and its key to the context.
func WithRevisionAndID(ctx context.Context, rev *v1.Revision, revID types.NamespacedName) context.Context {
	return context.WithValue(ctx, revCtxKey{}, &revCtx{revision: rev, revID: revID})
}

// RevisionFrom returns the Revision in the context (nil if none).
func RevisionFrom(ctx context.Context) *v1.Revision {
	if v, ok := ctx.Value(revCtxKey{}).(*revCtx); ok {
		return v.revision
	}
	return nil
}

// RevIDFrom returns the key of the Revision in the context.
func RevIDFrom(ctx context.Context) types.NamespacedName {
	if v, ok := ctx.Value(revCtxKey{}).(*revCtx); ok {
		return v.revID
	}
	return types.NamespacedName{}
}

// RevAnnotation returns an annotation of the Revision in the context.
func RevAnnotation(ctx context.Context, annotation string) string {
	if rev := RevisionFrom(ctx); rev != nil {
		return rev.Annotations[annotation]
	}
	return ""
}
