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

package gc

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/clock"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	listers "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/gc"
	configns "github.com/skiffhq/skiff/pkg/reconciler/gc/config"
)

// collect deletes the configuration's non-active revisions that are stale
// (older than retain-since-create-time and inactive for longer than
// retain-since-last-active-time), oldest first, keeping at least
// min-non-active-revisions; then, if more than max-non-active-revisions
// non-active ones remain, the oldest of those too. Active revisions (routed,
// latest ready, preserved, or not yet labelled) are never deleted.
func collect(
	ctx context.Context,
	client clientset.Interface,
	revisionLister listers.RevisionLister,
	config *v1.Configuration,
	clock clock.PassiveClock,
) error {
	cfg := configns.FromContext(ctx).RevisionGC
	logger := logging.FromContext(ctx)

	minKeep, maxKeep := int(cfg.MinNonActiveRevisions), int(cfg.MaxNonActiveRevisions)
	if maxKeep == gc.Disabled && cfg.RetainSinceCreateTime == gc.Disabled && cfg.RetainSinceLastActiveTime == gc.Disabled {
		return nil // all deletion settings are disabled
	}

	selector := labels.SelectorFromSet(labels.Set{serving.ConfigurationLabelKey: config.Name})
	revs, err := revisionLister.Revisions(config.Namespace).List(selector)
	if err != nil {
		return fmt.Errorf("failed to list revisions: %w", err)
	}

	if len(revs) <= minKeep {
		return nil // not enough total revs
	}

	revs = nonactiveRevisions(revs, config)
	if len(revs) <= minKeep {
		return nil // not enough non-active revs
	}

	// Oldest (by last activity) first; names break ties so the choice is
	// stable.
	sort.Slice(revs, func(i, j int) bool {
		a, b := revisionLastActiveTime(revs[i]), revisionLastActiveTime(revs[j])
		if a.Equal(b) {
			return revs[i].Name < revs[j].Name
		}
		return a.Before(b)
	})

	var errs []error
	del := func(rev *v1.Revision, why string) {
		logger.Infof("Deleting %s revision %q", why, rev.Name)
		if err := client.ServingV1().Revisions(rev.Namespace).Delete(ctx, rev.Name, metav1.DeleteOptions{}); err != nil {
			logger.Errorw("Failed to GC revision: "+rev.Name, zap.Error(err))
			errs = append(errs, fmt.Errorf("failed to delete revision %q: %w", rev.Name, err))
		}
	}

	count := len(revs)
	// At most this many may go, so that minKeep remain.
	maxDeletes := count - minKeep
	staleCount := 0
	for i, rev := range revs {
		if !isRevisionStale(cfg, rev, clock.Now(), logger) {
			continue
		}
		del(rev, "stale")
		revs[i] = nil
		staleCount++
		if staleCount >= maxDeletes {
			return errors.Join(errs...)
		}
	}

	nonStaleCount := count - staleCount
	if maxKeep == gc.Disabled || nonStaleCount <= maxKeep {
		return errors.Join(errs...)
	}

	needsDeleteCount := nonStaleCount - maxKeep
	logger.Infof("Maximum number of revisions (%d) reached, deleting oldest non-active (%d) revisions",
		maxKeep, needsDeleteCount)
	deletedCount := 0
	for _, rev := range revs {
		if deletedCount == needsDeleteCount {
			break
		}
		if rev == nil {
			continue // deleted as stale above
		}
		del(rev, "non-active")
		deletedCount++
	}
	return errors.Join(errs...)
}

// nonactiveRevisions filters revs in place down to the non-active ones.
func nonactiveRevisions(revs []*v1.Revision, config *v1.Configuration) []*v1.Revision {
	out := revs[:0]
	for _, rev := range revs {
		if !isRevisionActive(rev, config) {
			out = append(out, rev)
		}
	}
	return out
}

// isRevisionActive says whether rev must be kept whatever its age.
func isRevisionActive(rev *v1.Revision, config *v1.Configuration) bool {
	if config.Status.LatestReadyRevisionName == rev.Name {
		return true // never delete latest ready, even if config is not active.
	}
	if strings.EqualFold(rev.Annotations[serving.RevisionPreservedAnnotationKey], "true") {
		return true
	}
	// Only what the labeler has explicitly put in reserve is collectable:
	// active (routed) and pending (not yet considered) revisions are not.
	return rev.GetRoutingState() != v1.RoutingStateReserve
}

// isRevisionStale says whether rev is past both retention times at now.
func isRevisionStale(cfg *gc.Config, rev *v1.Revision, now time.Time, logger *zap.SugaredLogger) bool {
	sinceCreate, sinceActive := cfg.RetainSinceCreateTime, cfg.RetainSinceLastActiveTime
	if sinceCreate == gc.Disabled && sinceActive == gc.Disabled {
		return false // Time checks are both disabled. Not stale.
	}

	createTime := rev.ObjectMeta.CreationTimestamp.Time
	if sinceCreate != gc.Disabled && now.Sub(createTime) < sinceCreate {
		return false // Revision was created sooner than RetainSinceCreateTime. Not stale.
	}

	active := revisionLastActiveTime(rev)
	if sinceActive != gc.Disabled && now.Sub(active) < sinceActive {
		return false // Revision was recently active. Not stale.
	}

	logger.Infof("Detected stale revision %q with creation time %v and last active time %v.",
		rev.ObjectMeta.Name, createTime, active)
	return true
}

// revisionLastActiveTime returns when the revision last changed routing
// state, or else when it was created.
func revisionLastActiveTime(rev *v1.Revision) time.Time {
	if t := rev.GetRoutingStateModified(); !t.IsZero() {
		return t
	}
	return rev.ObjectMeta.GetCreationTimestamp().Time
}
