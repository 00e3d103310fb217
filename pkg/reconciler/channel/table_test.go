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
package channel

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
	"knative.dev/pkg/tracker"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
	channelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/channel"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"
)

const (
	testNS      = "knative-samples"
	channelName = "events"
	channelUID  = "9d1c2b3a-0000-4000-8000-000000000003"
	key         = testNS + "/" + channelName
	channelHost = "events-kn-channel.knative-samples.svc.cluster.local"
)

var (
	backingRef = &duckv1.KReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: channelName, Namespace: testNS}
	dls        = duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service", Name: "dls", Namespace: testNS}}
	dlsStatus  = eventingduckv1.DeliveryStatus{DeadLetterSinkURI: apis.HTTP("dls.knative-samples.svc.cluster.local")}
)

// newChannel is a Channel as the webhook leaves it: InMemoryChannel template
// from default-ch-webhook.
func newChannel(opts ...ChannelOption) *messagingv1.Channel {
	return NewChannel(channelName, testNS, append([]ChannelOption{
		func(c *messagingv1.Channel) { c.UID = channelUID },
	}, opts...)...)
}

func ownerRef() metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion:         "messaging.knative.dev/v1",
		Kind:               "Channel",
		Name:               channelName,
		UID:                channelUID,
		Controller:         ptr.Bool(true),
		BlockOwnerDeletion: ptr.Bool(true),
	}
}

func backing(opts ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	return NewInMemoryChannel(channelName, testNS, append([]InMemoryChannelOption{
		WithInMemoryChannelOwnerReferences(ownerRef()),
	}, opts...)...)
}

// readyBacking is the backing channel once its controller made it ready.
func readyBacking(opts ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	return backing(append([]InMemoryChannelOption{
		WithInitInMemoryChannelConditions,
		WithInMemoryChannelDeploymentReady(),
		WithInMemoryChannelReady(duckv1.Addressable{URL: apis.HTTP(channelHost)}),
		WithInMemoryChannelStatusDLS(nil),
		WithInMemoryChannelReadySubscriberAndGeneration("sub-uid", 1),
	}, opts...)...)
}

