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
package broker

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	fakedynamicclient "knative.dev/pkg/injection/clients/dynamicclient/fake"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/ptr"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"
	"sigs.k8s.io/yaml"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
	brokerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/broker"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"
)

// The seed's broker: default in knative-samples.
const (
	testNS     = "knative-samples"
	brokerName = "default"
	brokerUID  = "b0532795-0000-4459-898f-d63afea8307d"
	key        = testNS + "/" + brokerName

	channelName = "default-kne-trigger"
	channelHost = "default-kne-trigger-kn-channel.knative-samples.svc.cluster.local"
	channelURL  = "http://" + channelHost
	ingressURL  = "http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default"
)

var (
	exponential = eventingduckv1.BackoffPolicyExponential
	// The shipped config-br-defaults delivery.
	defaultDelivery = &eventingduckv1.DeliverySpec{
		Retry:         ptr.Int32(10),
		BackoffPolicy: &exponential,
		BackoffDelay:  ptr.String("PT0.2S"),
	}
	otherDelivery = &eventingduckv1.DeliverySpec{Retry: ptr.Int32(3)}

	dlsRef = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: testNS}}
)

func brokerConfig() *corev1.ConfigMap {
	return NewConfigMap("config-br-default-channel", SystemNamespace, map[string]string{
		"channel-template-spec": "apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\n",
	})
}

func filterEndpoints(ips ...string) *corev1.Endpoints {
	return NewEndpoints("broker-filter", SystemNamespace, ips...)
}

func ingressEndpoints(ips ...string) *corev1.Endpoints {
	return NewEndpoints("broker-ingress", SystemNamespace, ips...)
}

func newBroker(opts ...BrokerOption) *eventingv1.Broker {
	return NewBroker(brokerName, testNS, append([]BrokerOption{
		WithBrokerUID(brokerUID),
		WithBrokerDelivery(defaultDelivery.DeepCopy()),
	}, opts...)...)
}

func brokerOwnerRef() metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion:         "eventing.knative.dev/v1",
		Kind:               "Broker",
		Name:               brokerName,
		UID:                types.UID(brokerUID),
		Controller:         ptr.Bool(true),
		BlockOwnerDeletion: ptr.Bool(true),
	}
}

// triggerChannel is the broker's channel as the cluster holds it.
func triggerChannel(opts ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	return NewInMemoryChannel(channelName, testNS, append([]InMemoryChannelOption{
		WithInMemoryChannelOwnerReferences(brokerOwnerRef()),
		WithInMemoryChannelLabels(map[string]string{
			eventing.BrokerLabelKey:                 brokerName,
			"eventing.knative.dev/brokerEverything": "true",
		}),
		WithInMemoryScopeAnnotation(eventing.ScopeCluster),
		WithInMemoryChannelDelivery(defaultDelivery.DeepCopy()),
	}, opts...)...)
}

func withChannelAddress(imc *messagingv1.InMemoryChannel) {
	imc.Status.SetAddress(&duckv1.Addressable{URL: apis.HTTP(channelHost)})
}

// readyBroker is the broker once everything it depends on works.
func readyBroker(opts ...BrokerOption) *eventingv1.Broker {
	return newBroker(append([]BrokerOption{
		WithInitBrokerConditions,
		WithTriggerChannelReady(),
		WithChannelAddressAnnotation(channelURL),
		WithChannelAPIVersionAnnotation("messaging.knative.dev/v1"),
		WithChannelKindAnnotation("InMemoryChannel"),
		WithChannelNameAnnotation(channelName),
		WithFilterAvailable(),
		WithIngressAvailable(),
		WithDLSNotConfigured(),
		WithBrokerAddressURI(mustParseURL(ingressURL)),
	}, opts...)...)
}

