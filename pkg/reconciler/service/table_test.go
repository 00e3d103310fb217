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

package service

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
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/route/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/service/fake"
	ksvcreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/service"
	configresources "github.com/skiffhq/skiff/pkg/reconciler/configuration/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/service/resources"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

func TestReconcile(t *testing.T) {
	retryAttempted := false
	withNewAnnotation := func(o metav1.Object) {
		o.SetAnnotations(kmeta.UnionMaps(o.GetAnnotations(), map[string]string{"new-key": "new-value"}))
	}
	traffic100 := func(rev string) v1.TrafficTarget {
		return v1.TrafficTarget{RevisionName: rev, Percent: ptr.Int64(100)}
	}
	readyRoute := func(name, rev string) *v1.Route {
		return route(name, "foo", WithRunLatestRollout, withRouteReady,
			WithURL, WithAddress, WithInitRouteConditions,
			WithStatusTraffic(traffic100(rev)), MarkTrafficAssigned, MarkIngressReady)
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
			DefaultService("delete-pending", "foo", WithServiceDeletionTimestamp),
		},
		Key: "foo/delete-pending",
	}, {
		Name: "the seed's service.yaml: configuration and route hello-go created",
		Objects: []runtime.Object{
			DefaultService("hello-go", "default", withImage("dev.local/hello-go:serving"), WithServiceGeneration(1)),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			config("hello-go", "default", withImage("dev.local/hello-go:serving")),
			route("hello-go", "default", withImage("dev.local/hello-go:serving")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("hello-go", "default", withImage("dev.local/hello-go:serving"),
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Configuration %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Route %q", "hello-go"),
		},
	}, {
		Name: "create route and configuration",
		Objects: []runtime.Object{
			DefaultService("run-latest", "foo", WithRunLatestRollout, WithServiceGeneration(1)),
		},
		Key: "foo/run-latest",
		WantCreates: []runtime.Object{
			config("run-latest", "foo", WithRunLatestRollout),
			route("run-latest", "foo", WithRunLatestRollout),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("run-latest", "foo", WithRunLatestRollout,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Configuration %q", "run-latest"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Route %q", "run-latest"),
		},
	}, {
		Name: "steady state",
		Objects: []runtime.Object{
			DefaultService("no-updates", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithServiceGeneration(1), WithServiceObservedGeneration),
			route("no-updates", "foo", WithRunLatestRollout),
			config("no-updates", "foo", WithRunLatestRollout),
		},
		Key: "foo/no-updates",
	}, {
		Name: "BYO revision name: route waits for the configuration, status update retried on conflict",
		Objects: []runtime.Object{
			DefaultService("byo-rev", "foo", WithNamedRevision, WithServiceGeneration(1)),
			config("byo-rev", "foo", WithNamedRevision, WithConfigGeneration(2)),
		},
		Key: "foo/byo-rev",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("byo-rev", "foo", WithNamedRevision,
				WithInitSvcConditions, WithOutOfDateConfig,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}, {
			Object: DefaultService("byo-rev", "foo", WithNamedRevision,
				WithInitSvcConditions, WithOutOfDateConfig,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WithReactors: []clientgotesting.ReactionFunc{
			func(action clientgotesting.Action) (handled bool, ret runtime.Object, err error) {
				if retryAttempted || !action.Matches("update", "services") || action.GetSubresource() != "status" {
					return false, nil, nil
				}
				retryAttempted = true
				return true, nil, apierrs.NewConflict(v1.Resource("foo"), "bar", errors.New("foo"))
			},
		},
	}, {
		Name: "BYO revision name, revision of this generation exists: route kept",
		Objects: []runtime.Object{
			DefaultService("byo-rev", "foo", WithNamedRevision, WithServiceGeneration(2)),
			config("byo-rev", "foo", WithNamedRevision, WithConfigGeneration(2), WithConfigObservedGen),
			route("byo-rev", "foo", WithNamedRevision, WithRouteGeneration(2), WithRouteObservedGeneration),
			&v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "byo-rev-byo",
					Namespace: "foo",
					OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(
						config("byo-rev", "foo", WithNamedRevision))},
					Labels: map[string]string{serving.ConfigurationGenerationLabelKey: "2"},
				},
			},
		},
		Key: "foo/byo-rev",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("byo-rev", "foo", WithNamedRevision,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(2), WithServiceObservedGeneration),
		}},
	}, {
		Name: "BYO revision name, older revision with the same spec: route kept",
		Objects: []runtime.Object{
			DefaultService("byo-rev", "foo", WithNamedRevision, WithServiceGeneration(2)),
			config("byo-rev", "foo", WithNamedRevision, WithConfigGeneration(2), WithConfigObservedGen),
			route("byo-rev", "foo", WithNamedRevision, WithRouteGeneration(2), WithRouteObservedGeneration),
			rev("byo-rev", "foo", WithNamedRevision, WithConfigGeneration(1), WithConfigObservedGen),
		},
		Key: "foo/byo-rev",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("byo-rev", "foo", WithNamedRevision,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(2), WithServiceObservedGeneration),
		}},
	}, {
		Name: "BYO revision name taken by an older revision with another spec: RevisionNameTaken",
		Objects: []runtime.Object{
			DefaultService("byo-rev", "foo", WithNamedRevision, WithServiceGeneration(2)),
			config("byo-rev", "foo", WithNamedRevision, WithConfigGeneration(2), WithConfigObservedGen),
			route("byo-rev", "foo", WithNamedRevision, WithRouteGeneration(2), WithRouteObservedGeneration),
			&v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "byo-rev-byo",
					Namespace: "foo",
					OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(
						config("byo-rev", "foo", WithNamedRevision))},
					Labels: map[string]string{serving.ConfigurationGenerationLabelKey: "1"},
				},
			},
		},
		Key: "foo/byo-rev",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("byo-rev", "foo", WithNamedRevision,
				WithInitSvcConditions, MarkRevisionNameTaken,
				WithServiceGeneration(2), WithServiceObservedGeneration),
		}},
	}, {
		Name: "BYO revision name used in traffic: both children created",
		Objects: []runtime.Object{
			DefaultService("byo-rev", "foo", WithNamedRevision, WithServiceGeneration(1)),
		},
		Key: "foo/byo-rev",
		WantCreates: []runtime.Object{
			config("byo-rev", "foo", WithNamedRevision),
			route("byo-rev", "foo", WithNamedRevision),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("byo-rev", "foo", WithNamedRevision,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Configuration %q", "byo-rev"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Route %q", "byo-rev"),
		},
	}, {
		Name: "new service annotation: configuration and route updated",
		Objects: []runtime.Object{
			DefaultService("update-annos", "foo", WithRunLatestRollout, WithInitSvcConditions,
				func(s *v1.Service) { withNewAnnotation(s) }),
			config("update-annos", "foo", WithRunLatestRollout),
			route("update-annos", "foo", WithRunLatestRollout),
		},
		Key: "foo/update-annos",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("update-annos", "foo", WithRunLatestRollout, func(c *v1.Configuration) { withNewAnnotation(c) }),
		}, {
			Object: route("update-annos", "foo", WithRunLatestRollout, func(r *v1.Route) { withNewAnnotation(r) }),
		}},
	}, {
		Name: "annotation removed from the service: removed from the children",
		Objects: []runtime.Object{
			DefaultService("update-annos", "foo", WithRunLatestRollout, WithInitSvcConditions),
			config("update-annos", "foo", WithRunLatestRollout, func(c *v1.Configuration) { withNewAnnotation(c) }),
			route("update-annos", "foo", WithRunLatestRollout, func(r *v1.Route) { withNewAnnotation(r) }),
		},
		Key: "foo/update-annos",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("update-annos", "foo", WithRunLatestRollout),
		}, {
			Object: route("update-annos", "foo", WithRunLatestRollout),
		}},
	}, {
		Name: "configuration and route drifted from the service: repaired",
		Objects: []runtime.Object{
			DefaultService("update-route-and-config", "foo", WithRunLatestRollout, WithInitSvcConditions),
			config("update-route-and-config", "foo", WithRunLatestRollout, WithConfigContainerConcurrency(5)),
			route("update-route-and-config", "foo", WithRunLatestRollout, withEmptyRouteSpec),
		},
		Key: "foo/update-route-and-config",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("update-route-and-config", "foo", WithRunLatestRollout),
		}, {
			Object: route("update-route-and-config", "foo", WithRunLatestRollout),
		}},
	}, {
		Name: "BYO name taken by an unrelated revision: configuration updated, route left alone",
		Objects: []runtime.Object{
			DefaultService("update-route-and-config", "foo", WithRunLatestRollout, withTemplateName("update-route-and-config-blah"),
				WithInitSvcConditions, WithServiceGeneration(1)),
			config("update-route-and-config", "foo", WithRunLatestRollout, WithConfigContainerConcurrency(5)),
			route("update-route-and-config", "foo", WithRunLatestRollout, withEmptyRouteSpec),
			&v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Name:      "update-route-and-config-blah",
					Namespace: "foo",
				},
			},
		},
		Key: "foo/update-route-and-config",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("update-route-and-config", "foo", WithRunLatestRollout,
				func(cfg *v1.Configuration) { cfg.Spec.GetTemplate().Name = "update-route-and-config-blah" }),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("update-route-and-config", "foo", WithRunLatestRollout,
				withTemplateName("update-route-and-config-blah"),
				WithInitSvcConditions, WithServiceGeneration(1), WithServiceObservedGeneration,
				func(svc *v1.Service) { svc.Status.MarkRevisionNameTaken("update-route-and-config-blah") }),
		}},
	}, {
		Name: "new service label: copied to configuration and route",
		Objects: []runtime.Object{
			DefaultService("update-labels", "foo", WithRunLatestRollout,
				WithInitSvcConditions, WithServiceLabel("new-label", "new-value")),
			config("update-labels", "foo", WithRunLatestRollout),
			route("update-labels", "foo", WithRunLatestRollout),
		},
		Key: "foo/update-labels",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("update-labels", "foo", WithRunLatestRollout, WithConfigLabel("new-label", "new-value")),
		}, {
			Object: route("update-labels", "foo", WithRunLatestRollout, WithRouteLabel(map[string]string{
				"new-label":                   "new-value",
				"serving.knative.dev/service": "update-labels",
			})),
		}},
	}, {
		Name: "routes annotation the labeler added for another route is kept",
		Objects: []runtime.Object{
			DefaultService("shared", "foo", WithRunLatestRollout, WithInitSvcConditions),
			config("shared", "foo", WithRunLatestRollout,
				WithConfigAnn(serving.RoutesAnnotationKey, "other-route,shared")),
			route("shared", "foo", WithRunLatestRollout),
		},
		Key: "foo/shared",
	}, {
		Name: "image changed: configuration updated (a new revision follows)",
		Objects: []runtime.Object{
			DefaultService("new-image", "foo", withImage("dev.local/hello-go:v2"), WithInitSvcConditions),
			config("new-image", "foo", withImage("dev.local/hello-go:serving")),
			route("new-image", "foo", withImage("dev.local/hello-go:serving")),
		},
		Key: "foo/new-image",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("new-image", "foo", withImage("dev.local/hello-go:v2")),
		}},
	}, {
		Name: "traffic split with a tag: route updated",
		Objects: []runtime.Object{
			DefaultService("split", "foo", WithRunLatestRollout, WithInitSvcConditions, WithTrafficTarget(split())),
			config("split", "foo", WithRunLatestRollout),
			route("split", "foo", WithRunLatestRollout),
		},
		Key: "foo/split",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("split", "foo", WithRunLatestRollout, WithSpecTraffic(
				v1.TrafficTarget{RevisionName: "split-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false)},
				v1.TrafficTarget{Tag: "candidate", ConfigurationName: "split", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(true)},
			)),
		}},
	}, {
		Name:    "configuration update rejected by validation",
		WantErr: true,
		Objects: []runtime.Object{
			DefaultService("bad-config-update", "foo", WithInitSvcConditions, WithRunLatestRollout,
				func(svc *v1.Service) { svc.Spec.GetTemplate().Spec.GetContainer().Image = "#" }),
			config("bad-config-update", "foo", WithRunLatestRollout),
			route("bad-config-update", "foo", WithRunLatestRollout),
		},
		Key: "foo/bad-config-update",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("bad-config-update", "foo", WithRunLatestRollout,
				func(cfg *v1.Configuration) { cfg.Spec.GetTemplate().Spec.GetContainer().Image = "#" }),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				"failed to reconcile Configuration: Failed to parse image reference: spec.template.spec.containers[0].image\nimage: \"#\", error: could not parse reference: #"),
		},
	}, {
		Name:    "route creation failure",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "routes"),
		},
		Objects: []runtime.Object{
			DefaultService("create-route-failure", "foo", WithRunLatestRollout, WithServiceGeneration(1)),
		},
		Key: "foo/create-route-failure",
		WantCreates: []runtime.Object{
			config("create-route-failure", "foo", WithRunLatestRollout),
			route("create-route-failure", "foo", WithRunLatestRollout),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("create-route-failure", "foo", WithRunLatestRollout,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Configuration %q", "create-route-failure"),
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create Route %q: %v",
				"create-route-failure", "inducing failure for create routes"),
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to create Route: inducing failure for create routes"),
		},
	}, {
		Name:    "configuration creation failure",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "configurations"),
		},
		Objects: []runtime.Object{
			DefaultService("create-config-failure", "foo", WithRunLatestRollout, WithServiceGeneration(1)),
		},
		Key: "foo/create-config-failure",
		WantCreates: []runtime.Object{
			config("create-config-failure", "foo", WithRunLatestRollout),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("create-config-failure", "foo", WithRunLatestRollout,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create Configuration %q: %v",
				"create-config-failure", "inducing failure for create configurations"),
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to create Configuration: inducing failure for create configurations"),
		},
	}, {
		Name:    "route update failure",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "routes"),
		},
		Objects: []runtime.Object{
			DefaultService("update-route-failure", "foo", WithRunLatestRollout, WithInitSvcConditions),
			route("update-route-failure", "foo", WithRunLatestRollout, withEmptyRouteSpec),
			config("update-route-failure", "foo", WithRunLatestRollout),
		},
		Key: "foo/update-route-failure",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("update-route-failure", "foo", WithRunLatestRollout),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to reconcile Route: inducing failure for update routes"),
		},
	}, {
		Name:    "configuration update failure",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "configurations"),
		},
		Objects: []runtime.Object{
			DefaultService("update-config-failure", "foo", WithRunLatestRollout,
				WithInitSvcConditions, WithServiceGeneration(1), WithServiceObservedGeneration),
			route("update-config-failure", "foo", WithRunLatestRollout),
			config("update-config-failure", "foo", WithRunLatestRollout, WithConfigContainerConcurrency(5)),
		},
		Key: "foo/update-config-failure",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: config("update-config-failure", "foo", WithRunLatestRollout),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to reconcile Configuration: inducing failure for update configurations"),
		},
	}, {
		Name:    "service status update failure",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "services"),
		},
		Objects: []runtime.Object{
			DefaultService("run-latest", "foo", WithRunLatestRollout, WithServiceGeneration(1)),
		},
		Key: "foo/run-latest",
		WantCreates: []runtime.Object{
			config("run-latest", "foo", WithRunLatestRollout),
			route("run-latest", "foo", WithRunLatestRollout),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("run-latest", "foo", WithRunLatestRollout,
				WithInitSvcConditions, WithServiceObservedGenFailure,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Configuration %q", "run-latest"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Route %q", "run-latest"),
			Eventf(corev1.EventTypeWarning, "UpdateFailed", "Failed to update status for %q: %v",
				"run-latest", "inducing failure for update services"),
		},
	}, {
		Name: "route and configuration ready: service ready with URL, address and traffic",
		Objects: []runtime.Object{
			DefaultService("all-ready", "foo", WithRunLatestRollout, WithInitSvcConditions, WithServiceGeneration(1)),
			readyRoute("all-ready", "all-ready-00001"),
			config("all-ready", "foo", WithRunLatestRollout,
				WithConfigGeneration(1), WithConfigObservedGen,
				WithLatestCreated("all-ready-00001"), WithLatestReady("all-ready-00001")),
		},
		Key: "foo/all-ready",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("all-ready", "foo", WithRunLatestRollout,
				WithReadyConfig("all-ready-00001"),
				WithReadyRoute, WithSvcStatusDomain, WithSvcStatusAddress,
				WithSvcStatusTraffic(traffic100("all-ready-00001"))),
		}},
	}, {
		Name: "configuration has not observed its new generation: ConfigurationsReady OutOfDate",
		Objects: []runtime.Object{
			DefaultService("all-ready", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithReadyConfig("all-ready-00001"), WithServiceGeneration(1)),
			readyRoute("all-ready", "all-ready-00001"),
			config("all-ready", "foo", WithRunLatestRollout,
				WithConfigGeneration(1), WithConfigObservedGen, WithConfigGeneration(2),
				WithLatestCreated("all-ready-00001"), WithLatestReady("all-ready-00001")),
		},
		Key: "foo/all-ready",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("all-ready", "foo", WithRunLatestRollout,
				WithReadyConfig("all-ready-00001"),
				WithReadyRoute, WithSvcStatusDomain, WithSvcStatusAddress,
				MarkConfigurationNotReconciled,
				WithSvcStatusTraffic(traffic100("all-ready-00001"))),
		}},
	}, {
		Name: "route has not observed its new generation: RoutesReady OutOfDate",
		Objects: []runtime.Object{
			DefaultService("route-lags", "foo", WithRunLatestRollout, WithInitSvcConditions, WithServiceGeneration(1)),
			route("route-lags", "foo", WithRunLatestRollout, withRouteReady, WithRouteGeneration(2)),
			config("route-lags", "foo", WithRunLatestRollout, WithConfigGeneration(1), WithConfigObservedGen,
				WithLatestCreated("route-lags-00001"), WithLatestReady("route-lags-00001")),
		},
		Key: "foo/route-lags",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("route-lags", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithReadyConfig("route-lags-00001"),
				func(s *v1.Service) { s.Status.MarkRouteNotReconciled() }),
		}},
	}, {
		Name: "route ready on the previous revision, configuration on the next: service not ready",
		Objects: []runtime.Object{
			DefaultService("config-only-ready", "foo", WithRunLatestRollout, WithInitSvcConditions, WithServiceGeneration(1)),
			readyRoute("config-only-ready", "config-only-ready-00001"),
			config("config-only-ready", "foo", WithRunLatestRollout,
				WithConfigGeneration(2), WithConfigObservedGen,
				WithLatestCreated("config-only-ready-00002"), WithLatestReady("config-only-ready-00002")),
		},
		Key: "foo/config-only-ready",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("config-only-ready", "foo", WithRunLatestRollout,
				WithReadyConfig("config-only-ready-00002"),
				WithServiceStatusRouteNotReady, WithSvcStatusDomain, WithSvcStatusAddress,
				WithSvcStatusTraffic(traffic100("config-only-ready-00001"))),
		}},
	}, {
		Name: "route status lists fewer targets than its spec: service not ready",
		Objects: []runtime.Object{
			DefaultService("split-pending", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithServiceGeneration(1), WithTrafficTarget(split())),
			route("split-pending", "foo", svcOpts(WithRunLatestRollout, WithTrafficTarget(split())), withRouteReady,
				WithURL, WithAddress, WithInitRouteConditions,
				WithStatusTraffic(traffic100("split-pending-00001")), MarkTrafficAssigned, MarkIngressReady),
			config("split-pending", "foo", WithRunLatestRollout, WithConfigGeneration(1), WithConfigObservedGen,
				WithLatestCreated("split-pending-00001"), WithLatestReady("split-pending-00001")),
		},
		Key: "foo/split-pending",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("split-pending", "foo", WithRunLatestRollout, WithTrafficTarget(split()),
				WithReadyConfig("split-pending-00001"),
				WithServiceStatusRouteNotReady, WithSvcStatusDomain, WithSvcStatusAddress,
				WithSvcStatusTraffic(traffic100("split-pending-00001"))),
		}},
	}, {
		Name: "new generation fails while the previous one serves: failure propagated, latest ready kept",
		Objects: []runtime.Object{
			DefaultService("config-fails", "foo", WithRunLatestRollout, WithInitSvcConditions, WithServiceGeneration(1)),
			readyRoute("config-fails", "config-fails-00001"),
			config("config-fails", "foo", WithRunLatestRollout, WithConfigGeneration(2),
				WithLatestReady("config-fails-00001"), WithLatestCreated("config-fails-00002"),
				MarkLatestCreatedFailed("blah"), WithConfigObservedGen),
		},
		Key: "foo/config-fails",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("config-fails", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithReadyRoute, WithSvcStatusDomain, WithSvcStatusAddress,
				WithSvcStatusTraffic(traffic100("config-fails-00001")),
				WithFailedConfig("config-fails-00002", "RevisionFailed", "blah"),
				WithServiceLatestReadyRevision("config-fails-00001")),
		}},
	}, {
		Name: "configuration failure is propagated",
		Objects: []runtime.Object{
			DefaultService("config-fails", "foo", WithRunLatestRollout, WithInitSvcConditions, WithServiceGeneration(1)),
			route("config-fails", "foo", WithRunLatestRollout, withRouteReady),
			config("config-fails", "foo", WithRunLatestRollout, WithConfigGeneration(1), WithConfigObservedGen,
				WithLatestCreated("config-fails-00001"), MarkLatestCreatedFailed("blah")),
		},
		Key: "foo/config-fails",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("config-fails", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithServiceStatusRouteNotReady, WithFailedConfig("config-fails-00001", "RevisionFailed", "blah")),
		}},
	}, {
		Name: "route failure is propagated",
		Objects: []runtime.Object{
			DefaultService("route-fails", "foo", WithRunLatestRollout, WithInitSvcConditions, WithServiceGeneration(1)),
			route("route-fails", "foo", WithRunLatestRollout, withRouteFailed("Propagate me, please", "PrettyPlease")),
			config("route-fails", "foo", WithRunLatestRollout, WithConfigGeneration(1), WithConfigObservedGen,
				WithLatestCreated("route-fails-00001"), WithLatestReady("route-fails-00001")),
		},
		Key: "foo/route-fails",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("route-fails", "foo", WithRunLatestRollout, WithInitSvcConditions,
				WithReadyConfig("route-fails-00001"),
				WithFailedRoute("Propagate me, please", "PrettyPlease")),
		}},
	}, {
		Name:    "configuration we do not own: NotOwned, not adopted",
		WantErr: true,
		Objects: []runtime.Object{
			DefaultService("run-latest", "foo", WithRunLatestRollout, WithServiceGeneration(1)),
			config("run-latest", "foo", WithRunLatestRollout, WithConfigOwnersRemoved),
		},
		Key: "foo/run-latest",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("run-latest", "foo", WithRunLatestRollout,
				WithInitSvcConditions, MarkConfigurationNotOwned,
				WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `service: "run-latest" does not own configuration: "run-latest"`),
		},
	}, {
		Name:    "route we do not own: NotOwned, not adopted",
		WantErr: true,
		Objects: []runtime.Object{
			DefaultService("run-latest", "foo", WithRunLatestRollout, WithServiceGeneration(1)),
			config("run-latest", "foo", WithRunLatestRollout),
			route("run-latest", "foo", WithRunLatestRollout, WithRouteOwnersRemoved),
		},
		Key: "foo/run-latest",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("run-latest", "foo", WithRunLatestRollout,
				WithInitSvcConditions, MarkRouteNotOwned, WithServiceGeneration(1), WithServiceObservedGeneration),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `service: "run-latest" does not own route: "run-latest"`),
		},
	}, {
		Name: "ownership conflicts resolved: service becomes ready",
		Objects: []runtime.Object{
			DefaultService("new-owner", "foo", WithRunLatestRollout, WithInitSvcConditions,
				MarkConfigurationNotOwned, MarkRouteNotOwned),
			readyRoute("new-owner", "new-owner-00001"),
			config("new-owner", "foo", WithRunLatestRollout, WithConfigGeneration(1), WithConfigObservedGen,
				WithLatestCreated("new-owner-00001"), WithLatestReady("new-owner-00001")),
		},
		Key: "foo/new-owner",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: DefaultService("new-owner", "foo", WithRunLatestRollout,
				WithReadyConfig("new-owner-00001"),
				WithReadyRoute, WithSvcStatusDomain, WithSvcStatusAddress,
				WithSvcStatusTraffic(traffic100("new-owner-00001"))),
		}},
	}, {
		Name: "new defaults after an upgrade are not a configuration diff",
		Objects: []runtime.Object{
			DefaultService("release-no-change-config", "foo", WithInitSvcConditions, WithRunLatestRollout),
			config("release-no-change-config", "foo", WithRunLatestRollout,
				func(configuration *v1.Configuration) {
					// Defaulting fills this in again, so it is no diff.
					configuration.Spec.Template.Spec.ContainerConcurrency = nil
				}),
			route("release-no-change-config", "foo", WithRunLatestRollout),
		},
		Key: "foo/release-no-change-config",
	}, {
		Name: "new defaults after an upgrade are not a route diff",
		Objects: []runtime.Object{
			DefaultService("release-no-change-route", "foo", WithInitSvcConditions, WithRunLatestRollout),
			config("release-no-change-route", "foo", WithRunLatestRollout),
			route("release-no-change-route", "foo", WithRunLatestRollout,
				func(ro *v1.Route) {
					// Defaulting sets LatestRevision, so it is no diff.
					ro.Spec.Traffic = []v1.TrafficTarget{{
						Percent:           ptr.Int64(100),
						ConfigurationName: "release-no-change-route",
					}}
				}),
		},
		Key: "foo/release-no-change-route",
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		retryAttempted = false
		r := NewReconciler(servingclient.Get(ctx), listers.GetConfigurationLister(),
			listers.GetRevisionLister(), listers.GetRouteLister())
		return ksvcreconciler.NewReconciler(ctx, logging.FromContext(ctx), servingclient.Get(ctx),
			listers.GetServiceLister(), controller.GetEventRecorder(ctx), r)
	}))
}

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if NewController(ctx, configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...)) == nil {
		t.Fatal("NewController returned nil")
	}
}

