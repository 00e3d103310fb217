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
package route

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	clocktest "k8s.io/utils/clock/testing"
	"knative.dev/pkg/apis"
	kubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/ptr"
	pkgreconciler "knative.dev/pkg/reconciler"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/tracker"

	cfgmap "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	routereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/route"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/route/traffic"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	st "github.com/skiffhq/skiff/pkg/testing"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

const (
	testIngressClass = netcfg.SkiffIngressClassName
	gateway          = "skiff-gateway.knative-serving.svc.cluster.local"
	gatewayInternal  = "skiff-gateway-internal.knative-serving.svc.cluster.local"
)

var fakeCurTime = time.Unix(1e9, 0)

// Context keys through which a row changes the reconciler's config.
type key int

const (
	rolloutDurationKey key = iota
	domainTemplateKey
	externalDomainTLSKey
)

func TestReconcile(t *testing.T) {
	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "default/not-found",
	}, {
		Name: "configuration without a ready revision: AllTrafficAssigned Unknown, nothing created",
		Objects: []runtime.Object{
			route("pending", WithConfigTarget("pending")),
			cfg("pending", WithLatestCreated("pending-00001")),
			rev("pending", 1, WithInitRevConditions),
		},
		Key: "default/pending",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("pending", WithConfigTarget("pending"), WithURL, WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured, MarkConfigurationNotReady("pending")),
		}},
		PostConditions: []func(*testing.T, *TableRow){
			AssertTrackingConfig("default", "pending"),
		},
	}, {
		Name: "configuration whose latest revision failed: AllTrafficAssigned False",
		Objects: []runtime.Object{
			route("failed", WithConfigTarget("failed")),
			cfg("failed", WithLatestCreated("failed-00001"), MarkLatestCreatedFailed("boom")),
			rev("failed", 1, WithInitRevConditions, MarkContainerHealthyFalse("ExitCode1")),
		},
		Key: "default/failed",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("failed", WithConfigTarget("failed"), WithURL, WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured, MarkConfigurationFailed("failed")),
		}},
	}, {
		Name: "missing configuration: ConfigurationMissing, and tracked so its creation reconciles the route",
		Objects: []runtime.Object{
			route("missing", WithConfigTarget("nope")),
		},
		Key: "default/missing",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("missing", WithConfigTarget("nope"), WithURL, WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured, MarkMissingTrafficTarget("Configuration", "nope")),
		}},
		PostConditions: []func(*testing.T, *TableRow){
			AssertTrackingConfig("default", "nope"),
		},
	}, {
		Name: "missing revision: RevisionMissing",
		Objects: []runtime.Object{
			route("missing", WithRevTarget("nope-00001")),
		},
		Key: "default/missing",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("missing", WithRevTarget("nope-00001"), WithURL, WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured, MarkMissingTrafficTarget("Revision", "nope-00001")),
		}},
		PostConditions: []func(*testing.T, *TableRow){
			AssertTrackingRevision("default", "nope-00001"),
		},
	}, {
		Name: "revision target not ready: AllTrafficAssigned Unknown",
		Objects: []runtime.Object{
			route("unready", WithRevTarget("config-00001")),
			cfg("config", WithLatestCreated("config-00001")),
			rev("config", 1, WithInitRevConditions),
		},
		Key: "default/unready",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("unready", WithRevTarget("config-00001"), WithURL, WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured, markRevisionNotReady("config-00001")),
		}},
	}, {
		Name: "first create: placeholder service and ingress, ingress not yet reconciled",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001")),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
		PostConditions: []func(*testing.T, *TableRow){
			AssertTrackingConfig("default", "config"),
			AssertTrackingRevision("default", "config-00001"),
		},
	}, {
		Name: "ingress not ready: IngressReady Unknown with its reason, placeholder untouched",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"),
				withIngressStatus(st.WithNetworkConfigured, st.WithLoadBalancerNotReady)),
		},
		Key: "default/hello-go",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, latestTraffic("config-00001"),
				WithPropagatedStatus(ingressStatus(st.WithNetworkConfigured, st.WithLoadBalancerNotReady))),
		}},
	}, {
		Name: "ingress becomes ready: placeholder points at the gateway, route Ready",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: k8sService(route("hello-go", WithConfigTarget("config")), ""),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
		}},
	}, {
		Name: "steady state: nothing written",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
	}, {
		Name: "ingress failed: IngressReady False with its reason",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"),
				withReadyIngress, st.WithLoadbalancerFailed("GatewayDown", "the gateway is down")),
		},
		Key: "default/hello-go",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001"),
				WithPropagatedStatus(ingressStatus(withReadyIngress, st.WithLoadbalancerFailed("GatewayDown", "the gateway is down")))),
		}},
	}, {
		Name: "ingress has not observed its latest spec: IngressReady Unknown",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"),
				withReadyIngress, st.WithIngressGeneration(2), st.WithIngressObservedGeneration(1)),
		},
		Key: "default/hello-go",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001"), MarkIngressNotConfigured),
		}},
	}, {
		Name: "a new generation is not Ready before its ingress is updated",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001"), WithRouteGeneration(2),
				WithIngressClass("other.ingress"), func(r *v1.Route) { r.Status.ObservedGeneration = 1 }),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "ingresses"),
		},
		WantErr: true,
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			// The class changed with the new generation.
			Object: ingress(route("hello-go", WithConfigTarget("config"), WithIngressClass("other.ingress")),
				configTC("config", "config-00001"), withReadyIngress, withClass("other.ingress")),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001"), WithRouteGeneration(2),
				WithIngressClass("other.ingress"), WithRouteObservedGeneration, MarkIngressNotConfigured),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to update Ingress: inducing failure for update ingresses"),
		},
	}, {
		Name: "latestRevision follows the configuration: ingress moves to the new revision",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 1, MarkRevisionReady),
			rev("config", 2, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00002"), withReadyIngress),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00002")),
		}},
	}, {
		Name: "traffic split 50/50 with a tag: tag rules and a placeholder per tag",
		Objects: []runtime.Object{
			route("hello-go", splitTraffic),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 1, MarkRevisionReady),
			rev("config", 2, MarkRevisionReady),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingress(route("hello-go", splitTraffic), splitTC()),
			placeholder(route("hello-go", splitTraffic), ""),
			placeholder(route("hello-go", splitTraffic), "candidate"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", splitTraffic, WithRouteObservedGeneration,
				WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, WithStatusTraffic(splitStatus()...)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "candidate-hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
	}, {
		Name: "tag placeholders follow the ingress too",
		Objects: []runtime.Object{
			route("hello-go", splitTraffic),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 1, MarkRevisionReady),
			rev("config", 2, MarkRevisionReady),
			placeholder(route("hello-go", splitTraffic), ""),
			placeholder(route("hello-go", splitTraffic), "candidate"),
			ingress(route("hello-go", splitTraffic), splitTC(), withReadyIngress),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{
			{Object: k8sService(route("hello-go", splitTraffic), "")},
			{Object: k8sService(route("hello-go", splitTraffic), "candidate")},
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", splitTraffic, WithStatusTraffic(splitStatus()...)),
		}},
	}, {
		Name: "a removed tag's placeholder service is deleted",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00002")),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 2, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			k8sService(route("hello-go", WithConfigTarget("config")), "candidate"),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00002"), withReadyIngress),
		},
		Key: "default/hello-go",
		WantDeletes: []clientgotesting.DeleteActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{Namespace: "default", Verb: "delete",
				Resource: corev1.SchemeGroupVersion.WithResource("services")},
			Name: "candidate-hello-go",
		}},
	}, {
		Name: "cluster-local route: only cluster-local rules and a svc.cluster.local URL",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal)),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingress(route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal)),
				withVisibility(configTC("config", "config-00001"), netv1alpha1.IngressVisibilityClusterLocal)),
			placeholder(route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal)), ""),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal), WithRouteObservedGeneration,
				WithLocalDomain, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
	}, {
		Name: "a labelled tag placeholder makes only that tag cluster-local",
		Objects: []runtime.Object{
			route("hello-go", splitTraffic),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 1, MarkRevisionReady),
			rev("config", 2, MarkRevisionReady),
			placeholder(route("hello-go", splitTraffic), ""),
			placeholder(route("hello-go", splitTraffic), "candidate", withLabels(clusterLocal)),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingress(route("hello-go", splitTraffic), withTagVisibility(splitTC(), "candidate", netv1alpha1.IngressVisibilityClusterLocal)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", splitTraffic, WithRouteObservedGeneration,
				WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, WithStatusTraffic(
					v1.TrafficTarget{RevisionName: "config-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false)},
					v1.TrafficTarget{Tag: "candidate", RevisionName: "config-00002", Percent: ptr.Int64(50),
						LatestRevision: ptr.Bool(true), URL: mustURL("http://candidate-hello-go.default.svc.cluster.local")},
				)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
	}, {
		Name: "custom domain chosen by a config-domain label selector",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config"), WithRouteLabel(prod)),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingress(route("hello-go", WithConfigTarget("config"), WithRouteLabel(prod)), configTC("config", "config-00001")),
			placeholder(route("hello-go", WithConfigTarget("config"), WithRouteLabel(prod)), ""),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteLabel(prod), WithRouteObservedGeneration,
				WithAnotherDomain, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
	}, {
		Name: "custom domain template",
		Ctx:  context.WithValue(context.Background(), domainTemplateKey, "{{.Name}}-{{.Namespace}}.{{.Domain}}"),
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingressWithTemplate(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"),
				"{{.Name}}-{{.Namespace}}.{{.Domain}}"),
			placeholderWithTemplate(route("hello-go", WithConfigTarget("config")), "{{.Name}}-{{.Namespace}}.{{.Domain}}"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				withStatusURL("http://hello-go-default.example.com"), WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
	}, {
		Name: "domain template yielding an invalid host: AllTrafficAssigned False ErrorConfig",
		Ctx:  context.WithValue(context.Background(), domainTemplateKey, `{{.Name}}.{{index .Annotations "sub"}}.{{.Domain}}`),
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured,
				MarkRevisionTargetTrafficError("ErrorConfig", invalidHostErr)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", invalidHostErr),
		},
	}, {
		Name: "ingress class from the route's annotation",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config"), WithIngressClass("istio.ingress.networking.knative.dev")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key: "default/hello-go",
		WantCreates: []runtime.Object{
			ingress(route("hello-go", WithConfigTarget("config"), WithIngressClass("istio.ingress.networking.knative.dev")),
				configTC("config", "config-00001"), withClass("istio.ingress.networking.knative.dev")),
			placeholder(route("hello-go", WithConfigTarget("config"), WithIngressClass("istio.ingress.networking.knative.dev")), ""),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithIngressClass("istio.ingress.networking.knative.dev"),
				WithRouteObservedGeneration, WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
				MarkTrafficAssigned, MarkIngressNotConfigured, latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Created", "Created placeholder service %q", "hello-go"),
			Eventf(corev1.EventTypeNormal, "Created", "Created Ingress %q", "hello-go"),
		},
	}, {
		Name: "ingress drift repaired",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress,
				func(i *netv1alpha1.Ingress) { i.Spec = netv1alpha1.IngressSpec{} }),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		}},
	}, {
		Name: "placeholder service drift repaired, foreign labels and annotations kept",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), "", st.WithExternalName("elsewhere.example.com"),
				withLabels(map[string]string{"team": "blue"})),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: k8sService(route("hello-go", WithConfigTarget("config")), "", withLabels(map[string]string{"team": "blue"})),
		}},
	}, {
		Name: "load balancer with an IP: headless placeholder with endpoints",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withLoadBalancerIP("10.0.0.1")),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: k8sServiceWithIngress(route("hello-go", WithConfigTarget("config")),
				ingress(route("hello-go"), configTC("config", "config-00001"), withLoadBalancerIP("10.0.0.1"))),
		}},
		WantCreates: []runtime.Object{
			k8sEndpointsWithIngress(route("hello-go", WithConfigTarget("config")),
				ingress(route("hello-go"), configTC("config", "config-00001"), withLoadBalancerIP("10.0.0.1"))),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
		}},
	}, {
		Name: "placeholder service not owned: IngressReady False NotOwned",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), "", st.WithK8sSvcOwnersRemoved),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithInitRouteConditions, MarkTrafficAssigned, MarkServiceNotOwned,
				latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `route: "hello-go" does not own Service: "hello-go"`),
		},
	}, {
		Name: "placeholder endpoints not owned: IngressReady False NotOwned",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
			&corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello-go"}},
		},
		Key:     "default/hello-go",
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithInitRouteConditions, MarkTrafficAssigned,
				func(r *v1.Route) { r.Status.MarkEndpointNotOwned("hello-go") },
				latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `route: "hello-go" does not own Endpoints: "hello-go"`),
		},
	}, {
		Name: "ingress not owned: IngressReady False NotOwned, ingress left alone",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("other")), configTC("other", "other-00001"),
				func(i *netv1alpha1.Ingress) { i.OwnerReferences = nil }),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled, MarkTrafficAssigned,
				func(r *v1.Route) { markIngressNotOwned(r, "hello-go") },
				latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `route: "hello-go" does not own Ingress: "hello-go"`),
		},
	}, {
		Name: "failure creating the placeholder service: CreationFailed event",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "services"),
		},
		WantCreates: []runtime.Object{
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithInitRouteConditions, MarkTrafficAssigned, MarkIngressNotConfigured,
				latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create placeholder service %q: %v",
				"hello-go", "inducing failure for create services"),
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to create placeholder service: inducing failure for create services"),
		},
	}, {
		Name: "failure creating the ingress: CreationFailed event",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "ingresses"),
		},
		WantCreates: []runtime.Object{
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteObservedGeneration,
				WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled, MarkTrafficAssigned,
				MarkIngressNotConfigured, latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create Ingress: inducing failure for create ingresses"),
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to create Ingress: inducing failure for create ingresses"),
		},
	}, {
		Name: "failure updating the ingress",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 2, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "ingresses"),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00002"), withReadyIngress),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00002")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to update Ingress: inducing failure for update ingresses"),
		},
	}, {
		Name: "failure updating the placeholder service",
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			placeholder(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key:     "default/hello-go",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "services"),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: k8sService(route("hello-go", WithConfigTarget("config")), ""),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError",
				`failed to update placeholder service "hello-go": inducing failure for update services`),
		},
	}, {
		Name: "failure updating the route's status: UpdateFailed event",
		Objects: []runtime.Object{
			route("pending", WithConfigTarget("pending")),
			cfg("pending", WithLatestCreated("pending-00001")),
			rev("pending", 1, WithInitRevConditions),
		},
		Key:     "default/pending",
		WantErr: true,
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "routes"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("pending", WithConfigTarget("pending"), WithURL, WithRouteObservedGeneration,
				WithInitRouteConditions, MarkIngressNotConfigured, MarkConfigurationNotReady("pending")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "UpdateFailed", "Failed to update status for %q: %v",
				"pending", "inducing failure for update routes"),
		},
	}, {
		Name: "external-domain-tls on: served over HTTP, and the condition says why",
		Ctx:  context.WithValue(context.Background(), externalDomainTLSKey, true),
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001"),
				func(r *v1.Route) { r.Status.MarkTLSNotEnabled(certificatesUnsupportedMessage) }),
		}},
	}, {
		Name: "external-domain-tls on, cluster-local route: TLS not enabled for cluster-local",
		Ctx:  context.WithValue(context.Background(), externalDomainTLSKey, true),
		Objects: []runtime.Object{
			route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal)),
			cfg("config", WithLatestCreated("config-00001"), WithLatestReady("config-00001")),
			rev("config", 1, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal)), ""),
			ingress(route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal)),
				withVisibility(configTC("config", "config-00001"), netv1alpha1.IngressVisibilityClusterLocal), withReadyIngress),
		},
		Key: "default/hello-go",
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: route("hello-go", WithConfigTarget("config"), WithRouteLabel(clusterLocal), WithRouteObservedGeneration,
				WithLocalDomain, WithAddress, WithRouteConditionsTLSNotEnabledForClusterLocalMessage,
				MarkTrafficAssigned, MarkIngressReady, latestTraffic("config-00001")),
		}},
	}, {
		Name: "gradual rollout: a new revision starts at 1% and IngressReady reports the rollout",
		Ctx:  context.WithValue(context.Background(), rolloutDurationKey, 120),
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001")),
			cfg("config", WithLatestCreated("config-00002"), WithLatestReady("config-00002")),
			rev("config", 1, MarkRevisionReady),
			rev("config", 2, MarkRevisionReady),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ingressWithRollout(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00002"),
				&traffic.Rollout{Configurations: []*traffic.ConfigurationRollout{{
					ConfigurationName: "config",
					Percent:           100,
					Revisions: []traffic.RevisionRollout{
						{RevisionName: "config-00001", Percent: 99},
						{RevisionName: "config-00002", Percent: 1},
					},
					StepParams: traffic.RolloutParams{StartTime: fakeCurTime.UnixNano()},
				}}}, withReadyIngress),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyRoute("hello-go", WithConfigTarget("config"), MarkInRollout, WithStatusTraffic(
				v1.TrafficTarget{RevisionName: "config-00001", Percent: ptr.Int64(99), LatestRevision: ptr.Bool(true)},
				v1.TrafficTarget{RevisionName: "config-00002", Percent: ptr.Int64(1), LatestRevision: ptr.Bool(true)},
			)),
		}},
	}, {
		Name: "route being deleted: nothing written, its children are garbage collected",
		Objects: []runtime.Object{
			readyRoute("hello-go", WithConfigTarget("config"), latestTraffic("config-00001"),
				WithRouteDeletionTimestamp(&metav1.Time{Time: fakeCurTime})),
			k8sService(route("hello-go", WithConfigTarget("config")), ""),
			ingress(route("hello-go", WithConfigTarget("config")), configTC("config", "config-00001"), withReadyIngress),
		},
		Key: "default/hello-go",
	}}

	table.Test(t, MakeFactory(newTestReconciler))
}

