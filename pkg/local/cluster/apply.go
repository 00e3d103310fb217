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

package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// FieldManager is the server-side-apply field manager Skiff applies manifests as.
const FieldManager = "skiff"

// ErrUnknownKind is returned (wrapped) when the cluster serves no resource for a kind.
var ErrUnknownKind = errors.New("kind not served by this cluster")

// CRDResource is the resource of CustomResourceDefinitions.
var CRDResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// Applier applies manifests with server-side apply through the dynamic client. Kinds are
// mapped to resources by discovery, refreshed when a kind is not found (a CRD applied a
// moment ago).
type Applier struct {
	Dynamic   dynamic.Interface
	Discovery discovery.DiscoveryInterface

	mu    sync.Mutex
	cache map[schema.GroupVersion]*metav1.APIResourceList
}

// NewApplier returns an Applier for the cluster cfg points at.
func NewApplier(cfg *rest.Config) (*Applier, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating dynamic client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating discovery client: %w", err)
	}
	return &Applier{Dynamic: dyn, Discovery: disc, cache: map[schema.GroupVersion]*metav1.APIResourceList{}}, nil
}

// DecodeManifests splits a multi-document YAML (or JSON) stream into objects; empty
// documents are dropped and List kinds are flattened.
func DecodeManifests(r io.Reader) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]interface{}
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.GetKind() == "" || u.GetAPIVersion() == "" {
			return nil, fmt.Errorf("document %d has no kind or apiVersion", len(out)+1)
		}
		if u.IsList() {
			l, err := u.ToList()
			if err != nil {
				return nil, err
			}
			for i := range l.Items {
				out = append(out, &l.Items[i])
			}
			continue
		}
		out = append(out, u)
	}
}

// Mapping returns the resource for a kind and whether it is namespaced.
func (a *Applier) Mapping(gvk schema.GroupVersionKind) (schema.GroupVersionResource, bool, error) {
	for refresh := 0; refresh < 2; refresh++ {
		list, err := a.resources(gvk.GroupVersion(), refresh == 1)
		if err != nil && !apierrors.IsNotFound(err) {
			return schema.GroupVersionResource{}, false, err
		}
		if list != nil {
			for _, r := range list.APIResources {
				if r.Kind == gvk.Kind && !strings.Contains(r.Name, "/") {
					return gvk.GroupVersion().WithResource(r.Name), r.Namespaced, nil
				}
			}
		}
	}
	return schema.GroupVersionResource{}, false, fmt.Errorf("%w: %s", ErrUnknownKind, gvk)
}

func (a *Applier) resources(gv schema.GroupVersion, refresh bool) (*metav1.APIResourceList, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if l, ok := a.cache[gv]; ok && !refresh {
		return l, nil
	}
	l, err := a.Discovery.ServerResourcesForGroupVersion(gv.String())
	if err != nil {
		delete(a.cache, gv)
		return nil, err
	}
	a.cache[gv] = l
	return l, nil
}

// Resource returns the client for obj's resource, defaulting a namespaced object's
// namespace to "default" (as kubectl does) and clearing it on cluster-scoped ones.
func (a *Applier) Resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvr, namespaced, err := a.Mapping(obj.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	if !namespaced {
		obj.SetNamespace("")
		return a.Dynamic.Resource(gvr), nil
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace(metav1.NamespaceDefault)
	}
	return a.Dynamic.Resource(gvr).Namespace(obj.GetNamespace()), nil
}

// Apply server-side-applies obj (forcing conflicts, like `kubectl apply --server-side
// --force-conflicts`); objects with only generateName are created.
func (a *Applier) Apply(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ri, err := a.Resource(obj)
	if err != nil {
		return nil, err
	}
	if obj.GetName() == "" {
		return ri.Create(ctx, obj, metav1.CreateOptions{FieldManager: FieldManager})
	}
	obj = obj.DeepCopy()
	obj.SetResourceVersion("")
	obj.SetManagedFields(nil)
	return ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
}

