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

package net

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/apis/serving"
)

var testRevID = types.NamespacedName{Namespace: "default", Name: "hello-00001"}

func TestCalculateCapacity(t *testing.T) {
	tests := []struct {
		name                               string
		cc, backends, trackers, activators int
		want                               int
	}{
		{name: "no backends", cc: 10, want: 0},
		{name: "pods addressed directly: cc × assigned pods", cc: 10, backends: 3, trackers: 3, activators: 1, want: 30},
		{name: "subset of pods assigned to this activator", cc: 10, backends: 5, trackers: 2, activators: 2, want: 20},
		{name: "cluster IP: our share of the pods", cc: 10, backends: 5, activators: 2, want: 25},
		{name: "cluster IP: at least one slot", cc: 1, backends: 1, activators: 5, want: 1},
		{name: "cluster IP: unknown activator count counts as one", cc: 10, backends: 2, want: 20},
		{name: "containerConcurrency 0: unlimited once there is a backend", cc: 0, backends: 1, trackers: 1, want: revisionMaxConcurrency},
		{name: "containerConcurrency 0 without backends: zero", cc: 0, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := newRevisionThrottler(testRevID, tc.cc, "http", 10, nil, logtesting.TestLogger(t))
			if got := rt.calculateCapacity(tc.backends, tc.trackers, tc.activators); got != tc.want {
				t.Errorf("calculateCapacity = %d, want %d", got, tc.want)
			}
		})
	}
}

func trackers(n int) []*podTracker {
	ts := make([]*podTracker, n)
	for i := range ts {
		ts[i] = newPodTracker(fmt.Sprintf("10.0.0.%d:8012", i), nil)
	}
	return ts
}

func destsOf(ts []*podTracker) []string {
	var r []string
	for _, t := range ts {
		r = append(r, t.dest)
	}
	return r
}

func TestAssignSlice(t *testing.T) {
	tests := []struct {
		name                   string
		pods, self, activators int
		want                   []int
	}{
		{name: "not in the path yet: all pods", pods: 3, self: -1, activators: 2, want: []int{0, 1, 2}},
		{name: "single activator: all pods", pods: 3, self: 0, activators: 1, want: []int{0, 1, 2}},
		{name: "even split", pods: 4, self: 1, activators: 2, want: []int{2, 3}},
		{name: "remainder goes one per activator", pods: 5, self: 0, activators: 2, want: []int{0, 1, 4}},
		{name: "remainder not for the last activator", pods: 5, self: 1, activators: 2, want: []int{2, 3}},
		{name: "fewer pods than activators: round robin", pods: 2, self: 3, activators: 4, want: []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			all := trackers(tc.pods)
			got := destsOf(assignSlice(all, tc.self, tc.activators))
			var want []string
			for _, i := range tc.want {
				want = append(want, all[i].dest)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("assignSlice = %v, want %v", got, want)
			}
		})
	}
}

func TestHandleUpdate(t *testing.T) {
	rt := newRevisionThrottler(testRevID, 2, "http", 10, nil, logtesting.TestLogger(t))
	rt.handleUpdate(revisionDestsUpdate{Rev: testRevID, Dests: sets.New("10.0.0.1:8012", "10.0.0.2:8012")})
	if got := rt.breaker.Capacity(); got != 4 {
		t.Errorf("capacity = %d, want 2 pods × cc 2", got)
	}
	// Each pod takes containerConcurrency requests, then is full.
	ctx := context.Background()
	for i := range 4 {
		if _, tr := rt.acquireDest(ctx); tr == nil {
			t.Fatalf("acquireDest %d: no pod with room", i)
		}
	}
	if _, tr := rt.acquireDest(ctx); tr != nil {
		t.Errorf("acquireDest with all slots taken = %v, want none", tr)
	}

	// A pod goes: its tracker goes, the other keeps its state.
	kept := rt.podTrackers[0]
	if kept.dest != "10.0.0.1:8012" {
		kept = rt.podTrackers[1]
	}
	rt.handleUpdate(revisionDestsUpdate{Rev: testRevID, Dests: sets.New("10.0.0.1:8012")})
	if len(rt.podTrackers) != 1 || rt.podTrackers[0] != kept {
		t.Errorf("trackers = %v, want the surviving pod's tracker", rt.podTrackers)
	}
	if got := rt.breaker.Capacity(); got != 2 {
		t.Errorf("capacity = %d, want 2", got)
	}

	// Cluster IP routing.
	rt.handleUpdate(revisionDestsUpdate{Rev: testRevID, ClusterIPDest: "10.96.0.10:80", Dests: sets.New("a", "b", "c")})
	if _, tr := rt.acquireDest(ctx); tr == nil || tr.dest != "10.96.0.10:80" {
		t.Errorf("acquireDest = %v, want the cluster IP", tr)
	}
	if got := rt.breaker.Capacity(); got != 6 {
		t.Errorf("capacity = %d, want 3 ready pods × cc 2", got)
	}

	// Scaled to zero.
	rt.handleUpdate(revisionDestsUpdate{Rev: testRevID})
	if got := rt.breaker.Capacity(); got != 0 {
		t.Errorf("capacity at zero = %d, want 0", got)
	}
}