func newTestReconciler(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
	r := &Reconciler{
		kubeclient:          kubeclient.Get(ctx),
		client:              servingclient.Get(ctx),
		configurationLister: listers.GetConfigurationLister(),
		revisionLister:      listers.GetRevisionLister(),
		serviceLister:       listers.GetK8sServiceLister(),
		endpointsLister:     listers.GetEndpointsLister(),
		ingressLister:       listers.GetIngressLister(),
		tracker:             ctx.Value(TrackerKey).(tracker.Interface),
		clock:               clocktest.NewFakePassiveClock(fakeCurTime),
		enqueueAfter:        func(interface{}, time.Duration) {},
	}

	cfg := reconcilerTestConfig()
	if v, ok := ctx.Value(rolloutDurationKey).(int); ok {
		cfg.Network.RolloutDurationSecs = v
	}
	if v, ok := ctx.Value(domainTemplateKey).(string); ok {
		cfg.Network.DomainTemplate = v
	}
	if v, ok := ctx.Value(externalDomainTLSKey).(bool); ok {
		cfg.Network.ExternalDomainTLS = v
	}

	return routereconciler.NewReconciler(ctx, logging.FromContext(ctx), servingclient.Get(ctx),
		listers.GetRouteLister(), controller.GetEventRecorder(ctx), r,
		controller.Options{ConfigStore: &testConfigStore{config: cfg}})
}

