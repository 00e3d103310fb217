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

package traffic

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	net "github.com/skiffhq/skiff/pkg/apis/networking"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	listers "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/domains"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources/labels"
)

// DefaultTarget is the unnamed default target for the traffic.
const DefaultTarget = ""

// A RevisionTarget adds the transport protocol of a Revision to a flattened
// TrafficTarget.
type RevisionTarget struct {
	v1.TrafficTarget
	Protocol net.ProtocolType
}

// RevisionTargets is a collection of revision targets.
type RevisionTargets []RevisionTarget

// Config is the resolved traffic of a Route, so that the ingress and service
// builders need no API calls and nothing of the Route beyond its ObjectMeta.
type Config struct {
	// Targets groups the revision-level targets by traffic name: every
	// target is under DefaultTarget, and tagged targets are also under their
	// tag.
	Targets map[string]RevisionTargets

	// Visibility of each traffic name.
	Visibility map[string]netv1alpha1.IngressVisibility

	// revisionTargets is the traffic block flattened to the revision level,
	// in spec order; it becomes Route.Status.Traffic.
	revisionTargets RevisionTargets

	// Configurations and Revisions referenced, directly or indirectly, keyed
	// by name.
	Configurations map[string]*v1.Configuration
	Revisions      map[string]*v1.Revision

	// MissingTargets are references to Configurations or Revisions that do
	// not exist (yet); the reconciler tracks them so their creation
	// reconciles the Route.
	MissingTargets []corev1.ObjectReference
}

// BuildTrafficConfiguration consolidates and flattens the Route.Spec.Traffic
// to the Revision level. It also provides the complete lists of
// Configurations and Revisions referred by the Route, directly or
// indirectly, keyed by name.
//
// When some target is missing or not ready, a TargetError is returned along
// with a Config holding the referenced and missing objects (but no targets).
func BuildTrafficConfiguration(configLister listers.ConfigurationLister, revLister listers.RevisionLister,
	r *v1.Route,
) (*Config, error) {
	return newBuilder(configLister, revLister, r).build()
}

func rolloutConfig(cfgName string, ros []*ConfigurationRollout) *ConfigurationRollout {
	for _, ro := range ros {
		if ro.ConfigurationName == cfgName {
			return ro
		}
	}
	// Technically impossible with valid inputs.
	return nil
}

func (cfg *Config) computeURL(ctx context.Context, r *v1.Route, tt *RevisionTarget) (*apis.URL, error) {
	meta := r.ObjectMeta.DeepCopy()

	hostname, err := domains.HostnameFromTemplate(ctx, meta.Name, tt.Tag)
	if err != nil {
		return nil, err
	}

	isClusterLocal := cfg.Visibility[tt.Tag] == netv1alpha1.IngressVisibilityClusterLocal
	labels.SetVisibility(meta, isClusterLocal)

	fullDomain, err := domains.DomainNameFromTemplate(ctx, *meta, hostname)
	if err != nil {
		return nil, err
	}

	scheme := "http"
	if !isClusterLocal {
		scheme = config.FromContext(ctx).Network.DefaultExternalScheme
	}
	return domains.URL(scheme, fullDomain), nil
}

func (cfg *Config) targetToStatus(ctx context.Context, r *v1.Route, tt *RevisionTarget,
	revs []RevisionRollout, results []v1.TrafficTarget,
) (_ []v1.TrafficTarget, err error) {
	var url *apis.URL
	// Do this once per tag.
	if tt.Tag != "" {
		url, err = cfg.computeURL(ctx, r, tt)
		if err != nil {
			return nil, err
		}
	}

	for i := range revs {
		rr := &revs[i]
		// Not a DeepCopy: tt.TrafficTarget may hold both a configuration and
		// a revision name, and status carries only the revision.
		result := v1.TrafficTarget{
			Tag:            tt.Tag,
			RevisionName:   rr.RevisionName,
			Percent:        ptr.Int64(int64(rr.Percent)),
			LatestRevision: tt.LatestRevision,
		}
		if tt.Tag != "" {
			result.URL = url
		}
		results = append(results, result)
	}
	return results, nil
}

