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

package platform

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/local/image"
)

// ExpectedMains are the binaries DESIGN.md §2 says config/ runs (queue as the
// revisions' sidecar, the others as Deployments). One that no manifest uses is reported
// as not installed, so a component that has not landed yet is visible, never silently
// absent.
var ExpectedMains = []string{
	"cmd/controller", "cmd/webhook", "cmd/activator", "cmd/autoscaler", "cmd/queue", "cmd/ingress",
	"cmd/eventing-controller", "cmd/eventing-webhook", "cmd/imc-controller", "cmd/imc-dispatcher",
	"cmd/broker-ingress", "cmd/broker-filter",
}

// Component is one Deployment of the manifests.
type Component struct {
	Namespace, Name string
	// Images are the containers' image references.
	Images []string
	// Problem says why the Deployment cannot run (a ko:// image whose main package does
	// not exist in the source tree); "" if none is known before it starts.
	Problem string
}

// Key is namespace/name.
func (c Component) Key() string { return c.Namespace + "/" + c.Name }

// Plan is what a set of manifests installs.
type Plan struct {
	// Components are the Deployments, in manifest order.
	Components []Component
	// KoImages are every ko:// reference used (Deployments and ConfigMap values such as
	// config-deployment's queue-sidecar-image), deduplicated, in manifest order.
	KoImages []string
	// NotInstalled are ExpectedMains that no manifest uses.
	NotInstalled []string
}

// Runnable are the components without a Problem.
func (p *Plan) Runnable() []Component {
	var out []Component
	for _, c := range p.Components {
		if c.Problem == "" {
			out = append(out, c)
		}
	}
	return out
}

// Broken are the components with a Problem.
func (p *Plan) Broken() []Component {
	var out []Component
	for _, c := range p.Components {
		if c.Problem != "" {
			out = append(out, c)
		}
	}
	return out
}

// NewPlan reads the Deployments and ko:// images of ms. sourceRoot is the Skiff module
// root that ko:// references are built from ("" skips the main-package check).
func NewPlan(ms []cluster.Manifest, sourceRoot string) (*Plan, error) {
	mod := ""
	if sourceRoot != "" {
		var err error
		if mod, err = modulePath(filepath.Join(sourceRoot, "go.mod")); err != nil {
			return nil, err
		}
	}
	p := &Plan{}
	seen := map[string]bool{}
	used := map[string]bool{}
	addKo := func(ref string) {
		if !strings.HasPrefix(ref, image.KoPrefix) {
			return
		}
		if mod != "" {
			if rel, ok := strings.CutPrefix(strings.TrimPrefix(ref, image.KoPrefix), mod+"/"); ok {
				used[rel] = true
			}
		}
		if !seen[ref] {
			seen[ref] = true
			p.KoImages = append(p.KoImages, ref)
		}
	}
	for _, m := range ms {
		o := m.Object
		switch o.GroupVersionKind().GroupKind().String() {
		case "Deployment.apps":
			c := Component{Namespace: o.GetNamespace(), Name: o.GetName()}
			for _, path := range [][]string{{"spec", "template", "spec", "initContainers"}, {"spec", "template", "spec", "containers"}} {
				cs, _, _ := unstructured.NestedSlice(o.Object, path...)
				for _, x := range cs {
					if cm, ok := x.(map[string]interface{}); ok {
						if img, ok := cm["image"].(string); ok {
							c.Images = append(c.Images, img)
						}
					}
				}
			}
			for _, img := range c.Images {
				addKo(img)
				if c.Problem == "" && sourceRoot != "" {
					c.Problem = koProblem(img, mod, sourceRoot)
				}
			}
			p.Components = append(p.Components, c)
		case "ConfigMap":
			data, _, _ := unstructured.NestedStringMap(o.Object, "data")
			keys := make([]string, 0, len(data))
			for k := range data {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				addKo(strings.TrimSpace(data[k]))
			}
		}
	}
	if mod != "" {
		for _, m := range ExpectedMains {
			if !used[m] {
				p.NotInstalled = append(p.NotInstalled, m)
			}
		}
	}
	return p, nil
}

// koProblem explains why a ko:// reference of module mod cannot be built from
// sourceRoot, or returns "".
func koProblem(ref, mod, sourceRoot string) string {
	ip, ok := strings.CutPrefix(ref, image.KoPrefix)
	if !ok {
		return ""
	}
	rel, ok := strings.CutPrefix(ip, mod)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		return fmt.Sprintf("image %s is not a package of module %s, so it cannot be built locally", ref, mod)
	}
	dir := filepath.Join(sourceRoot, filepath.FromSlash(rel))
	if !hasMainPackage(dir) {
		return fmt.Sprintf("image %s: there is no main package in %s yet", ref, dir)
	}
	return ""
}

// hasMainPackage reports whether dir holds a non-test Go file of package main.
func hasMainPackage(dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		if pkg, err := packageClause(f); err == nil && pkg == "main" {
			return true
		}
	}
	return false
}

// packageClause returns the package name a Go file declares.
func packageClause(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inComment := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if inComment {
			if i := strings.Index(line, "*/"); i >= 0 {
				inComment = false
				line = strings.TrimSpace(line[i+2:])
			} else {
				continue
			}
		}
		if strings.HasPrefix(line, "/*") {
			if !strings.Contains(line, "*/") {
				inComment = true
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "package "); ok {
			return strings.Fields(rest)[0], nil
		}
	}
	return "", fmt.Errorf("%s: no package clause", file)
}

func modulePath(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", fmt.Errorf("reading the module path: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("no module line in %s", gomod)
}
