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
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	informers "github.com/skiffhq/skiff/pkg/client/informers/externalversions"
)

// stage is one object of a ksvc's graph that must exist (and, for some,
// show that its reconciler has seen it) before the ksvc counts as
// reconciled. Without a node Pods stay Pending, so nothing becomes Ready;
// this is everything that does exist.
type stage int

const (
	stageConfiguration  stage = iota // Configuration <name>
	stageRoute                       // Route <name>, status.observedGeneration current
	stageRevision                    // Revision <name>-00001
	stageDeployment                  // Deployment <name>-00001-deployment
	stagePA                          // PodAutoscaler <name>-00001, status.observedGeneration current
	stageSKS                         // ServerlessService <name>-00001, status.privateServiceName set
	stagePublicService               // Service <name>-00001
	stagePrivateService              // Service <name>-00001-private
	stageServiceStatus               // the ksvc's status.latestCreatedRevisionName is <name>-00001
	numStages
)

var stageNames = [numStages]string{
	"Configuration", "Route (reconciled)", "Revision", "Deployment", "PodAutoscaler (reconciled)",
	"ServerlessService (status)", "public Service", "private Service", "ksvc status (latestCreated)",
}

// nameLen is the length of every ksvc name the benchmark creates
// (ksvcName), so each child's owner is the first nameLen characters of its
// name.
const nameLen = 6

func ksvcName(prefix byte, i int) string { return fmt.Sprintf("%c%05d", prefix, i) }

const revSuffix = "-00001"

// kind is a watched kind, for counting writes.
type kind int

const (
	kindService kind = iota
	kindConfiguration
	kindRoute
	kindRevision
	kindDeployment
	kindPA
	kindSKS
	kindK8sService
	numKinds
)

var kindNames = [numKinds]string{"ksvc", "cfg", "route", "rev", "deploy", "kpa", "sks", "svc"}

// progress is one ksvc's way to reconciled.
type progress struct {
	created time.Time
	seen    [numStages]time.Time
	done    time.Time
}

// tracker watches the benchmark namespace and records when each ksvc's
// objects appear.
type tracker struct {
	mu       sync.Mutex
	ksvcs    map[string]*progress
	complete int
	allDone  chan struct{} // closed when want ksvcs are complete
	want     int

	events    [numKinds]atomic.Int64 // adds+updates per watched kind
	lastEvent atomic.Int64           // unix nanos of the last add/update seen
}

func newTracker() *tracker {
	return &tracker{ksvcs: map[string]*progress{}, allDone: make(chan struct{})}
}

// expect registers a ksvc about to be created.
func (t *tracker) expect(name string, created time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.get(name)
	p.created = created
	t.checkDone(p)
}

// waitFor returns a channel closed once n ksvcs are complete.
func (t *tracker) waitFor(n int) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.want = n
	t.allDone = make(chan struct{})
	t.maybeClose()
	return t.allDone
}

func (t *tracker) get(name string) *progress {
	p, ok := t.ksvcs[name]
	if !ok {
		p = &progress{}
		t.ksvcs[name] = p
	}
	return p
}

func (t *tracker) mark(owner string, s stage, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.get(owner)
	if p.seen[s].IsZero() {
		p.seen[s] = at
		t.checkDone(p)
	}
}

func (t *tracker) checkDone(p *progress) {
	if !p.done.IsZero() || p.created.IsZero() {
		return
	}
	var last time.Time
	for _, at := range p.seen {
		if at.IsZero() {
			return
		}
		if at.After(last) {
			last = at
		}
	}
	p.done = last
	t.complete++
	t.maybeClose()
}

func (t *tracker) maybeClose() {
	if t.want > 0 && t.complete >= t.want {
		select {
		case <-t.allDone:
		default:
			close(t.allDone)
		}
	}
}

// snapshot copies the progress of the ksvcs whose names start with prefix.
func (t *tracker) snapshot(prefix byte) []progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []progress
	for name, p := range t.ksvcs {
		if name[0] == prefix && !p.created.IsZero() {
			out = append(out, *p)
		}
	}
	return out
}

// latencyOf is the create → reconciled time of a complete ksvc.
func (t *tracker) latencyOf(name string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ksvcs[name].latency()
}

