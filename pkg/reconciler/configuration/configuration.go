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

// Package configuration reconciles Configurations: it stamps out one
// Revision per generation and tracks the latest created and latest ready
// ones, as upstream pkg/reconciler/configuration.
package configuration

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/utils/clock"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmp"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	configreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/configuration"
	listers "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/configuration/resources"
)

// Reconciler implements controller.Reconciler for Configuration resources.
type Reconciler struct {
	client clientset.Interface

	// listers index properties about resources
	revisionLister listers.RevisionLister

	clock clock.PassiveClock
}

// Check that our Reconciler implements configreconciler.Interface
var _ configreconciler.Interface = (*Reconciler)(nil)

// ReconcileKind makes sure the Revision of the current generation exists,
// records it as the latest created, propagates its readiness (or failure)
// and moves latestReadyRevisionName to the newest ready Revision.
func (c *Reconciler) ReconcileKind(ctx context.Context, config *v1.Configuration) pkgreconciler.Event {
	ctx, cancel := context.WithTimeout(ctx, pkgreconciler.DefaultTimeout)
	defer cancel()

	// Taken before anything touches the status, so events report only
	// real transitions.
	beforeReady := config.Status.GetCondition(v1.ConfigurationConditionReady).DeepCopy()

	lcr, isBYOName, err := c.reconcileLatestCreated(ctx, config)
	if err != nil || lcr == nil {
		return err
	}
	if err := c.propagateLatestCreatedReadiness(ctx, config, lcr, beforeReady); err != nil {
		return err
	}
	if err := c.findAndSetLatestReadyRevision(ctx, config, lcr, isBYOName); err != nil {
		return fmt.Errorf("failed to find and set latest ready revision: %w", err)
	}
	return nil
}

// reconcileLatestCreated fetches (or creates) the Revision of the current
// generation and records it as latestCreatedRevisionName. A nil Revision
// with a nil error means the status already says why there is none.
func (c *Reconciler) reconcileLatestCreated(ctx context.Context, config *v1.Configuration) (*v1.Revision, bool, error) {
	recorder := controller.GetEventRecorder(ctx)

	lcr, isBYOName, err := c.latestCreatedRevision(ctx, config)
	switch {
	case apierrs.IsNotFound(err):
		lcr, err = c.createRevision(ctx, config)
		if apierrs.IsAlreadyExists(err) {
			// Our informer has not seen the Revision we created last
			// time yet: fail quietly and retry, the user need not know.
			return nil, false, fmt.Errorf("failed to create Revision: %w", err)
		} else if err != nil {
			recorder.Eventf(config, corev1.EventTypeWarning, "CreationFailed", "Failed to create Revision: %v", err)
			config.Status.MarkRevisionCreationFailed(err.Error())
			return nil, false, fmt.Errorf("failed to create Revision: %w", err)
		}

	case apierrs.IsAlreadyExists(err):
		// The BYO name is taken by a Revision of another Configuration, or
		// of another generation with another spec: nothing to retry until
		// the user changes the name.
		config.Status.MarkRevisionCreationFailed(err.Error())
		return nil, false, nil

	case err != nil:
		return nil, false, fmt.Errorf("failed to get Revision: %w", err)
	}

	config.Status.SetLatestCreatedRevisionName(lcr.Name)
	return lcr, isBYOName, nil
}

