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
// Package controller reconciles InMemoryChannels: each gets an ExternalName
// Service <imc>-kn-channel pointing at the shared imc-dispatcher, and its
// readiness from that dispatcher's Deployment, Service and Endpoints.
package controller

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/network"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"

	"github.com/skiffhq/skiff/pkg/apis/duck"
	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	inmemorychannelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/inmemorychannel"
	"github.com/skiffhq/skiff/pkg/reconciler/inmemorychannel/controller/resources"
)

func newDeploymentWarn(err error) pkgreconciler.Event {
	return pkgreconciler.NewEvent(corev1.EventTypeWarning, "DispatcherDeploymentFailed", "Reconciling dispatcher Deployment failed with: %w", err)
}

func newServiceWarn(err error) pkgreconciler.Event {
	return pkgreconciler.NewEvent(corev1.EventTypeWarning, "DispatcherServiceFailed", "Reconciling dispatcher Service failed: %w", err)
}

// Reconciler reconciles InMemoryChannels against the shared dispatcher in
// the system namespace.
type Reconciler struct {
	kubeClientSet kubernetes.Interface

	systemNamespace  string
	deploymentLister appsv1listers.DeploymentLister
	serviceLister    corev1listers.ServiceLister
	endpointsLister  corev1listers.EndpointsLister

	uriResolver *resolver.URIResolver
}

// Check that our Reconciler implements Interface.
var _ inmemorychannelreconciler.Interface = (*Reconciler)(nil)

// ReconcileKind checks the dispatcher, makes the channel's Service, resolves
// the dead letter sink and gives the channel its address.
func (r *Reconciler) ReconcileKind(ctx context.Context, imc *messagingv1.InMemoryChannel) pkgreconciler.Event {
	for _, phase := range []func(context.Context, *messagingv1.InMemoryChannel) pkgreconciler.Event{
		r.reconcileDispatcher,
		r.reconcileDispatcherService,
		r.reconcileDispatcherEndpoints,
		r.reconcileChannelService,
		r.reconcileDeadLetterSink,
	} {
		if event := phase(ctx, imc); event != nil {
			return event
		}
	}
	// Host-based routing: the dispatcher knows the channel by this host.
	imc.Status.SetAddress(&duckv1.Addressable{
		URL: apis.HTTP(network.GetServiceHostname(resources.ChannelServiceName(imc.Name), imc.Namespace)),
	})
	return nil
}

// reconcileDispatcher reports the shared dispatcher Deployment's
// availability (it is installed with Skiff, not created here).
func (r *Reconciler) reconcileDispatcher(ctx context.Context, imc *messagingv1.InMemoryChannel) pkgreconciler.Event {
	d, err := r.deploymentLister.Deployments(r.systemNamespace).Get(resources.DispatcherName)
	if apierrs.IsNotFound(err) {
		imc.Status.MarkDispatcherFailed("DispatcherDeploymentDoesNotExist", "Dispatcher Deployment does not exist")
		return newDeploymentWarn(err)
	} else if err != nil {
		logging.FromContext(ctx).Errorw("Unable to get the dispatcher Deployment", zap.Error(err))
		imc.Status.MarkDispatcherFailed("DispatcherDeploymentGetFailed", "Failed to get dispatcher Deployment")
		return newDeploymentWarn(err)
	}
	imc.Status.PropagateDispatcherStatus(&d.Status)
	return nil
}

// reconcileDispatcherService checks that the dispatcher's Service exists.
func (r *Reconciler) reconcileDispatcherService(ctx context.Context, imc *messagingv1.InMemoryChannel) pkgreconciler.Event {
	_, err := r.serviceLister.Services(r.systemNamespace).Get(resources.DispatcherName)
	if apierrs.IsNotFound(err) {
		imc.Status.MarkServiceFailed("DispatcherServiceDoesNotExist", "Dispatcher Service does not exist")
		return newServiceWarn(err)
	} else if err != nil {
		logging.FromContext(ctx).Errorw("Unable to get the dispatcher service", zap.Error(err))
		imc.Status.MarkServiceFailed("DispatcherServiceGetFailed", "Failed to get dispatcher service")
		return newServiceWarn(err)
	}
	imc.Status.MarkServiceTrue()
	return nil
}

