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

package sinkbinding

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/client/injection/ducks/duck/v1/podspecable"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	fakedynamicclient "knative.dev/pkg/injection/clients/dynamicclient/fake"
	logtesting "knative.dev/pkg/logging/testing"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"
	"knative.dev/pkg/webhook/psbinding"

	"github.com/skiffhq/skiff/pkg/apis/feature"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	versioned "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
	eventingtesting "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/sources"
	. "github.com/skiffhq/skiff/pkg/testing/sources"
)

const (
	testNS        = "knative-samples"
	bindingName   = "bind-heartbeat"
	key           = testNS + "/" + bindingName
	finalizerName = "sinkbindings.sources.knative.dev"
	sinkEnv       = "http://event-display.knative-samples.svc.cluster.local"
	overridesEnv  = `{"extensions":{"team":"blue"}}`
)

var (
	sinkDest  = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "event-display", Namespace: testNS}}
	overrides = duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}}

	deploymentSubject = tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: testNS, Name: "heartbeat"}
	jobSelector       = tracker.Reference{APIVersion: "batch/v1", Kind: "Job", Namespace: testNS,
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "heartbeat-cron"}}}
)

func binding(subject tracker.Reference, opts ...SinkBindingOption) *sourcesv1.SinkBinding {
	sb := NewSinkBinding(bindingName, testNS, append([]SinkBindingOption{
		WithSubject(subject),
		WithSink(sinkDest),
		WithCloudEventOverrides(overrides),
		WithSinkBindingGeneration(1),
		WithSinkBindingFinalizers(finalizerName),
	}, opts...)...)
	return sb
}

// bound is the binding's status once its subjects are bound.
func bound(subject tracker.Reference, opts ...SinkBindingOption) *sourcesv1.SinkBinding {
	return binding(subject, append([]SinkBindingOption{
		WithInitSinkBindingConditions,
		WithSinkBindingAvailable,
		WithSinkBindingSink(apis.HTTP("event-display.knative-samples.svc.cluster.local")),
		WithSinkBindingOIDCFeatureDisabled,
		WithSinkBindingObservedGeneration(1),
	}, opts...)...)
}

func podSpec(env ...corev1.EnvVar) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name:  "heartbeat",
		Image: "heartbeat",
		Env:   env,
	}}}}
}

func deployment(env ...corev1.EnvVar) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "heartbeat", Namespace: testNS},
		Spec:       appsv1.DeploymentSpec{Template: podSpec(env...)},
	}
}

func job(name string, labels map[string]string, env ...corev1.EnvVar) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNS, Labels: labels},
		Spec:       batchv1.JobSpec{Template: podSpec(env...)},
	}
}

func boundEnv() []corev1.EnvVar {
	return []corev1.EnvVar{{Name: "K_SINK", Value: sinkEnv}, {Name: "K_CE_OVERRIDES", Value: overridesEnv}}
}

func ns(labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNS, Labels: labels}}
}

func sink() *corev1.Service {
	return eventingtesting.NewService("event-display", testNS)
}

func patch(namespace, name, p string) clientgotesting.PatchActionImpl {
	action := clientgotesting.PatchActionImpl{Name: name, Patch: []byte(p)}
	action.Namespace = namespace
	return action
}

var (
	// The namespace is labelled so the binding webhook sees its objects.
	includeNamespace = patch("", testNS, `{"metadata":{"labels":{"bindings.knative.dev/include":"true"}}}`)
	addEnv           = `[{"op":"add","path":"/spec/template/spec/containers/0/env","value":[` +
		`{"name":"K_SINK","value":"` + sinkEnv + `"},{"name":"K_CE_OVERRIDES","value":"{\"extensions\":{\"team\":\"blue\"}}"}]}]`
	removeEnv = `[{"op":"remove","path":"/spec/template/spec/containers/0/env"}]`
)