type testConfigStore struct {
	config *config.Config
}

func (t *testConfigStore) ToContext(ctx context.Context) context.Context {
	return config.ToContext(ctx, t.config)
}

var _ pkgreconciler.ConfigStore = (*testConfigStore)(nil)

// reconcilerTestConfig: domains example.com (default) and
// another-example.com (app=prod); config-network and config-features as
// shipped.
func reconcilerTestConfig() *config.Config {
	nc, _ := netcfg.NewConfigFromMap(nil)
	features, _ := cfgmap.NewFeaturesConfigFromMap(nil)
	return &config.Config{
		Domain: &config.Domain{Domains: map[string]config.DomainConfig{
			"example.com": {},
			"another-example.com": {
				Selector: &config.LabelSelector{Selector: map[string]string{"app": "prod"}},
			},
		}},
		Network:  nc,
		Features: features,
	}
}

// testContext is the context the builders below use, so expected objects
// match what the reconciler builds with the same config.
func testContext() context.Context {
	return (&testConfigStore{config: reconcilerTestConfig()}).ToContext(context.Background())
}

var (
	clusterLocal = map[string]string{networking.VisibilityLabelKey: serving.VisibilityClusterLocal}
	prod         = map[string]string{"app": "prod"}

	invalidHostErr = `domain name error: invalid domain name "hello-go..example.com": url: Invalid value: ` +
		`"hello-go..example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ` +
		`'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for ` +
		`validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`
)

