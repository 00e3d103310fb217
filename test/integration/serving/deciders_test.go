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

package serving

import (
	"context"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/skiffhq/skiff/pkg/autoscaler/scaling"
	"github.com/skiffhq/skiff/pkg/reconciler/autoscaling/kpa/resources"
)

// fakeDeciders stands in for the autoscaler's MultiScaler, which the kpa
// reconciler consults for each PodAutoscaler: the test decides the desired
// scale of every revision. No request ever reaches a revision here, so
// there are no metrics to decide from.
type fakeDeciders struct {
	mu       sync.Mutex
	deciders map[types.NamespacedName]*scaling.Decider
	status   scaling.DeciderStatus
	watcher  func(types.NamespacedName)
}

var _ resources.Deciders = (*fakeDeciders)(nil)

// newFakeDeciders starts as a fresh autoscaler does: desired scale unknown
// (-1), so the PodAutoscaler goes to its initial scale, and no excess burst
// capacity missing, so the activator is not kept in the path.
func newFakeDeciders() *fakeDeciders {
	return &fakeDeciders{
		deciders: map[types.NamespacedName]*scaling.Decider{},
		status:   scaling.DeciderStatus{DesiredScale: -1, ExcessBurstCapacity: 0},
	}
}

// setDesiredScale makes every decider, present and future, recommend scale
// and tells the kpa reconciler.
func (f *fakeDeciders) setDesiredScale(scale int32) {
	f.mu.Lock()
	f.status.DesiredScale = scale
	var keys []types.NamespacedName
	for k, d := range f.deciders {
		d.Status = f.status
		keys = append(keys, k)
	}
	w := f.watcher
	f.mu.Unlock()
	if w != nil {
		for _, k := range keys {
			w(k)
		}
	}
}

func (f *fakeDeciders) Get(_ context.Context, namespace, name string) (*scaling.Decider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.deciders[types.NamespacedName{Namespace: namespace, Name: name}]
	if !ok {
		return nil, apierrors.NewNotFound(schema.GroupResource{Group: "autoscaling.internal.knative.dev", Resource: "deciders"}, name)
	}
	return d.DeepCopy(), nil
}

func (f *fakeDeciders) Create(_ context.Context, decider *scaling.Decider) (*scaling.Decider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := decider.DeepCopy()
	d.Status = f.status
	f.deciders[types.NamespacedName{Namespace: d.Namespace, Name: d.Name}] = d
	return d.DeepCopy(), nil
}

func (f *fakeDeciders) Update(_ context.Context, decider *scaling.Decider) (*scaling.Decider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := types.NamespacedName{Namespace: decider.Namespace, Name: decider.Name}
	d, ok := f.deciders[key]
	if !ok {
		return nil, apierrors.NewNotFound(schema.GroupResource{Group: "autoscaling.internal.knative.dev", Resource: "deciders"}, decider.Name)
	}
	// The spec is the reconciler's; the status stays the "autoscaler's".
	d.Spec = decider.Spec
	return d.DeepCopy(), nil
}

func (f *fakeDeciders) Delete(_ context.Context, namespace, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.deciders, types.NamespacedName{Namespace: namespace, Name: name})
}

func (f *fakeDeciders) Watch(watcher func(types.NamespacedName)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.watcher = watcher
}
