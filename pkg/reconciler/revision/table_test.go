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

package revision

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/zap"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	clientgotesting "k8s.io/client-go/testing"
	clocktest "k8s.io/utils/clock/testing"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/metrics"
	pkgreconciler "knative.dev/pkg/reconciler"
	pkgtracing "knative.dev/pkg/tracing/config"

	_ "knative.dev/pkg/system/testing" // SYSTEM_NAMESPACE for the queue-proxy env.

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	revisionreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/revision"
	"github.com/skiffhq/skiff/pkg/deployment"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/resources"

	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	pkgtesting "github.com/skiffhq/skiff/pkg/testing"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
	. "knative.dev/pkg/reconciler/testing"
)

func TestReconcile(t *testing.T) {
	// The value does not matter, only that it does not change.
	fc := clocktest.NewFakePassiveClock(time.Now())

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name: "nop deletion reconcile",
		Objects: []runtime.Object{
			Revision("foo", "delete-pending", WithRevisionDeletionTimestamp),
		},
		Key: "foo/delete-pending",
	}, {
		Name: "first revision reconciliation",
		// A well formed Revision none of whose children exist: they are
		// created and the status initialized.
		Objects: []runtime.Object{
			Revision("foo", "first-reconcile"),
		},
		WantCreates: []runtime.Object{
			pa("foo", "first-reconcile"),
			deploy(t, "foo", "first-reconcile"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "first-reconcile",
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/first-reconcile",
	}, {
		Name: "digests still resolving: nothing is created yet",
		Ctx:  withResolver(context.Background(), pendingResolver{}),
		Objects: []runtime.Object{
			Revision("foo", "resolving"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "resolving",
				WithLogURL, WithInitRevConditions, withResourcesUnknown(v1.ReasonResolvingDigests, ""),
				WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/resolving",
	}, {
		Name:    "digest resolution fails",
		Ctx:     withResolver(context.Background(), errorResolver{err: errors.New(`Unable to fetch image "busybox": 404`)}),
		WantErr: true,
		Objects: []runtime.Object{
			Revision("foo", "missing-image"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "missing-image",
				WithLogURL, WithInitRevConditions,
				withContainerHealthyFalse(v1.ReasonContainerMissing, `Unable to fetch image "busybox": 404`),
				WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `Unable to fetch image "busybox": 404`),
		},
		Key: "foo/missing-image",
	}, {
		Name: "images of skipped registries need no resolver",
		// The pending resolver would hold the revision back; ko.local is in
		// registries-skipping-tag-resolving, so it is never asked.
		Ctx: withResolver(context.Background(), pendingResolver{}),
		Objects: []runtime.Object{
			Revision("foo", "skipped", withImage("ko.local/app:latest")),
		},
		WantCreates: []runtime.Object{
			pa("foo", "skipped"),
			deploy(t, "foo", "skipped", withImage("ko.local/app:latest")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "skipped", withImage("ko.local/app:latest"),
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/skipped",
	}, {
		Name: "ko:// images need no resolver",
		Ctx:  withResolver(context.Background(), pendingResolver{}),
		Objects: []runtime.Object{
			Revision("foo", "ko", withImage("ko://example.com/cmd/app")),
		},
		WantCreates: []runtime.Object{
			pa("foo", "ko"),
			deploy(t, "foo", "ko", withImage("ko://example.com/cmd/app")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "ko", withImage("ko://example.com/cmd/app"),
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/ko",
	}, {
		Name: "image already pinned by digest is kept",
		Ctx:  withResolver(context.Background(), pendingResolver{}),
		Objects: []runtime.Object{
			Revision("foo", "pinned", withImage("example.com/app@"+testDigest)),
		},
		WantCreates: []runtime.Object{
			pa("foo", "pinned"),
			deploy(t, "foo", "pinned", withImage("example.com/app@"+testDigest), withDigest("example.com/app@"+testDigest)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pinned", withImage("example.com/app@"+testDigest),
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDigest("example.com/app@"+testDigest), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/pinned",
	}, {
		Name: "local mode resolves no image",
		Ctx:  withLocalMode(withResolver(context.Background(), pendingResolver{})),
		Objects: []runtime.Object{
			Revision("foo", "local"),
		},
		WantCreates: []runtime.Object{
			pa("foo", "local"),
			deploy(t, "foo", "local"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "local",
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/local",
	}, {
		Name: "resolved digest is what the deployment runs",
		Ctx:  withResolver(context.Background(), digestResolverFake{digest: "index.docker.io/library/busybox@" + testDigest}),
		Objects: []runtime.Object{
			Revision("foo", "digest"),
		},
		WantCreates: []runtime.Object{
			pa("foo", "digest"),
			deploy(t, "foo", "digest", withDigest("index.docker.io/library/busybox@"+testDigest)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "digest",
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDigest("index.docker.io/library/busybox@"+testDigest), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/digest",
	}, {
		Name: "pa class and metric from config-autoscaler",
		Ctx: withConfig(context.Background(), func(c *config.Config) {
			c.Autoscaler.PodAutoscalerClass = autoscaling.HPA
		}),
		Objects: []runtime.Object{
			Revision("foo", "hpa-default"),
		},
		WantCreates: []runtime.Object{
			pa("foo", "hpa-default", withAnnotations(map[string]string{
				autoscaling.ClassAnnotationKey:  autoscaling.HPA,
				autoscaling.MetricAnnotationKey: autoscaling.CPU,
			})),
			deploy(t, "foo", "hpa-default"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "hpa-default",
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/hpa-default",
	}, {
		Name: "pa class from the revision's annotation wins",
		Ctx: withConfig(context.Background(), func(c *config.Config) {
			c.Autoscaler.PodAutoscalerClass = autoscaling.HPA
		}),
		Objects: []runtime.Object{
			Revision("foo", "kpa-annotated", WithRevisionAnn(autoscaling.ClassAnnotationKey, autoscaling.KPA)),
		},
		WantCreates: []runtime.Object{
			pa("foo", "kpa-annotated", withAnnotations(map[string]string{
				autoscaling.ClassAnnotationKey:  autoscaling.KPA,
				autoscaling.MetricAnnotationKey: autoscaling.Concurrency,
			})),
			deploy(t, "foo", "kpa-annotated", WithRevisionAnn(autoscaling.ClassAnnotationKey, autoscaling.KPA)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "kpa-annotated", WithRevisionAnn(autoscaling.ClassAnnotationKey, autoscaling.KPA),
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/kpa-annotated",
	}, {
		Name:    "failure updating revision status",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "revisions"),
		},
		Objects: []runtime.Object{
			Revision("foo", "update-status-failure"),
			pa("foo", "update-status-failure"),
		},
		WantCreates: []runtime.Object{
			deploy(t, "foo", "update-status-failure"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "update-status-failure",
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "UpdateFailed", "Failed to update status for %q: %v",
				"update-status-failure", "inducing failure for update revisions"),
		},
		Key: "foo/update-status-failure",
	}, {
		Name:    "failure creating pa",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "podautoscalers"),
		},
		Objects: []runtime.Object{
			Revision("foo", "create-pa-failure"),
		},
		WantCreates: []runtime.Object{
			pa("foo", "create-pa-failure"),
			deploy(t, "foo", "create-pa-failure"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "create-pa-failure",
				WithLogURL, WithInitRevConditions,
				MarkDeploying("Deploying"), withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `failed to create PA "create-pa-failure": inducing failure for create podautoscalers`),
		},
		Key: "foo/create-pa-failure",
	}, {
		Name:    "failure creating user deployment",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "deployments"),
		},
		Objects: []runtime.Object{
			Revision("foo", "create-user-deploy-failure"),
			pa("foo", "create-user-deploy-failure"),
		},
		WantCreates: []runtime.Object{
			deploy(t, "foo", "create-user-deploy-failure"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "create-user-deploy-failure",
				WithLogURL, WithInitRevConditions,
				MarkDeploying("Deploying"), withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to create deployment "create-user-deploy-failure-deployment": inducing failure for create deployments`),
		},
		Key: "foo/create-user-deploy-failure",
	}, {
		Name: "stable revision reconciliation",
		// Everything in the state right after the first reconcile: no writes.
		Objects: []runtime.Object{
			Revision("foo", "stable-reconcile", WithLogURL, allUnknownConditions,
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "stable-reconcile", WithReachabilityUnknown),
			deploy(t, "foo", "stable-reconcile"),
		},
		Key: "foo/stable-reconcile",
	}, {
		Name: "update deployment containers",
		// A Deployment that drifted from the revision is put back.
		Objects: []runtime.Object{
			Revision("foo", "fix-containers",
				WithLogURL, allUnknownConditions, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "fix-containers", WithReachabilityUnknown),
			changeContainers(deploy(t, "foo", "fix-containers")),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: deploy(t, "foo", "fix-containers"),
		}},
		Key: "foo/fix-containers",
	}, {
		Name: "deployment drift keeps the autoscaler's replicas",
		Objects: []runtime.Object{
			Revision("foo", "keep-scale",
				WithLogURL, allUnknownConditions, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "keep-scale", WithReachabilityUnknown),
			changeContainers(deploy(t, "foo", "keep-scale", withReplicas(5))),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: deploy(t, "foo", "keep-scale", withReplicas(5)),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "keep-scale",
				WithLogURL, allUnknownConditions, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1),
				MarkContainerHealthyTrue()),
		}},
		Key: "foo/keep-scale",
	}, {
		Name:    "failure updating deployment",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "deployments"),
		},
		Objects: []runtime.Object{
			Revision("foo", "failure-update-deploy",
				WithLogURL, allUnknownConditions,
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "failure-update-deploy"),
			changeContainers(deploy(t, "foo", "failure-update-deploy")),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: deploy(t, "foo", "failure-update-deploy"),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to update deployment "failure-update-deploy-deployment": inducing failure for update deployments`),
		},
		Key: "foo/failure-update-deploy",
	}, {
		Name: "deactivated revision is stable",
		Objects: []runtime.Object{
			Revision("foo", "stable-deactivation",
				WithLogURL, MarkRevisionReady,
				MarkInactive("NoTraffic", "This thing is inactive."),
				WithRoutingState(v1.RoutingStateReserve, fc),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "stable-deactivation",
				WithPAStatusService("stable-deactivation"),
				WithNoTraffic("NoTraffic", "This thing is inactive."),
				WithReachabilityUnreachable,
				WithScaleTargetInitialized),
			deploy(t, "foo", "stable-deactivation"),
		},
		Key: "foo/stable-deactivation",
	}, {
		Name: "pa is ready",
		Objects: []runtime.Object{
			Revision("foo", "pa-ready",
				WithLogURL, allUnknownConditions),
			pa("foo", "pa-ready", WithPASKSReady, WithTraffic,
				WithScaleTargetInitialized, WithPAStatusService("new-stuff"), WithReachabilityUnknown),
			deploy(t, "foo", "pa-ready"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pa-ready",
				WithLogURL,
				MarkRevisionReady, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "RevisionReady", "Revision becomes ready upon all resources being ready"),
		},
		Key: "foo/pa-ready",
	}, {
		Name: "pa not ready",
		Objects: []runtime.Object{
			Revision("foo", "pa-not-ready",
				WithLogURL,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkRevisionReady, WithRevisionObservedGeneration(1)),
			pa("foo", "pa-not-ready",
				WithPAStatusService("its-not-confidential"),
				WithBufferedTraffic,
				WithReachabilityReachable),
			readyDeploy(deploy(t, "foo", "pa-not-ready")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pa-not-ready",
				WithLogURL, MarkRevisionReady, withDefaultContainerStatuses(),
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkActivating("Queued", "Requests to the target are being buffered as resources are provisioned."),
				WithRevisionObservedGeneration(1),
			),
		}},
		Key: "foo/pa-not-ready",
	}, {
		Name: "pa inactive",
		Objects: []runtime.Object{
			Revision("foo", "pa-inactive",
				WithLogURL,
				WithRoutingState(v1.RoutingStateReserve, fc),
				MarkRevisionReady, WithRevisionObservedGeneration(1)),
			pa("foo", "pa-inactive",
				WithPAStatusService("pa-inactive"),
				WithNoTraffic("NoTraffic", "This thing is inactive."),
				WithScaleTargetInitialized,
				WithReachabilityUnreachable),
			readyDeploy(deploy(t, "foo", "pa-inactive")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pa-inactive",
				WithLogURL, MarkRevisionReady, withDefaultContainerStatuses(),
				WithRoutingState(v1.RoutingStateReserve, fc),
				MarkInactive("NoTraffic", "This thing is inactive."), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/pa-inactive",
	}, {
		Name: "pa inactive before reaching initial scale fails the revision",
		Objects: []runtime.Object{
			Revision("foo", "pa-inactive",
				WithLogURL,
				WithRevisionObservedGeneration(1)),
			pa("foo", "pa-inactive",
				WithNoTraffic("NoTraffic", "This thing is inactive."),
				WithPAStatusService("pa-inactive")),
			readyDeploy(deploy(t, "foo", "pa-inactive")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pa-inactive",
				WithLogURL, withDefaultContainerStatuses(), MarkDeploying(""),
				MarkInactive("NoTraffic", "This thing is inactive."), WithRevisionObservedGeneration(1),
				MarkResourcesUnavailable(v1.ReasonProgressDeadlineExceeded,
					"Initial scale was never achieved")),
		}},
		Key: "foo/pa-inactive",
	}, {
		Name: "pa inactive without a service name yet does not fail the revision",
		Objects: []runtime.Object{
			Revision("foo", "pa-inactive", allUnknownConditions,
				WithLogURL,
				MarkDeploying(v1.ReasonDeploying),
				WithRevisionObservedGeneration(1)),
			pa("foo", "pa-inactive",
				WithNoTraffic("NoTraffic", "This thing is inactive."), WithPAStatusService("")),
			readyDeploy(deploy(t, "foo", "pa-inactive")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pa-inactive",
				WithLogURL, withDefaultContainerStatuses(), allUnknownConditions,
				MarkInactive("NoTraffic", "This thing is inactive."),
				MarkDeploying(v1.ReasonDeploying),
				WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/pa-inactive",
	}, {
		Name: "mutated pa gets fixed",
		Objects: []runtime.Object{
			Revision("foo", "fix-mutated-pa",
				allUnknownConditions,
				WithLogURL, MarkRevisionReady,
				WithRoutingState(v1.RoutingStateActive, fc)),
			pa("foo", "fix-mutated-pa", WithProtocolType(networking.ProtocolH2C),
				WithTraffic, WithPASKSReady, WithScaleTargetInitialized, WithReachabilityReachable,
				WithPAStatusService("fix-mutated-pa")),
			deploy(t, "foo", "fix-mutated-pa"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "fix-mutated-pa",
				WithLogURL, allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc), WithLogURL, MarkRevisionReady,
				withDefaultContainerStatuses()),
		}},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "fix-mutated-pa", WithPASKSReady,
				WithTraffic, WithScaleTargetInitialized,
				WithPAStatusService("fix-mutated-pa"), WithReachabilityReachable),
		}},
		Key: "foo/fix-mutated-pa",
	}, {
		Name: "routing state change updates pa reachability",
		Objects: []runtime.Object{
			Revision("foo", "reserve", WithLogURL, MarkRevisionReady,
				WithRoutingState(v1.RoutingStateReserve, fc),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "reserve", WithTraffic, WithPASKSReady, WithScaleTargetInitialized,
				WithReachabilityReachable, WithPAStatusService("reserve")),
			deploy(t, "foo", "reserve"),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "reserve", WithTraffic, WithPASKSReady, WithScaleTargetInitialized,
				WithReachabilityUnreachable, WithPAStatusService("reserve")),
		}},
		Key: "foo/reserve",
	}, {
		Name: "mutated pa gets error during the fix",
		Objects: []runtime.Object{
			Revision("foo", "fix-mutated-pa-fail",
				WithLogURL, allUnknownConditions,
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "fix-mutated-pa-fail", WithProtocolType(networking.ProtocolH2C), WithReachabilityUnknown),
			deploy(t, "foo", "fix-mutated-pa-fail"),
		},
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "podautoscalers"),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "fix-mutated-pa-fail", WithReachabilityUnknown),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `failed to update PA "fix-mutated-pa-fail": inducing failure for update podautoscalers`),
		},
		Key: "foo/fix-mutated-pa-fail",
	}, {
		Name: "surface deployment timeout",
		Objects: []runtime.Object{
			Revision("foo", "deploy-timeout",
				allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				WithLogURL, MarkActive),
			pa("foo", "deploy-timeout", WithReachabilityReachable),
			timeoutDeploy(deploy(t, "foo", "deploy-timeout"), "I timed out!"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "deploy-timeout",
				WithLogURL, allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkProgressDeadlineExceeded("I timed out!"), withDefaultContainerStatuses(),
				WithRevisionObservedGeneration(1)),
		}},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "deploy-timeout", WithReachabilityUnreachable),
		}},
		Key: "foo/deploy-timeout",
	}, {
		Name: "revision failure because replicaset and deployment failed",
		Objects: []runtime.Object{
			Revision("foo", "deploy-replicaset-failure",
				WithLogURL, MarkActivating("Deploying", ""),
				WithRoutingState(v1.RoutingStateActive, fc),
				withDefaultContainerStatuses(),
				WithRevisionObservedGeneration(1),
				MarkContainerHealthyUnknown("Deploying"),
			),
			pa("foo", "deploy-replicaset-failure", WithReachabilityUnreachable),
			replicaFailureDeploy(deploy(t, "foo", "deploy-replicaset-failure"), "I ReplicaSet failed!"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "deploy-replicaset-failure",
				WithLogURL, MarkResourcesUnavailable("FailedCreate", "I ReplicaSet failed!"),
				withDefaultContainerStatuses(),
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkContainerHealthyUnknown("Deploying"),
				WithRevisionObservedGeneration(1),
				MarkActivating("Deploying", ""),
			),
		}},
		Key: "foo/deploy-replicaset-failure",
	}, {
		Name: "surface ImagePullBackOff after the progress deadline",
		Objects: []runtime.Object{
			Revision("foo", "pull-backoff",
				WithLogURL,
				allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
			),
			pa("foo", "pull-backoff", WithReachabilityReachable),
			pod(t, "foo", "pull-backoff", WithPodCondition(corev1.PodReady, corev1.ConditionFalse, "ContainersNotReady"), WithWaitingContainer("pull-backoff", "ImagePullBackOff", "can't pull it")),
			timeoutDeploy(deploy(t, "foo", "pull-backoff"), "Timed out!"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pull-backoff",
				WithLogURL, allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkResourcesUnavailable("ImagePullBackOff", "can't pull it"), withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "pull-backoff", WithReachabilityUnreachable),
		}},
		Key: "foo/pull-backoff",
	}, {
		Name: "ImagePullBackOff is shown before the progress deadline without failing the revision",
		Objects: []runtime.Object{
			Revision("foo", "pull-backoff",
				WithLogURL,
				allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
			),
			pa("foo", "pull-backoff", WithReachabilityReachable, WithBufferedTraffic),
			pod(t, "foo", "pull-backoff", WithPodCondition(corev1.PodReady, corev1.ConditionFalse, "ContainersNotReady"),
				WithWaitingContainer("pull-backoff", "ErrImagePull", `pull access denied for "nope"`)),
			deploy(t, "foo", "pull-backoff"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pull-backoff",
				WithLogURL, allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkActivating("Queued", "Requests to the target are being buffered as resources are provisioned."),
				withResourcesUnknown("ErrImagePull", `pull access denied for "nope"`),
				withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/pull-backoff",
	}, {
		Name: "a container still being created is not reported",
		Objects: []runtime.Object{
			Revision("foo", "creating",
				WithLogURL, allUnknownConditions, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "creating", WithReachabilityUnknown),
			pod(t, "foo", "creating", WithWaitingContainer("creating", "ContainerCreating", "")),
			deploy(t, "foo", "creating"),
		},
		Key: "foo/creating",
	}, {
		Name: "surface pod errors",
		Objects: []runtime.Object{
			Revision("foo", "pod-error",
				allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				WithLogURL, allUnknownConditions, MarkActive),
			pa("foo", "pod-error", WithReachabilityReachable),
			pod(t, "foo", "pod-error", WithPodCondition(corev1.PodReady, corev1.ConditionFalse, "ContainersNotReady"), WithFailingContainer("pod-error", 5, "I failed man!")),
			deploy(t, "foo", "pod-error"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pod-error",
				WithLogURL, allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkContainerExiting(5, v1.RevisionContainerExitingMessage("I failed man!")),
				withDefaultContainerStatuses(),
				WithRevisionObservedGeneration(1),
			),
		}},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "pod-error", WithReachabilityUnreachable),
		}},
		Key: "foo/pod-error",
	}, {
		Name: "container exiting without a message still says so",
		Objects: []runtime.Object{
			Revision("foo", "pod-exit",
				allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				WithLogURL, MarkActive),
			pa("foo", "pod-exit", WithReachabilityReachable),
			pod(t, "foo", "pod-exit", WithFailingContainer("pod-exit", 0, "")),
			deploy(t, "foo", "pod-exit"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pod-exit",
				WithLogURL, allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkContainerExiting(0, v1.RevisionContainerExitingMessage("container exited with no error")),
				withDefaultContainerStatuses(),
				WithRevisionObservedGeneration(1),
			),
		}},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "pod-exit", WithReachabilityUnreachable),
		}},
		Key: "foo/pod-exit",
	}, {
		Name: "queue-proxy failures are not the user's",
		Objects: []runtime.Object{
			Revision("foo", "qp-error",
				WithLogURL, allUnknownConditions, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "qp-error", WithReachabilityUnknown),
			pod(t, "foo", "qp-error", WithFailingContainer(resources.QueueContainerName, 1, "boom")),
			deploy(t, "foo", "qp-error"),
		},
		Key: "foo/qp-error",
	}, {
		Name: "surface pod schedule errors",
		Objects: []runtime.Object{
			Revision("foo", "pod-schedule-error",
				WithRoutingState(v1.RoutingStateActive, fc),
				WithLogURL, allUnknownConditions, MarkActive),
			pa("foo", "pod-schedule-error", WithReachabilityReachable),
			pod(t, "foo", "pod-schedule-error", WithUnschedulableContainer("Insufficient energy", "Unschedulable")),
			deploy(t, "foo", "pod-schedule-error"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "pod-schedule-error",
				WithLogURL,
				allUnknownConditions,
				WithRoutingState(v1.RoutingStateActive, fc),
				MarkResourcesUnavailable("Insufficient energy", "Unschedulable"),
				withDefaultContainerStatuses(),
				WithRevisionObservedGeneration(1),
			),
		}},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: pa("foo", "pod-schedule-error", WithReachabilityUnreachable),
		}},
		Key: "foo/pod-schedule-error",
	}, {
		Name: "pod listing failure is not fatal",
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("list", "pods"),
		},
		Objects: []runtime.Object{
			Revision("foo", "no-pods",
				WithLogURL, allUnknownConditions, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
			pa("foo", "no-pods", WithReachabilityUnknown),
			deploy(t, "foo", "no-pods"),
		},
		Key: "foo/no-pods",
	}, {
		Name: "ready steady state",
		Objects: []runtime.Object{
			Revision("foo", "steady-ready", WithLogURL),
			pa("foo", "steady-ready", WithPASKSReady, WithTraffic,
				WithScaleTargetInitialized, WithPAStatusService("steadier-even")),
			deploy(t, "foo", "steady-ready"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "steady-ready", WithLogURL,
				MarkRevisionReady, withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "RevisionReady", "Revision becomes ready upon all resources being ready"),
		},
		Key: "foo/steady-ready",
	}, {
		Name:    "lost pa owner ref",
		WantErr: true,
		Objects: []runtime.Object{
			Revision("foo", "missing-owners", WithLogURL,
				MarkRevisionReady),
			pa("foo", "missing-owners", WithTraffic, WithPodAutoscalerOwnersRemoved),
			deploy(t, "foo", "missing-owners"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "missing-owners", WithLogURL,
				MarkRevisionReady,
				MarkResourceNotOwned("PodAutoscaler", "missing-owners"), withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `revision: "missing-owners" does not own PodAutoscaler: "missing-owners"`),
		},
		Key: "foo/missing-owners",
	}, {
		Name:    "lost deployment owner ref",
		WantErr: true,
		Objects: []runtime.Object{
			Revision("foo", "missing-owners", WithLogURL,
				MarkRevisionReady),
			pa("foo", "missing-owners", WithTraffic),
			noOwner(deploy(t, "foo", "missing-owners")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "missing-owners", WithLogURL,
				MarkRevisionReady,
				MarkResourceNotOwned("Deployment", "missing-owners-deployment"), withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `revision: "missing-owners" does not own Deployment: "missing-owners-deployment"`),
		},
		Key: "foo/missing-owners",
	}, {
		Name: "image pull secrets",
		Objects: []runtime.Object{
			Revision("foo", "image-pull-secrets", WithImagePullSecrets("foo-secret")),
		},
		WantCreates: []runtime.Object{
			pa("foo", "image-pull-secrets"),
			deployImagePullSecrets(deploy(t, "foo", "image-pull-secrets"), "foo-secret"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "image-pull-secrets",
				WithImagePullSecrets("foo-secret"),
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"), withDefaultContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/image-pull-secrets",
	}, {
		Name: "first revision reconciliation with init containers",
		Ctx:  withInitContainersEnabled(context.Background()),
		Objects: []runtime.Object{
			Revision("foo", "first-reconcile", WithRevisionInitContainers()),
		},
		WantCreates: []runtime.Object{
			pa("foo", "first-reconcile"),
			deploy(t, "foo", "first-reconcile", WithRevisionInitContainers()),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "first-reconcile", WithRevisionInitContainers(),
				WithLogURL, allUnknownConditions, MarkDeploying("Deploying"),
				withDefaultContainerStatuses(), withInitContainerStatuses(), WithRevisionObservedGeneration(1)),
		}},
		Key: "foo/first-reconcile",
	}, {
		Name: "revision's ContainerHealthy turns back to True if the deployment is healthy",
		Objects: []runtime.Object{
			Revision("foo", "container-unhealthy",
				WithLogURL,
				MarkRevisionReady,
				withDefaultContainerStatuses(),
				MarkContainerHealthyFalse("ExitCode137"),
				WithRevisionObservedGeneration(1),
			),
			pa("foo", "container-unhealthy",
				WithPASKSReady,
				WithScaleTargetInitialized,
				WithTraffic,
				WithReachabilityUnknown,
				WithPAStatusService("something"),
			),
			readyDeploy(deploy(t, "foo", "container-unhealthy", withReplicas(1))),
		},
		Key: "foo/container-unhealthy",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: Revision("foo", "container-unhealthy",
				WithLogURL,
				MarkRevisionReady,
				withDefaultContainerStatuses(),
				WithRevisionObservedGeneration(1),
			),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "RevisionReady", "Revision becomes ready upon all resources being ready"),
		},
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		var res resolver = nopResolver{}
		if r, ok := ctx.Value(resolverKey{}).(resolver); ok {
			res = r
		}
		_, localMode := ctx.Value(localModeKey{}).(bool)
		r := &Reconciler{
			kubeclient: kubeclient.Get(ctx),
			client:     servingclient.Get(ctx),

			podAutoscalerLister: listers.GetPodAutoscalerLister(),
			deploymentLister:    listers.GetDeploymentLister(),
			resolver:            res,
			localMode:           localMode,
		}

		cfg := reconcilerTestConfig()
		if mutate, ok := ctx.Value(configKey{}).(func(*config.Config)); ok {
			mutate(cfg)
		}
		return revisionreconciler.NewReconciler(ctx, logging.FromContext(ctx), servingclient.Get(ctx),
			listers.GetRevisionLister(), controller.GetEventRecorder(ctx), r,
			controller.Options{
				ConfigStore: &testConfigStore{config: cfg},
			})
	}))
}

