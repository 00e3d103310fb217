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

package mtping

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/hash"
	logtesting "knative.dev/pkg/logging/testing"
	pkgreconciler "knative.dev/pkg/reconciler"

	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	rtesting "github.com/skiffhq/skiff/pkg/testing/sources"
)

// fakeRunner records the schedules.
type fakeRunner struct {
	schedules map[string]string
}

func (f *fakeRunner) Start(<-chan struct{}) {}
func (f *fakeRunner) Stop()                 {}
func (f *fakeRunner) AddSchedule(s *sourcesv1.PingSource) error {
	if _, err := Parser.Parse(Spec(s)); err != nil {
		return err
	}
	f.schedules[key(s.Namespace, s.Name)] = Spec(s)
	return nil
}
func (f *fakeRunner) RemoveSchedule(k string) { delete(f.schedules, k) }
func (f *fakeRunner) Keys() []string {
	keys := make([]string, 0, len(f.schedules))
	for k := range f.schedules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func readySource(name, schedule string) *sourcesv1.PingSource {
	return rtesting.NewPingSource(name, "ns",
		rtesting.WithPingSourceSpec(sourcesv1.PingSourceSpec{Schedule: schedule}),
		rtesting.WithInitPingSourceConditions,
		rtesting.WithPingSourceSink(&duckv1.Addressable{URL: apis.HTTP("sink")}),
		rtesting.WithPingSourceDeployed,
		rtesting.WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(),
	)
}

func TestReconcileKind(t *testing.T) {
	tests := []struct {
		name      string
		scheduled map[string]string
		source    *sourcesv1.PingSource
		want      map[string]string
		wantEvent string
	}{{
		name:      "a ready source is scheduled",
		scheduled: map[string]string{},
		source:    readySource("p", "*/5 * * * * *"),
		want:      map[string]string{"ns/p": "*/5 * * * * *"},
		wantEvent: "PingSourceSynchronized",
	}, {
		name:      "a changed schedule replaces the old one",
		scheduled: map[string]string{"ns/p": "* * * * *"},
		source:    readySource("p", "0 * * * *"),
		want:      map[string]string{"ns/p": "0 * * * *"},
		wantEvent: "PingSourceSynchronized",
	}, {
		name:      "a schedule cron cannot parse unschedules the source",
		scheduled: map[string]string{"ns/p": "* * * * *"},
		source:    readySource("p", "not a schedule"),
		want:      map[string]string{},
		wantEvent: "PingSourceSynchronized",
	}, {
		name:      "a source not ready yet is skipped",
		scheduled: map[string]string{},
		source: rtesting.NewPingSource("p", "ns", rtesting.WithInitPingSourceConditions,
			rtesting.WithPingSourceSink(&duckv1.Addressable{URL: apis.HTTP("sink")})),
		want:      map[string]string{},
		wantEvent: "PingSourceSkipped",
	}, {
		name:      "a scheduled source whose adapter rolls keeps ticking",
		scheduled: map[string]string{"ns/p": "* * * * *"},
		source: rtesting.NewPingSource("p", "ns", rtesting.WithInitPingSourceConditions,
			rtesting.WithPingSourceSink(&duckv1.Addressable{URL: apis.HTTP("sink")}),
			rtesting.WithPingSourceDeploymentUnavailable("pingsource-mt-adapter")),
		want:      map[string]string{"ns/p": "* * * * *"},
		wantEvent: "PingSourceSkipped",
	}, {
		name:      "a source whose sink is gone stops ticking",
		scheduled: map[string]string{"ns/p": "* * * * *"},
		source: rtesting.NewPingSource("p", "ns", rtesting.WithInitPingSourceConditions,
			rtesting.WithPingSourceSinkNotFound),
		want:      map[string]string{},
		wantEvent: "PingSourceSkipped",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runner := &fakeRunner{schedules: tc.scheduled}
			ctx := logtesting.TestContextWithLogger(t)
			r := &Reconciler{mtadapter: NewAdapterWithRunner(ctx, runner).(MTAdapter)}
			ev := r.ReconcileKind(ctx, tc.source)
			var re *pkgreconciler.ReconcilerEvent
			if !pkgreconciler.EventAs(ev, &re) || re.Reason != tc.wantEvent || re.EventType != corev1.EventTypeNormal {
				t.Errorf("event = %v, want Normal %s", ev, tc.wantEvent)
			}
			if diff := cmp.Diff(tc.want, runner.schedules); diff != "" {
				t.Error("schedules (-want +got):", diff)
			}
		})
	}
}

func TestRemoveOnDeletion(t *testing.T) {
	runner := &fakeRunner{schedules: map[string]string{"ns/p": "* * * * *", "ns/q": "* * * * *"}}
	ctx := logtesting.TestContextWithLogger(t)
	r := &Reconciler{mtadapter: NewAdapterWithRunner(ctx, runner).(MTAdapter)}

	deleting := rtesting.NewPingSource("p", "ns", rtesting.WithPingSourceDeleted)
	if !isBeingDeleted(deleting) || isBeingDeleted(rtesting.NewPingSource("q", "ns")) {
		t.Fatal("isBeingDeleted does not tell a deleting source from a live one")
	}
	r.removeFunc(deleting)
	if diff := cmp.Diff([]string{"ns/q"}, runner.Keys()); diff != "" {
		t.Error("keys after removing p (-want +got):", diff)
	}
	// The informer's tombstone of a source deleted while disconnected.
	r.removeFunc(cacheTombstone(rtesting.NewPingSource("q", "ns")))
	if got := runner.Keys(); len(got) != 0 {
		t.Errorf("keys after the tombstone = %v, want none", got)
	}
}

func TestRemoveBucket(t *testing.T) {
	runner := &fakeRunner{schedules: map[string]string{}}
	ctx := logtesting.TestContextWithLogger(t)
	a := NewAdapterWithRunner(ctx, runner).(MTAdapter)
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		a.Update(context.Background(), readySource(name, "* * * * *"))
	}

	lost := hash.NewBucketSet(sets.New("bucket-0", "bucket-1")).Buckets()[0]
	var wantKept []string
	for _, k := range runner.Keys() {
		ns, name, _ := splitKey(k)
		if !lost.Has(types.NamespacedName{Namespace: ns, Name: name}) {
			wantKept = append(wantKept, k)
		}
	}
	if len(wantKept) == 0 || len(wantKept) == 8 {
		t.Fatalf("the test's keys all hash to one bucket (%v); pick others", wantKept)
	}
	a.RemoveBucket(lost)
	if diff := cmp.Diff(wantKept, runner.Keys()); diff != "" {
		t.Error("sources kept after losing a bucket (-want +got):", diff)
	}

	a.RemoveAll(ctx)
	if got := runner.Keys(); len(got) != 0 {
		t.Errorf("RemoveAll left %v", got)
	}
}

func cacheTombstone(obj interface{}) interface{} {
	return cache.DeletedFinalStateUnknown{Key: "ns/q", Obj: obj}
}
