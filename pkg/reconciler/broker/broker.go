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

// Package broker reconciles Brokers of class MTChannelBasedBroker: each gets
// a trigger channel (<broker>-kne-trigger, of the kind its config names) and
// is served by the shared broker-ingress and broker-filter in the system
// namespace.
package broker

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/system"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	brokerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/broker"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources/names"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

// Reconciler reconciles channel-based Brokers.
type Reconciler struct {
	dynamicClientSet dynamic.Interface

	// endpointsLister only sees the system namespace.
	endpointsLister corev1listers.EndpointsLister
	configmapLister corev1listers.ConfigMapLister

	channelableTracker duck.ListableTracker
	uriResolver        *resolver.URIResolver
}

// Check that our Reconciler implements Interface.
var _ brokerreconciler.Interface = (*Reconciler)(nil)

// ReconcileKind makes sure the broker's trigger channel exists and mirrors
// its address into the broker, then reports the shared filter and ingress
// and the dead-letter sink, and finally gives the broker its ingress
// address.
func (r *Reconciler) ReconcileKind(ctx context.Context, b *eventingv1.Broker) pkgreconciler.Event {
	triggerChan, err := r.reconcileTriggerChannel(ctx, b)
	if err != nil {
		return err
	}
	if triggerChan == nil {
		// The channel has no address yet; it is tracked, so its update
		// brings us back.
		return nil
	}

	for _, phase := range []func(context.Context, *eventingv1.Broker) error{
		r.reconcileFilter,
		r.reconcileIngress,
		r.reconcileDeadLetterSink,
	} {
		if err := phase(ctx, b); err != nil {
			return err
		}
	}

	b.Status.SetAddress(ingressAddress(b))
	return nil
}

// channelTemplate reads the trigger channel's kind from the ConfigMap the
// broker's spec.config names.
func (r *Reconciler) channelTemplate(b *eventingv1.Broker) (*messagingv1.ChannelTemplateSpec, error) {
	ref := b.Spec.Config
	if ref == nil {
		return nil, errors.New("broker.spec.config is not set")
	}
	if ref.Kind != "ConfigMap" {
		return nil, fmt.Errorf("broker.spec.config kind %q is not supported, only [kind: ConfigMap, apiVersion: v1]", ref.Kind)
	}
	if ref.Namespace == "" || ref.Name == "" {
		return nil, errors.New("broker.spec.config name and namespace are required")
	}
	cm, err := r.configmapLister.ConfigMaps(ref.Namespace).Get(ref.Name)
	if err != nil {
		return nil, fmt.Errorf("getting broker config %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	config, err := NewConfigFromConfigMap(cm)
	if err != nil {
		return nil, fmt.Errorf("parsing broker config %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	return &config.DefaultChannelTemplate, nil
}

// ingressAddress is http://broker-ingress.<system ns>.svc.cluster.local/<ns>/<broker>.
func ingressAddress(b *eventingv1.Broker) *duckv1.Addressable {
	url := apis.HTTP(names.IngressHost())
	url.Path = names.IngressPath(b.Namespace, b.Name)
	return &duckv1.Addressable{URL: url}
}

// propagateTriggerChannel records where the trigger channel is (for the
// ingress and the triggers) and marks TriggerChannelReady.
func propagateTriggerChannel(b *eventingv1.Broker, ref corev1.ObjectReference, ch *eventingduckv1.Channelable) {
	if b.Status.Annotations == nil {
		b.Status.Annotations = make(map[string]string, 4)
	}
	b.Status.Annotations[eventing.BrokerChannelAddressStatusAnnotationKey] = ch.Status.Address.URL.String()
	b.Status.Annotations[eventing.BrokerChannelKindStatusAnnotationKey] = ref.Kind
	b.Status.Annotations[eventing.BrokerChannelAPIVersionStatusAnnotationKey] = ref.APIVersion
	b.Status.Annotations[eventing.BrokerChannelNameStatusAnnotationKey] = ref.Name
	if caCerts := ch.Status.Address.CACerts; caCerts != nil && *caCerts != "" {
		b.Status.Annotations[eventing.BrokerChannelCACertsStatusAnnotationKey] = *caCerts
	} else {
		delete(b.Status.Annotations, eventing.BrokerChannelCACertsStatusAnnotationKey)
	}
	b.Status.PropagateTriggerChannelReadiness(&eventingduckv1.ChannelableStatus{
		AddressStatus:  ch.Status.AddressStatus,
		DeliveryStatus: ch.Status.DeliveryStatus,
	})
}

func (r *Reconciler) reconcileFilter(ctx context.Context, b *eventingv1.Broker) error {
	ep, err := r.endpointsLister.Endpoints(system.Namespace()).Get(names.BrokerFilterName)
	if err != nil {
		logging.FromContext(ctx).Errorw("Problem getting endpoints for filter", zap.String("namespace", system.Namespace()), zap.Error(err))
		b.Status.MarkFilterFailed("ServiceFailure", "%v", err)
		return fmt.Errorf("getting broker-filter endpoints: %w", err)
	}
	b.Status.PropagateFilterAvailability(ep)
	return nil
}

func (r *Reconciler) reconcileIngress(ctx context.Context, b *eventingv1.Broker) error {
	ep, err := r.endpointsLister.Endpoints(system.Namespace()).Get(names.BrokerIngressName)
	if err != nil {
		logging.FromContext(ctx).Errorw("Problem getting endpoints for ingress", zap.String("namespace", system.Namespace()), zap.Error(err))
		b.Status.MarkIngressFailed("ServiceFailure", "%v", err)
		return fmt.Errorf("getting broker-ingress endpoints: %w", err)
	}
	b.Status.PropagateIngressAvailability(ep)
	return nil
}

func (r *Reconciler) reconcileDeadLetterSink(ctx context.Context, b *eventingv1.Broker) error {
	if b.Spec.Delivery == nil || b.Spec.Delivery.DeadLetterSink == nil {
		b.Status.MarkDeadLetterSinkNotConfigured()
		return nil
	}
	addr, err := r.uriResolver.AddressableFromDestinationV1(ctx, *b.Spec.Delivery.DeadLetterSink, b)
	if err != nil {
		logging.FromContext(ctx).Errorw("Unable to get the dead letter sink's URI", zap.Error(err))
		b.Status.MarkDeadLetterSinkResolvedFailed("Unable to get the dead letter sink's URI", "%v", err)
		return fmt.Errorf("resolving the dead letter sink: %w", err)
	}
	b.Status.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.NewDeliveryStatusFromAddressable(addr))
	return nil
}