// pkg/testing and pkg/testing/v1 both declare WithIngressClass, so only
// the latter is dot-imported; these are the PodAutoscaler and Pod builders
// the rows use.
var (
	WithBufferedTraffic            = pkgtesting.WithBufferedTraffic
	WithNoTraffic                  = pkgtesting.WithNoTraffic
	WithPASKSReady                 = pkgtesting.WithPASKSReady
	WithPAStatusService            = pkgtesting.WithPAStatusService
	WithPodAutoscalerOwnersRemoved = pkgtesting.WithPodAutoscalerOwnersRemoved
	WithProtocolType               = pkgtesting.WithProtocolType
	WithReachabilityReachable      = pkgtesting.WithReachabilityReachable
	WithReachabilityUnknown        = pkgtesting.WithReachabilityUnknown
	WithReachabilityUnreachable    = pkgtesting.WithReachabilityUnreachable
	WithScaleTargetInitialized     = pkgtesting.WithScaleTargetInitialized
	WithTraffic                    = pkgtesting.WithTraffic
	WithPodCondition               = pkgtesting.WithPodCondition
	WithFailingContainer           = pkgtesting.WithFailingContainer
	WithUnschedulableContainer     = pkgtesting.WithUnschedulableContainer
	WithWaitingContainer           = pkgtesting.WithWaitingContainer
)

