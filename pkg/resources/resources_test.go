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

package resources

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

const (
	testNamespace = "test-ns"
	testRevision  = "test-revision"
)

func endpoints(ready, notReady int) *corev1.Endpoints {
	ep := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Namespace: testNamespace, Name: "svc"}}
	// Split across two subsets so counting has to sum them.
	for i := 0; i < 2; i++ {
		ep.Subsets = append(ep.Subsets, corev1.EndpointSubset{})
	}
	for i := 0; i < ready; i++ {
		ep.Subsets[i%2].Addresses = append(ep.Subsets[i%2].Addresses, corev1.EndpointAddress{IP: "1.1.1.1"})
	}
	for i := 0; i < notReady; i++ {
		ep.Subsets[i%2].NotReadyAddresses = append(ep.Subsets[i%2].NotReadyAddresses, corev1.EndpointAddress{IP: "2.2.2.2"})
	}
	return ep
}

func TestScopedEndpointsCounter(t *testing.T) {
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	lister := corev1listers.NewEndpointsLister(indexer)

	missing := NewScopedEndpointsCounter(lister, testNamespace, "svc")
	if _, err := missing.ReadyCount(); !apierrs.IsNotFound(err) {
		t.Errorf("ReadyCount() without Endpoints = %v, want NotFound", err)
	}
	if _, err := missing.NotReadyCount(); !apierrs.IsNotFound(err) {
		t.Errorf("NotReadyCount() without Endpoints = %v, want NotFound", err)
	}

	for _, tc := range []struct{ ready, notReady int }{{0, 0}, {1, 0}, {0, 3}, {5, 2}} {
		indexer.Update(endpoints(tc.ready, tc.notReady))
		c := NewScopedEndpointsCounter(lister, testNamespace, "svc")
		if got, err := c.ReadyCount(); err != nil || got != tc.ready {
			t.Errorf("ReadyCount() = %d, %v, want %d", got, err, tc.ready)
		}
		if got, err := c.NotReadyCount(); err != nil || got != tc.notReady {
			t.Errorf("NotReadyCount() = %d, %v, want %d", got, err, tc.notReady)
		}
	}
}

type podOption func(*corev1.Pod)

func pod(name string, opts ...podOption) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: testNamespace,
			Labels:    map[string]string{serving.RevisionLabelKey: testRevision},
		},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func phase(ph corev1.PodPhase) podOption { return func(p *corev1.Pod) { p.Status.Phase = ph } }

func ready(status corev1.ConditionStatus) podOption {
	return func(p *corev1.Pod) {
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.PodReady, Status: status})
	}
}

func deleting(p *corev1.Pod) {
	p.DeletionTimestamp = &metav1.Time{Time: time.Now()}
}

func started(ip string, at time.Time) podOption {
	return func(p *corev1.Pod) {
		p.Status.PodIP = ip
		p.Status.StartTime = &metav1.Time{Time: at}
	}
}

func otherRevision(p *corev1.Pod) {
	p.Labels[serving.RevisionLabelKey] = "another"
}

func accessor(pods ...*corev1.Pod) PodAccessor {
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, p := range pods {
		indexer.Add(p)
	}
	return NewPodAccessor(corev1listers.NewPodLister(indexer), testNamespace, testRevision)
}

func TestPodCountsByState(t *testing.T) {
	for _, tc := range []struct {
		name                                  string
		pods                                  []*corev1.Pod
		ready, notReady, pending, terminating int
	}{{
		name: "no pods",
	}, {
		name:  "running and ready",
		pods:  []*corev1.Pod{pod("a", phase(corev1.PodRunning), ready(corev1.ConditionTrue))},
		ready: 1,
	}, {
		name:     "running but not ready",
		pods:     []*corev1.Pod{pod("a", phase(corev1.PodRunning), ready(corev1.ConditionFalse))},
		notReady: 1,
	}, {
		name:     "running without a ready condition",
		pods:     []*corev1.Pod{pod("a", phase(corev1.PodRunning))},
		notReady: 1,
	}, {
		name:     "pending counts as not ready too",
		pods:     []*corev1.Pod{pod("a", phase(corev1.PodPending))},
		notReady: 1, pending: 1,
	}, {
		name:     "terminating ready pod counts as not ready",
		pods:     []*corev1.Pod{pod("a", phase(corev1.PodRunning), ready(corev1.ConditionTrue), deleting)},
		notReady: 1, terminating: 1,
	}, {
		name: "failed and succeeded pods are ignored",
		pods: []*corev1.Pod{pod("a", phase(corev1.PodFailed)), pod("b", phase(corev1.PodSucceeded))},
	}, {
		name: "other revisions' pods are ignored",
		pods: []*corev1.Pod{
			pod("a", phase(corev1.PodRunning), ready(corev1.ConditionTrue)),
			pod("b", phase(corev1.PodRunning), ready(corev1.ConditionTrue), otherRevision),
		},
		ready: 1,
	}, {
		name: "mix",
		pods: []*corev1.Pod{
			pod("a", phase(corev1.PodRunning), ready(corev1.ConditionTrue)),
			pod("b", phase(corev1.PodRunning), ready(corev1.ConditionTrue)),
			pod("c", phase(corev1.PodRunning), ready(corev1.ConditionFalse)),
			pod("d", phase(corev1.PodPending)),
			pod("e", phase(corev1.PodRunning), deleting),
		},
		ready: 2, notReady: 3, pending: 1, terminating: 1,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pa := accessor(tc.pods...)
			r, nr, p, term, err := pa.PodCountsByState()
			if err != nil {
				t.Fatal("PodCountsByState() =", err)
			}
			if r != tc.ready || nr != tc.notReady || p != tc.pending || term != tc.terminating {
				t.Errorf("PodCountsByState() = %d, %d, %d, %d, want %d, %d, %d, %d",
					r, nr, p, term, tc.ready, tc.notReady, tc.pending, tc.terminating)
			}
			if got, _ := pa.ReadyCount(); got != tc.ready {
				t.Errorf("ReadyCount() = %d, want %d", got, tc.ready)
			}
			if got, _ := pa.NotReadyCount(); got != tc.notReady {
				t.Errorf("NotReadyCount() = %d, want %d", got, tc.notReady)
			}
		})
	}
}

