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
	"encoding/json"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/tracker"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

// syncRoutingMeta makes sure that the revisions and configurations referenced
// from a Route carry the routes annotation (and revisions the routingState
// label), and that those it no longer references do not.
func syncRoutingMeta(ctx context.Context, r *v1.Route, cacc *configurationAccessor, racc *revisionAccessor) error {
	revisions := sets.New[string]()
	configs := sets.New[string]()

	// Both status (what is served now) and spec (what will be served) count,
	// so nothing loses its mark in the middle of a rollout.
	for _, tt := range append(r.Status.Traffic, r.Spec.Traffic...) {
		revName := tt.RevisionName
		configName := tt.ConfigurationName

		if revName != "" {
			if err := racc.tracker.TrackReference(ref(r.Namespace, revName, "Revision"), r); err != nil {
				return fmt.Errorf("failed to track revision %q: %w", revName, err)
			}

			rev, err := racc.lister.Revisions(r.Namespace).Get(revName)
			if err != nil {
				// The revision might not exist (yet). The tracker
				// notifies us when it gets created.
				continue
			}
			revisions.Insert(revName)

			// A revision's Configuration is routed too.
			if owner := metav1.GetControllerOf(rev); owner != nil && owner.Kind == "Configuration" {
				configName = owner.Name
			}
		}

		if configName != "" {
			if err := cacc.tracker.TrackReference(ref(r.Namespace, configName, "Configuration"), r); err != nil {
				return fmt.Errorf("failed to track configuration %q: %w", configName, err)
			}

			config, err := cacc.lister.Configurations(r.Namespace).Get(configName)
			if err != nil {
				// The config might not exist (yet). The tracker notifies
				// us when it gets created.
				continue
			}
			configs.Insert(configName)

			// A latestRevision target also marks the latest created revision,
			// so it is already active when it becomes ready and takes traffic.
			if config.Status.LatestCreatedRevisionName != "" && tt.LatestRevision != nil && *tt.LatestRevision {
				revisions.Insert(config.Status.LatestCreatedRevisionName)
			}
		}
	}

	// Clear stale marks only once the Route has settled: while it rolls
	// out, the old targets may still be serving.
	if r.IsReady() || r.IsFailed() {
		if err := clearMetaForNotListed(ctx, r, racc, revisions); err != nil {
			return err
		}
		if err := clearMetaForNotListed(ctx, r, cacc, configs); err != nil {
			return err
		}
	}

	if err := setMetaForListed(ctx, r, racc, revisions); err != nil {
		return err
	}
	return setMetaForListed(ctx, r, cacc, configs)
}

// clearRoutingMeta removes the Route from every object the accessors list.
func clearRoutingMeta(ctx context.Context, r *v1.Route, accs ...accessor) error {
	for _, acc := range accs {
		if err := clearMetaForNotListed(ctx, r, acc, nil /*none listed*/); err != nil {
			return err
		}
	}
	return nil
}

// setMetaForListed adds the Route to every object named in names.
func setMetaForListed(ctx context.Context, route *v1.Route, acc accessor, names sets.Set[string]) error {
	// Sorted, so patches go out in a stable order.
	for _, name := range sets.List(names) {
		if err := setRoutingMeta(ctx, acc, route, name, false); err != nil {
			return fmt.Errorf("failed to add route annotation to Namespace=%s Name=%q: %w", route.Namespace, name, err)
		}
	}
	return nil
}

// clearMetaForNotListed removes the Route from every object that carries it
// but is not named in names.
func clearMetaForNotListed(ctx context.Context, r *v1.Route, acc accessor, names sets.Set[string]) error {
	oldList, err := acc.list(r.Namespace, r.Name, v1.RoutingStateActive)
	if err != nil {
		return err
	}

	sort.Slice(oldList, func(i, j int) bool { return oldList[i].GetName() < oldList[j].GetName() })
	for _, elt := range oldList {
		name := elt.GetName()
		if names.Has(name) {
			continue
		}

		if err := setRoutingMeta(ctx, acc, r, name, true); err != nil {
			return fmt.Errorf("failed to remove route annotation from Namespace=%s Name=%q: %w", r.Namespace, name, err)
		}
	}
	return nil
}

// setRoutingMeta patches the routes annotation (and for revisions the routing
// state) of the named object to add or remove the Route; no patch is sent
// when nothing would change.
func setRoutingMeta(ctx context.Context, acc accessor, r *v1.Route, name string, remove bool) error {
	mergePatch, err := acc.makeMetadataPatch(r, name, remove)
	if err != nil || mergePatch == nil {
		return err
	}

	patch, err := json.Marshal(mergePatch)
	if err != nil {
		return fmt.Errorf("failed to marshal patch: %w", err)
	}
	logging.FromContext(ctx).Debugf("Labeler applying patch to %q. patch: %q", name, mergePatch)
	return acc.patch(ctx, r.Namespace, name, types.MergePatchType, patch)
}

func ref(namespace, name, kind string) tracker.Reference {
	apiVersion, kind := v1.SchemeGroupVersion.WithKind(kind).ToAPIVersionAndKind()
	return tracker.Reference{
		APIVersion: apiVersion,
		Kind:       kind,
		Name:       name,
		Namespace:  namespace,
	}
}