func (t *tracker) completed() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.complete
}

// watch starts informers on namespace and marks stages as objects arrive.
func (t *tracker) watch(ctx context.Context, kube kubernetes.Interface, serving clientset.Interface, namespace string) error {
	kf := kubeinformers.NewSharedInformerFactoryWithOptions(kube, 0, kubeinformers.WithNamespace(namespace))
	sf := informers.NewSharedInformerFactoryWithOptions(serving, 0, informers.WithNamespace(namespace))

	// on registers a handler deriving zero or more stages from an object.
	on := func(inf cache.SharedIndexInformer, counter kind, fn func(obj interface{}, owner string) []stage) {
		h := func(obj interface{}) {
			now := time.Now()
			t.events[counter].Add(1)
			t.lastEvent.Store(now.UnixNano())
			m, ok := obj.(metav1.Object)
			if !ok || len(m.GetName()) < nameLen {
				return
			}
			owner := m.GetName()[:nameLen]
			for _, s := range fn(obj, owner) {
				t.mark(owner, s, now)
			}
		}
		inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    h,
			UpdateFunc: func(_, obj interface{}) { h(obj) },
		})
	}
	only := func(ok bool, s stage) []stage {
		if ok {
			return []stage{s}
		}
		return nil
	}

	sv := sf.Serving().V1()
	on(sv.Services().Informer(), kindService, func(obj interface{}, owner string) []stage {
		ks := obj.(*v1.Service)
		return only(ks.Name == owner && ks.Status.LatestCreatedRevisionName == owner+revSuffix, stageServiceStatus)
	})
	on(sv.Configurations().Informer(), kindConfiguration, func(obj interface{}, owner string) []stage {
		return only(obj.(*v1.Configuration).Name == owner, stageConfiguration)
	})
	on(sv.Routes().Informer(), kindRoute, func(obj interface{}, owner string) []stage {
		r := obj.(*v1.Route)
		return only(r.Name == owner && r.Status.ObservedGeneration == r.Generation, stageRoute)
	})
	on(sv.Revisions().Informer(), kindRevision, func(obj interface{}, owner string) []stage {
		return only(obj.(*v1.Revision).Name == owner+revSuffix, stageRevision)
	})
	on(sf.Autoscaling().V1alpha1().PodAutoscalers().Informer(), kindPA, func(obj interface{}, owner string) []stage {
		pa := obj.(*autoscalingv1alpha1.PodAutoscaler)
		return only(pa.Name == owner+revSuffix && pa.Status.ObservedGeneration == pa.Generation, stagePA)
	})
	on(sf.Networking().V1alpha1().ServerlessServices().Informer(), kindSKS, func(obj interface{}, owner string) []stage {
		sks := obj.(*netv1alpha1.ServerlessService)
		return only(sks.Name == owner+revSuffix && sks.Status.PrivateServiceName != "" && sks.Status.ServiceName != "", stageSKS)
	})
	on(kf.Apps().V1().Deployments().Informer(), kindDeployment, func(obj interface{}, owner string) []stage {
		return only(obj.(*appsv1.Deployment).Name == owner+revSuffix+"-deployment", stageDeployment)
	})
	on(kf.Core().V1().Services().Informer(), kindK8sService, func(obj interface{}, owner string) []stage {
		switch obj.(*corev1.Service).Name {
		case owner + revSuffix:
			return []stage{stagePublicService}
		case owner + revSuffix + "-private":
			return []stage{stagePrivateService}
		}
		return nil
	})

	kf.Start(ctx.Done())
	sf.Start(ctx.Done())
	for typ, ok := range kf.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("watching %v never synced", typ)
		}
	}
	for typ, ok := range sf.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("watching %v never synced", typ)
		}
	}
	return nil
}

// writes counts the adds+updates of each kind seen so far in the
// namespace: every write the controllers make there (watches coalesce
// none), plus the ksvc creations.
func (t *tracker) writes() [numKinds]int64 {
	var n [numKinds]int64
	for i := range t.events {
		n[i] = t.events[i].Load()
	}
	return n
}

func total(w [numKinds]int64) int64 {
	var n int64
	for _, v := range w {
		n += v
	}
	return n
}
