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

package containersource

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	logtesting "knative.dev/pkg/logging/testing"
	. "knative.dev/pkg/reconciler/testing"

	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	containersourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/containersource"
	"github.com/skiffhq/skiff/pkg/reconciler/containersource/resources"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/sources"
	. "github.com/skiffhq/skiff/pkg/testing/sources"
)

const (
	testNS     = "knative-samples"
	sourceName = "heartbeats"
	sourceUID  = "0a1b2c3d"
	key        = testNS + "/" + sourceName
)

var sinkURL = apis.HTTP("event-display.knative-samples.svc.cluster.local")

func spec(image string) sourcesv1.ContainerSourceSpec {
	return sourcesv1.ContainerSourceSpec{
		SourceSpec: duckv1.SourceSpec{
			Sink:                duckv1.Destination{URI: sinkURL},
			CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}},
		},
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "heartbeats",
			Image: image,
			Args:  []string{"--period=1"},
		}}}},
	}
}

func source(opts ...ContainerSourceOption) *sourcesv1.ContainerSource {
	return NewContainerSource(sourceName, testNS, append([]ContainerSourceOption{
		WithContainerSourceUID(sourceUID),
		WithContainerSourceSpec(spec("heartbeats:v1")),
		WithContainerSourceObjectMetaGeneration(1),
	}, opts...)...)
}

// reconciled is the source with the status ReconcileKind writes.
func reconciled(sb *sourcesv1.SinkBinding, d *appsv1.Deployment) *sourcesv1.ContainerSource {
	return source(WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1),
		WithContainerSourcePropagateSinkbindingStatus(&sb.Status),
		WithContainerSourcePropagateReceiveAdapterStatus(d))
}

// sinkBinding is the source's SinkBinding as the reconciler makes it.
func sinkBinding(opts ...SinkBindingOption) *sourcesv1.SinkBinding {
	sb := resources.MakeSinkBinding(source())
	for _, o := range opts {
		o(sb)
	}
	return sb
}

func boundSinkBinding() *sourcesv1.SinkBinding {
	return sinkBinding(WithInitSinkBindingConditions, WithSinkBindingSink(sinkURL), WithSinkBindingOIDCFeatureDisabled, WithSinkBindingAvailable)
}

func deployment(src *sourcesv1.ContainerSource, opts ...func(*appsv1.Deployment)) *appsv1.Deployment {
	d := resources.MakeDeployment(src)
	for _, o := range opts {
		o(d)
	}
	return d
}

func available(d *appsv1.Deployment) {
	d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}
}

// withInjectedSink is what the SinkBinding webhook adds to the pods.
func withInjectedSink(d *appsv1.Deployment) {
	c := &d.Spec.Template.Spec.Containers[0]
	c.Env = append(c.Env,
		corev1.EnvVar{Name: "K_SINK", Value: sinkURL.String()},
		corev1.EnvVar{Name: "K_CE_OVERRIDES", Value: `{"extensions":{"team":"blue"}}`})
}

func withoutDeploymentOwner(d *appsv1.Deployment) { d.OwnerReferences = nil }

func reconciledEvent() string {
	return Eventf(corev1.EventTypeNormal, sourceReconciled, `ContainerSource reconciled: "%s/%s"`, testNS, sourceName)
}