func mustParseURL(s string) *apis.URL {
	u, err := apis.ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

// fromYAML reads an expected Unstructured written as the user would see it.
func fromYAML(t *testing.T, y string) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReconcile(t *testing.T) {
	// The channel the seed's broker gets: an InMemoryChannel named after the
	// broker, owned by it, carrying the broker's delivery defaults.
	wantChannel := fromYAML(t, `
apiVersion: messaging.knative.dev/v1
kind: InMemoryChannel
metadata:
  name: default-kne-trigger
  namespace: knative-samples
  creationTimestamp: null
  labels:
    eventing.knative.dev/broker: default
    eventing.knative.dev/brokerEverything: "true"
  annotations:
    eventing.knative.dev/scope: cluster
  ownerReferences:
  - apiVersion: eventing.knative.dev/v1
    kind: Broker
    name: default
    uid: b0532795-0000-4459-898f-d63afea8307d
    controller: true
    blockOwnerDeletion: true
spec:
  delivery:
    retry: 10
    backoffPolicy: exponential
    backoffDelay: PT0.2S
`)

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:    "broker of another class is left alone",
		Key:     key,
		Objects: []runtime.Object{newBroker(WithBrokerClass("OtherBrokerClass")), brokerConfig()},
	}, {
		Name:    "broker config ConfigMap missing",
		Key:     key,
		Objects: []runtime.Object{newBroker()},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelFailed("ChannelTemplateFailed", `Error on setting up the ChannelTemplate: getting broker config knative-eventing/config-br-default-channel: configmap "config-br-default-channel" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `getting broker config knative-eventing/config-br-default-channel: configmap "config-br-default-channel" not found`),
		},
	}, {
		Name: "broker config without a channel template",
		Key:  key,
		Objects: []runtime.Object{newBroker(),
			NewConfigMap("config-br-default-channel", SystemNamespace, map[string]string{"other": "x"})},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelFailed("ChannelTemplateFailed", "Error on setting up the ChannelTemplate: parsing broker config knative-eventing/config-br-default-channel: empty or missing value for config")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "parsing broker config knative-eventing/config-br-default-channel: empty or missing value for config"),
		},
	}, {
		Name:    "broker config of an unsupported kind",
		Key:     key,
		Objects: []runtime.Object{newBroker(WithBrokerConfig(&duckv1.KReference{APIVersion: "v1", Kind: "Secret", Name: "s", Namespace: testNS}))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithBrokerConfig(&duckv1.KReference{APIVersion: "v1", Kind: "Secret", Name: "s", Namespace: testNS}),
				WithInitBrokerConditions,
				WithTriggerChannelFailed("ChannelTemplateFailed", `Error on setting up the ChannelTemplate: broker.spec.config kind "Secret" is not supported, only [kind: ConfigMap, apiVersion: v1]`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `broker.spec.config kind "Secret" is not supported, only [kind: ConfigMap, apiVersion: v1]`),
		},
	}, {
		Name:        "first reconcile creates the trigger channel",
		Key:         key,
		Objects:     []runtime.Object{newBroker(), brokerConfig()},
		WantCreates: []runtime.Object{wantChannel},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelFailed("NoAddress", "Channel does not have an address.")),
		}},
	}, {
		Name:    "trigger channel create fails",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig()},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "inmemorychannels"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{wantChannel},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelFailed("ChannelFailure", "failed to create channel knative-samples/default-kne-trigger: inducing failure for create inmemorychannels")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to reconcile trigger channel: failed to create channel knative-samples/default-kne-trigger: inducing failure for create inmemorychannels"),
		},
	}, {
		Name:    "trigger channel not owned by the broker",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel(WithInMemoryChannelOwnerReferences(), withChannelAddress)},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelFailed("ChannelFailure", `broker "default" does not own channel "default-kne-trigger"`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `failed to reconcile trigger channel: broker "default" does not own channel "default-kne-trigger"`),
		},
	}, {
		Name:    "trigger channel has no address yet",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelFailed("NoAddress", "Channel does not have an address.")),
		}},
	}, {
		Name: "broker delivery changed: trigger channel patched",
		Key:  key,
		Objects: []runtime.Object{newBroker(WithBrokerDelivery(otherDelivery)), brokerConfig(),
			triggerChannel(withChannelAddress), filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2")},
		WantPatches: []clientgotesting.PatchActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{
				Namespace: testNS,
				Verb:      "patch",
				Resource:  messagingv1.SchemeGroupVersion.WithResource("inmemorychannels"),
			},
			Name:      channelName,
			PatchType: types.MergePatchType,
			Patch:     []byte(`{"spec":{"delivery":{"backoffDelay":null,"backoffPolicy":null,"retry":3}}}`),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyBroker(WithBrokerDelivery(otherDelivery)),
		}},
	}, {
		Name: "trigger channel lost its broker label: label restored, other metadata kept",
		Key:  key,
		Objects: []runtime.Object{newBroker(), brokerConfig(),
			triggerChannel(withChannelAddress, WithInMemoryChannelLabels(map[string]string{"team": "a"})),
			filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2")},
		WantPatches: []clientgotesting.PatchActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{
				Namespace: testNS,
				Verb:      "patch",
				Resource:  messagingv1.SchemeGroupVersion.WithResource("inmemorychannels"),
			},
			Name:      channelName,
			PatchType: types.MergePatchType,
			Patch:     []byte(`{"metadata":{"labels":{"eventing.knative.dev/broker":"default","eventing.knative.dev/brokerEverything":"true"}}}`),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyBroker(),
		}},
	}, {
		Name:    "patching the trigger channel fails",
		Key:     key,
		Objects: []runtime.Object{newBroker(WithBrokerDelivery(otherDelivery)), brokerConfig(), triggerChannel(withChannelAddress)},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("patch", "inmemorychannels"),
		},
		WantErr: true,
		WantPatches: []clientgotesting.PatchActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{
				Namespace: testNS,
				Verb:      "patch",
				Resource:  messagingv1.SchemeGroupVersion.WithResource("inmemorychannels"),
			},
			Name:      channelName,
			PatchType: types.MergePatchType,
			Patch:     []byte(`{"spec":{"delivery":{"backoffDelay":null,"backoffPolicy":null,"retry":3}}}`),
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithBrokerDelivery(otherDelivery), WithInitBrokerConditions,
				WithTriggerChannelFailed("ChannelFailure", "patching channel knative-samples/default-kne-trigger: inducing failure for patch inmemorychannels")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to reconcile trigger channel: patching channel knative-samples/default-kne-trigger: inducing failure for patch inmemorychannels"),
		},
	}, {
		Name:    "broker-filter endpoints missing",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel(withChannelAddress), ingressEndpoints("10.0.0.2")},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelReady(),
				WithChannelAddressAnnotation(channelURL),
				WithChannelAPIVersionAnnotation("messaging.knative.dev/v1"),
				WithChannelKindAnnotation("InMemoryChannel"),
				WithChannelNameAnnotation(channelName),
				WithFilterFailed("ServiceFailure", `endpoints "broker-filter" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `getting broker-filter endpoints: endpoints "broker-filter" not found`),
		},
	}, {
		Name:    "broker-ingress endpoints missing",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel(withChannelAddress), filterEndpoints("10.0.0.1")},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithInitBrokerConditions,
				WithTriggerChannelReady(),
				WithChannelAddressAnnotation(channelURL),
				WithChannelAPIVersionAnnotation("messaging.knative.dev/v1"),
				WithChannelKindAnnotation("InMemoryChannel"),
				WithChannelNameAnnotation(channelName),
				WithFilterAvailable(),
				WithIngressFailed("ServiceFailure", `endpoints "broker-ingress" not found`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `getting broker-ingress endpoints: endpoints "broker-ingress" not found`),
		},
	}, {
		Name:    "no ready broker-filter and broker-ingress pods: broker addressable but not ready",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel(withChannelAddress), filterEndpoints(), ingressEndpoints()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyBroker(
				WithFilterFailed("EndpointsUnavailable", `Endpoints "broker-filter" are unavailable.`),
				WithIngressFailed("EndpointsUnavailable", `Endpoints "broker-ingress" are unavailable.`)),
		}},
	}, {
		Name:    "seed: broker default becomes ready with the channel address and the ingress URL",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel(withChannelAddress), filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2")},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyBroker(),
		}},
	}, {
		Name:    "steady state",
		Key:     key,
		Objects: []runtime.Object{readyBroker(), brokerConfig(), triggerChannel(withChannelAddress), filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2")},
	}, {
		Name: "dead letter sink resolved",
		Key:  key,
		Objects: []runtime.Object{newBroker(WithBrokerDeadLetterSink(dlsRef)), brokerConfig(),
			triggerChannel(withChannelAddress, WithInMemoryChannelDelivery(&eventingduckv1.DeliverySpec{
				Retry: ptr.Int32(10), BackoffPolicy: &exponential, BackoffDelay: ptr.String("PT0.2S"), DeadLetterSink: &dlsRef,
			})),
			filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2"), NewService("dls", testNS)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyBroker(WithBrokerDeadLetterSink(dlsRef),
				WithBrokerStatusDLS(duckv1.Addressable{URL: apis.HTTP("dls.knative-samples.svc.cluster.local")})),
		}},
	}, {
		Name: "dead letter sink missing",
		Key:  key,
		Objects: []runtime.Object{newBroker(WithBrokerDeadLetterSink(dlsRef)), brokerConfig(),
			triggerChannel(withChannelAddress, WithInMemoryChannelDelivery(&eventingduckv1.DeliverySpec{
				Retry: ptr.Int32(10), BackoffPolicy: &exponential, BackoffDelay: ptr.String("PT0.2S"), DeadLetterSink: &dlsRef,
			})),
			filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2")},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newBroker(WithBrokerDeadLetterSink(dlsRef),
				WithInitBrokerConditions,
				WithTriggerChannelReady(),
				WithChannelAddressAnnotation(channelURL),
				WithChannelAPIVersionAnnotation("messaging.knative.dev/v1"),
				WithChannelKindAnnotation("InMemoryChannel"),
				WithChannelNameAnnotation(channelName),
				WithFilterAvailable(),
				WithIngressAvailable(),
				func(b *eventingv1.Broker) {
					b.Status.MarkDeadLetterSinkResolvedFailed("Unable to get the dead letter sink's URI",
						`failed to get object knative-samples/dls: services "dls" not found`)
				}),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `resolving the dead letter sink: failed to get object knative-samples/dls: services "dls" not found`),
		},
	}, {
		Name:    "status update fails",
		Key:     key,
		Objects: []runtime.Object{newBroker(), brokerConfig(), triggerChannel(withChannelAddress), filterEndpoints("10.0.0.1"), ingressEndpoints("10.0.0.2")},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "brokers"),
		},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: readyBroker(),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "UpdateFailed", `Failed to update status for "default": inducing failure for update brokers`),
		},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			dynamicClientSet:   fakedynamicclient.Get(ctx),
			endpointsLister:    listers.GetEndpointsLister(),
			configmapLister:    listers.GetConfigMapLister(),
			channelableTracker: duck.NewListableTrackerFromTracker(ctx, channelable.Get, tracker.New(func(types.NamespacedName) {}, 0)),
			uriResolver:        resolver.NewURIResolverFromTracker(ctx, tracker.New(func(types.NamespacedName) {}, 0)),
		}
		return brokerreconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetBrokerLister(),
			controller.GetEventRecorder(ctx), r, eventing.MTChannelBrokerClassValue)
	}, logger))
}