func TestReconcile(t *testing.T) {
	oidcEnabled := feature.ToContext(context.Background(), feature.Flags{feature.OIDCAuthentication: feature.Enabled})

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:                    "first reconcile adds the finalizer and binds the Deployment",
		Key:                     key,
		Objects:                 []runtime.Object{binding(deploymentSubject, WithSinkBindingFinalizers()), deployment(), sink(), ns(nil)},
		SkipNamespaceValidation: true,
		WantPatches: []clientgotesting.PatchActionImpl{
			patch(testNS, bindingName, `{"metadata":{"finalizers":["`+finalizerName+`"],"resourceVersion":""}}`),
			includeNamespace,
			patch(testNS, "heartbeat", addEnv),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: bound(deploymentSubject, WithSinkBindingFinalizers()),
		}},
	}, {
		Name:                    "a Deployment named as subject gets K_SINK and K_CE_OVERRIDES",
		Key:                     key,
		Objects:                 []runtime.Object{binding(deploymentSubject), deployment(), sink(), ns(map[string]string{"bindings.knative.dev/include": "true"})},
		SkipNamespaceValidation: true,
		WantPatches: []clientgotesting.PatchActionImpl{
			patch(testNS, "heartbeat", addEnv),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: bound(deploymentSubject),
		}},
	}, {
		Name: "Jobs selected by label are bound, others are not",
		Key:  key,
		Objects: []runtime.Object{binding(jobSelector), sink(), ns(map[string]string{"bindings.knative.dev/include": "true"}),
			job("heartbeat-1", map[string]string{"app": "heartbeat-cron"}), job("other", map[string]string{"app": "other"})},
		SkipNamespaceValidation: true,
		WantPatches: []clientgotesting.PatchActionImpl{
			patch(testNS, "heartbeat-1", addEnv),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: bound(jobSelector),
		}},
	}, {
		Name: "steady state: a bound subject is not patched again",
		Key:  key,
		Objects: []runtime.Object{bound(deploymentSubject), deployment(boundEnv()...), sink(),
			ns(map[string]string{"bindings.knative.dev/include": "true"})},
		SkipNamespaceValidation: true,
	}, {
		Name:                    "subject missing: the binding is not ready",
		Key:                     key,
		Objects:                 []runtime.Object{binding(deploymentSubject), sink(), ns(nil)},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `deployments.apps "heartbeat" not found`),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: binding(deploymentSubject, WithInitSinkBindingConditions,
				WithSinkBindingUnavailable("SubjectMissing", `deployments.apps "heartbeat" not found`)),
		}},
	}, {
		Name: "sink missing: nothing is bound, the binding says why",
		Key:  key,
		Objects: []runtime.Object{binding(deploymentSubject), deployment(),
			ns(map[string]string{"bindings.knative.dev/include": "true"})},
		SkipNamespaceValidation: true,
		WantErr:                 true,
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `failed to get object knative-samples/event-display: services "event-display" not found`),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: binding(deploymentSubject, WithInitSinkBindingConditions,
				WithSinkBindingUnavailable("NoAddressable", "Addressable could not be extracted from destination")),
		}},
	}, {
		Name: "OIDC authentication enabled: not supported, the binding is not ready",
		Key:  key,
		Ctx:  oidcEnabled,
		Objects: []runtime.Object{bound(deploymentSubject), deployment(boundEnv()...), sink(),
			ns(map[string]string{"bindings.knative.dev/include": "true"})},
		SkipNamespaceValidation: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: bound(deploymentSubject, func(sb *sourcesv1.SinkBinding) {
				msg := "Skiff's sources send events without OIDC tokens; set authentication-oidc to disabled in config-features"
				sb.Status.MarkOIDCIdentityCreatedFailed(reconcilersource.OIDCNotSupportedReason, "%s", msg)
				sb.Status.MarkOIDCTokenSecretCreatedFailed(reconcilersource.OIDCNotSupportedReason, "%s", msg)
			}),
		}},
	}, {
		Name: "deleted binding: K_SINK and K_CE_OVERRIDES are removed, then the finalizer",
		Key:  key,
		Objects: []runtime.Object{bound(deploymentSubject, WithSinkBindingDeleted), deployment(boundEnv()...), sink(),
			ns(map[string]string{"bindings.knative.dev/include": "true"})},
		SkipNamespaceValidation: true,
		WantPatches: []clientgotesting.PatchActionImpl{
			patch(testNS, "heartbeat", removeEnv),
			patch(testNS, bindingName, `{"metadata":{"finalizers":[],"resourceVersion":""}}`),
		},
	}, {
		Name: "deleted binding whose subject is gone: only the finalizer goes",
		Key:  key,
		Objects: []runtime.Object{bound(deploymentSubject, WithSinkBindingDeleted), sink(),
			ns(map[string]string{"bindings.knative.dev/include": "true"})},
		SkipNamespaceValidation: true,
		WantPatches: []clientgotesting.PatchActionImpl{
			patch(testNS, bindingName, `{"metadata":{"finalizers":[],"resourceVersion":""}}`),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: bound(deploymentSubject, WithSinkBindingDeleted,
				WithSinkBindingUnavailable("SubjectMissing", `deployments.apps "heartbeat" not found`)),
		}},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		ctx = podspecable.WithDuck(ctx)
		tr := tracker.New(func(types.NamespacedName) {}, 0)
		sbResolver := resolver.NewURIResolverFromTracker(ctx, tr)
		featureStore := feature.NewStore(logger)
		if flags := feature.FromContext(ctx); flags != nil {
			featureStore.OnConfigChanged(&corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: feature.FlagsConfigName},
				Data:       map[string]string{feature.OIDCAuthentication: string(flags[feature.OIDCAuthentication])},
			})
		} else {
			featureStore.OnConfigChanged(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: feature.FlagsConfigName}})
		}
		return &psbinding.BaseReconciler{
			GVR: sourcesv1.SchemeGroupVersion.WithResource("sinkbindings"),
			Get: func(namespace, name string) (psbinding.Bindable, error) {
				return listers.GetSinkBindingLister().SinkBindings(namespace).Get(name)
			},
			DynamicClient:   &typedStatus{Interface: fakedynamicclient.Get(ctx), client: fakeclient.Get(ctx)},
			Recorder:        controller.GetEventRecorder(ctx),
			NamespaceLister: listers.GetNamespaceLister(),
			Tracker:         tr,
			Factory:         &duck.CachedInformerFactory{Delegate: podspecable.Get(ctx)},
			WithContext: func(ctx context.Context, _ psbinding.Bindable) (context.Context, error) {
				return sourcesv1.WithURIResolver(ctx, sbResolver), nil
			},
			SubResourcesReconciler: &SinkBindingSubResourcesReconciler{res: sbResolver, tracker: tr, featureStore: featureStore},
		}
	}, logger))
}