const testDigest = "sha256:deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

type resolverKey struct{}

type localModeKey struct{}

type configKey struct{}

// withConfig changes the reconciler's configuration for one row.
func withConfig(ctx context.Context, mutate func(*config.Config)) context.Context {
	return context.WithValue(ctx, configKey{}, mutate)
}

// withAnnotations replaces the PA's annotations.
func withAnnotations(anns map[string]string) pkgtesting.PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Annotations = anns
	}
}

func withResolver(ctx context.Context, r resolver) context.Context {
	return context.WithValue(ctx, resolverKey{}, r)
}

func withLocalMode(ctx context.Context) context.Context {
	return context.WithValue(ctx, localModeKey{}, true)
}

// nopResolver resolves every image to "" at once (as for skipped registries).
type nopResolver struct{}

func (nopResolver) Resolve(_ *zap.SugaredLogger, rev *v1.Revision, _ k8schainOptions, _ sets.Set[string], _ time.Duration) ([]v1.ContainerStatus, []v1.ContainerStatus, error) {
	return statusesWith(rev, "")
}

func statusesWith(rev *v1.Revision, digest string) ([]v1.ContainerStatus, []v1.ContainerStatus, error) {
	status := []v1.ContainerStatus{{Name: rev.Spec.Containers[0].Name, ImageDigest: digest}}
	var initStatus []v1.ContainerStatus
	for _, c := range rev.Spec.InitContainers {
		initStatus = append(initStatus, v1.ContainerStatus{Name: c.Name})
	}
	return initStatus, status, nil
}

