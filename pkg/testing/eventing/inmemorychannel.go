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

package eventing

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	"github.com/skiffhq/skiff/pkg/apis/messaging"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

// InMemoryChannelOption enables further configuration of an InMemoryChannel.
type InMemoryChannelOption func(*messagingv1.InMemoryChannel)

// NewInMemoryChannel creates an InMemoryChannel with options, then defaults it.
func NewInMemoryChannel(name, namespace string, imcopt ...InMemoryChannelOption) *messagingv1.InMemoryChannel {
	imc := &messagingv1.InMemoryChannel{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   namespace,
			Annotations: map[string]string{messaging.SubscribableDuckVersionAnnotation: "v1"},
		},
	}
	for _, opt := range imcopt {
		opt(imc)
	}
	imc.SetDefaults(context.Background())
	return imc
}

// WithInitInMemoryChannelConditions initializes the conditions.
func WithInitInMemoryChannelConditions(imc *messagingv1.InMemoryChannel) {
	imc.Status.InitializeConditions()
}

// WithInMemoryChannelGeneration sets metadata.generation.
func WithInMemoryChannelGeneration(gen int64) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Generation = gen
	}
}

// WithInMemoryChannelStatusObservedGeneration sets status.observedGeneration.
func WithInMemoryChannelStatusObservedGeneration(gen int64) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.ObservedGeneration = gen
	}
}

// WithInMemoryChannelDeleted marks the channel as being deleted.
func WithInMemoryChannelDeleted(imc *messagingv1.InMemoryChannel) {
	deleteTime := metav1.NewTime(time.Unix(1e9, 0))
	imc.ObjectMeta.SetDeletionTimestamp(&deleteTime)
}

// WithInMemoryChannelLabels sets the channel's labels.
func WithInMemoryChannelLabels(labels map[string]string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Labels = labels
	}
}

// WithInMemoryChannelOwnerReferences sets the channel's owner references.
func WithInMemoryChannelOwnerReferences(refs ...metav1.OwnerReference) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.OwnerReferences = refs
	}
}

// WithInMemoryChannelSubscribers sets spec.subscribers.
func WithInMemoryChannelSubscribers(subscribers []eventingduckv1.SubscriberSpec) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Spec.Subscribers = subscribers
	}
}

// WithInMemoryChannelDeploymentFailed marks DispatcherReady False.
func WithInMemoryChannelDeploymentFailed(reason, message string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkDispatcherFailed(reason, message)
	}
}

// WithInMemoryChannelDeploymentUnknown marks DispatcherReady Unknown.
func WithInMemoryChannelDeploymentUnknown(reason, message string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkDispatcherUnknown(reason, message)
	}
}

// WithInMemoryChannelFinalizers sets the channel's finalizers.
func WithInMemoryChannelFinalizers(finalizers ...string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Finalizers = finalizers
	}
}

// WithInMemoryChannelDeploymentReady propagates an available dispatcher Deployment.
func WithInMemoryChannelDeploymentReady() InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.PropagateDispatcherStatus(&appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}})
	}
}

// WithInMemoryChannelServicetNotReady is upstream's (misspelled) name for
// WithInMemoryChannelServiceNotReady.
func WithInMemoryChannelServicetNotReady(reason, message string) InMemoryChannelOption {
	return WithInMemoryChannelServiceNotReady(reason, message)
}

// WithInMemoryChannelServiceNotReady marks ServiceReady False.
func WithInMemoryChannelServiceNotReady(reason, message string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkServiceFailed(reason, message)
	}
}

// WithInMemoryChannelServiceReady marks ServiceReady True.
func WithInMemoryChannelServiceReady() InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkServiceTrue()
	}
}

// WithInMemoryChannelChannelServiceNotReady marks ChannelServiceReady False.
func WithInMemoryChannelChannelServiceNotReady(reason, message string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkChannelServiceFailed(reason, message)
	}
}

// WithInMemoryChannelChannelServiceReady marks ChannelServiceReady True.
func WithInMemoryChannelChannelServiceReady() InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkChannelServiceTrue()
	}
}

// WithInMemoryChannelEndpointsNotReady marks EndpointsReady False.
func WithInMemoryChannelEndpointsNotReady(reason, message string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkEndpointsFailed(reason, message)
	}
}

// WithInMemoryChannelEndpointsReady marks EndpointsReady True.
func WithInMemoryChannelEndpointsReady() InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkEndpointsTrue()
	}
}

