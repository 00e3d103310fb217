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

package main

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
// reconciler consults for each PodAutoscaler. No request ever reaches a
// revision here, so every decider reports what a fresh one does: desired
// scale unknown (-1) and no excess burst capacity missing.
type fakeDeciders struct {
	mu       sync.Mutex
	deciders map[types.NamespacedName]*scaling.Decider
}

var _ resources.Deciders = (*fakeDeciders)(nil)

func newFakeDeciders() *fakeDeciders {
	return &fakeDeciders{deciders: map[types.NamespacedName]*scaling.Decider{}}
}

var decidersResource = schema.GroupResource{Group: "autoscaling.internal.knative.dev", Resource: "deciders"}

func (f *fakeDeciders) Get(_ context.Context, namespace, name string) (*scaling.Decider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.deciders[types.NamespacedName{Namespace: namespace, Name: name}]
	if !ok {
		return nil, apierrors.NewNotFound(decidersResource, name)
	}
	return d.DeepCopy(), nil
}

func (f *fakeDeciders) Create(_ context.Context, decider *scaling.Decider) (*scaling.Decider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := decider.DeepCopy()
	d.Status = scaling.DeciderStatus{DesiredScale: -1, ExcessBurstCapacity: 0}
	f.deciders[types.NamespacedName{Namespace: d.Namespace, Name: d.Name}] = d
	return d.DeepCopy(), nil
}

func (f *fakeDeciders) Update(_ context.Context, decider *scaling.Decider) (*scaling.Decider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.deciders[types.NamespacedName{Namespace: decider.Namespace, Name: decider.Name}]
	if !ok {
		return nil, apierrors.NewNotFound(decidersResource, decider.Name)
	}
	d.Spec = decider.Spec
	return d.DeepCopy(), nil
}

func (f *fakeDeciders) Delete(_ context.Context, namespace, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.deciders, types.NamespacedName{Namespace: namespace, Name: name})
}

// Watch: the fake deciders never change on their own, so nothing to report.
func (f *fakeDeciders) Watch(func(types.NamespacedName)) {}
