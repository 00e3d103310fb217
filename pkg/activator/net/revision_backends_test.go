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
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	logtesting "knative.dev/pkg/logging/testing"

	pkgnet "github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
)

// podBehaviour is how a fake pod answers probes.
type podBehaviour int

const (
	refuse    podBehaviour = iota // nothing listens
	notReady                      // queue-proxy answers 503 (or a mesh sidecar does)
	ready                         // queue-proxy answers 200 "queue"
	forbidden                     // something answers 403: not a mesh, not ready
)

// fakeNetwork answers probes by destination, as the test sets.
type fakeNetwork struct {
	mu     sync.Mutex
	hosts  map[string]podBehaviour
	probes map[string]int
	// onProbe, if set, runs (under the lock) before each probe is answered.
	onProbe func(host string)
}

func newFakeNetwork() *fakeNetwork {
	return &fakeNetwork{hosts: map[string]podBehaviour{}, probes: map[string]int{}}
}

func (f *fakeNetwork) set(host string, b podBehaviour) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hosts[host] = b
}

func (f *fakeNetwork) probed(host string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.probes[host]
}

func (f *fakeNetwork) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	if f.onProbe != nil {
		f.onProbe(req.URL.Host)
	}
	b := f.hosts[req.URL.Host]
	f.probes[req.URL.Host]++
	f.mu.Unlock()
	if req.Header.Get("K-Network-Probe") != "queue" || req.Header.Get("User-Agent") != "Knative-Activator-Probe" {
		return nil, errors.New("not an activator probe")
	}
	resp := func(code int, body string) *http.Response {
		return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}}
	}
	switch b {
	case ready:
		return resp(http.StatusOK, "queue"), nil
	case notReady:
		return resp(http.StatusServiceUnavailable, "container not ready"), nil
	case forbidden:
		return resp(http.StatusForbidden, ""), nil
	default:
		return nil, errors.New("connection refused")
	}
}

type watcherHarness struct {
	rw      *revisionWatcher
	net     *fakeNetwork
	updates chan revisionDestsUpdate
	cancel  context.CancelFunc
}

func newWatcherHarness(t *testing.T, meshMode netcfg.MeshCompatibilityMode, probeOptimisation bool) *watcherHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	indexer.Add(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: testRevID.Namespace, Name: testRevID.Name + "-private"},
		Spec: corev1.ServiceSpec{
			ClusterIP: "10.96.0.10",
			Ports:     []corev1.ServicePort{{Name: "http", Port: 80}},
		},
	})
	h := &watcherHarness{net: newFakeNetwork(), updates: make(chan revisionDestsUpdate, 100), cancel: cancel}
	h.rw = newRevisionWatcher(ctx, testRevID, pkgnet.ProtocolHTTP1, h.updates, h.net,
		corev1listers.NewServiceLister(indexer), false, meshMode, probeOptimisation,
		probeTiming{timeout: time.Second, minInterval: time.Millisecond, maxInterval: 5 * time.Millisecond},
		logtesting.TestLogger(t))
	go h.rw.run()
	t.Cleanup(func() {
		cancel()
		<-h.rw.done
	})
	return h
}

func (h *watcherHarness) endpoints(readyDests, notReadyDests []string) {
	h.rw.destsCh <- dests{ready: sets.New(readyDests...), notReady: sets.New(notReadyDests...)}
}

// next returns the next update.
func (h *watcherHarness) next(t *testing.T) revisionDestsUpdate {
	t.Helper()
	select {
	case u := <-h.updates:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("no update")
		return revisionDestsUpdate{}
	}
}

func (h *watcherHarness) noUpdate(t *testing.T) {
	t.Helper()
	select {
	case u := <-h.updates:
		t.Fatalf("unexpected update %+v", u)
	case <-time.After(20 * time.Millisecond):
	}
}

const (
	pod1 = "10.0.0.1:8012"
	pod2 = "10.0.0.2:8012"
)

func TestWatcherScaleFromZero(t *testing.T) {
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeAuto, true)

	// Scaled to zero: an empty update.
	h.endpoints(nil, nil)
	if u := h.next(t); u.ClusterIPDest != "" || len(u.Dests) != 0 {
		t.Fatalf("update = %+v, want no backends", u)
	}

	// A pod appears, not ready: its queue-proxy does not listen yet.
	h.net.set(pod1, refuse)
	h.endpoints(nil, []string{pod1})
	// It is probed, again and again...
	for h.net.probed(pod1) < 3 {
		time.Sleep(time.Millisecond)
	}
	// ...until it answers: healthy before Kubernetes says it is ready.
	h.net.set(pod1, ready)
	if u := h.next(t); !u.Dests.Equal(sets.New(pod1)) || u.ClusterIPDest != "" {
		t.Fatalf("update = %+v, want pod1", u)
	}
	// Kubernetes agreeing changes nothing; the pod is not probed again.
	n := h.net.probed(pod1)
	h.endpoints([]string{pod1}, nil)
	h.noUpdate(t)
	if h.net.probed(pod1) != n {
		t.Error("a healthy pod was probed again")
	}
}

