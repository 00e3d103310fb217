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

package labeler

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	clocktest "k8s.io/utils/clock/testing"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/configuration/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/route/fake"
	routereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/route"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

const routesAnn = "serving.knative.dev/routes"

func TestReconcile(t *testing.T) {
	now := metav1.Now()
	clock := clocktest.NewFakePassiveClock(now.Time)
	active := func(route string) RevisionOption {
		return func(r *v1.Revision) {
			WithRevisionAnn(routesAnn, route)(r)
			WithRoutingState(v1.RoutingStateActive, clock)(r)
		}
	}

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "default/not-found",
	}, {
		Name: "first reconcile: finalizer, latest revision and its configuration marked",
		Objects: []runtime.Object{
			runLatestRoute("default", "first-reconcile", "the-config"),
			simpleConfig("default", "the-config"),
			rev("default", "the-config"),
		},
		Key: "default/first-reconcile",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchAddFinalizerAction("default", "first-reconcile"),
			patchRevisionRoutes("default", "the-config-00001", `"first-reconcile"`, v1.RoutingStateActive, now.Time),
			patchConfigRoutes("default", "the-config", `"first-reconcile"`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", "Updated %q finalizers", "first-reconcile"),
		},
		PostConditions: []func(*testing.T, *TableRow){
			AssertTrackingConfig("default", "the-config"),
			AssertTrackingRevision("default", "the-config-00001"),
		},
	}, {
		Name: "pinned revision and the configuration owning it are marked",
		Objects: []runtime.Object{
			pinnedRoute("default", "pinned", "the-revision"),
			simpleConfig("default", "the-config"),
			rev("default", "the-config"),
			rev("default", "the-config", WithRevName("the-revision")),
		},
		Key: "default/pinned",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchAddFinalizerAction("default", "pinned"),
			patchRevisionRoutes("default", "the-revision", `"pinned"`, v1.RoutingStateActive, now.Time),
			patchConfigRoutes("default", "the-config", `"pinned"`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", "Updated %q finalizers", "pinned"),
		},
	}, {
		Name: "steady state",
		Objects: []runtime.Object{
			runLatestRoute("default", "steady-state", "the-config", WithRouteFinalizer),
			simpleConfig("default", "the-config", WithConfigAnn(routesAnn, "steady-state")),
			rev("default", "the-config", active("steady-state")),
		},
		Key: "default/steady-state",
	}, {
		Name: "second route joins the annotation, sorted; routing state untouched",
		Objects: []runtime.Object{
			runLatestRoute("default", "b-route", "the-config", WithRouteFinalizer),
			simpleConfig("default", "the-config", WithConfigAnn(routesAnn, "a-route,c-route")),
			rev("default", "the-config", active("a-route,c-route")),
		},
		Key: "default/b-route",
		WantPatches: []clientgotesting.PatchActionImpl{
			patch("default", "the-config-00001", `{"metadata":{"annotations":{"serving.knative.dev/routes":"a-route,b-route,c-route"}}}`),
			patch("default", "the-config", `{"metadata":{"annotations":{"serving.knative.dev/routes":"a-route,b-route,c-route"}}}`),
		},
	}, {
		Name: "configuration without a ready revision: latest created marked",
		Objects: []runtime.Object{
			runLatestRoute("default", "no-ready-revision", "the-config", WithStatusTraffic(), WithRouteFinalizer),
			simpleConfig("default", "the-config", WithLatestReady("")),
			rev("default", "the-config"),
		},
		Key: "default/no-ready-revision",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "the-config-00001", `"no-ready-revision"`, v1.RoutingStateActive, now.Time),
			patchConfigRoutes("default", "the-config", `"no-ready-revision"`),
		},
	}, {
		Name: "referenced objects that do not exist yet are tracked, not patched",
		Objects: []runtime.Object{
			pinnedRoute("default", "early", "not-yet", WithRouteFinalizer),
		},
		Key: "default/early",
		PostConditions: []func(*testing.T, *TableRow){
			AssertTrackingRevision("default", "not-yet"),
		},
	}, {
		Name: "transitioning route: new target marked, old kept while status still serves it",
		Objects: []runtime.Object{
			runLatestRoute("default", "transitioning", "old", WithRouteFinalizer,
				WithSpecTraffic(configTraffic("new"))),
			simpleConfig("default", "old", WithConfigAnn(routesAnn, "transitioning")),
			rev("default", "old", active("transitioning")),
			simpleConfig("default", "new"),
			rev("default", "new"),
		},
		Key: "default/transitioning",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "new-00001", `"transitioning"`, v1.RoutingStateActive, now.Time),
			patchConfigRoutes("default", "new", `"transitioning"`),
		},
	}, {
		Name: "route not ready yet: stale targets keep their marks",
		Objects: []runtime.Object{
			Route("default", "rolling", WithRouteFinalizer, WithSpecTraffic(configTraffic("new")),
				WithInitRouteConditions),
			simpleConfig("default", "old", WithConfigAnn(routesAnn, "rolling")),
			rev("default", "old", active("rolling")),
			simpleConfig("default", "new"),
			rev("default", "new"),
		},
		Key: "default/rolling",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "new-00001", `"rolling"`, v1.RoutingStateActive, now.Time),
			patchConfigRoutes("default", "new", `"rolling"`),
		},
	}, {
		Name: "ready route changed configurations: old ones cleared, revision goes to reserve",
		Objects: []runtime.Object{
			runLatestRoute("default", "config-change", "new-config", WithRouteFinalizer),
			simpleConfig("default", "old-config", WithConfigAnn(routesAnn, "config-change")),
			rev("default", "old-config", active("config-change")),
			simpleConfig("default", "new-config"),
			rev("default", "new-config"),
		},
		Key: "default/config-change",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "old-config-00001", "null", v1.RoutingStateReserve, now.Time),
			patchConfigRoutes("default", "old-config", "null"),
			patchRevisionRoutes("default", "new-config-00001", `"config-change"`, v1.RoutingStateActive, now.Time),
			patchConfigRoutes("default", "new-config", `"config-change"`),
		},
	}, {
		Name: "configuration created a new revision: it is marked before it is ready",
		Objects: []runtime.Object{
			runLatestRoute("default", "config-update", "the-config", WithRouteFinalizer),
			simpleConfig("default", "the-config", WithLatestCreated("the-config-00002"),
				WithConfigAnn(routesAnn, "config-update")),
			rev("default", "the-config", active("config-update")),
			rev("default", "the-config", WithRevName("the-config-00002")),
		},
		Key: "default/config-update",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "the-config-00002", `"config-update"`, v1.RoutingStateActive, now.Time),
		},
	}, {
		Name:    "failure adding annotation (revision)",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "revisions"),
		},
		Objects: []runtime.Object{
			runLatestRoute("default", "add-label-failure", "the-config", WithRouteFinalizer),
			simpleConfig("default", "the-config"),
			rev("default", "the-config"),
		},
		Key: "default/add-label-failure",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "the-config-00001", `"add-label-failure"`, v1.RoutingStateActive, now.Time),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to add route annotation to Namespace=default Name="the-config-00001": inducing failure for patch revisions`),
		},
	}, {
		Name:    "failure adding annotation (configuration)",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "configurations"),
		},
		Objects: []runtime.Object{
			runLatestRoute("default", "add-label-failure", "the-config", WithRouteFinalizer),
			simpleConfig("default", "the-config"),
			rev("default", "the-config", active("add-label-failure")),
		},
		Key: "default/add-label-failure",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchConfigRoutes("default", "the-config", `"add-label-failure"`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to add route annotation to Namespace=default Name="the-config": inducing failure for patch configurations`),
		},
	}, {
		Name:    "failure removing a configuration's annotation",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "configurations"),
		},
		Objects: []runtime.Object{
			runLatestRoute("default", "delete-label-failure", "new-config", WithRouteFinalizer),
			simpleConfig("default", "old-config", WithConfigAnn(routesAnn, "delete-label-failure")),
			simpleConfig("default", "new-config", WithConfigAnn(routesAnn, "delete-label-failure")),
			rev("default", "new-config", active("delete-label-failure")),
			rev("default", "old-config"),
		},
		Key: "default/delete-label-failure",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchConfigRoutes("default", "old-config", "null"),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to remove route annotation from Namespace=default Name="old-config": inducing failure for patch configurations`),
		},
	}, {
		Name:    "failure removing a revision's annotation",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "revisions"),
		},
		Objects: []runtime.Object{
			runLatestRoute("default", "delete-label-failure", "new-config", WithRouteFinalizer),
			simpleConfig("default", "old-config", WithConfigAnn(routesAnn, "delete-label-failure")),
			simpleConfig("default", "new-config", WithConfigAnn(routesAnn, "delete-label-failure")),
			rev("default", "new-config", active("delete-label-failure")),
			rev("default", "old-config", active("delete-label-failure")),
		},
		Key: "default/delete-label-failure",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchRevisionRoutes("default", "old-config-00001", "null", v1.RoutingStateReserve, now.Time),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to remove route annotation from Namespace=default Name="old-config-00001": inducing failure for patch revisions`),
		},
	}, {
		Name: "deleted route: its marks removed, then its finalizer",
		Objects: []runtime.Object{
			runLatestRoute("default", "delete-route", "the-config", WithRouteFinalizer, WithRouteDeletionTimestamp(&now)),
			simpleConfig("default", "the-config", WithConfigAnn(routesAnn, "delete-route")),
			rev("default", "the-config", active("delete-route")),
		},
		Key: "default/delete-route",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchConfigRoutes("default", "the-config", "null"),
			patchRevisionRoutes("default", "the-config-00001", "null", v1.RoutingStateReserve, now.Time),
			patchRemoveFinalizerAction("default", "delete-route"),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated "delete-route" finalizers`),
		},
	}, {
		Name: "deleted route: other routes stay in the annotation",
		Objects: []runtime.Object{
			runLatestRoute("default", "delete-route", "the-config", WithRouteFinalizer, WithRouteDeletionTimestamp(&now)),
			simpleConfig("default", "the-config", WithConfigAnn(routesAnn, "another-route,delete-route")),
		},
		Key: "default/delete-route",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchConfigRoutes("default", "the-config", `"another-route"`),
			patchRemoveFinalizerAction("default", "delete-route"),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated "delete-route" finalizers`),
		},
	}, {
		Name:    "deleted route: failure removing a mark keeps the finalizer",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "configurations"),
		},
		Objects: []runtime.Object{
			runLatestRoute("default", "delete-route", "the-config", WithRouteFinalizer, WithRouteDeletionTimestamp(&now)),
			simpleConfig("default", "the-config", WithConfigAnn(routesAnn, "delete-route")),
		},
		Key: "default/delete-route",
		WantPatches: []clientgotesting.PatchActionImpl{
			patchConfigRoutes("default", "the-config", "null"),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to remove route annotation from Namespace=default Name="the-config": inducing failure for patch configurations`),
		},
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		client := servingclient.Get(ctx)
		tracker := ctx.Value(TrackerKey).(*FakeTracker)
		r := &Reconciler{
			caccV2: newConfigurationAccessor(client, tracker, listers.GetConfigurationLister(),
				listers.IndexerFor(&v1.Configuration{}), clock),
			raccV2: newRevisionAccessor(client, tracker, listers.GetRevisionLister(),
				listers.IndexerFor(&v1.Revision{}), clock),
		}
		return routereconciler.NewReconciler(ctx, logging.FromContext(ctx), client,
			listers.GetRouteLister(), controller.GetEventRecorder(ctx), r)
	}))
}

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if NewController(ctx, configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...)) == nil {
		t.Fatal("NewController returned nil")
	}
}

func configTraffic(name string) v1.TrafficTarget {
	return v1.TrafficTarget{
		ConfigurationName: name,
		Percent:           ptr.Int64(100),
		LatestRevision:    ptr.Bool(true),
	}
}

func revTraffic(name string, latest bool) v1.TrafficTarget {
	return v1.TrafficTarget{
		RevisionName:   name,
		Percent:        ptr.Int64(100),
		LatestRevision: ptr.Bool(latest),
	}
}

// readyRoute is a Route whose spec and status hold one target each.
func readyRoute(namespace, name string, spec, status v1.TrafficTarget, opts ...RouteOption) *v1.Route {
	return Route(namespace, name,
		append([]RouteOption{
			WithSpecTraffic(spec), WithStatusTraffic(status), WithInitRouteConditions,
			MarkTrafficAssigned, MarkCertificateReady, MarkIngressReady, WithRouteObservedGeneration,
		}, opts...)...)
}

// runLatestRoute routes all traffic to config's latest revision, served now
// by <config>-00001.
func runLatestRoute(namespace, name, config string, opts ...RouteOption) *v1.Route {
	return readyRoute(namespace, name, configTraffic(config), revTraffic(config+"-00001", true), opts...)
}

func pinnedRoute(namespace, name, revision string, opts ...RouteOption) *v1.Route {
	traffic := revTraffic(revision, false)
	return readyRoute(namespace, name, traffic, traffic, opts...)
}

// simpleConfig is a Configuration whose revision <name>-00001 is ready.
func simpleConfig(namespace, name string, opts ...ConfigOption) *v1.Configuration {
	cfg := &v1.Configuration{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       namespace,
			Name:            name,
			ResourceVersion: "v1",
		},
	}
	cfg.Status.InitializeConditions()
	cfg.Status.SetLatestCreatedRevisionName(name + "-00001")
	cfg.Status.SetLatestReadyRevisionName(name + "-00001")
	for _, opt := range opts {
		opt(cfg)
	}
	return cfg
}

// rev is the revision <config>-00001, controlled by the Configuration config.
func rev(namespace, config string, opts ...RevisionOption) *v1.Revision {
	cfg := simpleConfig(namespace, config)
	rev := &v1.Revision{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       namespace,
			Name:            cfg.Status.LatestReadyRevisionName,
			ResourceVersion: "v1",
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(cfg)},
		},
	}
	for _, opt := range opts {
		opt(rev)
	}
	return rev
}

func patch(namespace, name, body string) clientgotesting.PatchActionImpl {
	return clientgotesting.PatchActionImpl{
		Name:       name,
		ActionImpl: clientgotesting.ActionImpl{Namespace: namespace},
		Patch:      []byte(body),
	}
}

// patchConfigRoutes sets the routes annotation to routes, a JSON value
// (null removes it).
func patchConfigRoutes(namespace, name, routes string) clientgotesting.PatchActionImpl {
	return patch(namespace, name, fmt.Sprintf(`{"metadata":{"annotations":{"serving.knative.dev/routes":%s}}}`, routes))
}

// patchRevisionRoutes sets the routes annotation to routes, a JSON value
// (null removes it), and moves the routing state to state at now.
func patchRevisionRoutes(namespace, name, routes string, state v1.RoutingState, now time.Time) clientgotesting.PatchActionImpl {
	return patch(namespace, name, fmt.Sprintf(
		`{"metadata":{"annotations":{"serving.knative.dev/routes":%s,`+
			`"serving.knative.dev/routingStateModified":%q},`+
			`"labels":{"serving.knative.dev/routingState":%q}}}`,
		routes, now.UTC().Format(time.RFC3339), state))
}

func patchAddFinalizerAction(namespace, name string) clientgotesting.PatchActionImpl {
	return patch(namespace, name,
		fmt.Sprintf(`{"metadata":{"finalizers":[%q],"resourceVersion":""}}`, v1.Resource("routes").String()))
}

func patchRemoveFinalizerAction(namespace, name string) clientgotesting.PatchActionImpl {
	return patch(namespace, name, `{"metadata":{"finalizers":[],"resourceVersion":""}}`)
}
