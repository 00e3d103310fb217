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

package pingsource

import (
	"context"
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
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
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"

	"github.com/skiffhq/skiff/pkg/apis/feature"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	pingsourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/pingsource"
	"github.com/skiffhq/skiff/pkg/reconciler/pingsource/resources"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
	eventingtesting "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/sources"
	. "github.com/skiffhq/skiff/pkg/testing/sources"
)

const (
	testNS        = "knative-samples"
	sourceName    = "ping"
	sourceUID     = "1234-5678"
	key           = testNS + "/" + sourceName
	finalizerName = "pingsources.sources.knative.dev"
	testLeConfig  = `{"Component":"pingsource","Buckets":1}`
)

var (
	sinkDest = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "hello-display", Namespace: testNS}}
	sinkAddr = &duckv1.Addressable{URL: apis.HTTP("hello-display.knative-samples.svc.cluster.local")}

	// The adapter environment the reconciler wants (empty observability
	// config, upstream's default K_NO_SHUTDOWN_AFTER, no sink timeout).
	wantEnv = resources.MakeReceiveAdapterEnvVar(resources.Args{
		ConfigEnvVars:   (&reconcilersource.EmptyVarsGenerator{}).ToEnvVars(),
		LeConfig:        testLeConfig,
		NoShutdownAfter: 55,
		SinkTimeout:     -1,
	})
)

func spec() sourcesv1.PingSourceSpec {
	return sourcesv1.PingSourceSpec{
		SourceSpec: duckv1.SourceSpec{Sink: sinkDest},
		Schedule:   "*/2 * * * *",
		Data:       `{"message": "Hello world!"}`,
	}
}

// source is the PingSource as stored, with the finalizer already added.
func source(opts ...PingSourceOption) *sourcesv1.PingSource {
	return NewPingSource(sourceName, testNS, append([]PingSourceOption{
		WithPingSourceUID(sourceUID),
		WithPingSourceSpec(spec()),
		WithPingSourceObjectMetaGeneration(1),
		WithPingSourceFinalizers(finalizerName),
	}, opts...)...)
}

// reconciled is what ReconcileKind makes of the source's status.
func reconciled(opts ...PingSourceOption) *sourcesv1.PingSource {
	return source(append([]PingSourceOption{
		WithInitPingSourceConditions,
		WithPingSourceStatusObservedGeneration(1),
		WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(),
		WithPingSourceSink(sinkAddr),
	}, opts...)...)
}

func ready(opts ...PingSourceOption) *sourcesv1.PingSource {
	return reconciled(append([]PingSourceOption{WithPingSourceDeployed, WithPingSourceCloudEventAttributes}, opts...)...)
}

type deploymentOption func(*appsv1.Deployment)

// adapterDeployment is the shipped pingsource-mt-adapter Deployment.
func adapterDeployment(opts ...deploymentOption) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: resources.MTAdapterName, Namespace: eventingtesting.SystemNamespace},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.Int32(1),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:  resources.ContainerName,
				Image: "ko://github.com/skiffhq/skiff/cmd/pingsource-mt-adapter",
				Env:   wantEnv,
			}}}},
		},
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

func withReplicas(n int32) deploymentOption {
	return func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.Int32(n) }
}

func withEnv(env ...corev1.EnvVar) deploymentOption {
	return func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Env = env }
}

// podName is a variable of the shipped Deployment the reconciler does not
// own.
var podName = corev1.EnvVar{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}

func withAvailable(status corev1.ConditionStatus) deploymentOption {
	return func(d *appsv1.Deployment) {
		d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: status, Reason: "MinimumReplicas", Message: "replicas"}}
	}
}

func withGenerations(generation, observed int64) deploymentOption {
	return func(d *appsv1.Deployment) { d.Generation, d.Status.ObservedGeneration = generation, observed }
}

func withDeployedProgressing(s *sourcesv1.PingSource) {
	s.Status.PropagateDeploymentAvailability(adapterDeployment(withAvailable(corev1.ConditionTrue), withGenerations(2, 1)))
}