func TestWatcherWithoutProbeOptimisation(t *testing.T) {
	// Exec readiness probe: queue-proxy's word is not enough.
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeAuto, false)
	h.net.set(pod1, ready)
	h.endpoints(nil, []string{pod1})
	if u := h.next(t); len(u.Dests) != 0 {
		t.Fatalf("update = %+v, want no backends yet", u)
	}
	for h.net.probed(pod1) == 0 {
		time.Sleep(time.Millisecond)
	}
	h.noUpdate(t)
	h.endpoints([]string{pod1}, nil)
	if u := h.next(t); !u.Dests.Equal(sets.New(pod1)) {
		t.Fatalf("update = %+v, want pod1 once Kubernetes says it is ready", u)
	}
}

func TestWatcherTrustsKubernetesWithoutMeshDetection(t *testing.T) {
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeDisabled, true)
	h.net.set(pod1, refuse) // never answers, but Kubernetes says ready
	h.endpoints([]string{pod1}, nil)
	if u := h.next(t); !u.Dests.Equal(sets.New(pod1)) {
		t.Fatalf("update = %+v, want pod1", u)
	}
}

func TestWatcherDropsRemovedPods(t *testing.T) {
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeAuto, true)
	h.net.set(pod1, ready)
	h.net.set(pod2, ready)
	h.rw.destsCh <- dests{ready: sets.New(pod1, pod2), notReady: sets.New[string]()}
	for u := h.next(t); !u.Dests.Equal(sets.New(pod1, pod2)); u = h.next(t) {
	}
	// pod2's readiness fails: it is dropped at once and probed again.
	h.net.set(pod2, notReady)
	h.rw.destsCh <- dests{ready: sets.New(pod1), notReady: sets.New(pod2)}
	if u := h.next(t); !u.Dests.Equal(sets.New(pod1)) {
		t.Fatalf("update = %+v, want pod1 only", u)
	}
	before := h.net.probed(pod2)
	for h.net.probed(pod2) < before+2 {
		time.Sleep(time.Millisecond)
	}
	// pod1 goes away entirely.
	h.rw.destsCh <- dests{ready: sets.New[string](), notReady: sets.New(pod2)}
	if u := h.next(t); len(u.Dests) != 0 {
		t.Fatalf("update = %+v, want no backends", u)
	}
}

func TestWatcherMeshFallsBackToClusterIP(t *testing.T) {
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeAuto, true)
	// Under a mesh, direct pod access gets 503 from the sidecar; the
	// cluster IP works.
	h.net.set(pod1, notReady)
	h.net.set("10.96.0.10:80", ready)
	h.rw.destsCh <- dests{ready: sets.New(pod1), notReady: sets.New[string]()}
	var u revisionDestsUpdate
	for u = h.next(t); u.ClusterIPDest == ""; u = h.next(t) {
		if len(u.Dests) != 0 {
			t.Fatalf("update = %+v, want no pod backends", u)
		}
	}
	if u.ClusterIPDest != "10.96.0.10:80" || !u.Dests.Equal(sets.New(pod1)) {
		t.Fatalf("update = %+v, want the cluster IP with 1 ready pod", u)
	}
}

func TestWatcherNoClusterIPFallbackWithoutMeshSigns(t *testing.T) {
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeAuto, true)
	// A 403 is not what a mesh answers: keep probing the pod, never the
	// cluster IP.
	h.net.set(pod1, forbidden)
	h.net.set("10.96.0.10:80", ready)
	h.rw.destsCh <- dests{ready: sets.New[string](), notReady: sets.New(pod1)}
	for h.net.probed(pod1) < 5 {
		time.Sleep(time.Millisecond)
	}
	if n := h.net.probed("10.96.0.10:80"); n != 0 {
		t.Errorf("cluster IP probed %d times", n)
	}
	h.net.set(pod1, ready)
	if u := h.next(t); u.ClusterIPDest != "" || !u.Dests.Equal(sets.New(pod1)) {
		// The first update may be the empty one from before pod1 passed.
		if u2 := h.next(t); u2.ClusterIPDest != "" || !u2.Dests.Equal(sets.New(pod1)) {
			t.Fatalf("updates = %+v, %+v; want pod1 directly", u, u2)
		}
	}
}

// TestWatcherPodStartingDuringClusterIPProbeStaysDirect covers upstream's
// race: a pod that was not ready when probed directly, and ready when the
// cluster IP probe reached it, does not switch the revision to cluster IP
// routing for good.
func TestWatcherPodStartingDuringClusterIPProbeStaysDirect(t *testing.T) {
	h := newWatcherHarness(t, netcfg.MeshCompatibilityModeAuto, true)
	h.net.set(pod1, notReady)
	h.net.set("10.96.0.10:80", ready)
	h.net.onProbe = func(host string) {
		if host == "10.96.0.10:80" {
			// The pod's container becomes ready just now.
			h.net.hosts[pod1] = ready
		}
	}
	h.rw.destsCh <- dests{ready: sets.New[string](), notReady: sets.New(pod1)}
	for {
		u := h.next(t)
		if u.ClusterIPDest != "" {
			t.Fatalf("update = %+v, want direct pod routing", u)
		}
		if u.Dests.Equal(sets.New(pod1)) {
			break
		}
	}
	if n := h.net.probed("10.96.0.10:80"); n == 0 {
		t.Error("the cluster IP was never probed: the race was not exercised")
	}
}