// propagateLatestCreatedReadiness surfaces the latest created Revision's
// Ready condition: an event when the first revision becomes ready, and a
// failed Configuration (with an event, unless it had already failed so)
// when the latest revision fails.
func (c *Reconciler) propagateLatestCreatedReadiness(ctx context.Context, config *v1.Configuration, lcr *v1.Revision, beforeReady *apis.Condition) error {
	logger := logging.FromContext(ctx)
	recorder := controller.GetEventRecorder(ctx)
	revName := lcr.Name

	rc := lcr.Status.GetCondition(v1.RevisionConditionReady)
	switch {
	case rc.IsUnknown():
		logger.Infof("Revision %q of configuration is not ready", revName)

	case rc.IsTrue():
		logger.Infof("Revision %q of configuration is ready", revName)
		if config.Status.LatestReadyRevisionName == "" {
			// Surface an event for the first revision becoming ready.
			recorder.Event(config, corev1.EventTypeNormal, "ConfigurationReady",
				"Configuration becomes ready")
		}

	case rc.IsFalse():
		logger.Infof("Revision %q of configuration has failed: Reason=%s Message=%q", revName, rc.Reason, rc.Message)
		config.Status.MarkLatestCreatedFailed(revName, rc.GetMessage())

		// Only the transition is news. (Upstream compares after
		// SetLatestCreatedRevisionName reset Ready to Unknown, and so
		// repeats the event on every reconcile of a failed Configuration.)
		if !sameCondition(beforeReady, config.Status.GetCondition(v1.ConfigurationConditionReady)) {
			if revName == config.Status.LatestReadyRevisionName {
				recorder.Eventf(config, corev1.EventTypeWarning, "LatestReadyFailed",
					"Latest ready revision %q has failed", revName)
			} else {
				recorder.Eventf(config, corev1.EventTypeWarning, "LatestCreatedFailed",
					"Latest created revision %q has failed", revName)
			}
		}

	default:
		return fmt.Errorf("unrecognized condition status: %v on revision %q", rc.Status, revName)
	}
	return nil
}

// findAndSetLatestReadyRevision sets LatestReadyRevisionName to the newest
// ready Revision, so traffic moves on as soon as anything newer than what
// is served becomes ready, even when the very latest has not (yet).
func (c *Reconciler) findAndSetLatestReadyRevision(ctx context.Context, config *v1.Configuration, latestCreated *v1.Revision, isBYOName bool) error {
	sortedRevisions, err := c.getSortedCreatedRevisions(ctx, config, latestCreated, isBYOName)
	if err != nil {
		return err
	}
	for _, rev := range sortedRevisions {
		if rev.IsReady() {
			old, newName := config.Status.LatestReadyRevisionName, rev.Name
			config.Status.SetLatestReadyRevisionName(rev.Name)
			if old != newName {
				controller.GetEventRecorder(ctx).Eventf(
					config, corev1.EventTypeNormal, "LatestReadyUpdate",
					"LatestReadyRevisionName updated to %q", rev.Name)
			}
			return nil
		}
	}
	return nil
}

// getSortedCreatedRevisions returns the configuration's revisions from the
// generation of the latest ready revision up to the configuration's
// generation (both inclusive), newest first; the BYO-named revision first
// of all.
func (c *Reconciler) getSortedCreatedRevisions(ctx context.Context, config *v1.Configuration, latestCreated *v1.Revision, isBYOName bool) ([]*v1.Revision, error) {
	logger := logging.FromContext(ctx)
	lister := c.revisionLister.Revisions(config.Namespace)
	configSelector := labels.SelectorFromSet(labels.Set{
		serving.ConfigurationLabelKey: config.Name,
	})

	if config.Status.LatestReadyRevisionName != "" {
		lrr, err := lister.Get(config.Status.LatestReadyRevisionName)
		if err != nil {
			// The user may have deleted the latest ready revision: fall
			// through and consider every revision, so a replacement is found.
			logger.Errorf("Error getting latest ready revision %q: %v", config.Status.LatestReadyRevisionName, err)
		} else {
			start, err := configGeneration(lrr)
			if err != nil {
				logger.Errorf("Error getting latest ready revision's config generation %q: %v", config.Status.LatestReadyRevisionName, err)
				start = config.Generation
			}
			var generations []string
			for i := start; i <= config.Generation; i++ {
				generations = append(generations, strconv.FormatInt(i, 10))
			}
			// A BYO name may point at a revision of an older generation
			// (a revert): it counts too.
			if lcrGen, err := configGeneration(latestCreated); isBYOName && err == nil {
				generations = append(generations, strconv.FormatInt(lcrGen, 10))
			}

			inReq, err := labels.NewRequirement(serving.ConfigurationGenerationLabelKey, selection.In, generations)
			if err == nil {
				configSelector = configSelector.Add(*inReq)
			}
		}
	}

	list, err := lister.List(configSelector)
	if err != nil {
		return nil, fmt.Errorf("failed to list revisions: %w", err)
	}

	if len(list) > 1 {
		sort.Slice(list, func(i, j int) bool {
			// BYO name always be the first
			if config.Spec.Template.Name == list[i].Name {
				return true
			}
			if config.Spec.Template.Name == list[j].Name {
				return false
			}
			intI, errI := configGeneration(list[i])
			intJ, errJ := configGeneration(list[j])
			if errI != nil || errJ != nil {
				return true
			}
			return intI > intJ
		})
	}
	return list, nil
}