func (nopResolver) Clear(types.NamespacedName)  {}
func (nopResolver) Forget(types.NamespacedName) {}

// pendingResolver is always still working in the background.
type pendingResolver struct{ nopResolver }

func (pendingResolver) Resolve(*zap.SugaredLogger, *v1.Revision, k8schainOptions, sets.Set[string], time.Duration) ([]v1.ContainerStatus, []v1.ContainerStatus, error) {
	return nil, nil, nil
}

// errorResolver failed to resolve.
type errorResolver struct {
	nopResolver
	err error
}

func (r errorResolver) Resolve(*zap.SugaredLogger, *v1.Revision, k8schainOptions, sets.Set[string], time.Duration) ([]v1.ContainerStatus, []v1.ContainerStatus, error) {
	return nil, nil, r.err
}

// digestResolverFake resolves the user container to digest.
type digestResolverFake struct {
	nopResolver
	digest string
}

func (r digestResolverFake) Resolve(_ *zap.SugaredLogger, rev *v1.Revision, _ k8schainOptions, _ sets.Set[string], _ time.Duration) ([]v1.ContainerStatus, []v1.ContainerStatus, error) {
	return statusesWith(rev, r.digest)
}

func readyDeploy(deploy *appsv1.Deployment) *appsv1.Deployment {
	deploy.Status.Conditions = []appsv1.DeploymentCondition{{
		Type:   appsv1.DeploymentProgressing,
		Status: corev1.ConditionTrue,
	}}
	return deploy
}

