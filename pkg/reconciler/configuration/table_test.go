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

package configuration

import (
	"context"
	"errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	clocktest "k8s.io/utils/clock/testing"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	configreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/configuration"
	"github.com/skiffhq/skiff/pkg/reconciler/configuration/resources"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

var revisionSpec = v1.RevisionSpec{
	PodSpec: corev1.PodSpec{
		Containers: []corev1.Container{{
			Image: "dev.local/hello-go:serving",
		}},
	},
	TimeoutSeconds: ptr.Int64(60),
}

var testClock = clocktest.NewFakePassiveClock(time.Now())

func TestReconcile(t *testing.T) {
	now := testClock.Now()
	retryAttempted := false
	byoName := func(name string) ConfigOption {
		return func(cfg *v1.Configuration) { cfg.Spec.GetTemplate().Name = name }
	}

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name: "nop deletion reconcile",
		Objects: []runtime.Object{
			cfg("delete-pending", "foo", 1234, WithConfigDeletionTimestamp),
		},
		Key: "foo/delete-pending",
	}, {
		Name: "first reconcile creates the revision of the generation",
		Objects: []runtime.Object{
			cfg("hello-go", "foo", 1),
		},
		Key: "foo/hello-go",
		WantCreates: []runtime.Object{
			rev("hello-go", "foo", 1),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("hello-go", "foo", 1, WithLatestCreated("hello-go-00001"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Revision %q", "hello-go-00001"),
		},
	}, {
		Name: "create revision matching generation, with retry on a status conflict",
		Objects: []runtime.Object{
			cfg("no-revisions-yet", "foo", 1234),
		},
		WithReactors: []clientgotesting.ReactionFunc{
			func(action clientgotesting.Action) (handled bool, ret runtime.Object, err error) {
				if retryAttempted || !action.Matches("update", "configurations") || action.GetSubresource() != "status" {
					return false, nil, nil
				}
				retryAttempted = true
				return true, nil, apierrs.NewConflict(v1.Resource("foo"), "bar", errors.New("foo"))
			},
		},
		WantCreates: []runtime.Object{
			rev("no-revisions-yet", "foo", 1234),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("no-revisions-yet", "foo", 1234,
				WithLatestCreated("no-revisions-yet-01234"), WithConfigObservedGen),
		}, {
			Object: cfg("no-revisions-yet", "foo", 1234,
				WithLatestCreated("no-revisions-yet-01234"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Revision %q", "no-revisions-yet-01234"),
		},
		Key: "foo/no-revisions-yet",
	}, {
		Name: "routed configuration: new revision born active with the routes annotation",
		Objects: []runtime.Object{
			cfg("routed", "foo", 2, WithConfigAnn("serving.knative.dev/routes", "routed"),
				WithLatestCreated("routed-00001"), WithLatestReady("routed-00001"), WithConfigObservedGen),
			rev("routed", "foo", 1, WithRevName("routed-00001"), MarkRevisionReady,
				WithRevisionAnn("serving.knative.dev/routes", "routed"),
				WithRoutingState(v1.RoutingStateActive, testClock)),
		},
		Key: "foo/routed",
		WantCreates: []runtime.Object{
			rev("routed", "foo", 2, func(r *v1.Revision) {
				r.Annotations["serving.knative.dev/routes"] = "routed"
				r.SetRoutingState(v1.RoutingStateActive, now)
			}),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("routed", "foo", 2, WithConfigAnn("serving.knative.dev/routes", "routed"),
				WithLatestReady("routed-00001"), WithLatestCreated("routed-00002"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Revision %q", "routed-00002"),
		},
	}, {
		Name: "create revision with a BYO name",
		Objects: []runtime.Object{
			cfg("byo-name-create", "foo", 1234, byoName("byo-name-create-foo")),
		},
		WantCreates: []runtime.Object{
			rev("byo-name-create", "foo", 1234, WithRevName("byo-name-create-foo")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("byo-name-create", "foo", 1234, byoName("byo-name-create-foo"),
				WithLatestCreated("byo-name-create-foo"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Revision %q", "byo-name-create-foo"),
		},
		Key: "foo/byo-name-create",
	}, {
		Name: "BYO name already ours: steady state",
		Objects: []runtime.Object{
			cfg("byo-name-exists", "foo", 1234, byoName("byo-name-exists-foo"),
				WithLatestCreated("byo-name-exists-foo"), WithConfigObservedGen),
			rev("byo-name-exists", "foo", 1234, WithCreationTimestamp(now), WithRevName("byo-name-exists-foo")),
		},
		Key: "foo/byo-name-exists",
	}, {
		// What a `git revert` looks like in GitOps.
		Name: "BYO name of an older generation with the same spec: reused and becomes latest ready",
		Objects: []runtime.Object{
			cfg("byo-name-git-revert", "foo", 1234, byoName("byo-name-git-revert-good"),
				WithLatestCreated("byo-name-git-revert-bad"), WithLatestReady("byo-name-git-revert-bad"), WithConfigObservedGen),
			// This revision was a bad rollout
			rev("byo-name-git-revert", "foo", 1234, WithCreationTimestamp(now),
				WithRevName("byo-name-git-revert-bad"), MarkRevisionReady),
			// This revision is good
			rev("byo-name-git-revert", "foo", 1200, WithCreationTimestamp(now.Add(-time.Second)),
				WithRevName("byo-name-git-revert-good"), MarkRevisionReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("byo-name-git-revert", "foo", 1234, byoName("byo-name-git-revert-good"),
				WithLatestCreated("byo-name-git-revert-good"), WithLatestReady("byo-name-git-revert-good"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "LatestReadyUpdate", "LatestReadyRevisionName updated to %q", "byo-name-git-revert-good"),
		},
		Key: "foo/byo-name-git-revert",
	}, {
		Name: "BYO name of an older generation with another spec: creation failed",
		Objects: []runtime.Object{
			cfg("byo-name-wrong-spec", "foo", 1234, byoName("byo-name-wrong-spec-foo")),
			rev("byo-name-wrong-spec", "foo", 1200, WithRevName("byo-name-wrong-spec-foo"), func(rev *v1.Revision) {
				rev.Spec.GetContainer().Env = append(rev.Spec.GetContainer().Env, corev1.EnvVar{Name: "FOO", Value: "bar"})
			}),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("byo-name-wrong-spec", "foo", 1234, byoName("byo-name-wrong-spec-foo"),
				MarkRevisionCreationFailed(`revisions.serving.knative.dev "byo-name-wrong-spec-foo" already exists`), WithConfigObservedGen),
		}},
		Key: "foo/byo-name-wrong-spec",
	}, {
		Name: "BYO name taken by a revision we do not own: creation failed",
		Objects: []runtime.Object{
			cfg("byo-rev-not-owned", "foo", 1234, byoName("byo-rev-not-owned-foo")),
			rev("byo-rev-not-owned", "foo", 1200, WithRevName("byo-rev-not-owned-foo"), func(rev *v1.Revision) {
				rev.OwnerReferences = nil
			}),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("byo-rev-not-owned", "foo", 1234, byoName("byo-rev-not-owned-foo"),
				MarkRevisionCreationFailed(`revisions.serving.knative.dev "byo-rev-not-owned-foo" already exists`), WithConfigObservedGen),
		}},
		Key: "foo/byo-rev-not-owned",
	}, {
		Name:    "revision rejected by validation: creation failed",
		WantErr: true,
		Objects: []runtime.Object{
			cfg("validation-failure", "foo", 1234, WithConfigContainerConcurrency(-1)),
		},
		WantCreates: []runtime.Object{
			rev("validation-failure", "foo", 1234, WithRevContainerConcurrency(-1)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("validation-failure", "foo", 1234, WithConfigContainerConcurrency(-1),
				MarkRevisionCreationFailed("expected 0 <= -1 <= 1000: spec.containerConcurrency"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create Revision: expected 0 <= -1 <= 1000: spec.containerConcurrency"),
			Eventf(corev1.EventTypeWarning, "UpdateFailed", `Failed to update status for "validation-failure": expected 0 <= -1 <= 1000: spec.template.spec.containerConcurrency`),
		},
		Key: "foo/validation-failure",
	}, {
		Name: "existing revision of the generation (ready: unknown) is recorded as latest created",
		Objects: []runtime.Object{
			cfg("matching-revision-not-done", "foo", 5432),
			rev("matching-revision-not-done", "foo", 5432,
				WithCreationTimestamp(now), WithRevName("matching-revision-not-done-00001")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("matching-revision-not-done", "foo", 5432,
				WithLatestCreated("matching-revision-not-done-00001"), WithConfigObservedGen),
		}},
		Key: "foo/matching-revision-not-done",
	}, {
		Name: "first revision becomes ready: ConfigurationReady and LatestReadyUpdate",
		Objects: []runtime.Object{
			cfg("matching-revision-done", "foo", 5555, WithLatestCreated("matching-revision-done-00001"), WithConfigObservedGen),
			rev("matching-revision-done", "foo", 5555,
				WithCreationTimestamp(now), MarkRevisionReady, WithRevName("matching-revision-done-00001")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("matching-revision-done", "foo", 5555, WithConfigObservedGen,
				WithLatestCreated("matching-revision-done-00001"),
				WithLatestReady("matching-revision-done-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "ConfigurationReady", "Configuration becomes ready"),
			Eventf(corev1.EventTypeNormal, "LatestReadyUpdate", "LatestReadyRevisionName updated to %q",
				"matching-revision-done-00001"),
		},
		Key: "foo/matching-revision-done",
	}, {
		Name: "steady state: ready revision already latest ready",
		Objects: []runtime.Object{
			cfg("matching-revision-done-idempotent", "foo", 5566,
				WithConfigObservedGen, WithLatestCreated("matching-revision"), WithLatestReady("matching-revision")),
			rev("matching-revision-done-idempotent", "foo", 5566,
				WithCreationTimestamp(now), MarkRevisionReady, WithRevName("matching-revision")),
		},
		Key: "foo/matching-revision-done-idempotent",
	}, {
		Name: "latest created revision fails: configuration fails with LatestCreatedFailed",
		Objects: []runtime.Object{
			cfg("matching-revision-failed", "foo", 5555, WithLatestCreated("matching-revision"), WithConfigObservedGen),
			rev("matching-revision-failed", "foo", 5555,
				WithCreationTimestamp(now), MarkContainerMissing, WithRevName("matching-revision")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("matching-revision-failed", "foo", 5555,
				WithLatestCreated("matching-revision"), WithConfigObservedGen,
				MarkLatestCreatedFailed("It's the end of the world as we know it")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "LatestCreatedFailed", "Latest created revision %q has failed",
				"matching-revision"),
		},
		Key: "foo/matching-revision-failed",
	}, {
		Name: "failure already reported: no new event",
		Objects: []runtime.Object{
			cfg("already-failed", "foo", 5555, WithLatestCreated("already-failed-05555"), WithConfigObservedGen,
				MarkLatestCreatedFailed("It's the end of the world as we know it")),
			rev("already-failed", "foo", 5555, WithCreationTimestamp(now), MarkContainerMissing),
		},
		Key: "foo/already-failed",
	}, {
		Name: "revision with a Ready condition that is neither true, false nor unknown",
		Objects: []runtime.Object{
			cfg("bad-condition", "foo", 5555, WithLatestCreated("bad-condition"), WithConfigObservedGen),
			rev("bad-condition", "foo", 5555,
				WithRevName("bad-condition"),
				WithRevStatus(v1.RevisionStatus{
					Status: duckv1.Status{
						Conditions: duckv1.Conditions{{
							Type:     v1.RevisionConditionReady,
							Status:   "Bad",
							Severity: "Error",
						}},
					},
				})),
		},
		WantErr: true,
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `unrecognized condition status: Bad on revision "bad-condition"`),
		},
		Key: "foo/bad-condition",
	}, {
		Name:    "failure creating revision",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "revisions"),
		},
		Objects: []runtime.Object{
			cfg("create-revision-failure", "foo", 99998),
		},
		WantCreates: []runtime.Object{
			rev("create-revision-failure", "foo", 99998),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("create-revision-failure", "foo", 99998,
				MarkRevisionCreationFailed("inducing failure for create revisions"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create Revision: inducing failure for create revisions"),
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to create Revision: inducing failure for create revisions"),
		},
		Key: "foo/create-revision-failure",
	}, {
		Name:    "revision exists but is not in our informer yet: quiet retry",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			func(action clientgotesting.Action) (bool, runtime.Object, error) {
				if !action.Matches("create", "revisions") {
					return false, nil, nil
				}
				return true, nil, apierrs.NewAlreadyExists(v1.Resource("revisions"), "lagging-00001")
			},
		},
		Objects: []runtime.Object{
			cfg("lagging", "foo", 1),
		},
		WantCreates: []runtime.Object{
			rev("lagging", "foo", 1),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("lagging", "foo", 1, withObservedGenFailure, WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `failed to create Revision: revisions.serving.knative.dev "lagging-00001" already exists`),
		},
		Key: "foo/lagging",
	}, {
		Name:    "failure updating configuration status",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "configurations"),
		},
		Objects: []runtime.Object{
			cfg("update-config-failure", "foo", 1234),
		},
		WantCreates: []runtime.Object{
			rev("update-config-failure", "foo", 1234),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("update-config-failure", "foo", 1234,
				WithLatestCreated("update-config-failure-01234"), WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Revision %q", "update-config-failure-01234"),
			Eventf(corev1.EventTypeWarning, "UpdateFailed", `Failed to update status for "update-config-failure": inducing failure for update configurations`),
		},
		Key: "foo/update-config-failure",
	}, {
		Name: "failed revision recovers: configuration ready again",
		Objects: []runtime.Object{
			cfg("revision-recovers", "foo", 1337,
				WithLatestCreated("revision-recovers-00001"),
				WithLatestReady("revision-recovers-00001"),
				WithConfigObservedGen,
				MarkLatestCreatedFailed("Weebles wobble, but they don't fall down")),
			rev("revision-recovers", "foo", 1337,
				WithCreationTimestamp(now), WithRevName("revision-recovers-00001"), MarkRevisionReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("revision-recovers", "foo", 1337,
				WithLatestCreated("revision-recovers-00001"),
				WithLatestReady("revision-recovers-00001"),
				WithConfigObservedGen),
		}},
		Key: "foo/revision-recovers",
	}, {
		// The latest created revision is looked up by configuration name
		// too, not by generation alone.
		Name: "two steady state configs with same generation: no writes",
		Objects: []runtime.Object{
			cfg("double-trouble", "foo", 1,
				WithLatestCreated("double-trouble-00001"),
				WithLatestReady("double-trouble-00001"), WithConfigObservedGen),
			cfg("first-trouble", "foo", 1,
				WithLatestCreated("first-trouble-00001"),
				WithLatestReady("first-trouble-00001"), WithConfigObservedGen),
			rev("first-trouble", "foo", 1, WithCreationTimestamp(now), MarkRevisionReady),
			rev("double-trouble", "foo", 1, WithCreationTimestamp(now), MarkRevisionReady),
		},
		Key: "foo/double-trouble",
	}, {
		Name: "latest revision failed: latest ready moves to the newest ready revision",
		Objects: []runtime.Object{
			cfg("threerevs", "foo", 3,
				WithLatestCreated("threerevs-00002"),
				WithLatestReady("threerevs-00001"), WithConfigObservedGen),
			rev("threerevs", "foo", 1, WithCreationTimestamp(now), MarkRevisionReady),
			rev("threerevs", "foo", 2, WithCreationTimestamp(now), MarkRevisionReady),
			rev("threerevs", "foo", 3, WithCreationTimestamp(now), MarkInactive("", "")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("threerevs", "foo", 3,
				WithLatestCreated("threerevs-00003"),
				WithLatestReady("threerevs-00002"),
				WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "LatestReadyUpdate", "LatestReadyRevisionName updated to %q", "threerevs-00002"),
		},
		Key: "foo/threerevs",
	}, {
		Name: "latest revision not ready yet: latest ready moves forward, configuration stays unknown",
		Objects: []runtime.Object{
			cfg("revnotready", "foo", 3,
				WithLatestCreated("revnotready-00002"),
				WithLatestReady("revnotready-00001"), WithConfigObservedGen),
			rev("revnotready", "foo", 1, WithCreationTimestamp(now), MarkRevisionReady),
			rev("revnotready", "foo", 2, WithCreationTimestamp(now), MarkRevisionReady),
			rev("revnotready", "foo", 3, WithCreationTimestamp(now)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("revnotready", "foo", 3,
				WithLatestCreated("revnotready-00003"),
				WithLatestReady("revnotready-00002"),
				WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "LatestReadyUpdate", "LatestReadyRevisionName updated to %q", "revnotready-00002"),
		},
		Key: "foo/revnotready",
	}, {
		Name: "latest ready revision was deleted, latest created is ready",
		Objects: []runtime.Object{
			cfg("lrrnotexist", "foo", 2,
				WithLatestCreated("lrrnotexist-00002"),
				WithLatestReady("lrrnotexist-00001"), WithConfigObservedGen),
			rev("lrrnotexist", "foo", 2, WithCreationTimestamp(now), MarkRevisionReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("lrrnotexist", "foo", 2,
				WithLatestCreated("lrrnotexist-00002"),
				WithLatestReady("lrrnotexist-00002"),
				WithConfigObservedGen),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "LatestReadyUpdate", "LatestReadyRevisionName updated to %q", "lrrnotexist-00002"),
		},
		Key: "foo/lrrnotexist",
	}, {
		Name: "latest ready revision fails: LatestReadyFailed, latest ready unchanged",
		Key:  "foo/failed-lrr",
		Objects: []runtime.Object{
			cfg("failed-lrr", "foo", 2,
				WithLatestCreated("failed-lrr-00002"),
				WithLatestReady("failed-lrr-00002"),
				WithConfigObservedGen),
			rev("failed-lrr", "foo", 1, WithCreationTimestamp(now), MarkRevisionReady),
			rev("failed-lrr", "foo", 2, WithCreationTimestamp(now), MarkResourcesUnavailable("Bad", "Message")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: cfg("failed-lrr", "foo", 2,
				WithLatestCreated("failed-lrr-00002"),
				WithLatestReady("failed-lrr-00002"),
				WithConfigObservedGen,
				MarkLatestCreatedFailed("Message")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "LatestReadyFailed", "Latest ready revision %q has failed", "failed-lrr-00002"),
		},
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		retryAttempted = false
		r := &Reconciler{
			client:         servingclient.Get(ctx),
			revisionLister: listers.GetRevisionLister(),
			clock:          testClock,
		}
		return configreconciler.NewReconciler(ctx, logging.FromContext(ctx),
			servingclient.Get(ctx), listers.GetConfigurationLister(),
			controller.GetEventRecorder(ctx), r)
	}))
}

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if NewController(ctx, configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...)) == nil {
		t.Fatal("NewController returned nil")
	}
}

// withObservedGenFailure is what the generated reconciler reports when a
// reconcile of a new generation returns before touching the status.
func withObservedGenFailure(c *v1.Configuration) {
	c.Status.InitializeConditions()
	c.GetConditionSet().Manage(&c.Status).MarkUnknown(apis.ConditionReady,
		"NewObservedGenFailure", "unsuccessfully observed a new generation")
}

func cfg(name, namespace string, generation int64, co ...ConfigOption) *v1.Configuration {
	c := &v1.Configuration{
		ObjectMeta: metav1.ObjectMeta{
			Name:       name,
			Namespace:  namespace,
			Generation: generation,
		},
		Spec: v1.ConfigurationSpec{
			Template: v1.RevisionTemplateSpec{
				Spec: *revisionSpec.DeepCopy(),
			},
		},
	}
	for _, opt := range co {
		opt(c)
	}
	c.SetDefaults(context.Background())
	return c
}

// rev is the Revision the reconciler makes for generation of the
// Configuration name (without the options).
func rev(name, namespace string, generation int64, ro ...RevisionOption) *v1.Revision {
	r := resources.MakeRevision(context.Background(), cfg(name, namespace, generation), testClock.Now())
	r.SetDefaults(context.Background())
	for _, opt := range ro {
		opt(r)
	}
	return r
}
