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

// Package service reconciles Knative Services: each owns a Configuration
// and a Route of its own name, kept in line with the Service's spec, whose
// statuses it reflects, as upstream pkg/reconciler/service.
package service

import (
	"context"
	"fmt"

	"github.com/google/go-cmp/cmp/cmpopts"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmp"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	ksvcreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/service"
	listers "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/configuration"
	"github.com/skiffhq/skiff/pkg/reconciler/service/resources"
	resourcenames "github.com/skiffhq/skiff/pkg/reconciler/service/resources/names"
)

// Reconciler implements controller.Reconciler for Service resources.
type Reconciler struct {
	client clientset.Interface

	// listers index properties about resources
	configurationLister listers.ConfigurationLister
	revisionLister      listers.RevisionLister
	routeLister         listers.RouteLister
}

// NewReconciler creates a Service Reconciler from its client and listers.
func NewReconciler(client clientset.Interface, configurationLister listers.ConfigurationLister,
	revisionLister listers.RevisionLister, routeLister listers.RouteLister,
) *Reconciler {
	return &Reconciler{
		client:              client,
		configurationLister: configurationLister,
		revisionLister:      revisionLister,
		routeLister:         routeLister,
	}
}

// Check that our Reconciler implements ksvcreconciler.Interface
var _ ksvcreconciler.Interface = (*Reconciler)(nil)

// ReconcileKind reconciles the Configuration, then (unless a BYO revision
// name forbids it for now) the Route, and reflects both in the status.
func (c *Reconciler) ReconcileKind(ctx context.Context, service *v1.Service) pkgreconciler.Event {
	ctx, cancel := context.WithTimeout(ctx, pkgreconciler.DefaultTimeout)
	defer cancel()

	config, err := c.config(ctx, service)
	if err != nil {
		return err
	}
	if proceed := c.propagateConfiguration(ctx, service, config); !proceed {
		return nil
	}

	route, err := c.route(ctx, service)
	if err != nil {
		return err
	}
	c.propagateRoute(ctx, service, config, route)
	return nil
}

// propagateConfiguration reflects the Configuration's status, and says
// whether the Route may be reprogrammed now.
func (c *Reconciler) propagateConfiguration(ctx context.Context, service *v1.Service, config *v1.Configuration) bool {
	if config.Generation != config.Status.ObservedGeneration {
		// The Configuration has not caught up with our latest changes yet,
		// so its conditions are outdated.
		service.Status.MarkConfigurationNotReconciled()

		// With a BYO revision name the Route names that revision: wait for
		// the Configuration to create it before pointing traffic at it.
		if config.Spec.GetTemplate().Name != "" {
			return false
		}
	} else {
		logging.FromContext(ctx).Debugf("Configuration Conditions = %#v", config.Status.Conditions)
		service.Status.PropagateConfigurationStatus(&config.Status)
	}

	// A BYO name taken by a Revision that is not this generation's of our
	// Configuration must not receive traffic: a bad patch could otherwise
	// route users to a pre-existing Revision (possibly another Configuration's).
	if _, err := configuration.CheckNameAvailability(ctx, config, c.revisionLister); err != nil && !apierrs.IsNotFound(err) {
		service.Status.MarkRevisionNameTaken(config.Spec.GetTemplate().Name)
		return false
	}
	return true
}

// propagateRoute reflects the Route's status.
func (c *Reconciler) propagateRoute(ctx context.Context, service *v1.Service, config *v1.Configuration, route *v1.Route) {
	ss := &service.Status
	if route.Generation != route.Status.ObservedGeneration {
		// The Route has not caught up with our latest changes yet, so its
		// conditions are outdated.
		ss.MarkRouteNotReconciled()
	} else {
		ss.PropagateRouteStatus(&route.Status)
	}

	c.checkRoutesNotReady(ctx, config, route, service)
}

// config returns the Service's Configuration, creating it or bringing it in
// line with the Service's spec; one we do not control is not adopted.
func (c *Reconciler) config(ctx context.Context, service *v1.Service) (*v1.Configuration, error) {
	recorder := controller.GetEventRecorder(ctx)
	configName := resourcenames.Configuration(service)

	config, err := c.configurationLister.Configurations(service.Namespace).Get(configName)
	switch {
	case apierrs.IsNotFound(err):
		config, err = c.createConfiguration(ctx, service)
		if err != nil {
			recorder.Eventf(service, corev1.EventTypeWarning, "CreationFailed", "Failed to create Configuration %q: %v", configName, err)
			return nil, fmt.Errorf("failed to create Configuration: %w", err)
		}
		recorder.Eventf(service, corev1.EventTypeNormal, "Created", "Created Configuration %q", configName)

	case err != nil:
		return nil, fmt.Errorf("failed to get Configuration: %w", err)

	case !metav1.IsControlledBy(config, service):
		service.Status.MarkConfigurationNotOwned(configName)
		return nil, fmt.Errorf("service: %q does not own configuration: %q", service.Name, configName)

	default:
		if config, err = c.reconcileConfiguration(ctx, service, config); err != nil {
			return nil, fmt.Errorf("failed to reconcile Configuration: %w", err)
		}
	}
	return config, nil
}