// split is a 50/50 split between the first revision and the latest, tagged.
func split() []v1.TrafficTarget {
	return []v1.TrafficTarget{
		{RevisionName: "split-00001", Percent: ptr.Int64(50)},
		{Tag: "candidate", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(50)},
	}
}

func withTemplateName(name string) ServiceOption {
	return func(svc *v1.Service) { svc.Spec.GetTemplate().Name = name }
}

// config is the Configuration the reconciler makes for the defaulted
// Service built with so, then changed by co.
func config(name, namespace string, so ServiceOption, co ...ConfigOption) *v1.Configuration {
	s := DefaultService(name, namespace, so)
	s.SetDefaults(context.Background())
	cfg := resources.MakeConfiguration(s)
	for _, opt := range co {
		opt(cfg)
	}
	return cfg
}

// route is the Route the reconciler makes for the defaulted Service built
// with so, then changed by ro.
func route(name, namespace string, so ServiceOption, ro ...RouteOption) *v1.Route {
	s := DefaultService(name, namespace, so)
	s.SetDefaults(context.Background())
	route := resources.MakeRoute(s)
	for _, opt := range ro {
		opt(route)
	}
	return route
}

// withImage is a run-latest Service of the given image.
func withImage(img string) ServiceOption {
	return svcOpts(WithRunLatestRollout, WithServiceImage(img))
}

// svcOpts combines ServiceOptions into one.
func svcOpts(opts ...ServiceOption) ServiceOption {
	return func(s *v1.Service) {
		for _, o := range opts {
			o(s)
		}
	}
}

func withEmptyRouteSpec(rt *v1.Route) {
	rt.Spec = v1.RouteSpec{}
}

func withRouteReady(rt *v1.Route) {
	rt.Status = v1.RouteStatus{
		Status: duckv1.Status{
			ObservedGeneration: rt.Generation,
			Conditions: duckv1.Conditions{{
				Type:   "Ready",
				Status: "True",
			}},
		},
	}
}

func withRouteFailed(reason, message string) RouteOption {
	return func(rt *v1.Route) {
		rt.Status = v1.RouteStatus{
			Status: duckv1.Status{
				Conditions: duckv1.Conditions{{
					Type:    "Ready",
					Status:  "False",
					Reason:  reason,
					Message: message,
				}},
			},
		}
	}
}

func rev(name, namespace string, so ServiceOption, co ...ConfigOption) *v1.Revision {
	cfg := config(name, namespace, so, co...)
	return configresources.MakeRevision(context.Background(), cfg, time.Now())
}