func timeoutDeploy(deploy *appsv1.Deployment, message string) *appsv1.Deployment {
	deploy.Status.Conditions = []appsv1.DeploymentCondition{{
		Type:    appsv1.DeploymentProgressing,
		Status:  corev1.ConditionFalse,
		Reason:  v1.ReasonProgressDeadlineExceeded,
		Message: message,
	}}
	return deploy
}

func replicaFailureDeploy(deploy *appsv1.Deployment, message string) *appsv1.Deployment {
	deploy.Status.Conditions = []appsv1.DeploymentCondition{{
		Type:    appsv1.DeploymentReplicaFailure,
		Status:  corev1.ConditionTrue,
		Reason:  "FailedCreate",
		Message: message,
	}}
	return deploy
}

func noOwner(deploy *appsv1.Deployment) *appsv1.Deployment {
	deploy.OwnerReferences = nil
	return deploy
}

func deployImagePullSecrets(deploy *appsv1.Deployment, secretName string) *appsv1.Deployment {
	deploy.Spec.Template.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{
		Name: secretName,
	}}
	return deploy
}

func changeContainers(deploy *appsv1.Deployment) *appsv1.Deployment {
	podSpec := deploy.Spec.Template.Spec
	for i := range podSpec.Containers {
		podSpec.Containers[i].Image = "asdf"
	}
	return deploy
}