// typedStatus sends psbinding's status updates of SinkBindings through the
// typed fake client, so the table compares typed objects.
type typedStatus struct {
	dynamic.Interface
	client versioned.Interface
}

func (d *typedStatus) Resource(gvr schema.GroupVersionResource) dynamic.NamespaceableResourceInterface {
	return &typedStatusResource{NamespaceableResourceInterface: d.Interface.Resource(gvr), client: d.client}
}

type typedStatusResource struct {
	dynamic.NamespaceableResourceInterface
	client versioned.Interface
	ns     string
}

func (r *typedStatusResource) Namespace(ns string) dynamic.ResourceInterface {
	return &typedStatusResource{NamespaceableResourceInterface: r.NamespaceableResourceInterface, client: r.client, ns: ns}
}

func (r *typedStatusResource) UpdateStatus(ctx context.Context, u *unstructured.Unstructured, opts metav1.UpdateOptions) (*unstructured.Unstructured, error) {
	sb := &sourcesv1.SinkBinding{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, sb); err != nil {
		return nil, fmt.Errorf("not a SinkBinding: %w", err)
	}
	sb.TypeMeta = metav1.TypeMeta{}
	if _, err := r.client.SourcesV1().SinkBindings(r.ns).UpdateStatus(ctx, sb, opts); err != nil {
		return nil, err
	}
	return u, nil
}

func (r *typedStatusResource) Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, sub ...string) (*unstructured.Unstructured, error) {
	if r.ns == "" {
		return r.NamespaceableResourceInterface.Patch(ctx, name, pt, data, opts, sub...)
	}
	return r.NamespaceableResourceInterface.Namespace(r.ns).Patch(ctx, name, pt, data, opts, sub...)
}
