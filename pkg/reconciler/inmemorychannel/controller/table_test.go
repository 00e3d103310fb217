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
package controller

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
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

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	inmemorychannelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/inmemorychannel"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"
)

// The seed's channel: default-kne-trigger in knative-samples.
const (
	testNS      = "knative-samples"
	imcName     = "default-kne-trigger"
	imcUID      = "4e3f1b4c-0000-4000-8000-000000000002"
	key         = testNS + "/" + imcName
	serviceName = "default-kne-trigger-kn-channel"
	channelHost = "default-kne-trigger-kn-channel.knative-samples.svc.cluster.local"
	// Where every channel Service points.
	dispatcherHost = "imc-dispatcher.knative-eventing.svc.cluster.local"
)

var dls = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: testNS}}

func newIMC(opts ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	return NewInMemoryChannel(imcName, testNS, append([]InMemoryChannelOption{
		func(imc *messagingv1.InMemoryChannel) { imc.UID = imcUID },
	}, opts...)...)
}

// readyIMC is the channel with a working dispatcher and its Service.
func readyIMC(opts ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	return newIMC(append([]InMemoryChannelOption{
		WithInitInMemoryChannelConditions,
		WithInMemoryChannelDeploymentReady(),
		WithInMemoryChannelServiceReady(),
		WithInMemoryChannelEndpointsReady(),
		WithInMemoryChannelChannelServiceReady(),
		WithInMemoryChannelStatusDLS(nil),
		WithInMemoryChannelAddress(duckv1.Addressable{URL: apis.HTTP(channelHost)}),
	}, opts...)...)
}

// channelService is the channel's Service as MakeChannelService builds it.
func channelService(opts ...ServiceOption) *corev1.Service {
	return NewService(serviceName, testNS, append([]ServiceOption{
		WithServiceLabels(map[string]string{"messaging.knative.dev/role": "in-memory-channel"}),
		WithServiceOwnerReferences(metav1.OwnerReference{
			APIVersion:         "messaging.knative.dev/v1",
			Kind:               "InMemoryChannel",
			Name:               imcName,
			UID:                imcUID,
			Controller:         ptr.Bool(true),
			BlockOwnerDeletion: ptr.Bool(true),
		}),
		WithExternalName(dispatcherHost),
		func(s *corev1.Service) {
			s.Spec.Ports = []corev1.ServicePort{{Name: "http", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt32(80)}}
		},
	}, opts...)...)
}

// asStored is how the API server returns a Service it defaulted.
func asStored(s *corev1.Service) {
	s.Spec.SessionAffinity = corev1.ServiceAffinityNone
}

// dispatcher is the shared imc-dispatcher: Deployment, Service, Endpoints.
func dispatcher(available corev1.ConditionStatus, ips ...string) []runtime.Object {
	return []runtime.Object{
		NewDeployment("imc-dispatcher", SystemNamespace, available),
		NewService("imc-dispatcher", SystemNamespace),
		NewEndpoints("imc-dispatcher", SystemNamespace, ips...),
	}
}

func objects(objs ...interface{}) []runtime.Object {
	var out []runtime.Object
	for _, o := range objs {
		switch o := o.(type) {
		case runtime.Object:
			out = append(out, o)
		case []runtime.Object:
			out = append(out, o...)
		}
	}
	return out
}