func withDefaultContainerStatuses() RevisionOption {
	return withDigest("")
}

func withDigest(digest string) RevisionOption {
	return func(r *v1.Revision) {
		r.Status.ContainerStatuses = []v1.ContainerStatus{{
			Name:        r.Name,
			ImageDigest: digest,
		}}
	}
}

func withImage(image string) RevisionOption {
	return func(r *v1.Revision) {
		r.Spec.Containers[0].Image = image
	}
}

func withInitContainerStatuses() RevisionOption {
	return func(r *v1.Revision) {
		r.Status.InitContainerStatuses = []v1.ContainerStatus{{
			Name: "init1",
		}, {
			Name: "init2",
		}}
	}
}

func withContainerHealthyFalse(reason, message string) RevisionOption {
	return func(r *v1.Revision) {
		r.Status.MarkContainerHealthyFalse(reason, message)
	}
}

func withResourcesUnknown(reason, message string) RevisionOption {
	return func(r *v1.Revision) {
		r.Status.MarkResourcesAvailableUnknown(reason, message)
	}
}

// allUnknownConditions is the status of a revision whose children were just
// created.
func allUnknownConditions(r *v1.Revision) {
	WithInitRevConditions(r)
	MarkDeploying("Deploying")(r)
	MarkActivating("Deploying", "")(r)
}