func TestPodIPsByAge(t *testing.T) {
	now := time.Now()
	running := []podOption{phase(corev1.PodRunning), ready(corev1.ConditionTrue)}
	pa := accessor(
		pod("young", append(running, started("1.1.1.3", now.Add(-time.Second)))...),
		pod("old", append(running, started("1.1.1.1", now.Add(-time.Hour)))...),
		pod("middle", append(running, started("1.1.1.2", now.Add(-time.Minute)))...),
		pod("unready", phase(corev1.PodRunning), ready(corev1.ConditionFalse), started("1.1.1.4", now)),
		pod("going", append(running, deleting, started("1.1.1.5", now))...),
		pod("pending", phase(corev1.PodPending), started("1.1.1.6", now)),
	)
	got, err := pa.PodIPsByAge()
	if err != nil {
		t.Fatal("PodIPsByAge() =", err)
	}
	if want := []string{"1.1.1.1", "1.1.1.2", "1.1.1.3"}; !cmp.Equal(got, want) {
		t.Errorf("PodIPsByAge() = %v, want %v", got, want)
	}

	older, younger, err := pa.PodIPsSplitByAge(time.Minute, now)
	if err != nil {
		t.Fatal("PodIPsSplitByAge() =", err)
	}
	// Order follows the lister, so compare as sets.
	if len(older) != 2 || !contains(older, "1.1.1.1") || !contains(older, "1.1.1.2") {
		t.Errorf("older = %v, want 1.1.1.1 and 1.1.1.2", older)
	}
	if want := []string{"1.1.1.3"}; !cmp.Equal(younger, want) {
		t.Errorf("younger = %v, want %v", younger, want)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestScaleResourceArguments(t *testing.T) {
	gvr, name, err := ScaleResourceArguments(corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "d"})
	if err != nil {
		t.Fatal("ScaleResourceArguments() =", err)
	}
	if want := (schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}); *gvr != want || name != "d" {
		t.Errorf("ScaleResourceArguments() = %v, %q, want %v, %q", *gvr, name, want, "d")
	}
	if _, _, err := ScaleResourceArguments(corev1.ObjectReference{APIVersion: "a/b/c", Kind: "Deployment"}); err == nil {
		t.Error("ScaleResourceArguments() with a bad apiVersion succeeded")
	}
}

func TestGetScaleResource(t *testing.T) {
	ref := corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "d"}
	ps := &autoscalingv1alpha1.PodScalable{
		ObjectMeta: metav1.ObjectMeta{Namespace: testNamespace, Name: "d"},
		Spec: autoscalingv1alpha1.PodScalableSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
		},
	}
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	indexer.Add(ps)
	var askedFor schema.GroupVersionResource
	factory := func(gvr schema.GroupVersionResource) (cache.GenericLister, error) {
		askedFor = gvr
		return cache.NewGenericLister(indexer, gvr.GroupResource()), nil
	}

	got, err := GetScaleResource(testNamespace, ref, factory)
	if err != nil {
		t.Fatal("GetScaleResource() =", err)
	}
	if !cmp.Equal(got, ps) {
		t.Errorf("GetScaleResource() = %v, want %v", got, ps)
	}
	if askedFor.Resource != "deployments" {
		t.Errorf("lister asked for %v, want deployments", askedFor)
	}

	if _, err := GetScaleResource("other-ns", ref, factory); err == nil {
		t.Error("GetScaleResource() of a missing object succeeded")
	}
	boom := errors.New("no informer")
	if _, err := GetScaleResource(testNamespace, ref, func(schema.GroupVersionResource) (cache.GenericLister, error) {
		return nil, boom
	}); !errors.Is(err, boom) {
		t.Errorf("GetScaleResource() = %v, want it to wrap %v", err, boom)
	}
}