func withDeployedFalse(s *sourcesv1.PingSource) {
	s.Status.PropagateDeploymentAvailability(adapterDeployment(withAvailable(corev1.ConditionFalse)))
}

func sink() *corev1.Service {
	return eventingtesting.NewService("hello-display", testNS)
}

func sinkNotFoundEvent() string {
	b, _ := json.Marshal(sinkDest)
	return Eventf(corev1.EventTypeWarning, "SinkNotFound", "Sink not found: %s", string(b))
}

func patchFinalizers(finalizers string) clientgotesting.PatchActionImpl {
	action := clientgotesting.PatchActionImpl{Name: sourceName, Patch: []byte(`{"metadata":{"finalizers":` + finalizers + `,"resourceVersion":""}}`)}
	action.Namespace = testNS
	return action
}

func TestReconcile(t *testing.T) {
	oidcEnabled := feature.ToContext(context.Background(), feature.Flags{feature.OIDCAuthentication: feature.Enabled})

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:    "first reconcile adds the finalizer",
		Key:     key,
		Objects: []runtime.Object{source(WithPingSourceFinalizers()), sink(), adapterDeployment(withAvailable(corev1.ConditionTrue))},
		WantPatches: []clientgotesting.PatchActionImpl{
			patchFinalizers(`["` + finalizerName + `"]`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated %q finalizers`, sourceName),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{Object: ready(WithPingSourceFinalizers())}},
	}, {
		Name:    "sink not found",
		Key:     key,
		Objects: []runtime.Object{source(), adapterDeployment(withAvailable(corev1.ConditionTrue))},
		WantEvents: []string{
			sinkNotFoundEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithInitPingSourceConditions, WithPingSourceStatusObservedGeneration(1),
				WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(), WithPingSourceSinkNotFound),
		}},
	}, {
		Name:    "sink given as a URI",
		Key:     key,
		Objects: []runtime.Object{source(WithPingSourceSpec(sourcesv1.PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: duckv1.Destination{URI: apis.HTTP("example.com")}}, Schedule: "* * * * *"})), adapterDeployment(withAvailable(corev1.ConditionTrue))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithPingSourceSpec(sourcesv1.PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: duckv1.Destination{URI: apis.HTTP("example.com")}}, Schedule: "* * * * *"}),
				WithInitPingSourceConditions, WithPingSourceStatusObservedGeneration(1),
				WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(),
				WithPingSourceSink(&duckv1.Addressable{URL: apis.HTTP("example.com")}),
				WithPingSourceDeployed, WithPingSourceCloudEventAttributes),
		}},
	}, {
		Name:    "adapter scaled to zero is scaled up with the current environment",
		Key:     key,
		Objects: []runtime.Object{source(), sink(), adapterDeployment(withReplicas(0), withEnv())},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: adapterDeployment(withReplicas(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, pingSourceDeploymentUpdated, "PingSource adapter deployment updated"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(WithPingSourceDeploymentUnavailable(resources.MTAdapterName), WithPingSourceCloudEventAttributes),
		}},
	}, {
		// The Deployment controller has not seen the latest spec: its
		// Available=True is about the previous one, so Ready waits.
		Name: "adapter rollout not yet observed",
		Key:  key,
		Objects: []runtime.Object{source(), sink(),
			adapterDeployment(withAvailable(corev1.ConditionTrue), withGenerations(2, 1))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(withDeployedProgressing, WithPingSourceCloudEventAttributes),
		}},
	}, {
		Name: "adapter environment drift is repaired",
		Key:  key,
		Objects: []runtime.Object{ready(), sink(),
			adapterDeployment(withAvailable(corev1.ConditionTrue), withEnv(corev1.EnvVar{Name: "K_SINK_TIMEOUT", Value: "5"}))},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: adapterDeployment(withAvailable(corev1.ConditionTrue)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, pingSourceDeploymentUpdated, "PingSource adapter deployment updated"),
		},
	}, {
		Name: "adapter drift is repaired, its own variables are kept",
		Key:  key,
		Objects: []runtime.Object{ready(), sink(),
			adapterDeployment(withAvailable(corev1.ConditionTrue), withEnv(podName, corev1.EnvVar{Name: "K_NO_SHUTDOWN_AFTER", Value: "10"}))},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: adapterDeployment(withAvailable(corev1.ConditionTrue), withEnv(append(append([]corev1.EnvVar{}, wantEnv...), podName)...)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, pingSourceDeploymentUpdated, "PingSource adapter deployment updated"),
		},
	}, {
		Name: "adapter with extra environment of its own is left alone",
		Key:  key,
		Objects: []runtime.Object{ready(), sink(),
			adapterDeployment(withAvailable(corev1.ConditionTrue), withEnv(append(append([]corev1.EnvVar{}, wantEnv...), corev1.EnvVar{Name: "GOGC", Value: "200"})...))},
	}, {
		Name:    "steady state",
		Key:     key,
		Objects: []runtime.Object{ready(), sink(), adapterDeployment(withAvailable(corev1.ConditionTrue))},
	}, {
		Name:    "adapter becomes available: the source becomes ready",
		Key:     key,
		Objects: []runtime.Object{reconciled(WithPingSourceDeploymentUnavailable(resources.MTAdapterName), WithPingSourceCloudEventAttributes), sink(), adapterDeployment(withAvailable(corev1.ConditionTrue))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ready(),
		}},
	}, {
		Name:    "adapter becomes unavailable: Deployed turns False",
		Key:     key,
		Objects: []runtime.Object{ready(), sink(), adapterDeployment(withAvailable(corev1.ConditionFalse))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(withDeployedFalse, WithPingSourceCloudEventAttributes),
		}},
	}, {
		Name:    "adapter deployment missing",
		Key:     key,
		Objects: []runtime.Object{source(), sink()},
		WantErr: true,
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "the PingSource adapter Deployment knative-eventing/pingsource-mt-adapter does not exist"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(WithPingSourceDeploymentUnavailable(resources.MTAdapterName)),
		}},
	}, {
		Name:    "updating the adapter fails",
		Key:     key,
		Objects: []runtime.Object{source(), sink(), adapterDeployment(withReplicas(0))},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "deployments"),
		},
		WantErr: true,
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: adapterDeployment(withReplicas(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "updating the PingSource adapter Deployment: inducing failure for update deployments"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(),
		}},
	}, {
		Name:    "OIDC authentication enabled: not supported, the source is not ready",
		Key:     key,
		Ctx:     oidcEnabled,
		Objects: []runtime.Object{ready(), sink(), adapterDeployment(withAvailable(corev1.ConditionTrue))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ready(WithPingSourceOIDCIdentityCreatedFailed(reconcilersource.OIDCNotSupportedReason,
				"Skiff's sources send events without OIDC tokens; set authentication-oidc to disabled in config-features")),
		}},
	}, {
		Name:    "deleted source: the finalizer is removed",
		Key:     key,
		Objects: []runtime.Object{ready(WithPingSourceDeleted), sink(), adapterDeployment(withAvailable(corev1.ConditionTrue))},
		WantPatches: []clientgotesting.PatchActionImpl{
			patchFinalizers(`[]`),
		},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated %q finalizers`, sourceName),
		},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			kubeClientSet:    fakekubeclient.Get(ctx),
			deploymentLister: listers.GetDeploymentLister(),
			tracker:          tracker.New(func(types.NamespacedName) {}, 0),
			sinkResolver:     resolver.NewURIResolverFromTracker(ctx, tracker.New(func(types.NamespacedName) {}, 0)),
			configAcc:        &reconcilersource.EmptyVarsGenerator{},
			leConfig:         testLeConfig,
		}
		return pingsourcereconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetPingSourceLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}