// withInitContainersEnabled lets the validation of status updates accept
// init containers.
func withInitContainersEnabled(ctx context.Context) context.Context {
	cfg := apiconfig.FromContextOrDefaults(ctx)
	features := *cfg.Features
	features.PodSpecInitContainers = apiconfig.Enabled
	cfg.Features = &features
	return apiconfig.ToContext(ctx, cfg)
}

type configOption func(*config.Config)

type deploymentOption func(*appsv1.Deployment)

// withReplicas sets the Deployment's replicas, all of them up.
func withReplicas(replicas int32) deploymentOption {
	return func(d *appsv1.Deployment) {
		d.Spec.Replicas = &replicas
		d.Status.AvailableReplicas = replicas
		d.Status.ReadyReplicas = replicas
		d.Status.Replicas = replicas
		d.Status.UpdatedReplicas = replicas
	}
}

// deploy builds the Deployment the reconciler makes for Revision(namespace,
// name) changed by the RevisionOptions among opts, then applies the
// configOptions and deploymentOptions.
func deploy(t *testing.T, namespace, name string, opts ...interface{}) *appsv1.Deployment {
	t.Helper()
	cfg := reconcilerTestConfig()
	for _, opt := range opts {
		if configOpt, ok := opt.(configOption); ok {
			configOpt(cfg)
		}
	}

	rev := Revision(namespace, name)
	for _, opt := range opts {
		if revOpt, ok := opt.(RevisionOption); ok {
			revOpt(rev)
		}
	}

	rev.SetDefaults(context.Background())
	deployment, err := resources.MakeDeployment(rev, cfg)
	if err != nil {
		t.Fatal("failed to create deployment:", err)
	}

	for _, opt := range opts {
		if deploymentOpt, ok := opt.(deploymentOption); ok {
			deploymentOpt(deployment)
		}
	}
	return deployment
}