// WithInMemoryChannelAddress sets the address through SetAddress.
func WithInMemoryChannelAddress(a duckv1.Addressable) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.SetAddress(&a)
	}
}

// WithInMemoryChannelAddresses sets status.addresses and marks Addressable.
func WithInMemoryChannelAddresses(addresses []duckv1.Addressable) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.Addresses = addresses
		imc.GetConditionSet().Manage(imc.GetStatus()).MarkTrue(messagingv1.InMemoryChannelConditionAddressable)
	}
}

// WithInMemoryChannelReady sets the address and marks the services and
// endpoints ready (the dead letter sink condition is left to the caller).
func WithInMemoryChannelReady(a duckv1.Addressable) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.SetAddress(&a)
		imc.Status.MarkChannelServiceTrue()
		imc.Status.MarkEndpointsTrue()
		imc.Status.MarkServiceTrue()
	}
}

// WithInMemoryChannelReadySubscriber adds a ready subscriber status.
func WithInMemoryChannelReadySubscriber(uid string) InMemoryChannelOption {
	return WithInMemoryChannelReadySubscriberAndGeneration(uid, 0)
}

// WithInMemoryChannelReadySubscriberAndGeneration adds a ready subscriber
// status at a generation.
func WithInMemoryChannelReadySubscriberAndGeneration(uid string, observedGeneration int64) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.Subscribers = append(imc.Status.Subscribers, eventingduckv1.SubscriberStatus{
			UID:                types.UID(uid),
			ObservedGeneration: observedGeneration,
			Ready:              corev1.ConditionTrue,
		})
	}
}

// WithInMemoryChannelDelivery sets spec.delivery.
func WithInMemoryChannelDelivery(d *eventingduckv1.DeliverySpec) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Spec.Delivery = d
	}
}

// WithInMemoryChannelStatusSubscribers sets status.subscribers.
func WithInMemoryChannelStatusSubscribers(subscriberStatuses []eventingduckv1.SubscriberStatus) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.Subscribers = subscriberStatuses
	}
}

// WithInMemoryChannelDuckAnnotationV1Beta1 resets the annotations to only
// the subscribable duck annotation (upstream's name; the value is "v1").
func WithInMemoryChannelDuckAnnotationV1Beta1(imc *messagingv1.InMemoryChannel) {
	imc.ObjectMeta.SetAnnotations(map[string]string{
		messaging.SubscribableDuckVersionAnnotation: "v1",
	})
}

// WithInMemoryScopeAnnotation sets the eventing.knative.dev/scope annotation.
func WithInMemoryScopeAnnotation(value string) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		if imc.Annotations == nil {
			imc.Annotations = make(map[string]string)
		}
		imc.Annotations[eventing.ScopeAnnotationKey] = value
	}
}

// WithInMemoryChannelStatusDLS marks the dead letter sink resolved to dls,
// or not configured when dls is nil.
func WithInMemoryChannelStatusDLS(dls *duckv1.Addressable) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		if dls == nil {
			imc.Status.MarkDeadLetterSinkNotConfigured()
			return
		}
		imc.Status.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.NewDeliveryStatusFromAddressable(dls))
	}
}

// WithInMemoryChannelDLSUnknown marks the dead letter sink not configured
// (upstream's name).
func WithInMemoryChannelDLSUnknown() InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkDeadLetterSinkNotConfigured()
	}
}

// WithInMemoryChannelDLSResolvedFailed marks the dead letter sink
// unresolvable, as the IMC reconciler does when its ref does not exist.
func WithInMemoryChannelDLSResolvedFailed() InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		imc.Status.MarkDeadLetterSinkResolvedFailed(
			"Unable to get the DeadLetterSink's URI",
			fmt.Sprintf(`failed to get object test-namespace/test-dls: services "%s" not found`,
				imc.Spec.Delivery.DeadLetterSink.Ref.Name,
			),
		)
	}
}

// WithDeadLetterSink sets the channel's spec.delivery.deadLetterSink.
func WithDeadLetterSink(d duckv1.Destination) InMemoryChannelOption {
	return func(imc *messagingv1.InMemoryChannel) {
		if imc.Spec.Delivery == nil {
			imc.Spec.Delivery = new(eventingduckv1.DeliverySpec)
		}
		imc.Spec.Delivery.DeadLetterSink = &d
	}
}