func TestReconcile(t *testing.T) {
	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:    "dispatcher Deployment missing",
		Key:     key,
		Objects: []runtime.Object{newIMC()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithInitInMemoryChannelConditions,
				WithInMemoryChannelDeploymentFailed("DispatcherDeploymentDoesNotExist", "Dispatcher Deployment does not exist")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "DispatcherDeploymentFailed", `Reconciling dispatcher Deployment failed with: deployment.apps "imc-dispatcher" not found`),
		},
	}, {
		Name: "dispatcher Service missing",
		Key:  key,
		Objects: []runtime.Object{newIMC(),
			NewDeployment("imc-dispatcher", SystemNamespace, corev1.ConditionTrue)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithInitInMemoryChannelConditions, WithInMemoryChannelDeploymentReady(),
				WithInMemoryChannelServiceNotReady("DispatcherServiceDoesNotExist", "Dispatcher Service does not exist")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "DispatcherServiceFailed", `Reconciling dispatcher Service failed: service "imc-dispatcher" not found`),
		},
	}, {
		Name: "dispatcher Endpoints missing",
		Key:  key,
		Objects: []runtime.Object{newIMC(),
			NewDeployment("imc-dispatcher", SystemNamespace, corev1.ConditionTrue), NewService("imc-dispatcher", SystemNamespace)},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithInitInMemoryChannelConditions, WithInMemoryChannelDeploymentReady(), WithInMemoryChannelServiceReady(),
				WithInMemoryChannelEndpointsNotReady("DispatcherEndpointsDoesNotExist", "Dispatcher Endpoints does not exist")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `getting dispatcher endpoints: endpoints "imc-dispatcher" not found`),
		},
	}, {
		Name:    "no ready dispatcher pod",
		Key:     key,
		Objects: objects(newIMC(), dispatcher(corev1.ConditionFalse)),
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithInitInMemoryChannelConditions, WithInMemoryChannelServiceReady(),
				WithInMemoryChannelDeploymentFailed("DispatcherDeploymentFalse", "The status of Dispatcher Deployment is False:  : "),
				WithInMemoryChannelEndpointsNotReady("DispatcherEndpointsNotReady", "There are no endpoints ready for Dispatcher service")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "there are no endpoints ready for Dispatcher service"),
		},
	}, {
		Name:        "seed: channel default-kne-trigger gets its ExternalName Service and address",
		Key:         key,
		Objects:     objects(newIMC(), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
		WantCreates: []runtime.Object{channelService()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyIMC(),
		}},
	}, {
		Name:    "steady state (Service as the API server defaulted it)",
		Key:     key,
		Objects: objects(readyIMC(), channelService(asStored), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
	}, {
		Name:    "channel Service pointed elsewhere: repaired",
		Key:     key,
		Objects: objects(readyIMC(), channelService(asStored, WithExternalName("evil.example.com")), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: channelService(),
		}},
	}, {
		Name:    "channel Service not owned by the channel",
		Key:     key,
		Objects: objects(newIMC(), channelService(WithServiceOwnerReferences()), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithInitInMemoryChannelConditions, WithInMemoryChannelDeploymentReady(), WithInMemoryChannelServiceReady(),
				WithInMemoryChannelEndpointsReady(),
				WithInMemoryChannelChannelServiceNotReady("ChannelServiceFailed", `Channel Service failed: inmemorychannel: knative-samples/default-kne-trigger does not own Service: "default-kne-trigger-kn-channel"`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `inmemorychannel: knative-samples/default-kne-trigger does not own Service: "default-kne-trigger-kn-channel"`),
		},
	}, {
		Name:    "creating the channel Service fails",
		Key:     key,
		Objects: objects(newIMC(), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "services"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{channelService()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithInitInMemoryChannelConditions, WithInMemoryChannelDeploymentReady(), WithInMemoryChannelServiceReady(),
				WithInMemoryChannelEndpointsReady(),
				WithInMemoryChannelChannelServiceNotReady("ChannelServiceFailed", "Channel Service failed: inducing failure for create services")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "creating channel service: inducing failure for create services"),
		},
	}, {
		Name:    "dead letter sink resolved",
		Key:     key,
		Objects: objects(newIMC(WithDeadLetterSink(dls)), channelService(asStored), NewService("dls", testNS), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyIMC(WithDeadLetterSink(dls), WithInMemoryChannelStatusDLS(&duckv1.Addressable{URL: apis.HTTP("dls.knative-samples.svc.cluster.local")})),
		}},
	}, {
		Name:    "dead letter sink missing",
		Key:     key,
		Objects: objects(newIMC(WithDeadLetterSink(dls)), channelService(asStored), dispatcher(corev1.ConditionTrue, "10.0.0.3")),
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newIMC(WithDeadLetterSink(dls), WithInitInMemoryChannelConditions, WithInMemoryChannelDeploymentReady(), WithInMemoryChannelServiceReady(),
				WithInMemoryChannelEndpointsReady(), WithInMemoryChannelChannelServiceReady(),
				func(imc *messagingv1.InMemoryChannel) {
					imc.Status.MarkDeadLetterSinkResolvedFailed("Unable to get the DeadLetterSink's URI", `failed to get object knative-samples/dls: services "dls" not found`)
				}),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `failed to resolve Dead Letter Sink URI: failed to get object knative-samples/dls: services "dls" not found`),
		},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			kubeClientSet:    fakekubeclient.Get(ctx),
			systemNamespace:  SystemNamespace,
			deploymentLister: listers.GetDeploymentLister(),
			serviceLister:    listers.GetServiceLister(),
			endpointsLister:  listers.GetEndpointsLister(),
			uriResolver:      resolver.NewURIResolverFromTracker(ctx, tracker.New(func(types.NamespacedName) {}, 0)),
		}
		return inmemorychannelreconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetInMemoryChannelLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}
