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

package labeler

import (
	"context"

	pkgreconciler "knative.dev/pkg/reconciler"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	routereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/route"
)

// Reconciler syncs the Route reference metadata onto the Route's traffic
// targets. It never changes the Route itself, except for its finalizer.
type Reconciler struct {
	caccV2 *configurationAccessor
	raccV2 *revisionAccessor
}

// Check that our Reconciler implements routereconciler.Interface
var (
	_ routereconciler.Interface = (*Reconciler)(nil)
	_ routereconciler.Finalizer = (*Reconciler)(nil)
)

// FinalizeKind removes the Route from the metadata of everything it marked,
// so a deleted Route leaves no revision looking routed (and uncollectable).
func (rec *Reconciler) FinalizeKind(ctx context.Context, r *v1.Route) pkgreconciler.Event {
	return clearRoutingMeta(ctx, r, rec.caccV2, rec.raccV2)
}

// ReconcileKind syncs the Route reference metadata to its traffic targets.
func (rec *Reconciler) ReconcileKind(ctx context.Context, r *v1.Route) pkgreconciler.Event {
	ctx, cancel := context.WithTimeout(ctx, pkgreconciler.DefaultTimeout)
	defer cancel()

	return syncRoutingMeta(ctx, r, rec.caccV2, rec.raccV2)
}