func TestHandlePubEpsUpdate(t *testing.T) {
	rt := newRevisionThrottler(testRevID, 10, "http", 10, nil, logtesting.TestLogger(t))
	rt.handleUpdate(revisionDestsUpdate{Rev: testRevID, Dests: sets.New("10.0.1.1:8012", "10.0.1.2:8012", "10.0.1.3:8012", "10.0.1.4:8012")})
	if got := rt.breaker.Capacity(); got != 40 {
		t.Fatalf("capacity = %d, want 40", got)
	}
	eps := func(ips ...string) *corev1.Endpoints {
		e := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{serving.RevisionLabelKey: testRevID.Name}}}
		ss := corev1.EndpointSubset{Ports: []corev1.EndpointPort{{Name: "http", Port: 8012}}}
		for _, ip := range ips {
			ss.Addresses = append(ss.Addresses, corev1.EndpointAddress{IP: ip})
		}
		e.Subsets = []corev1.EndpointSubset{ss}
		return e
	}
	// Two activators in the path (Proxy mode): half the pods each.
	rt.handlePubEpsUpdate(eps("10.0.0.2", "10.0.0.1"), "10.0.0.1")
	if got := rt.breaker.Capacity(); got != 20 {
		t.Errorf("capacity with 2 activators = %d, want 20", got)
	}
	if ai, na := rt.activatorIndex.Load(), rt.numActivators.Load(); ai != 0 || na != 2 {
		t.Errorf("index = %d/%d, want 0/2", ai, na)
	}
	// Serve mode: the public Endpoints list pods, not us; nothing changes.
	rt.handlePubEpsUpdate(eps("10.0.1.1", "10.0.1.2"), "10.0.0.1")
	if got := rt.breaker.Capacity(); got != 20 {
		t.Errorf("capacity after a Serve-mode update = %d, want 20", got)
	}
}

func TestLBPolicies(t *testing.T) {
	ctx := context.Background()
	withBreakers := func(n, cc int) []*podTracker {
		ts := trackers(n)
		for _, tr := range ts {
			*tr = *newPodTracker(tr.dest, newPodBreaker(cc))
		}
		return ts
	}

	t.Run("first available packs the first pods", func(t *testing.T) {
		ts := withBreakers(3, 1)
		var got []string
		for range 3 {
			_, tr := firstAvailableLBPolicy(ctx, ts)
			got = append(got, tr.dest)
		}
		if fmt.Sprint(got) != fmt.Sprint(destsOf(ts)) {
			t.Errorf("picks = %v, want %v", got, destsOf(ts))
		}
		if cb, tr := firstAvailableLBPolicy(ctx, ts); tr != nil {
			t.Errorf("pick with all full = %v, want none", tr)
		} else {
			cb()
		}
	})

	t.Run("round robin rotates", func(t *testing.T) {
		ts := withBreakers(3, 10)
		rr := newRoundRobinPolicy()
		var got []string
		for range 4 {
			cb, tr := rr(ctx, ts)
			got = append(got, tr.dest)
			cb()
		}
		want := []string{ts[0].dest, ts[1].dest, ts[2].dest, ts[0].dest}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("picks = %v, want %v", got, want)
		}
	})

	t.Run("power of two choices avoids the loaded pod", func(t *testing.T) {
		ts := trackers(2)
		for range 5 {
			ts[0].increaseWeight()
		}
		for range 10 {
			cb, tr := randomChoice2Policy(ctx, ts)
			if tr != ts[1] {
				t.Fatalf("picked %v, want the idle pod", tr)
			}
			cb()
		}
		if _, tr := randomChoice2Policy(ctx, nil); tr != nil {
			t.Errorf("pick from no pods = %v, want none", tr)
		}
	})
}