// GetRevisionTrafficTargets returns the traffic targets for
// Route.Status.Traffic: flattened to revision names, configuration names
// cleared, tags given their URL, and latestRevision targets split as the
// rollout ro currently splits them.
func (cfg *Config) GetRevisionTrafficTargets(ctx context.Context, r *v1.Route, ro *Rollout) ([]v1.TrafficTarget, error) {
	results := make([]v1.TrafficTarget, 0, len(cfg.revisionTargets))
	for i := range cfg.revisionTargets {
		tt := &cfg.revisionTargets[i]

		var (
			roCfg *ConfigurationRollout
			revs  []RevisionRollout
			err   error
		)
		if tt.LatestRevision != nil && *tt.LatestRevision {
			roCfg = rolloutConfig(tt.ConfigurationName, ro.RolloutsByTag(tt.Tag))
		}
		// Not a rollout, or a revision target: a single revision.
		if roCfg == nil {
			revs = []RevisionRollout{{
				RevisionName: tt.RevisionName,
				Percent:      int(*tt.Percent),
			}}
		} else {
			revs = roCfg.Revisions
		}

		results, err = cfg.targetToStatus(ctx, r, tt, revs, results)
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

type configBuilder struct {
	configLister listers.ConfigurationNamespaceLister
	revLister    listers.RevisionNamespaceLister
	route        *v1.Route

	// targets is a grouping of traffic targets serving the same origin.
	targets map[string]RevisionTargets

	// revisionTargets is the original list of targets, at the Revision level.
	revisionTargets RevisionTargets

	// configurations contains all the referred Configurations, keyed by name.
	configurations map[string]*v1.Configuration
	// revisions contains all the referred Revisions, keyed by name.
	revisions map[string]*v1.Revision

	// missingTargets are the targets absent from the listers.
	missingTargets []corev1.ObjectReference

	// deferredTargetErr is reported once every target has been looked at,
	// so the lists above are complete.
	deferredTargetErr TargetError
}

func newBuilder(configLister listers.ConfigurationLister, revLister listers.RevisionLister, r *v1.Route) *configBuilder {
	return &configBuilder{
		configLister:    configLister.Configurations(r.Namespace),
		revLister:       revLister.Revisions(r.Namespace),
		route:           r,
		targets:         make(map[string]RevisionTargets, 1),
		revisionTargets: make(RevisionTargets, 0, len(r.Spec.Traffic)),
		configurations:  make(map[string]*v1.Configuration),
		revisions:       make(map[string]*v1.Revision, 1),
	}
}

// BuildRollout builds the current (target) rollout state: each
// latestRevision target with traffic gets one ConfigurationRollout holding
// its one revision. The result is sorted by tag, then configuration.
func (cfg *Config) BuildRollout() *Rollout {
	rollout := &Rollout{}
	for tag, targets := range cfg.Targets {
		buildRolloutForTag(rollout, tag, targets)
	}
	sortRollout(rollout)
	return rollout
}

func buildRolloutForTag(r *Rollout, tag string, rts RevisionTargets) {
	// Only the default target can have more than one element here.
	for _, rt := range rts {
		// Revision targets do not roll out.
		if rt.LatestRevision == nil || !*rt.LatestRevision {
			continue
		}
		// Targets with no traffic (only possible under the default tag) do
		// not roll out either.
		if *rt.Percent == 0 {
			continue
		}

		// Targets of the same revision are already merged.
		r.Configurations = append(r.Configurations, &ConfigurationRollout{
			ConfigurationName: rt.ConfigurationName,
			Tag:               tag,
			Percent:           int(*rt.Percent),
			Revisions: []RevisionRollout{{
				RevisionName: rt.RevisionName,
				// Equal to the configuration's percent in steady state; a
				// rollout in progress overrides it.
				Percent: int(*rt.Percent),
			}},
		})
	}
}

func (cb *configBuilder) applySpecTraffic() error {
	traffic := cb.route.Spec.Traffic
	for i := range traffic {
		if err := cb.addTrafficTarget(&traffic[i]); err != nil {
			// Errors other than TargetErrors are not deferred.
			return err
		}
	}
	return nil
}

func (cb *configBuilder) getConfiguration(name string) (*v1.Configuration, error) {
	config, ok := cb.configurations[name]
	if !ok {
		var err error
		config, err = cb.configLister.Get(name)
		if apierrs.IsNotFound(err) {
			return nil, errMissingConfiguration(name)
		} else if err != nil {
			return nil, err
		}
		cb.configurations[name] = config
	}
	return config, nil
}

func (cb *configBuilder) getRevision(name string) (*v1.Revision, error) {
	rev, ok := cb.revisions[name]
	if !ok {
		var err error
		rev, err = cb.revLister.Get(name)
		if apierrs.IsNotFound(err) {
			return nil, errMissingRevision(name)
		} else if err != nil {
			return nil, err
		}
		cb.revisions[name] = rev
	}
	return rev, nil
}

// deferTargetError records a TargetError. A failure (IsFailure) always
// overwrites a previous one, so a permanent problem is reported in
// preference to a transient one.
func (cb *configBuilder) deferTargetError(err TargetError) {
	if cb.deferredTargetErr == nil || err.IsFailure() {
		cb.deferredTargetErr = err
	}
}

func (cb *configBuilder) addTrafficTarget(tt *v1.TrafficTarget) (err error) {
	if tt.RevisionName != "" {
		err = cb.addRevisionTarget(tt)
	} else if tt.ConfigurationName != "" {
		err = cb.addConfigurationTarget(tt)
	}
	if err != nil {
		var errMissingTarget *missingTargetError
		if errors.As(err, &errMissingTarget) {
			apiVersion, kind := v1.SchemeGroupVersion.WithKind(errMissingTarget.kind).ToAPIVersionAndKind()
			cb.missingTargets = append(cb.missingTargets, corev1.ObjectReference{
				APIVersion: apiVersion,
				Kind:       kind,
				Name:       errMissingTarget.name,
				Namespace:  cb.route.Namespace,
			})
		}
		var errTarget TargetError
		if errors.As(err, &errTarget) {
			// Defer target errors, as we still want to compile a list of
			// all referred targets, including missing ones.
			cb.deferTargetError(errTarget)
			return nil
		}
	}
	return err
}

// addConfigurationTarget flattens a configuration target to the revision
// level through the Configuration's latestReadyRevisionName.
func (cb *configBuilder) addConfigurationTarget(tt *v1.TrafficTarget) error {
	config, err := cb.getConfiguration(tt.ConfigurationName)
	if err != nil {
		return err
	}
	if config.Status.LatestReadyRevisionName == "" {
		return errUnreadyConfiguration(config)
	}
	rev, err := cb.getRevision(config.Status.LatestReadyRevisionName)
	if err != nil {
		return err
	}
	if !rev.IsReady() {
		return errUnreadyRevision(rev)
	}
	target := RevisionTarget{
		TrafficTarget: *tt.DeepCopy(),
		Protocol:      rev.GetProtocol(),
	}
	target.TrafficTarget.RevisionName = rev.Name
	cb.addFlattenedTarget(target)
	return nil
}

func (cb *configBuilder) addRevisionTarget(tt *v1.TrafficTarget) error {
	rev, err := cb.getRevision(tt.RevisionName)
	if err != nil {
		return err
	}
	if !rev.IsReady() {
		return errUnreadyRevision(rev)
	}
	target := RevisionTarget{
		TrafficTarget: *tt.DeepCopy(),
		Protocol:      rev.GetProtocol(),
	}
	if configName, ok := rev.Labels[serving.ConfigurationLabelKey]; ok {
		target.TrafficTarget.ConfigurationName = configName
		if _, err := cb.getConfiguration(configName); err != nil {
			return err
		}
	}
	cb.addFlattenedTarget(target)
	return nil
}

// mergeIfNecessary adds rt's percent to an existing target with the same
// tag, revision and latestRevision, or appends rt. Traffic lists are short,
// so a linear search is fine.
func mergeIfNecessary(rts RevisionTargets, rt RevisionTarget) RevisionTargets {
	for i := range rts {
		if rts[i].Tag == rt.Tag && rts[i].RevisionName == rt.RevisionName &&
			ptr.BoolValue(rt.LatestRevision) == ptr.BoolValue(rts[i].LatestRevision) {
			rts[i].Percent = ptr.Int64(ptr.Int64Value(rts[i].Percent) + ptr.Int64Value(rt.Percent))
			return rts
		}
	}
	return append(rts, rt)
}

func (cb *configBuilder) addFlattenedTarget(target RevisionTarget) {
	name := target.TrafficTarget.Tag
	cb.revisionTargets = mergeIfNecessary(cb.revisionTargets, target)
	cb.targets[DefaultTarget] = append(cb.targets[DefaultTarget], target)
	if name != "" {
		// This should always have just a single entry at most.
		cb.targets[name] = append(cb.targets[name], target)
	}
}

func (cb *configBuilder) build() (*Config, error) {
	if err := cb.applySpecTraffic(); err != nil {
		return nil, err
	}
	if cb.deferredTargetErr != nil {
		cb.targets = nil
		cb.revisionTargets = nil
	}
	return &Config{
		Targets:         consolidateAll(cb.targets),
		revisionTargets: cb.revisionTargets,
		Configurations:  cb.configurations,
		Revisions:       cb.revisions,
		MissingTargets:  cb.missingTargets,
	}, cb.deferredTargetErr
}

func consolidateAll(targets map[string]RevisionTargets) map[string]RevisionTargets {
	consolidated := make(map[string]RevisionTargets, len(targets))
	for name, tts := range targets {
		consolidated[name] = consolidate(tts)
	}
	return consolidated
}

// consolidate merges the targets of the same revision, keeping first-seen
// order. A single remaining target gets 100%: a tag's group routes all of
// its host's traffic to its one revision whatever its share of the default
// route.
func consolidate(targets RevisionTargets) RevisionTargets {
	byName := make(map[string]RevisionTarget)
	var names []string
	for _, tt := range targets {
		name := tt.TrafficTarget.RevisionName
		cur, ok := byName[name]
		if !ok {
			byName[name] = tt
			names = append(names, name)
			continue
		}
		cur.TrafficTarget.Percent = ptr.Int64(
			ptr.Int64Value(cur.TrafficTarget.Percent) + ptr.Int64Value(tt.TrafficTarget.Percent))
		byName[name] = cur
	}
	consolidated := make([]RevisionTarget, len(names))
	for i, name := range names {
		consolidated[i] = byName[name]
	}
	if len(consolidated) == 1 {
		consolidated[0].TrafficTarget.Percent = ptr.Int64(100)
	}
	return consolidated
}