func pa(namespace, name string, ko ...pkgtesting.PodAutoscalerOption) *autoscalingv1alpha1.PodAutoscaler {
	rev := Revision(namespace, name)
	k := resources.MakePA(rev, nil)
	k.SetDefaults(context.Background())
	for _, opt := range ko {
		opt(k)
	}
	return k
}

func pod(t *testing.T, namespace, name string, po ...pkgtesting.PodOption) *corev1.Pod {
	t.Helper()
	deploy := deploy(t, namespace, name)

	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: namespace,
			Name:      name,
			Labels:    deploy.Labels,
		},
	}
	for _, opt := range po {
		opt(pod)
	}
	return pod
}

type testConfigStore struct {
	config *config.Config
}

func (t *testConfigStore) ToContext(ctx context.Context) context.Context {
	return config.ToContext(ctx, t.config)
}

var _ pkgreconciler.ConfigStore = (*testConfigStore)(nil)

func reconcilerTestConfig() *config.Config {
	dep, _ := deployment.NewConfigFromMap(nil)
	logCfg, _ := logging.NewConfigFromMap(nil)
	net, _ := netcfg.NewConfigFromMap(nil)
	return &config.Config{
		Config:     apiconfig.FromContextOrDefaults(context.Background()),
		Deployment: dep,
		Observability: &metrics.ObservabilityConfig{
			LoggingURLTemplate: "http://logger.io/${REVISION_UID}",
		},
		Logging: logCfg,
		Tracing: &pkgtracing.Config{Backend: pkgtracing.None},
		Network: net,
	}
}
