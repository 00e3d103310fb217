/*
Copyright 2025 The Skiff Authors

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

// Package platform installs Skiff on a local control plane with a node agent, exactly as
// on a cluster: every manifest of config/ is applied unchanged (the node agent's image
// store turns `ko://` references into `go build`s, the only local difference), then the
// components' Deployments are awaited with progress. A component that cannot run is
// named with its Pod's state and last log lines; a component config/ does not install
// yet, or whose main package does not exist yet, is reported, never silently skipped.
//
// `skiff up` calls Install after starting the control plane and the node agent; e2e
// tests get the same through package platformtest.
package platform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/local/image"
)

// DefaultTimeout bounds Install's wait for the components. The first start after a
// source change builds every component (about a minute on two cores); later starts take
// seconds.
const DefaultTimeout = 10 * time.Minute

// Options describe an install.
type Options struct {
	// RESTConfig is an admin configuration of the cluster.
	RESTConfig *rest.Config
	// ConfigDir holds the manifests; empty means config/ of SourceRoot.
	ConfigDir string
	// SourceRoot is the Skiff source tree ko:// images are built from; empty means
	// cluster.SourceRoot().
	SourceRoot string
	// Images, if set, builds every ko:// image before applying, with progress on Out,
	// so the Pods start at once (the node agent's store finds the builds in the shared
	// cache). Nil leaves building to the node agent.
	Images *image.Store
	// Out receives progress; nil discards it.
	Out io.Writer
	// Timeout bounds the wait for the components (DefaultTimeout if zero).
	Timeout time.Duration
}

// Report says what Install did.
type Report struct {
	Plan *Plan
	// Apply is the applier's report of the last pass.
	Apply *cluster.ApplyReport
	// Ready are the components that became Ready, with how long each took from the
	// start of the wait.
	Ready []ReadyComponent
	// Took is the whole install.
	Took time.Duration
}

// ReadyComponent is a component that became Ready.
type ReadyComponent struct {
	Component
	After time.Duration
}

// Warnings are the problems that did not stop the install: components config/ does not
// install and Deployments whose image cannot be built, one sentence each.
func (r *Report) Warnings() []string {
	if r == nil || r.Plan == nil {
		return nil
	}
	var out []string
	for _, c := range r.Plan.Broken() {
		out = append(out, fmt.Sprintf("Deployment %s cannot run: %s", c.Key(), c.Problem))
	}
	if len(r.Plan.NotInstalled) > 0 {
		out = append(out, fmt.Sprintf("config/ does not install %s yet (no manifest uses its ko:// image)",
			strings.Join(r.Plan.NotInstalled, ", ")))
	}
	return out
}

// Install applies the manifests and waits until every runnable component is Ready. It
// fails naming each component that did not become Ready, with its Pods' state and last
// log lines. Components that cannot run (see Report.Warnings) are applied but not
// awaited; they do not fail the install.
func Install(ctx context.Context, o Options) (*Report, error) {
	begin := time.Now()
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.SourceRoot == "" {
		root, err := cluster.SourceRoot()
		if err != nil && o.ConfigDir == "" {
			return nil, fmt.Errorf("finding config/: %w", err)
		}
		o.SourceRoot = root
	}
	if o.ConfigDir == "" {
		o.ConfigDir = filepath.Join(o.SourceRoot, "config")
	}
	files, err := cluster.ManifestFiles(o.ConfigDir)
	if err != nil {
		return nil, fmt.Errorf("listing manifests in %s: %w", o.ConfigDir, err)
	}
	ms, err := cluster.ReadManifests(files)
	if err != nil {
		return nil, err
	}
	plan, err := NewPlan(ms, o.SourceRoot)
	if err != nil {
		return nil, err
	}
	rep := &Report{Plan: plan}
	for _, w := range rep.Warnings() {
		fmt.Fprintf(out, "  WARNING: %s\n", w)
	}

	if o.Images != nil {
		// A failed build is not fatal here: the node agent reports it as the Pod's
		// ErrImagePull, which the wait below names with the Deployment.
		if err := buildImages(ctx, o.Images, plan, out); err != nil && ctx.Err() != nil {
			return rep, err
		}
	}

	kube, err := kubernetes.NewForConfig(o.RESTConfig)
	if err != nil {
		return rep, err
	}
	ap, err := cluster.NewApplier(o.RESTConfig)
	if err != nil {
		return rep, err
	}
	fmt.Fprintf(out, "Applying %d objects from %d files in %s\n", len(ms), len(files), o.ConfigDir)
	applyCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	rep.Apply, err = ap.ApplyManifests(applyCtx, ms, out)
	cancel()
	var failed []cluster.Manifest
	if err != nil {
		if rep.Apply == nil {
			return rep, err
		}
		// On a restart the webhook configurations are already there while the webhooks'
		// Pods are still starting, so objects they admit fail for a moment. Apply those
		// again once the components are Ready.
		failed = notApplied(ms, rep.Apply)
		fmt.Fprintf(out, "  %d objects failed (retried once the components are Ready)\n", len(failed))
	} else {
		summarize(out, rep.Apply)
	}

	w := newWaiter(kube, out)
	waitCtx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	rep.Ready, err = w.wait(waitCtx, plan.Runnable())
	if err != nil {
		rep.Took = time.Since(begin)
		return rep, err
	}

	if len(failed) > 0 {
		applyCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		again, err := ap.ApplyManifests(applyCtx, failed, out)
		cancel()
		if err != nil {
			rep.Took = time.Since(begin)
			return rep, fmt.Errorf("applying %s: %w", o.ConfigDir, err)
		}
		rep.Apply.Applied = append(rep.Apply.Applied, again.Applied...)
		summarize(out, rep.Apply)
	}
	rep.Took = time.Since(begin)
	return rep, nil
}

// notApplied are the manifests the applier neither applied nor skipped.
func notApplied(ms []cluster.Manifest, rep *cluster.ApplyReport) []cluster.Manifest {
	done := map[string]bool{}
	key := func(m cluster.Manifest) string {
		return m.Object.GroupVersionKind().String() + "|" + m.Object.GetNamespace() + "|" + m.Object.GetName()
	}
	for _, m := range rep.Applied {
		done[key(m)] = true
	}
	for _, m := range rep.Skipped {
		done[key(m)] = true
	}
	var out []cluster.Manifest
	for _, m := range ms {
		if !done[key(m)] {
			out = append(out, m)
		}
	}
	return out
}

func summarize(out io.Writer, rep *cluster.ApplyReport) {
	counts := map[string]int{}
	var kinds []string
	for _, m := range rep.Applied {
		k := m.Object.GetKind()
		if counts[k] == 0 {
			kinds = append(kinds, k)
		}
		counts[k]++
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	fmt.Fprintf(out, "Applied %d objects (%s); skipped %d.\n", len(rep.Applied), strings.Join(parts, ", "), len(rep.Skipped))
}

// buildImages builds every ko:// image of the plan whose main package exists, one at a
// time (each go build uses every core), printing one line per image.
func buildImages(ctx context.Context, store *image.Store, plan *Plan, out io.Writer) error {
	broken := map[string]bool{}
	for _, c := range plan.Broken() {
		for _, img := range c.Images {
			broken[img] = true
		}
	}
	var refs []string
	for _, ref := range plan.KoImages {
		if !broken[ref] {
			refs = append(refs, ref)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	fmt.Fprintf(out, "Resolving %d component images (go build, cached by source)\n", len(refs))
	begin := time.Now()
	built := 0
	var errs []error
	for _, ref := range refs {
		t := time.Now()
		img, err := store.Resolve(ctx, ref)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
			fmt.Fprintf(out, "  FAILED  %s: %v\n", ref, err)
			continue
		}
		if img.Built {
			built++
			fmt.Fprintf(out, "  built   %-60s %5.1fs\n", ref, time.Since(t).Seconds())
		}
	}
	fmt.Fprintf(out, "  %d images ready (%d built, %d cached) in %.1fs\n", len(refs)-len(errs), built, len(refs)-len(errs)-built,
		time.Since(begin).Seconds())
	if len(errs) > 0 {
		return fmt.Errorf("building component images: %w", errors.Join(errs...))
	}
	return nil
}