func TestReconcile(t *testing.T) {
	wantBacking := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "messaging.knative.dev/v1",
		"kind":       "InMemoryChannel",
		"metadata": map[string]interface{}{
			"name":              channelName,
			"namespace":         testNS,
			"creationTimestamp": nil,
			"ownerReferences": []interface{}{map[string]interface{}{
				"apiVersion":         "messaging.knative.dev/v1",
				"kind":               "Channel",
				"name":               channelName,
				"uid":                channelUID,
				"controller":         true,
				"blockOwnerDeletion": true,
			}},
		},
	}}

	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
	}, {
		Name: "key not found",
		Key:  "foo/not-found",
	}, {
		Name:        "first reconcile creates the backing InMemoryChannel",
		Key:         key,
		Objects:     []runtime.Object{newChannel()},
		WantCreates: []runtime.Object{wantBacking},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithInitChannelConditions, WithBackingChannelObjRef(backingRef),
				func(c *messagingv1.Channel) { c.Status.MarkBackingChannelNotConfigured() },
				WithChannelNoAddress(), WithChannelDLSUnknown()),
		}},
	}, {
		Name:    "creating the backing channel fails",
		Key:     key,
		Objects: []runtime.Object{newChannel()},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "inmemorychannels"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{wantBacking},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithInitChannelConditions,
				WithBackingChannelFailed("ChannelFailure", "creating the backing channel: inducing failure for create inmemorychannels")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "problem reconciling the backing channel: creating the backing channel: inducing failure for create inmemorychannels"),
		},
	}, {
		Name:    "backing channel ready: the Channel mirrors its address and subscribers",
		Key:     key,
		Objects: []runtime.Object{newChannel(), readyBacking()},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithInitChannelConditions, WithBackingChannelObjRef(backingRef), WithBackingChannelReady,
				WithChannelAddress(&duckv1.Addressable{Name: ptr.String("http"), URL: apis.HTTP(channelHost)}),
				WithChannelReadySubscriberAndGeneration("sub-uid", 1), WithChannelDLSUnknown()),
		}},
	}, {
		Name: "steady state",
		Key:  key,
		Objects: []runtime.Object{
			newChannel(WithInitChannelConditions, WithBackingChannelObjRef(backingRef), WithBackingChannelReady,
				WithChannelAddress(&duckv1.Addressable{Name: ptr.String("http"), URL: apis.HTTP(channelHost)}),
				WithChannelReadySubscriberAndGeneration("sub-uid", 1), WithChannelDLSUnknown()),
			readyBacking()},
	}, {
		Name:    "backing channel failed",
		Key:     key,
		Objects: []runtime.Object{newChannel(), readyBacking(WithInMemoryChannelEndpointsNotReady("DispatcherEndpointsNotReady", "no pods"))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithInitChannelConditions, WithBackingChannelObjRef(backingRef),
				WithBackingChannelFailed("DispatcherEndpointsNotReady", "no pods"),
				WithChannelAddress(&duckv1.Addressable{Name: ptr.String("http"), URL: apis.HTTP(channelHost)}),
				WithChannelReadySubscriberAndGeneration("sub-uid", 1), WithChannelDLSUnknown()),
		}},
	}, {
		Name:    "backing channel not owned by the Channel",
		Key:     key,
		Objects: []runtime.Object{newChannel(), readyBacking(WithInMemoryChannelOwnerReferences())},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithInitChannelConditions,
				WithBackingChannelFailed("ChannelFailure", `channel "events" does not own backing InMemoryChannel "events"`)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `problem reconciling the backing channel: channel "events" does not own backing InMemoryChannel "events"`),
		},
	}, {
		Name:    "Channel delivery changed: backing channel patched",
		Key:     key,
		Objects: []runtime.Object{newChannel(WithChannelDelivery(&eventingduckv1.DeliverySpec{Retry: ptr.Int32(4)})), readyBacking()},
		WantPatches: []clientgotesting.PatchActionImpl{{
			Name:  channelName,
			Patch: []byte(`{"spec":{"delivery":{"retry":4}}}`),
			ActionImpl: clientgotesting.ActionImpl{
				Namespace: testNS,
			},
		}},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithChannelDelivery(&eventingduckv1.DeliverySpec{Retry: ptr.Int32(4)}),
				WithInitChannelConditions, WithBackingChannelObjRef(backingRef), WithBackingChannelReady,
				WithChannelAddress(&duckv1.Addressable{Name: ptr.String("http"), URL: apis.HTTP(channelHost)}),
				WithChannelReadySubscriberAndGeneration("sub-uid", 1), WithChannelDLSUnknown()),
		}},
	}, {
		Name: "dead letter sink resolved by the backing channel",
		Key:  key,
		Objects: []runtime.Object{newChannel(WithChannelDelivery(&eventingduckv1.DeliverySpec{DeadLetterSink: &dls})),
			readyBacking(WithInMemoryChannelDelivery(&eventingduckv1.DeliverySpec{DeadLetterSink: &dls}),
				WithInMemoryChannelStatusDLS(&duckv1.Addressable{URL: dlsStatus.DeadLetterSinkURI}))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithChannelDelivery(&eventingduckv1.DeliverySpec{DeadLetterSink: &dls}),
				WithInitChannelConditions, WithBackingChannelObjRef(backingRef), WithBackingChannelReady,
				WithChannelAddress(&duckv1.Addressable{Name: ptr.String("http"), URL: apis.HTTP(channelHost)}),
				WithChannelReadySubscriberAndGeneration("sub-uid", 1), WithChannelStatusDLS(dlsStatus)),
		}},
	}, {
		Name: "dead letter sink not resolved by the backing channel yet",
		Key:  key,
		Objects: []runtime.Object{newChannel(WithChannelDelivery(&eventingduckv1.DeliverySpec{DeadLetterSink: &dls})),
			backing(WithInMemoryChannelDelivery(&eventingduckv1.DeliverySpec{DeadLetterSink: &dls}))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: newChannel(WithChannelDelivery(&eventingduckv1.DeliverySpec{DeadLetterSink: &dls}),
				WithInitChannelConditions, WithBackingChannelObjRef(backingRef),
				func(c *messagingv1.Channel) { c.Status.MarkBackingChannelNotConfigured() },
				WithChannelNoAddress(),
				func(c *messagingv1.Channel) {
					c.Status.MarkDeadLetterSinkResolvedFailed("Backing Channel events didn't set status.deadLetterSinkURI", "")
				}),
		}},
	}}

	logger := logtesting.TestLogger(t)
	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			dynamicClientSet:   fakedynamicclient.Get(ctx),
			channelableTracker: duck.NewListableTrackerFromTracker(ctx, channelable.Get, tracker.New(func(types.NamespacedName) {}, 0)),
		}
		return channelreconciler.NewReconciler(ctx, logger, fakeclient.Get(ctx), listers.GetChannelLister(),
			controller.GetEventRecorder(ctx), r)
	}, logger))
}