// sameCondition compares conditions by what they say, not when they said it.
func sameCondition(a, b *apis.Condition) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Type == b.Type && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message
}

func configGeneration(rev *v1.Revision) (int64, error) {
	return strconv.ParseInt(rev.Labels[serving.ConfigurationGenerationLabelKey], 10, 64)
}

// CheckNameAvailability checks whether the Revision named by the
// Configuration's template (BYO name) is available: not found (NotFound
// error), already ours for this generation or with the same spec (returned),
// or taken (AlreadyExists error). It returns nil, nil without a BYO name.
func CheckNameAvailability(ctx context.Context, config *v1.Configuration, lister listers.RevisionLister) (*v1.Revision, error) {
	logger := logging.FromContext(ctx)
	name := config.Spec.GetTemplate().Name
	if name == "" {
		return nil, nil
	}

	errConflict := apierrs.NewAlreadyExists(v1.Resource("revisions"), name)

	rev, err := lister.Revisions(config.Namespace).Get(name)
	if err != nil {
		// NotFound: the name is free (it can only change with the generation).
		return nil, err
	}
	if !metav1.IsControlledBy(rev, config) {
		logger.Debugf("Revision %s is not controlled by Configuration %s, actual owner: %#v",
			rev.GetName(), config.GetName(), rev.GetOwnerReferences())
		return nil, errConflict
	}

	generationKey := serving.ConfigurationGenerationLabelKey
	if rev.Labels != nil && rev.Labels[generationKey] == resources.RevisionLabelValueForKey(generationKey, config) {
		return rev, nil
	}

	// Of another generation: only the spec must match, the user may have
	// labelled or annotated the Revision since.
	if !equality.Semantic.DeepEqual(config.Spec.GetTemplate().Spec, rev.Spec) {
		if diff, err := kmp.SafeDiff(config.Spec.GetTemplate().Spec, rev.Spec); err == nil {
			logger.Debugf("Revision %s spec not equal to Configuration's spec template, diff: %s", rev.GetName(), diff)
		}
		return nil, errConflict
	}
	return rev, nil
}

// latestCreatedRevision returns the Revision of the current generation, and
// whether it was found through a BYO name.
func (c *Reconciler) latestCreatedRevision(ctx context.Context, config *v1.Configuration) (*v1.Revision, bool, error) {
	if rev, err := CheckNameAvailability(ctx, config, c.revisionLister); rev != nil || err != nil {
		return rev, true, err
	}

	// Revisions are named consistently now, but listing by label also finds
	// revisions that predate that naming.
	generationKey := serving.ConfigurationGenerationLabelKey
	list, err := c.revisionLister.Revisions(config.Namespace).List(labels.SelectorFromSet(labels.Set{
		generationKey:                 resources.RevisionLabelValueForKey(generationKey, config),
		serving.ConfigurationLabelKey: config.Name,
	}))
	if err == nil && len(list) > 0 {
		return list[0], false, nil
	}

	return nil, false, apierrs.NewNotFound(v1.Resource("revisions"), "revision for "+config.Name)
}

func (c *Reconciler) createRevision(ctx context.Context, config *v1.Configuration) (*v1.Revision, error) {
	rev := resources.MakeRevision(ctx, config, c.clock.Now())
	created, err := c.client.ServingV1().Revisions(config.Namespace).Create(ctx, rev, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	controller.GetEventRecorder(ctx).Eventf(config, corev1.EventTypeNormal, "Created", "Created Revision %q", created.Name)
	logging.FromContext(ctx).Infof("Created Revision: %s", created.Name)
	return created, nil
}
