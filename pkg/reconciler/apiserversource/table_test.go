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

package apiserversource

import (
	"context"
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	logtesting "knative.dev/pkg/logging/testing"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"

	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	apiserversourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/apiserversource"
	"github.com/skiffhq/skiff/pkg/reconciler/apiserversource/resources"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
	eventingtesting "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/sources"
	. "github.com/skiffhq/skiff/pkg/testing/sources"
)

const (
	testNS        = "knative-samples"
	sourceName    = "testevents"
	sourceUID     = "1234-5678-90ab"
	key           = testNS + "/" + sourceName
	finalizerName = "apiserversources.sources.knative.dev"
	image         = "ko://github.com/skiffhq/skiff/cmd/apiserver-receive-adapter"
	ceSource      = "https://10.96.0.1:443"
	saName        = "events-sa"
	saUser        = "system:serviceaccount:" + testNS + ":" + saName
)

var (
	sinkDest = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "event-display", Namespace: testNS}}
	sinkURL  = apis.HTTP("event-display.knative-samples.svc.cluster.local")
)

func spec(opts ...func(*sourcesv1.ApiServerSourceSpec)) sourcesv1.ApiServerSourceSpec {
	s := sourcesv1.ApiServerSourceSpec{
		SourceSpec:         duckv1.SourceSpec{Sink: sinkDest},
		Resources:          []sourcesv1.APIVersionKindSelector{{APIVersion: "v1", Kind: "Event"}},
		EventMode:          sourcesv1.ReferenceMode,
		ServiceAccountName: saName,
	}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func resourceMode(s *sourcesv1.ApiServerSourceSpec) { s.EventMode = sourcesv1.ResourceMode }

func namespaceSelector(sel metav1.LabelSelector) func(*sourcesv1.ApiServerSourceSpec) {
	return func(s *sourcesv1.ApiServerSourceSpec) { s.NamespaceSelector = &sel }
}

// source is the ApiServerSource as stored, with its finalizer.
func source(sp sourcesv1.ApiServerSourceSpec, opts ...ApiServerSourceOption) *sourcesv1.ApiServerSource {
	return NewApiServerSource(sourceName, testNS, append([]ApiServerSourceOption{
		WithApiServerSourceUID(sourceUID),
		WithApiServerSourceSpec(sp),
		WithApiServerSourceObjectMetaGeneration(1),
		WithApiServerSourceFinalizers(finalizerName),
	}, opts...)...)
}

// reconciled is the status ReconcileKind writes up to the permissions.
func reconciled(sp sourcesv1.ApiServerSourceSpec, namespaces []string, opts ...ApiServerSourceOption) *sourcesv1.ApiServerSource {
	return source(sp, append([]ApiServerSourceOption{
		WithInitApiServerSourceConditions,
		WithApiServerSourceStatusObservedGeneration(1),
		WithApiServerSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(),
		WithApiServerSourceSink(sinkURL),
		WithApiServerSourceStatusNamespaces(namespaces),
	}, opts...)...)
}

func ready(sp sourcesv1.ApiServerSourceSpec) *sourcesv1.ApiServerSource {
	return reconciled(sp, []string{testNS}, WithApiServerSourceSufficientPermissions,
		WithApiServerSourceDeployed, WithApiServerSourceReferenceModeEventTypes(ceSource))
}

// receiveAdapter is the adapter Deployment the reconciler makes of src.
func receiveAdapter(t *testing.T, src *sourcesv1.ApiServerSource, namespaces []string, all bool, opts ...func(*appsv1.Deployment)) *appsv1.Deployment {
	t.Helper()
	d, err := resources.MakeReceiveAdapter(&resources.ReceiveAdapterArgs{
		Image:         image,
		Source:        src,
		Labels:        resources.Labels(src.Name),
		SinkURI:       sinkURL.String(),
		Configs:       &reconcilersource.EmptyVarsGenerator{},
		Namespaces:    namespaces,
		AllNamespaces: all,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

func available(d *appsv1.Deployment) {
	d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}
}

func withoutOwner(d *appsv1.Deployment) {
	d.OwnerReferences = nil
}

func withStaleSink(d *appsv1.Deployment) {
	d.Spec.Template.Spec.Containers[0].Env[0].Value = "http://old-display.knative-samples.svc.cluster.local"
}

func sink() *corev1.Service {
	return eventingtesting.NewService("event-display", testNS)
}

func newNamespace(name string, labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

// sar is the SubjectAccessReview of one verb on events in ns.
func sar(ns, verb string) *authorizationv1.SubjectAccessReview {
	return &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns,
				Verb:      verb,
				Resource:  "events",
			},
			User: saUser,
		},
	}
}

// sarsFor are the reviews of get, list and watch in each namespace.
func sarsFor(namespaces ...string) []runtime.Object {
	var out []runtime.Object
	for _, ns := range namespaces {
		out = append(out, sar(ns, "get"), sar(ns, "list"), sar(ns, "watch"))
	}
	return out
}

// allowExcept answers SubjectAccessReviews: allowed, except for the
// "namespace/verb" pairs denied.
func allowExcept(denied ...string) clientgotesting.ReactionFunc {
	deny := map[string]bool{}
	for _, d := range denied {
		deny[d] = true
	}
	return func(action clientgotesting.Action) (bool, runtime.Object, error) {
		if action.GetVerb() != "create" || action.GetResource().Resource != "subjectaccessreviews" {
			return false, nil, nil
		}
		ret := action.(clientgotesting.CreateAction).GetObject().DeepCopyObject().(*authorizationv1.SubjectAccessReview)
		attrs := ret.Spec.ResourceAttributes
		ret.Status.Allowed = !deny[attrs.Namespace+"/"+attrs.Verb]
		return true, ret, nil
	}
}

func sinkNotFoundEvent() string {
	b, _ := json.Marshal(sinkDest)
	return Eventf(corev1.EventTypeWarning, "SinkNotFound", "Sink not found: %s", string(b))
}

func TestReconcile(t *testing.T) {
	allowAll := allowExcept()
	prodSelector := metav1.LabelSelector{MatchLabels: map[string]string{"env": "prod"}}
	noWatch := `User ` + saUser + ` cannot watch resource "events" in API group "" in Namespace "` + testNS + `"`
	nothingInProd := `User ` + saUser + ` cannot get, list, watch resource "events" in API group "" in Namespace "prod-a", ` +
		`get, list, watch resource "events" in API group "" in Namespace "prod-b"`

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:    "sink not found",
		Key:     key,
		Objects: []runtime.Object{source(spec())},
		WantEvents: []string{
			sinkNotFoundEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(spec(), WithInitApiServerSourceConditions, WithApiServerSourceStatusObservedGeneration(1),
				WithApiServerSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(), WithApiServerSourceSinkNotFound),
		}},
	}, {
		Name:                    "first reconcile: permissions checked, adapter created",
		Key:                     key,
		Objects:                 []runtime.Object{source(spec()), sink()},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true, // SubjectAccessReviews are cluster-scoped.
		WantCreates: append(sarsFor(testNS),
			receiveAdapter(t, reconciled(spec(), []string{testNS}), []string{testNS}, false)),
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, apiserversourceDeploymentCreated, "Deployment created"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(), []string{testNS}, WithApiServerSourceSufficientPermissions,
				WithApiServerSourceDeploymentUnavailable(resources.DeploymentName(source(spec()))),
				WithApiServerSourceReferenceModeEventTypes(ceSource)),
		}},
	}, {
		Name:                    "missing watch permission: not ready, no adapter",
		Key:                     key,
		Objects:                 []runtime.Object{source(spec()), sink()},
		WithReactors:            []clientgotesting.ReactionFunc{allowExcept(testNS + "/watch")},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantCreates:             sarsFor(testNS),
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "insufficient permissions: %s", noWatch),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(), []string{testNS},
				WithApiServerSourceNoSufficientPermissions(NoSufficientPermissionsReason, noWatch)),
		}},
	}, {
		Name: "no permission in the selected namespaces: each is named",
		Key:  key,
		Objects: []runtime.Object{source(spec(namespaceSelector(prodSelector))), sink(),
			newNamespace("prod-b", map[string]string{"env": "prod"}), newNamespace("prod-a", map[string]string{"env": "prod"}),
			newNamespace("dev", map[string]string{"env": "dev"})},
		WithReactors: []clientgotesting.ReactionFunc{allowExcept(
			"prod-a/get", "prod-a/list", "prod-a/watch", "prod-b/get", "prod-b/list", "prod-b/watch")},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantCreates:             sarsFor("prod-a", "prod-b"),
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "insufficient permissions: %s", nothingInProd),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(namespaceSelector(prodSelector)), []string{"prod-a", "prod-b"},
				WithApiServerSourceNoSufficientPermissions(NoSufficientPermissionsReason, nothingInProd)),
		}},
	}, {
		Name:                    "permissions granted later: the adapter is created",
		Key:                     key,
		Objects:                 []runtime.Object{reconciled(spec(), []string{testNS}, WithApiServerSourceNoSufficientPermissions(NoSufficientPermissionsReason, noWatch)), sink()},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true,
		WantCreates: append(sarsFor(testNS),
			receiveAdapter(t, reconciled(spec(), []string{testNS}), []string{testNS}, false)),
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, apiserversourceDeploymentCreated, "Deployment created"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(), []string{testNS}, WithApiServerSourceSufficientPermissions,
				WithApiServerSourceDeploymentUnavailable(resources.DeploymentName(source(spec()))),
				WithApiServerSourceReferenceModeEventTypes(ceSource)),
		}},
	}, {
		Name:                    "empty namespace selector: the adapter watches all namespaces",
		Key:                     key,
		Objects:                 []runtime.Object{source(spec(namespaceSelector(metav1.LabelSelector{}))), sink(), newNamespace("b", nil), newNamespace("a", nil)},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true,
		WantCreates: append(sarsFor("a", "b"),
			receiveAdapter(t, reconciled(spec(namespaceSelector(metav1.LabelSelector{})), []string{"a", "b"}), []string{"a", "b"}, true)),
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, apiserversourceDeploymentCreated, "Deployment created"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(namespaceSelector(metav1.LabelSelector{})), []string{"a", "b"}, WithApiServerSourceSufficientPermissions,
				WithApiServerSourceDeploymentUnavailable(resources.DeploymentName(source(spec()))),
				WithApiServerSourceReferenceModeEventTypes(ceSource)),
		}},
	}, {
		Name:                    "steady state",
		Key:                     key,
		Objects:                 []runtime.Object{ready(spec()), sink(), receiveAdapter(t, ready(spec()), []string{testNS}, false, available)},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true,
		WantCreates:             sarsFor(testNS),
	}, {
		Name:                    "resource mode advertises the resource event types",
		Key:                     key,
		Objects:                 []runtime.Object{source(spec(resourceMode)), sink(), receiveAdapter(t, source(spec(resourceMode)), []string{testNS}, false, available)},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true,
		WantCreates:             sarsFor(testNS),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(resourceMode), []string{testNS}, WithApiServerSourceSufficientPermissions,
				WithApiServerSourceDeployed, WithApiServerSourceResourceModeEventTypes(ceSource)),
		}},
	}, {
		Name:                    "adapter drift (a stale sink) is repaired",
		Key:                     key,
		Objects:                 []runtime.Object{ready(spec()), sink(), receiveAdapter(t, ready(spec()), []string{testNS}, false, available, withStaleSink)},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true,
		WantCreates:             sarsFor(testNS),
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: receiveAdapter(t, ready(spec()), []string{testNS}, false, available),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, apiserversourceDeploymentUpdated, "Deployment %q updated", resources.DeploymentName(ready(spec()))),
		},
	}, {
		Name:                    "adapter not owned by the source",
		Key:                     key,
		Objects:                 []runtime.Object{ready(spec()), sink(), receiveAdapter(t, ready(spec()), []string{testNS}, false, available, withoutOwner)},
		WithReactors:            []clientgotesting.ReactionFunc{allowAll},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantCreates:             sarsFor(testNS),
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "deployment %q is not owned by ApiServerSource %q", resources.DeploymentName(ready(spec())), sourceName),
		},
	}, {
		Name:    "creating the adapter fails",
		Key:     key,
		Objects: []runtime.Object{source(spec()), sink()},
		WithReactors: []clientgotesting.ReactionFunc{
			allowAll, InduceFailure("create", "deployments"),
		},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantCreates: append(sarsFor(testNS),
			receiveAdapter(t, reconciled(spec(), []string{testNS}), []string{testNS}, false)),
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "creating the receive adapter: inducing failure for create deployments"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(), []string{testNS}, WithApiServerSourceSufficientPermissions),
		}},
	}, {
		Name:                    "the permission check fails",
		Key:                     key,
		Objects:                 []runtime.Object{source(spec()), sink()},
		WithReactors:            []clientgotesting.ReactionFunc{InduceFailure("create", "subjectaccessreviews")},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantCreates:             []runtime.Object{sar(testNS, "get")},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "checking whether %s may get events: inducing failure for create subjectaccessreviews", saUser),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(spec(), []string{testNS}),
		}},
	}, {
		Name:    "deleted source: the finalizer is removed",
		Key:     key,
		Objects: []runtime.Object{ready(spec()), sink()},
		WantPatches: []clientgotesting.PatchActionImpl{
			patchFinalizers(`[]`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated %q finalizers`, sourceName),
		},
	}}
	// The deleted row's source.
	table[len(table)-1].Objects[0] = source(spec(), WithApiServerSourceDeleted)

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			kubeClientSet:       fakekubeclient.Get(ctx),
			deploymentLister:    listers.GetDeploymentLister(),
			namespaceLister:     listers.GetNamespaceLister(),
			receiveAdapterImage: image,
			ceSource:            ceSource,
			sinkResolver:        resolver.NewURIResolverFromTracker(ctx, tracker.New(func(types.NamespacedName) {}, 0)),
			configs:             &reconcilersource.EmptyVarsGenerator{},
		}
		return apiserversourcereconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetApiServerSourceLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}

func patchFinalizers(finalizers string) clientgotesting.PatchActionImpl {
	action := clientgotesting.PatchActionImpl{Name: sourceName, Patch: []byte(`{"metadata":{"finalizers":` + finalizers + `,"resourceVersion":""}}`)}
	action.Namespace = testNS
	return action
}