// WaitEstablished waits until the named CRDs have condition Established=True and every
// served version shows up in discovery (which lags a little behind Established).
func (a *Applier) WaitEstablished(ctx context.Context, names []string) error {
	for _, name := range names {
		for {
			crd, err := a.Dynamic.Resource(CRDResource).Get(ctx, name, metav1.GetOptions{})
			if err == nil && hasCondition(crd, "Established", "True") {
				if err = a.discoverable(crd); err == nil {
					break
				}
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("CRD %s not Established: %w (last error: %v)", name, ctx.Err(), err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

func (a *Applier) discoverable(crd *unstructured.Unstructured) error {
	group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	for _, v := range versions {
		vm, _ := v.(map[string]interface{})
		if served, _ := vm["served"].(bool); !served {
			continue
		}
		name, _ := vm["name"].(string)
		gv := schema.GroupVersion{Group: group, Version: name}
		list, err := a.resources(gv, true)
		if err != nil {
			return err
		}
		found := false
		for _, r := range list.APIResources {
			found = found || r.Name == plural
		}
		if !found {
			return fmt.Errorf("%s not yet in discovery for %s", plural, gv)
		}
	}
	return nil
}

// hasCondition reports whether obj's status.conditions holds type=status.
func hasCondition(obj *unstructured.Unstructured, typ, status string) bool {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]interface{})
		if ok && m["type"] == typ && m["status"] == status {
			return true
		}
	}
	return false
}

// ManifestFiles lists every *.yaml and *.yml file under dir, recursively, sorted.
func ManifestFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// Manifest is one object from a file.
type Manifest struct {
	File   string
	Object *unstructured.Unstructured
}

// String names the object like kubectl does: kind/name (namespace) from file.
func (m Manifest) String() string {
	s := m.Object.GetKind() + "/" + m.Object.GetName()
	if ns := m.Object.GetNamespace(); ns != "" {
		s += " -n " + ns
	}
	return s
}

// ReadManifests decodes every object in files, in order.
func ReadManifests(files []string) ([]Manifest, error) {
	var out []Manifest
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		objs, err := DecodeManifests(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("decoding %s: %w", f, err)
		}
		for _, o := range objs {
			out = append(out, Manifest{File: f, Object: o})
		}
	}
	return out, nil
}

// ApplyReport says what ApplyManifests did with each object.
type ApplyReport struct {
	Applied []Manifest
	// Skipped objects have a kind this cluster does not serve (for example Istio
	// resources without Istio); they are listed, never dropped silently.
	Skipped []Manifest
	// CRDs are the names of the CustomResourceDefinitions applied and Established.
	CRDs []string
}

// ApplyManifests applies objects the way a cluster install needs: CRDs first (then waits
// until they are Established and served), Namespaces next, then everything else in file
// order, and webhook configurations last so a webhook that is not running yet cannot
// block the rest. Objects of unknown kinds are skipped and reported; any other failure is
// returned after trying every object.
func (a *Applier) ApplyManifests(ctx context.Context, ms []Manifest, out io.Writer) (*ApplyReport, error) {
	if out == nil {
		out = io.Discard
	}
	rank := func(m Manifest) int {
		gk := m.Object.GroupVersionKind().GroupKind()
		switch {
		case gk == schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:
			return 0
		case gk == schema.GroupKind{Kind: "Namespace"}:
			return 1
		case gk.Group == "admissionregistration.k8s.io" && strings.HasSuffix(gk.Kind, "WebhookConfiguration"):
			return 3
		default:
			return 2
		}
	}
	ordered := append([]Manifest(nil), ms...)
	sort.SliceStable(ordered, func(i, j int) bool { return rank(ordered[i]) < rank(ordered[j]) })

	rep := &ApplyReport{}
	var errs []error
	crdsWaited := false
	for _, m := range ordered {
		if rank(m) > 0 && !crdsWaited {
			crdsWaited = true
			if err := a.WaitEstablished(ctx, rep.CRDs); err != nil {
				return rep, err
			}
			if len(rep.CRDs) > 0 {
				fmt.Fprintf(out, "  %d CRDs Established\n", len(rep.CRDs))
			}
		}
		_, err := a.applyWaitingForWebhooks(ctx, m, out)
		switch {
		case errors.Is(err, ErrUnknownKind):
			rep.Skipped = append(rep.Skipped, m)
			fmt.Fprintf(out, "  skipped %s (%s): %s is not served by this cluster\n", m, m.File, m.Object.GroupVersionKind())
		case err != nil:
			errs = append(errs, fmt.Errorf("%s (%s): %w", m, m.File, err))
			fmt.Fprintf(out, "  FAILED  %s (%s): %v\n", m, m.File, err)
		default:
			rep.Applied = append(rep.Applied, m)
			if rank(m) == 0 {
				rep.CRDs = append(rep.CRDs, m.Object.GetName())
			}
		}
	}
	if !crdsWaited {
		if err := a.WaitEstablished(ctx, rep.CRDs); err != nil {
			return rep, err
		}
	}
	return rep, errors.Join(errs...)
}

// webhookWait bounds how long ApplyManifests waits for an admission webhook whose Pods
// are not serving yet: on `skiff up` after `skiff down`, the webhooks registered earlier
// intercept the re-apply while the node agent is still (re)starting their Pods.
const webhookWait = 3 * time.Minute

func (a *Applier) applyWaitingForWebhooks(ctx context.Context, m Manifest, out io.Writer) (*unstructured.Unstructured, error) {
	deadline := time.Now().Add(webhookWait)
	said := false
	for {
		got, err := a.Apply(ctx, m.Object)
		if err == nil || !webhookUnavailable(err) || time.Now().After(deadline) {
			return got, err
		}
		if !said {
			said = true
			fmt.Fprintf(out, "  waiting for an admission webhook to serve (%s): %v\n", m, err)
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Second):
		}
	}
}

// webhookUnavailable is the apiserver's error for a webhook it cannot reach.
func webhookUnavailable(err error) bool {
	msg := err.Error()
	return apierrors.IsInternalError(err) && strings.Contains(msg, "failed calling webhook") &&
		(strings.Contains(msg, "no endpoints available") || strings.Contains(msg, "connection refused") ||
			strings.Contains(msg, "i/o timeout") || strings.Contains(msg, "context deadline exceeded"))
}