func TestReconcile(t *testing.T) {
	v2 := source(WithContainerSourceSpec(spec("heartbeats:v2")))
	otherSink := &duckv1.Destination{URI: apis.HTTP("other.example")}

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:        "first reconcile: SinkBinding and Deployment created",
		Key:         key,
		Objects:     []runtime.Object{source()},
		WantCreates: []runtime.Object{sinkBinding(), deployment(source())},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, sinkBindingCreated, "SinkBinding created %q", sourceName+"-sinkbinding"),
			Eventf(corev1.EventTypeNormal, deploymentCreated, "Deployment created %q", sourceName+"-deployment"),
			reconciledEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(sinkBinding(), deployment(source())),
		}},
	}, {
		Name:    "binding ready and Deployment available: the source is ready with the binding's sink",
		Key:     key,
		Objects: []runtime.Object{source(), boundSinkBinding(), deployment(source(), available, withInjectedSink)},
		WantEvents: []string{
			reconciledEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: reconciled(boundSinkBinding(), deployment(source(), available)),
		}},
	}, {
		Name: "steady state",
		Key:  key,
		Objects: []runtime.Object{reconciled(boundSinkBinding(), deployment(source(), available)),
			boundSinkBinding(), deployment(source(), available, withInjectedSink)},
		WantEvents: []string{
			reconciledEvent(),
		},
	}, {
		Name: "binding not ready: the source reports why",
		Key:  key,
		Objects: []runtime.Object{reconciled(boundSinkBinding(), deployment(source(), available)),
			sinkBinding(WithInitSinkBindingConditions, WithSinkBindingUnavailable("NoAddressable", "Addressable could not be extracted from destination")),
			deployment(source(), available, withInjectedSink)},
		WantEvents: []string{
			reconciledEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1),
				WithContainerSourcePropagateSinkbindingStatus(&boundSinkBinding().Status),
				WithContainerSourcePropagateSinkbindingStatus(&sinkBinding(WithInitSinkBindingConditions,
					WithSinkBindingUnavailable("NoAddressable", "Addressable could not be extracted from destination")).Status),
				WithContainerSourcePropagateReceiveAdapterStatus(deployment(source(), available))),
		}},
	}, {
		Name: "a new sink is written to the SinkBinding",
		Key:  key,
		Objects: []runtime.Object{
			source(WithContainerSourceSpec(sourcesv1.ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: *otherSink}, Template: spec("heartbeats:v1").Template})),
			boundSinkBinding(), deployment(source(), available)},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: sinkBinding(WithInitSinkBindingConditions, WithSinkBindingSink(sinkURL), WithSinkBindingOIDCFeatureDisabled, WithSinkBindingAvailable,
				WithSink(*otherSink), func(sb *sourcesv1.SinkBinding) { sb.Spec.CloudEventOverrides = nil }),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, sinkBindingUpdated, "SinkBinding updated %q", sourceName+"-sinkbinding"),
			reconciledEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithContainerSourceSpec(sourcesv1.ContainerSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: *otherSink}, Template: spec("heartbeats:v1").Template}),
				WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1),
				WithContainerSourcePropagateSinkbindingStatus(&boundSinkBinding().Status),
				WithContainerSourcePropagateReceiveAdapterStatus(deployment(source(), available))),
		}},
	}, {
		Name:    "a new image rolls the Deployment",
		Key:     key,
		Objects: []runtime.Object{v2, boundSinkBinding(), deployment(source(), available, withInjectedSink)},
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: deployment(v2, available),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, deploymentUpdated, "Deployment updated %q", sourceName+"-deployment"),
			reconciledEvent(),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithContainerSourceSpec(spec("heartbeats:v2")), WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1),
				WithContainerSourcePropagateSinkbindingStatus(&boundSinkBinding().Status),
				WithContainerSourcePropagateReceiveAdapterStatus(deployment(source(), available))),
		}},
	}, {
		Name: "SinkBinding not owned by the source",
		Key:  key,
		Objects: []runtime.Object{source(), sinkBinding(WithInitSinkBindingConditions, WithSinkBindingSink(sinkURL), WithSinkBindingOIDCFeatureDisabled, WithSinkBindingAvailable, WithSinkBindingOwnerReferences()),
			deployment(source(), available)},
		WantErr: true,
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "SinkBinding %q is not owned by ContainerSource %q", sourceName+"-sinkbinding", sourceName),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1), WithContainerUnobservedGeneration()),
		}},
	}, {
		Name:    "Deployment not owned by the source",
		Key:     key,
		Objects: []runtime.Object{source(), boundSinkBinding(), deployment(source(), available, withoutDeploymentOwner)},
		WantErr: true,
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "deployment %q is not owned by ContainerSource %q", sourceName+"-deployment", sourceName),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1),
				WithContainerSourcePropagateSinkbindingStatus(&boundSinkBinding().Status)),
		}},
	}, {
		Name:    "creating the Deployment fails",
		Key:     key,
		Objects: []runtime.Object{source(), boundSinkBinding()},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "deployments"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{deployment(source())},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "creating new Deployment: inducing failure for create deployments"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1),
				WithContainerSourcePropagateSinkbindingStatus(&boundSinkBinding().Status)),
		}},
	}, {
		Name:    "creating the SinkBinding fails",
		Key:     key,
		Objects: []runtime.Object{source()},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "sinkbindings"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{sinkBinding()},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "creating new SinkBinding: inducing failure for create sinkbindings"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: source(WithInitContainerSourceConditions, WithContainerSourceStatusObservedGeneration(1), WithContainerUnobservedGeneration()),
		}},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			kubeClientSet:     fakekubeclient.Get(ctx),
			eventingClientSet: fakeclient.Get(ctx),
			sinkBindingLister: listers.GetSinkBindingLister(),
			deploymentLister:  listers.GetDeploymentLister(),
		}
		return containersourcereconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetContainerSourceLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}