// route returns the Service's Route, creating it or bringing it in line with
// the Service's spec; one we do not control is not adopted.
func (c *Reconciler) route(ctx context.Context, service *v1.Service) (*v1.Route, error) {
	recorder := controller.GetEventRecorder(ctx)
	routeName := resourcenames.Route(service)

	route, err := c.routeLister.Routes(service.Namespace).Get(routeName)
	switch {
	case apierrs.IsNotFound(err):
		route, err = c.createRoute(ctx, service)
		if err != nil {
			recorder.Eventf(service, corev1.EventTypeWarning, "CreationFailed", "Failed to create Route %q: %v", routeName, err)
			return nil, fmt.Errorf("failed to create Route: %w", err)
		}
		recorder.Eventf(service, corev1.EventTypeNormal, "Created", "Created Route %q", routeName)

	case err != nil:
		return nil, fmt.Errorf("failed to get Route: %w", err)

	case !metav1.IsControlledBy(route, service):
		service.Status.MarkRouteNotOwned(routeName)
		return nil, fmt.Errorf("service: %q does not own route: %q", service.Name, routeName)

	default:
		if route, err = c.reconcileRoute(ctx, service, route); err != nil {
			return nil, fmt.Errorf("failed to reconcile Route: %w", err)
		}
	}
	return route, nil
}

// checkRoutesNotReady keeps RoutesReady from claiming readiness while the
// Route, though Ready, does not yet serve what the Service asks for (e.g.
// traffic has not moved to the Configuration's latest ready revision).
func (c *Reconciler) checkRoutesNotReady(ctx context.Context, config *v1.Configuration, route *v1.Route, service *v1.Service) {
	rc := service.Status.GetCondition(v1.ServiceConditionRoutesReady)
	if rc == nil || rc.Status != corev1.ConditionTrue {
		return
	}

	if len(route.Spec.Traffic) != len(route.Status.Traffic) {
		service.Status.MarkRouteNotYetReady()
		return
	}

	want, got := route.Spec.DeepCopy().Traffic, route.Status.DeepCopy().Traffic
	// A configuration target is served by its latest ready revision.
	for idx := range want {
		if want[idx].ConfigurationName == config.Name {
			want[idx].RevisionName = config.Status.LatestReadyRevisionName
			want[idx].ConfigurationName = ""
		}
	}
	ignoreFields := cmpopts.IgnoreFields(v1.TrafficTarget{}, "URL", "LatestRevision")
	if diff, err := kmp.SafeDiff(got, want, ignoreFields); err != nil || diff != "" {
		logging.FromContext(ctx).Infof("Route %s is not yet what we want: %s", route.Name, diff)
		service.Status.MarkRouteNotYetReady()
	}
}

func (c *Reconciler) createConfiguration(ctx context.Context, service *v1.Service) (*v1.Configuration, error) {
	return c.client.ServingV1().Configurations(service.Namespace).Create(
		ctx, resources.MakeConfiguration(service), metav1.CreateOptions{})
}

// semanticEquals compares what the Service controls of a child: spec,
// labels and annotations.
func semanticEquals(ctx context.Context, kind string, desiredSpec, spec interface{}, desired, existing metav1.Object) (bool, error) {
	specDiff, err := kmp.SafeDiff(desiredSpec, spec)
	if err != nil {
		logging.FromContext(ctx).Warnw("Error diffing "+kind+" spec", zap.Error(err))
		return false, fmt.Errorf("failed to diff %s: %w", kind, err)
	} else if specDiff != "" {
		logging.FromContext(ctx).Info("Reconciling "+kind+" diff (-desired, +observed):\n", specDiff)
	}
	return specDiff == "" &&
		equality.Semantic.DeepEqual(desiredSpec, spec) &&
		equality.Semantic.DeepEqual(desired.GetLabels(), existing.GetLabels()) &&
		equality.Semantic.DeepEqual(desired.GetAnnotations(), existing.GetAnnotations()), nil
}

func (c *Reconciler) reconcileConfiguration(ctx context.Context, service *v1.Service, config *v1.Configuration) (*v1.Configuration, error) {
	existing := config.DeepCopy()
	// Defaults added by an upgrade (or a config-defaults change) are not a
	// diff: apply today's defaults to the existing object before comparing.
	existing.SetDefaults(ctx)
	desiredConfig := resources.MakeConfigurationFromExisting(service, existing)
	equals, err := semanticEquals(ctx, "Configuration", desiredConfig.Spec, existing.Spec, desiredConfig, existing)
	if err != nil || equals {
		return config, err
	}

	logging.FromContext(ctx).Warnf("Service-delegated Configuration %q diff found. Clobbering.", existing.Name)

	// Preserve the rest of the object (e.g. ObjectMeta except for labels).
	existing.Spec = desiredConfig.Spec
	existing.Labels = desiredConfig.Labels
	existing.Annotations = desiredConfig.Annotations
	return c.client.ServingV1().Configurations(service.Namespace).Update(ctx, existing, metav1.UpdateOptions{})
}

func (c *Reconciler) createRoute(ctx context.Context, service *v1.Service) (*v1.Route, error) {
	return c.client.ServingV1().Routes(service.Namespace).Create(
		ctx, resources.MakeRoute(service), metav1.CreateOptions{})
}

func (c *Reconciler) reconcileRoute(ctx context.Context, service *v1.Service, route *v1.Route) (*v1.Route, error) {
	existing := route.DeepCopy()
	// As for the Configuration: today's defaults are not a diff.
	existing.SetDefaults(ctx)
	desiredRoute := resources.MakeRoute(service)
	equals, err := semanticEquals(ctx, "Route", desiredRoute.Spec, existing.Spec, desiredRoute, existing)
	if err != nil || equals {
		return route, err
	}

	// Preserve the rest of the object (e.g. ObjectMeta except for labels and annotations).
	existing.Spec = desiredRoute.Spec
	existing.Labels = desiredRoute.Labels
	existing.Annotations = desiredRoute.Annotations
	return c.client.ServingV1().Routes(service.Namespace).Update(ctx, existing, metav1.UpdateOptions{})
}
