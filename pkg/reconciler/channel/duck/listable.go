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

// Package duck holds what the channel-based reconcilers (broker, channel,
// subscription, trigger) share to work with any Channelable or Source kind
// through the dynamic client: a tracker that starts one duck informer per
// kind on demand, and the builder of physical channels (upstream
// knative.dev/eventing/pkg/duck).
package duck

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/tracker"
)

// ListableTracker tracks objects of any kind the duck informer factory can
// list (Channelable, Source, ...): tracking a reference starts an informer
// for its kind if needed, and a change to the referenced object enqueues the
// tracking object.
type ListableTracker interface {
	// TrackInNamespace returns a function tracking references in obj's
	// namespace (a reference's own namespace is ignored).
	TrackInNamespace(ctx context.Context, obj metav1.Object) Track
	// TrackInNamespaceKReference is TrackInNamespace for KReferences.
	TrackInNamespaceKReference(ctx context.Context, obj metav1.Object) TrackKReference
	// TrackKReference returns a function tracking KReferences in namespace.
	TrackKReference(ctx context.Context, obj metav1.Object, namespace string) TrackKReference
	// ListerFor returns the lister of ref's kind; it fails unless that kind
	// was tracked before.
	ListerFor(ref corev1.ObjectReference) (cache.GenericLister, error)
	// ListerForKReference is ListerFor for KReferences.
	ListerForKReference(ref duckv1.KReference) (cache.GenericLister, error)
}

// Track starts tracking an object reference.
type Track func(corev1.ObjectReference) error

// TrackKReference starts tracking a KReference.
type TrackKReference func(duckv1.KReference) error

// NewListableTrackerFromTracker creates a ListableTracker whose informers come
// from getter(ctx) (e.g. the Channelable or Source duck informer factory) and
// whose callbacks go through t.
func NewListableTrackerFromTracker(ctx context.Context, getter func(context.Context) duck.InformerFactory, t tracker.Interface) ListableTracker {
	return &listableTracker{
		informerFactory: getter(ctx),
		tracker:         t,
		listers:         map[schema.GroupVersionResource]cache.GenericLister{},
	}
}

type listableTracker struct {
	informerFactory duck.InformerFactory
	tracker         tracker.Interface

	mu      sync.RWMutex
	listers map[schema.GroupVersionResource]cache.GenericLister
}

func gvrOf(ref corev1.ObjectReference) (schema.GroupVersionResource, error) {
	if ref.APIVersion == "" || ref.Kind == "" {
		return schema.GroupVersionResource{}, fmt.Errorf("reference %s/%s has no apiVersion or kind", ref.Namespace, ref.Name)
	}
	gvr, _ := meta.UnsafeGuessKindToResource(ref.GroupVersionKind())
	return gvr, nil
}

// ensureTracking makes sure one informer watches ref's kind and reports its
// changes to the tracker.
func (t *listableTracker) ensureTracking(ctx context.Context, ref corev1.ObjectReference) error {
	gvr, err := gvrOf(ref)
	if err != nil {
		return err
	}
	t.mu.RLock()
	_, ok := t.listers[gvr]
	t.mu.RUnlock()
	if ok {
		return nil
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.listers[gvr]; ok {
		return nil
	}
	informer, lister, err := t.informerFactory.Get(ctx, gvr)
	if err != nil {
		return fmt.Errorf("starting informer for %s: %w", gvr, err)
	}
	// Objects from this path may lack TypeMeta, which the tracker needs to
	// match references.
	informer.AddEventHandler(controller.HandleAll(controller.EnsureTypeMeta(t.tracker.OnChanged, ref.GroupVersionKind())))
	t.listers[gvr] = lister
	return nil
}

func (t *listableTracker) track(ctx context.Context, obj metav1.Object, ref corev1.ObjectReference) error {
	if err := t.ensureTracking(ctx, ref); err != nil {
		return err
	}
	return t.tracker.TrackReference(tracker.Reference{
		APIVersion: ref.APIVersion,
		Kind:       ref.Kind,
		Namespace:  ref.Namespace,
		Name:       ref.Name,
	}, obj)
}

// TrackInNamespace implements ListableTracker.
func (t *listableTracker) TrackInNamespace(ctx context.Context, obj metav1.Object) Track {
	return func(ref corev1.ObjectReference) error {
		ref.Namespace = obj.GetNamespace()
		return t.track(ctx, obj, ref)
	}
}

// TrackInNamespaceKReference implements ListableTracker.
func (t *listableTracker) TrackInNamespaceKReference(ctx context.Context, obj metav1.Object) TrackKReference {
	return t.TrackKReference(ctx, obj, obj.GetNamespace())
}

// TrackKReference implements ListableTracker.
func (t *listableTracker) TrackKReference(ctx context.Context, obj metav1.Object, namespace string) TrackKReference {
	return func(ref duckv1.KReference) error {
		return t.track(ctx, obj, corev1.ObjectReference{
			APIVersion: ref.APIVersion,
			Kind:       ref.Kind,
			Namespace:  namespace,
			Name:       ref.Name,
		})
	}
}

// ListerFor implements ListableTracker.
func (t *listableTracker) ListerFor(ref corev1.ObjectReference) (cache.GenericLister, error) {
	gvr, err := gvrOf(ref)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	lister, ok := t.listers[gvr]
	if !ok {
		return nil, fmt.Errorf("no lister available for GVR %s", gvr)
	}
	return lister, nil
}

// ListerForKReference implements ListableTracker.
func (t *listableTracker) ListerForKReference(ref duckv1.KReference) (cache.GenericLister, error) {
	return t.ListerFor(corev1.ObjectReference{APIVersion: ref.APIVersion, Kind: ref.Kind, Namespace: ref.Namespace, Name: ref.Name})
}