// reconcileDispatcherEndpoints checks that a ready dispatcher pod backs the
// dispatcher Service.
func (r *Reconciler) reconcileDispatcherEndpoints(ctx context.Context, imc *messagingv1.InMemoryChannel) pkgreconciler.Event {
	e, err := r.endpointsLister.Endpoints(r.systemNamespace).Get(resources.DispatcherName)
	if apierrs.IsNotFound(err) {
		imc.Status.MarkEndpointsFailed("DispatcherEndpointsDoesNotExist", "Dispatcher Endpoints does not exist")
		return fmt.Errorf("getting dispatcher endpoints: %w", err)
	} else if err != nil {
		logging.FromContext(ctx).Errorw("Unable to get the dispatcher endpoints", zap.Error(err))
		imc.Status.MarkEndpointsUnknown("DispatcherEndpointsGetFailed", "Failed to get dispatcher endpoints")
		return fmt.Errorf("getting dispatcher endpoints: %w", err)
	}
	if !duck.EndpointsAreAvailable(e) {
		imc.Status.MarkEndpointsFailed("DispatcherEndpointsNotReady", "There are no endpoints ready for Dispatcher service")
		return errors.New("there are no endpoints ready for Dispatcher service")
	}
	imc.Status.MarkEndpointsTrue()
	return nil
}

// reconcileChannelService creates the channel's ExternalName Service, or
// brings its spec back.
func (r *Reconciler) reconcileChannelService(ctx context.Context, imc *messagingv1.InMemoryChannel) pkgreconciler.Event {
	logger := logging.FromContext(ctx)
	expected := resources.MakeChannelService(imc, r.systemNamespace)

	svc, err := r.serviceLister.Services(imc.Namespace).Get(expected.Name)
	switch {
	case apierrs.IsNotFound(err):
		if _, err := r.kubeClientSet.CoreV1().Services(imc.Namespace).Create(ctx, expected, metav1.CreateOptions{}); err != nil {
			logger.Errorw("Failed to create the channel service", zap.Error(err))
			imc.Status.MarkChannelServiceFailed("ChannelServiceFailed", "Channel Service failed: %s", err)
			return fmt.Errorf("creating channel service: %w", err)
		}
	case err != nil:
		logger.Errorw("Unable to get the channel service", zap.Error(err))
		imc.Status.MarkChannelServiceUnknown("ChannelServiceGetFailed", "Unable to get the channel service: %s", err)
		return fmt.Errorf("getting channel service: %w", err)
	case !metav1.IsControlledBy(svc, imc):
		err := fmt.Errorf("inmemorychannel: %s/%s does not own Service: %q", imc.Namespace, imc.Name, svc.Name)
		imc.Status.MarkChannelServiceFailed("ChannelServiceFailed", "Channel Service failed: %s", err)
		return err
	case !equality.Semantic.DeepDerivative(expected.Spec, svc.Spec):
		// Derivative: what the API server defaults (sessionAffinity, a
		// port's targetPort) is no drift.
		svc = svc.DeepCopy()
		svc.Spec = expected.Spec
		if _, err := r.kubeClientSet.CoreV1().Services(imc.Namespace).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
			logger.Errorw("Failed to update the channel service", zap.Error(err))
			imc.Status.MarkChannelServiceFailed("ChannelServiceFailed", "Channel Service failed: %s", err)
			return fmt.Errorf("updating channel service: %w", err)
		}
	}
	imc.Status.MarkChannelServiceTrue()
	return nil
}

// reconcileDeadLetterSink resolves the channel's dead letter sink.
func (r *Reconciler) reconcileDeadLetterSink(ctx context.Context, imc *messagingv1.InMemoryChannel) pkgreconciler.Event {
	if imc.Spec.Delivery == nil || imc.Spec.Delivery.DeadLetterSink == nil {
		imc.Status.MarkDeadLetterSinkNotConfigured()
		return nil
	}
	addr, err := r.uriResolver.AddressableFromDestinationV1(ctx, *imc.Spec.Delivery.DeadLetterSink, imc)
	if err != nil {
		logging.FromContext(ctx).Errorw("Unable to get the DeadLetterSink's URI", zap.Error(err))
		imc.Status.MarkDeadLetterSinkResolvedFailed("Unable to get the DeadLetterSink's URI", "%v", err)
		return fmt.Errorf("failed to resolve Dead Letter Sink URI: %w", err)
	}
	imc.Status.MarkDeadLetterSinkResolvedSucceeded(eventingduckv1.NewDeliveryStatusFromAddressable(addr))
	return nil
}
