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

package gc

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	clocktest "k8s.io/utils/clock/testing"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/ptr"
	pkgrec "knative.dev/pkg/reconciler"
	. "knative.dev/pkg/reconciler/testing"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	configreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/configuration"
	"github.com/skiffhq/skiff/pkg/gc"
	"github.com/skiffhq/skiff/pkg/reconciler/configuration/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/gc/config"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

var (
	now       = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	fakeClock = clocktest.NewFakePassiveClock(now)
	fresh     = now.Add(-1 * time.Minute)
	old       = now.Add(-11 * time.Minute)
	older     = now.Add(-12 * time.Minute)
	oldest    = now.Add(-13 * time.Minute)
)

// minOne keeps one non-active revision, collects after five minutes, no max.
var minOne = gc.Config{
	RetainSinceCreateTime:     5 * time.Minute,
	RetainSinceLastActiveTime: 5 * time.Minute,
	MinNonActiveRevisions:     1,
	MaxNonActiveRevisions:     gc.Disabled,
}

// withGC returns a row context holding cfg as the config-gc in force.
func withGC(cfg gc.Config) context.Context {
	return config.ToContext(context.Background(), &config.Config{RevisionGC: &cfg})
}

func TestReconcile(t *testing.T) {
	reserve := func(name string, lastActive time.Time) RevisionOption {
		return func(r *v1.Revision) {
			WithRevName(name)(r)
			WithCreationTimestamp(oldest)(r)
			WithRoutingState(v1.RoutingStateReserve, fakeClock)(r)
			WithRoutingStateModified(lastActive)(r)
		}
	}
	active := func(name string, lastActive time.Time) RevisionOption {
		return func(r *v1.Revision) {
			WithRevName(name)(r)
			WithCreationTimestamp(oldest)(r)
			WithRoutingState(v1.RoutingStateActive, fakeClock)(r)
			WithRoutingStateModified(lastActive)(r)
		}
	}
	readyCfg := func(name, latest string) *v1.Configuration {
		return cfg(name, "foo", 5556, WithLatestCreated(latest), WithLatestReady(latest), WithConfigObservedGen)
	}

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name: "too few revisions",
		Ctx:  withGC(minOne),
		Objects: []runtime.Object{
			readyCfg("few", "few-05556"),
			rev("few", "foo", 5556, MarkRevisionReady, active("few-05556", old)),
		},
		Key: "foo/few",
	}, {
		Name: "oldest stale revision deleted; one kept for min; routed one kept",
		Ctx:  withGC(minOne),
		Objects: []runtime.Object{
			readyCfg("keep-two", "keep-two-05556"),
			rev("keep-two", "foo", 5554, MarkRevisionReady, reserve("keep-two-05554", oldest)),
			rev("keep-two", "foo", 5555, MarkRevisionReady, reserve("keep-two-05555", older)),
			rev("keep-two", "foo", 5556, MarkRevisionReady, active("keep-two-05556", old)),
		},
		Key:         "foo/keep-two",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("keep-two-05554")},
	}, {
		Name: "no latest ready: the routed one is still kept",
		Ctx:  withGC(minOne),
		Objects: []runtime.Object{
			cfg("keep-two", "foo", 5556, WithConfigObservedGen),
			rev("keep-two", "foo", 5554, MarkRevisionReady, reserve("keep-two-05554", oldest)),
			rev("keep-two", "foo", 5555, MarkRevisionReady, reserve("keep-two-05555", older)),
			rev("keep-two", "foo", 5556, MarkRevisionReady, active("keep-two-05556", old)),
		},
		Key:         "foo/keep-two",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("keep-two-05554")},
	}, {
		Name: "latest ready kept even when in reserve",
		Ctx:  withGC(gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: gc.Disabled, MaxNonActiveRevisions: 0}),
		Objects: []runtime.Object{
			readyCfg("lrr", "lrr-05556"),
			rev("lrr", "foo", 5555, MarkRevisionReady, reserve("lrr-05555", older)),
			rev("lrr", "foo", 5556, MarkRevisionReady, reserve("lrr-05556", old)),
		},
		Key:         "foo/lrr",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("lrr-05555")},
	}, {
		Name: "routed revisions are never deleted",
		Ctx:  withGC(gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: gc.Disabled, MaxNonActiveRevisions: 0}),
		Objects: []runtime.Object{
			readyCfg("all-routed", "all-routed-05556"),
			rev("all-routed", "foo", 5554, MarkRevisionReady, active("all-routed-05554", oldest)),
			rev("all-routed", "foo", 5555, MarkRevisionReady, active("all-routed-05555", older)),
			rev("all-routed", "foo", 5556, MarkRevisionReady, active("all-routed-05556", old)),
		},
		Key: "foo/all-routed",
	}, {
		Name: "pending revisions (never considered by the labeler) are not deleted",
		Ctx:  withGC(gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: gc.Disabled, MaxNonActiveRevisions: 0}),
		Objects: []runtime.Object{
			readyCfg("pending", "pending-05556"),
			rev("pending", "foo", 5555, WithRevName("pending-05555"), WithCreationTimestamp(oldest)),
			rev("pending", "foo", 5556, MarkRevisionReady, active("pending-05556", old)),
		},
		Key: "foo/pending",
	}, {
		Name: "no-gc annotation preserves a revision in reserve",
		Ctx:  withGC(minOne),
		Objects: []runtime.Object{
			readyCfg("preserved", "preserved-05556"),
			rev("preserved", "foo", 5554, MarkRevisionReady, reserve("preserved-05554", oldest), WithRevisionPreserveAnnotation()),
			rev("preserved", "foo", 5555, MarkRevisionReady, reserve("preserved-05555", older)),
			rev("preserved", "foo", 5556, MarkRevisionReady, active("preserved-05556", old)),
		},
		Key: "foo/preserved",
	}, {
		Name: "recently active revisions are not stale",
		Ctx:  withGC(minOne),
		Objects: []runtime.Object{
			readyCfg("recent", "recent-05556"),
			rev("recent", "foo", 5554, MarkRevisionReady, reserve("recent-05554", fresh)),
			rev("recent", "foo", 5555, MarkRevisionReady, reserve("recent-05555", fresh)),
			rev("recent", "foo", 5556, MarkRevisionReady, active("recent-05556", fresh)),
		},
		Key: "foo/recent",
	}, {
		Name: "recently created revisions are not stale",
		Ctx:  withGC(minOne),
		Objects: []runtime.Object{
			readyCfg("young", "young-05556"),
			rev("young", "foo", 5554, MarkRevisionReady, reserve("young-05554", oldest), WithCreationTimestamp(fresh)),
			rev("young", "foo", 5555, MarkRevisionReady, reserve("young-05555", older), WithCreationTimestamp(fresh)),
			rev("young", "foo", 5556, MarkRevisionReady, active("young-05556", old)),
		},
		Key: "foo/young",
	}, {
		Name: "over max: oldest non-active deleted even though fresh",
		Ctx: withGC(gc.Config{
			RetainSinceCreateTime:     time.Hour,
			RetainSinceLastActiveTime: time.Hour,
			MinNonActiveRevisions:     1,
			MaxNonActiveRevisions:     2,
		}),
		Objects: []runtime.Object{
			readyCfg("max", "max-05556"),
			rev("max", "foo", 5553, MarkRevisionReady, reserve("max-05553", oldest)),
			rev("max", "foo", 5554, MarkRevisionReady, reserve("max-05554", older)),
			rev("max", "foo", 5555, MarkRevisionReady, reserve("max-05555", old)),
			rev("max", "foo", 5556, MarkRevisionReady, active("max-05556", fresh)),
		},
		Key:         "foo/max",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("max-05553")},
	}, {
		Name: "at max: nothing deleted",
		Ctx: withGC(gc.Config{
			RetainSinceCreateTime:     time.Hour,
			RetainSinceLastActiveTime: time.Hour,
			MinNonActiveRevisions:     1,
			MaxNonActiveRevisions:     2,
		}),
		Objects: []runtime.Object{
			readyCfg("at-max", "at-max-05556"),
			rev("at-max", "foo", 5554, MarkRevisionReady, reserve("at-max-05554", older)),
			rev("at-max", "foo", 5555, MarkRevisionReady, reserve("at-max-05555", old)),
			rev("at-max", "foo", 5556, MarkRevisionReady, active("at-max-05556", fresh)),
		},
		Key: "foo/at-max",
	}, {
		Name: "stale and over max: stale ones first, then the oldest left",
		Ctx: withGC(gc.Config{
			RetainSinceCreateTime:     gc.Disabled,
			RetainSinceLastActiveTime: 10 * time.Minute,
			MinNonActiveRevisions:     0,
			MaxNonActiveRevisions:     1,
		}),
		Objects: []runtime.Object{
			readyCfg("both", "both-05556"),
			rev("both", "foo", 5553, MarkRevisionReady, reserve("both-05553", oldest)),
			rev("both", "foo", 5554, MarkRevisionReady, reserve("both-05554", fresh.Add(-time.Minute))),
			rev("both", "foo", 5555, MarkRevisionReady, reserve("both-05555", fresh)),
			rev("both", "foo", 5556, MarkRevisionReady, active("both-05556", fresh)),
		},
		Key:         "foo/both",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("both-05553"), deleteRev("both-05554")},
	}, {
		Name: "everything disabled: nothing deleted",
		Ctx: withGC(gc.Config{
			RetainSinceCreateTime:     gc.Disabled,
			RetainSinceLastActiveTime: gc.Disabled,
			MaxNonActiveRevisions:     gc.Disabled,
		}),
		Objects: []runtime.Object{
			readyCfg("disabled", "disabled-05556"),
			rev("disabled", "foo", 5554, MarkRevisionReady, reserve("disabled-05554", oldest)),
			rev("disabled", "foo", 5556, MarkRevisionReady, active("disabled-05556", old)),
		},
		Key: "foo/disabled",
	}, {
		Name: "max disabled: only staleness counts",
		Ctx: withGC(gc.Config{
			RetainSinceCreateTime:     5 * time.Minute,
			RetainSinceLastActiveTime: 5 * time.Minute,
			MinNonActiveRevisions:     0,
			MaxNonActiveRevisions:     gc.Disabled,
		}),
		Objects: []runtime.Object{
			readyCfg("max-disabled", "max-disabled-05556"),
			rev("max-disabled", "foo", 5553, MarkRevisionReady, reserve("max-disabled-05553", oldest)),
			rev("max-disabled", "foo", 5554, MarkRevisionReady, reserve("max-disabled-05554", older)),
			rev("max-disabled", "foo", 5555, MarkRevisionReady, reserve("max-disabled-05555", fresh)),
			rev("max-disabled", "foo", 5556, MarkRevisionReady, active("max-disabled-05556", fresh)),
		},
		Key:         "foo/max-disabled",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("max-disabled-05553"), deleteRev("max-disabled-05554")},
	}, {
		Name: "revisions of other configurations are not considered",
		Ctx:  withGC(gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: gc.Disabled, MaxNonActiveRevisions: 0}),
		Objects: []runtime.Object{
			readyCfg("mine", "mine-05556"),
			rev("mine", "foo", 5556, MarkRevisionReady, active("mine-05556", old)),
			rev("theirs", "foo", 5555, MarkRevisionReady, reserve("theirs-05555", oldest)),
		},
		Key: "foo/mine",
	}, {
		Name:    "delete failure: the others are still deleted, then the error is reported",
		Ctx:     withGC(gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: gc.Disabled, MaxNonActiveRevisions: 0}),
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			func(action clientgotesting.Action) (bool, runtime.Object, error) {
				if d, ok := action.(clientgotesting.DeleteAction); ok && d.GetName() == "fail-05554" {
					return InduceFailure("delete", "revisions")(action)
				}
				return false, nil, nil
			},
		},
		Objects: []runtime.Object{
			readyCfg("fail", "fail-05556"),
			rev("fail", "foo", 5554, MarkRevisionReady, reserve("fail-05554", oldest)),
			rev("fail", "foo", 5555, MarkRevisionReady, reserve("fail-05555", older)),
			rev("fail", "foo", 5556, MarkRevisionReady, active("fail-05556", old)),
		},
		Key:         "foo/fail",
		WantDeletes: []clientgotesting.DeleteActionImpl{deleteRev("fail-05554"), deleteRev("fail-05555")},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to delete revision "fail-05554": inducing failure for delete revisions`),
		},
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &reconciler{
			client:         servingclient.Get(ctx),
			revisionLister: listers.GetRevisionLister(),
			clock:          fakeClock,
		}
		return configreconciler.NewReconciler(ctx, logging.FromContext(ctx),
			servingclient.Get(ctx), listers.GetConfigurationLister(),
			controller.GetEventRecorder(ctx), r, controller.Options{ConfigStore: passThroughStore{}, SkipStatusUpdates: true})
	}))
}

func TestIsRevisionStale(t *testing.T) {
	cfg := &gc.Config{
		RetainSinceCreateTime:     5 * time.Minute,
		RetainSinceLastActiveTime: 5 * time.Minute,
	}
	withTimes := func(created time.Time, modified *time.Time) *v1.Revision {
		r := &v1.Revision{ObjectMeta: metav1.ObjectMeta{Name: "myrev", CreationTimestamp: metav1.NewTime(created)}}
		if modified != nil {
			r.Annotations = map[string]string{
				"serving.knative.dev/routingStateModified": v1.RoutingStateModifiedString(*modified),
			}
		}
		return r
	}
	for _, tc := range []struct {
		name string
		cfg  *gc.Config
		rev  *v1.Revision
		want bool
	}{{
		name: "old creation, never routed",
		rev:  withTimes(oldest, nil),
		want: true,
	}, {
		name: "fresh creation",
		rev:  withTimes(fresh, nil),
	}, {
		name: "old creation, recently active",
		rev:  withTimes(oldest, &fresh),
	}, {
		name: "old creation, long inactive",
		rev:  withTimes(oldest, &old),
		want: true,
	}, {
		name: "both times disabled: never stale",
		cfg:  &gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: gc.Disabled},
		rev:  withTimes(oldest, &oldest),
	}, {
		name: "creation time disabled: only activity counts",
		cfg:  &gc.Config{RetainSinceCreateTime: gc.Disabled, RetainSinceLastActiveTime: 5 * time.Minute},
		rev:  withTimes(fresh, &old),
		want: true,
	}, {
		name: "activity disabled: only creation counts",
		cfg:  &gc.Config{RetainSinceCreateTime: 5 * time.Minute, RetainSinceLastActiveTime: gc.Disabled},
		rev:  withTimes(oldest, &fresh),
		want: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			if tc.cfg != nil {
				c = tc.cfg
			}
			if got := isRevisionStale(c, tc.rev, now, logtesting.TestLogger(t)); got != tc.want {
				t.Errorf("isRevisionStale = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if NewController(ctx, configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...)) == nil {
		t.Fatal("NewController returned nil")
	}
}

// passThroughStore keeps the config-gc a row put in its context.
type passThroughStore struct{}

func (passThroughStore) ToContext(ctx context.Context) context.Context {
	if config.FromContext(ctx) == nil {
		return withGC(minOne)
	}
	return ctx
}

var _ pkgrec.ConfigStore = passThroughStore{}

func deleteRev(name string) clientgotesting.DeleteActionImpl {
	return clientgotesting.DeleteActionImpl{
		ActionImpl: clientgotesting.ActionImpl{
			Namespace: "foo",
			Verb:      "delete",
			Resource:  v1.SchemeGroupVersion.WithResource("revisions"),
		},
		Name: name,
	}
}

var revisionSpec = v1.RevisionSpec{
	PodSpec: corev1.PodSpec{
		Containers: []corev1.Container{{Image: "busybox"}},
	},
	TimeoutSeconds: ptr.Int64(60),
}

func cfg(name, namespace string, generation int64, co ...ConfigOption) *v1.Configuration {
	c := &v1.Configuration{
		ObjectMeta: metav1.ObjectMeta{
			Name:       name,
			Namespace:  namespace,
			Generation: generation,
		},
		Spec: v1.ConfigurationSpec{
			Template: v1.RevisionTemplateSpec{Spec: *revisionSpec.DeepCopy()},
		},
	}
	for _, opt := range co {
		opt(c)
	}
	c.SetDefaults(context.Background())
	return c
}

func rev(name, namespace string, generation int64, ro ...RevisionOption) *v1.Revision {
	r := resources.MakeRevision(context.Background(), cfg(name, namespace, generation), now)
	r.SetDefaults(context.Background())
	for _, opt := range ro {
		opt(r)
	}
	return r
}