// splitTraffic: 50% pinned to config-00001, 50% following the
// configuration's latest revision under the tag "candidate".
var splitTraffic = WithSpecTraffic(
	v1.TrafficTarget{RevisionName: "config-00001", Percent: ptr.Int64(50)},
	v1.TrafficTarget{ConfigurationName: "config", Percent: ptr.Int64(50), Tag: "candidate"},
)

func splitTC() *traffic.Config {
	return &traffic.Config{Targets: map[string]traffic.RevisionTargets{
		traffic.DefaultTarget: {
			revisionTarget("config", "config-00001", 50, "", false),
			revisionTarget("config", "config-00002", 50, "candidate", true),
		},
		"candidate": {revisionTarget("config", "config-00002", 100, "candidate", true)},
	}}
}

func splitStatus() []v1.TrafficTarget {
	return []v1.TrafficTarget{
		{RevisionName: "config-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false)},
		{Tag: "candidate", RevisionName: "config-00002", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(true),
			URL: mustURL("http://candidate-hello-go.default.example.com")},
	}
}

func revisionTarget(cfg, rev string, percent int64, tag string, latest bool) traffic.RevisionTarget {
	return traffic.RevisionTarget{
		TrafficTarget: v1.TrafficTarget{
			ConfigurationName: cfg, RevisionName: rev, Percent: ptr.Int64(percent), Tag: tag, LatestRevision: ptr.Bool(latest),
		},
		Protocol: networking.ProtocolHTTP1,
	}
}

// configTC: all traffic to rev, the latest revision of cfg.
func configTC(cfg, rev string) *traffic.Config {
	return &traffic.Config{Targets: map[string]traffic.RevisionTargets{
		traffic.DefaultTarget: {revisionTarget(cfg, rev, 100, "", true)},
	}}
}

func withVisibility(tc *traffic.Config, vis netv1alpha1.IngressVisibility) *traffic.Config {
	tc.Visibility = map[string]netv1alpha1.IngressVisibility{}
	for name := range tc.Targets {
		tc.Visibility[name] = vis
	}
	return tc
}

func withTagVisibility(tc *traffic.Config, tag string, vis netv1alpha1.IngressVisibility) *traffic.Config {
	tc.Visibility = map[string]netv1alpha1.IngressVisibility{traffic.DefaultTarget: netv1alpha1.IngressVisibilityExternalIP, tag: vis}
	return tc
}

func route(name string, opts ...RouteOption) *v1.Route {
	return Route("default", name, append([]RouteOption{WithRouteUID("12-34"), WithRouteGeneration(1)}, opts...)...)
}

// readyRoute is the status of a route whose ingress is ready and whose
// placeholder points at it.
func readyRoute(name string, opts ...RouteOption) *v1.Route {
	return route(name, append([]RouteOption{
		WithRouteObservedGeneration, WithURL, WithAddress, WithRouteConditionsExternalDomainTLSDisabled,
		MarkTrafficAssigned, MarkIngressReady,
	}, opts...)...)
}

func latestTraffic(rev string) RouteOption {
	return WithStatusTraffic(v1.TrafficTarget{RevisionName: rev, Percent: ptr.Int64(100), LatestRevision: ptr.Bool(true)})
}

func markRevisionNotReady(name string) RouteOption {
	return func(r *v1.Route) { r.Status.MarkRevisionNotReady(name) }
}

func withStatusURL(u string) RouteOption {
	return func(r *v1.Route) { r.Status.URL = mustURL(u) }
}

func mustURL(s string) *apis.URL {
	u, err := apis.ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

func cfg(name string, opts ...ConfigOption) *v1.Configuration {
	return Configuration("default", name, append([]ConfigOption{WithConfigGeneration(1)}, opts...)...)
}

// rev is revision <cfg>-0000<n> of configuration cfg.
func rev(cfg string, n int, opts ...RevisionOption) *v1.Revision {
	name := cfg + "-0000" + string(rune('0'+n))
	return Revision("default", name, append([]RevisionOption{WithRevisionLabel(serving.ConfigurationLabelKey, cfg)}, opts...)...)
}

func placeholder(r *v1.Route, tag string, opts ...st.K8sServiceOption) *corev1.Service {
	svc, err := resources.MakeK8sPlaceholderService(testContext(), r, tag)
	if err != nil {
		panic(err)
	}
	for _, opt := range opts {
		opt(svc)
	}
	return svc
}

func placeholderWithTemplate(r *v1.Route, template string) *corev1.Service {
	cfg := reconcilerTestConfig()
	cfg.Network.DomainTemplate = template
	svc, err := resources.MakeK8sPlaceholderService(config.ToContext(context.Background(), cfg), r, "")
	if err != nil {
		panic(err)
	}
	return svc
}

// k8sService is the placeholder of tag pointing at a ready ingress.
func k8sService(r *v1.Route, tag string, opts ...st.K8sServiceOption) *corev1.Service {
	pair, err := resources.MakeK8sService(testContext(), r, tag,
		ingress(r, &traffic.Config{}, withReadyIngress), false)
	if err != nil {
		panic(err)
	}
	for _, opt := range opts {
		opt(pair.Service)
	}
	return pair.Service
}

func k8sServiceWithIngress(r *v1.Route, ing *netv1alpha1.Ingress) *corev1.Service {
	pair, err := resources.MakeK8sService(testContext(), r, "", ing, false)
	if err != nil {
		panic(err)
	}
	return pair.Service
}

func k8sEndpointsWithIngress(r *v1.Route, ing *netv1alpha1.Ingress) *corev1.Endpoints {
	pair, err := resources.MakeK8sService(testContext(), r, "", ing, false)
	if err != nil {
		panic(err)
	}
	return pair.Endpoints
}

func withLabels(labels map[string]string) st.K8sServiceOption {
	return func(svc *corev1.Service) {
		for k, v := range labels {
			svc.Labels[k] = v
		}
	}
}

func ingress(r *v1.Route, tc *traffic.Config, opts ...st.IngressOption) *netv1alpha1.Ingress {
	ing, err := resources.MakeIngress(testContext(), r, tc, nil, testIngressClass)
	if err != nil {
		panic(err)
	}
	for _, opt := range opts {
		opt(ing)
	}
	return ing
}

func ingressWithTemplate(r *v1.Route, tc *traffic.Config, template string) *netv1alpha1.Ingress {
	cfg := reconcilerTestConfig()
	cfg.Network.DomainTemplate = template
	ing, err := resources.MakeIngress(config.ToContext(context.Background(), cfg), r, tc, nil, testIngressClass)
	if err != nil {
		panic(err)
	}
	return ing
}

func ingressWithRollout(r *v1.Route, tc *traffic.Config, ro *traffic.Rollout, opts ...st.IngressOption) *netv1alpha1.Ingress {
	ing, err := resources.MakeIngressWithRollout(testContext(), r, tc, ro, nil, testIngressClass)
	if err != nil {
		panic(err)
	}
	for _, opt := range opts {
		opt(ing)
	}
	// Keep the expectation honest about what was serialized.
	var got traffic.Rollout
	if err := json.Unmarshal([]byte(ing.Annotations[networking.RolloutAnnotationKey]), &got); err != nil {
		panic(err)
	}
	return ing
}

func withClass(class string) st.IngressOption {
	return func(i *netv1alpha1.Ingress) {
		i.Annotations[networking.IngressClassAnnotationKey] = class
	}
}

// withReadyIngress: network configured, load balancers at the skiff-gateway
// Services (public) and skiff-gateway-internal (private).
func withReadyIngress(i *netv1alpha1.Ingress) {
	i.Status.InitializeConditions()
	st.WithNetworkConfigured(i)
	st.WithLoadBalancerReady(gateway, gatewayInternal)(i)
}

func withIngressStatus(opts ...st.IngressOption) st.IngressOption {
	return func(i *netv1alpha1.Ingress) {
		i.Status.InitializeConditions()
		for _, opt := range opts {
			opt(i)
		}
	}
}

func ingressStatus(opts ...st.IngressOption) netv1alpha1.IngressStatus {
	i := &netv1alpha1.Ingress{}
	withIngressStatus(opts...)(i)
	return i.Status
}

func withLoadBalancerIP(ip string) st.IngressOption {
	return func(i *netv1alpha1.Ingress) {
		i.Status.InitializeConditions()
		st.WithNetworkConfigured(i)
		i.Status.MarkLoadBalancerReady([]netv1alpha1.LoadBalancerIngressStatus{{IP: ip}}, nil)
	}
}
