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

// Package gc garbage collects the Revisions of each Configuration per
// config-gc, never one that is routed, as upstream pkg/reconciler/gc.
package gc

import (
	"context"

	"k8s.io/utils/clock"
	pkgreconciler "knative.dev/pkg/reconciler"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	configreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/configuration"
	listers "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
)

// reconciler implements controller.Reconciler for garbage collected resources.
type reconciler struct {
	client clientset.Interface

	// listers index properties about resources
	revisionLister listers.RevisionLister

	clock clock.PassiveClock
}

// Check that our reconciler implements configreconciler.Interface
var _ configreconciler.Interface = (*reconciler)(nil)

// ReconcileKind deletes the Configuration's stale Revisions.
func (c *reconciler) ReconcileKind(ctx context.Context, config *v1.Configuration) pkgreconciler.Event {
	ctx, cancel := context.WithTimeout(ctx, pkgreconciler.DefaultTimeout)
	defer cancel()

	return collect(ctx, c.client, c.revisionLister, config, c.clock)
}
