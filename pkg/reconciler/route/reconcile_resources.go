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

package route

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmap"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources/names"
	"github.com/skiffhq/skiff/pkg/reconciler/route/traffic"
)

// reconcileIngress creates the Route's KIngress, or brings an existing one
// to the desired spec, annotations and labels, stepping any gradual rollout.
func (c *Reconciler) reconcileIngress(ctx context.Context, r *v1.Route, st *reconcileState) error {
	recorder := controller.GetEventRecorder(ctx)
	ingressClass := ingressClassForRoute(ctx, r)

	ingress, err := c.ingressLister.Ingresses(r.Namespace).Get(names.Ingress(r))
	if apierrs.IsNotFound(err) {
		desired, err := resources.MakeIngress(ctx, r, st.traffic, nil /*tls*/, ingressClass)
		if err != nil {
			return fmt.Errorf("failed to build Ingress: %w", err)
		}
		ingress, err = c.client.NetworkingV1alpha1().Ingresses(desired.Namespace).Create(ctx, desired, metav1.CreateOptions{})
		if err != nil {
			recorder.Eventf(r, corev1.EventTypeWarning, "CreationFailed", "Failed to create Ingress: %v", err)
			return fmt.Errorf("failed to create Ingress: %w", err)
		}
		recorder.Eventf(r, corev1.EventTypeNormal, "Created", "Created Ingress %q", ingress.GetName())
		st.ingress, st.rollout = ingress, st.traffic.BuildRollout()
		return nil
	} else if err != nil {
		return fmt.Errorf("failed to get Ingress: %w", err)
	}

	// The KIngress is owned by the Route and garbage collected with it; one
	// we do not own is left alone.
	if !metav1.IsControlledBy(ingress, r) {
		markIngressNotOwned(r, ingress.Name)
		return fmt.Errorf("route: %q does not own Ingress: %q", r.Name, ingress.Name)
	}

	effectiveRO := c.reconcileRollout(ctx, r, st.traffic, ingress)
	desired, err := resources.MakeIngressWithRollout(ctx, r, st.traffic, effectiveRO, nil /*tls*/, ingressClass)
	if err != nil {
		return fmt.Errorf("failed to build Ingress: %w", err)
	}

	// Labels and annotations are compared too: the ingress class or the
	// Route's labels may have changed. A difference due only to defaulting
	// makes the update a no-op that the webhook settles.
	if !equality.Semantic.DeepEqual(ingress.Spec, desired.Spec) ||
		!equality.Semantic.DeepEqual(ingress.Annotations, desired.Annotations) ||
		!equality.Semantic.DeepEqual(ingress.Labels, desired.Labels) {
		// Don't modify the informer's copy.
		origin := ingress.DeepCopy()
		origin.Spec = desired.Spec
		origin.Annotations = desired.Annotations
		origin.Labels = desired.Labels
		ingress, err = c.client.NetworkingV1alpha1().Ingresses(origin.Namespace).Update(ctx, origin, metav1.UpdateOptions{})
		if err != nil {
			return fmt.Errorf("failed to update Ingress: %w", err)
		}
	}
	st.ingress, st.rollout = ingress, effectiveRO
	return nil
}

// markIngressNotOwned marks IngressReady False: a KIngress with the name we
// want exists and is not ours. Upstream updates such a KIngress blindly;
// Skiff refuses, as for placeholder Services. (RouteStatus has no Mark
// method for it yet, hence the condition set.)
func markIngressNotOwned(r *v1.Route, name string) {
	r.GetConditionSet().Manage(&r.Status).MarkFalse(v1.RouteConditionIngressReady, "NotOwned",
		"There is an existing Ingress %q that we do not own.", name)
}

// reconcilePlaceholderServices makes sure every traffic name has its
// placeholder Service, owned by the Route, and deletes the ones no longer
// wanted (removed tags).
func (c *Reconciler) reconcilePlaceholderServices(ctx context.Context, route *v1.Route, st *reconcileState) error {
	logger := logging.FromContext(ctx)
	recorder := controller.GetEventRecorder(ctx)
	ns := route.Namespace

	// Sorted, so creations happen in a deterministic order.
	names := sets.List(sets.KeySet(st.traffic.Targets))
	services := make([]resources.ServicePair, 0, len(names))
	for _, name := range names {
		desiredService, err := resources.MakeK8sPlaceholderService(ctx, route, name)
		if err != nil {
			return fmt.Errorf("failed to construct placeholder k8s service: %w", err)
		}

		service, err := c.serviceLister.Services(ns).Get(desiredService.Name)
		if apierrs.IsNotFound(err) {
			service, err = c.kubeclient.CoreV1().Services(ns).Create(ctx, desiredService, metav1.CreateOptions{})
			if err != nil {
				recorder.Eventf(route, corev1.EventTypeWarning, "CreationFailed",
					"Failed to create placeholder service %q: %v", desiredService.Name, err)
				return fmt.Errorf("failed to create placeholder service: %w", err)
			}
			logger.Info("Created service ", desiredService.Name)
			recorder.Eventf(route, corev1.EventTypeNormal, "Created", "Created placeholder service %q", desiredService.Name)
		} else if err != nil {
			return fmt.Errorf("failed to get placeholder service: %w", err)
		} else if !metav1.IsControlledBy(service, route) {
			route.Status.MarkServiceNotOwned(desiredService.Name)
			return fmt.Errorf("route: %q does not own Service: %q", route.Name, desiredService.Name)
		}

		endpoints, err := c.endpointsLister.Endpoints(ns).Get(desiredService.Name)
		if apierrs.IsNotFound(err) {
			endpoints = nil
		} else if err != nil {
			return fmt.Errorf("failed to get placeholder endpoints: %w", err)
		} else if !metav1.IsControlledBy(endpoints, route) {
			route.Status.MarkEndpointNotOwned(desiredService.Name)
			return fmt.Errorf("route: %q does not own Endpoints: %q", route.Name, desiredService.Name)
		}

		services = append(services, resources.ServicePair{
			Service:   service,
			Endpoints: endpoints,
			Tag:       name,
		})
	}

	if err := c.deleteOrphanedServices(ctx, route, services); err != nil {
		return err
	}
	st.services = services
	return nil
}

// deleteOrphanedServices deletes the Route's Services (and their Endpoints)
// that serve no traffic name any more.
func (c *Reconciler) deleteOrphanedServices(ctx context.Context, r *v1.Route, activeServices []resources.ServicePair) error {
	ns := r.Namespace
	active := make(sets.Set[string], len(activeServices))
	for _, service := range activeServices {
		active.Insert(service.Service.Name)
	}

	routeLabelSelector := labels.SelectorFromSet(labels.Set{serving.RouteLabelKey: r.Name})
	allServices, err := c.serviceLister.Services(ns).List(routeLabelSelector)
	if err != nil {
		return fmt.Errorf("failed to fetch existing services: %w", err)
	}

	for _, service := range allServices {
		// Only our own: the label alone can be set by anyone.
		if active.Has(service.Name) || !metav1.IsControlledBy(service, r) {
			continue
		}
		if err := c.kubeclient.CoreV1().Services(ns).Delete(ctx, service.Name, metav1.DeleteOptions{}); err != nil {
			return fmt.Errorf("failed to delete Service: %w", err)
		}

		if _, err := c.endpointsLister.Endpoints(ns).Get(service.Name); apierrs.IsNotFound(err) {
			continue
		} else if err != nil {
			return fmt.Errorf("failed to get Endpoints: %w", err)
		}
		if err := c.kubeclient.CoreV1().Endpoints(ns).Delete(ctx, service.Name, metav1.DeleteOptions{}); err != nil {
			return fmt.Errorf("failed to delete Endpoints: %w", err)
		}
	}
	return nil
}

// updatePlaceholderServices points each placeholder Service at the
// KIngress's load balancer once it has one, repairing any drift of spec,
// labels or annotations.
func (c *Reconciler) updatePlaceholderServices(ctx context.Context, route *v1.Route, st *reconcileState) error {
	logger := logging.FromContext(ctx)
	for _, from := range st.services {
		if err := c.updatePlaceholderService(ctx, route, from, st.ingress); err != nil {
			return fmt.Errorf("failed to update placeholder service %q: %w", from.Service.Name, err)
		}
	}
	logger.Debug("Placeholder services point at the ingress")
	return nil
}

func (c *Reconciler) updatePlaceholderService(ctx context.Context, route *v1.Route, from resources.ServicePair, ingress *netv1alpha1.Ingress) error {
	ns := route.Namespace
	to, err := resources.MakeK8sService(ctx, route, from.Tag, ingress, resources.IsClusterLocalService(from.Service))
	if err != nil {
		// The load balancer is not known yet: the placeholder stays as it is.
		logging.FromContext(ctx).Infow("Not updating placeholder service yet", zap.Error(err))
		return nil
	}

	canUpdate := false
	switch {
	case from.Service.Spec.Type != to.Service.Spec.Type:
		// An ExternalName Service can become any type; a ClusterIP Service
		// cannot become ExternalName (kubernetes/kubernetes#104329).
		canUpdate = from.Service.Spec.Type == corev1.ServiceTypeExternalName
	case from.Service.Spec.Type == corev1.ServiceTypeClusterIP:
		// Cluster IPs are immutable, so "None" <-> allocated needs a
		// recreate; an allocated IP is kept.
		if from.Service.Spec.ClusterIP == to.Service.Spec.ClusterIP {
			canUpdate = true
		} else if from.Service.Spec.ClusterIP != corev1.ClusterIPNone && to.Service.Spec.ClusterIP == "" {
			to.Service.Spec.ClusterIP = from.Service.Spec.ClusterIP
			canUpdate = true
		}
	default:
		canUpdate = true
	}

	if canUpdate {
		// Labels and annotations others added are kept; ours win.
		wantAnnotations := kmap.Union(from.Service.Annotations, to.Service.Annotations)
		wantLabels := kmap.Union(from.Service.Labels, to.Service.Labels)
		if !equality.Semantic.DeepEqual(from.Service.Spec, to.Service.Spec) ||
			!equality.Semantic.DeepEqual(from.Service.Annotations, wantAnnotations) ||
			!equality.Semantic.DeepEqual(from.Service.Labels, wantLabels) {
			// Don't modify the informer's copy.
			existing := from.Service.DeepCopy()
			existing.Spec = to.Service.Spec
			existing.Annotations = wantAnnotations
			existing.Labels = wantLabels
			if _, err := c.kubeclient.CoreV1().Services(ns).Update(ctx, existing, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
	} else {
		if err := c.kubeclient.CoreV1().Services(ns).Delete(ctx, from.Service.Name, metav1.DeleteOptions{}); err != nil {
			return err
		}
		if _, err := c.kubeclient.CoreV1().Services(ns).Create(ctx, to.Service, metav1.CreateOptions{}); err != nil {
			return err
		}
	}

	switch {
	case from.Endpoints != nil && to.Endpoints != nil:
		if !equality.Semantic.DeepEqual(from.Endpoints.Subsets, to.Endpoints.Subsets) {
			existing := from.Endpoints.DeepCopy()
			existing.Subsets = to.Endpoints.Subsets
			if _, err := c.kubeclient.CoreV1().Endpoints(ns).Update(ctx, existing, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
	case from.Endpoints == nil && to.Endpoints != nil:
		if _, err := c.kubeclient.CoreV1().Endpoints(ns).Create(ctx, to.Endpoints, metav1.CreateOptions{}); err != nil {
			return err
		}
	case from.Endpoints != nil && to.Endpoints == nil:
		if err := c.kubeclient.CoreV1().Endpoints(ns).Delete(ctx, from.Endpoints.Name, metav1.DeleteOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// deserializeRollout parses the rollout annotation of the KIngress. A
// corrupt or inconsistent one (hand edits) is dropped: rollouts are not
// critical, the traffic then simply moves at once.
func deserializeRollout(ctx context.Context, ro string) *traffic.Rollout {
	if ro == "" {
		return nil
	}
	r := &traffic.Rollout{}
	if err := json.Unmarshal([]byte(ro), r); err != nil {
		logging.FromContext(ctx).Warnw("Error deserializing Rollout: "+ro, zap.Error(err))
		return nil
	}
	if !r.Validate() {
		logging.FromContext(ctx).Warnw("Deserialized Rollout is invalid: " + ro)
		return nil
	}
	return r
}

// reconcileRollout returns the traffic split to apply now. Without a
// rollout duration (the Route's serving.knative.dev/rollout-duration, else
// config-network rollout-duration) that is the target split at once;
// otherwise it steps from the previous state stored on the KIngress and
// requeues the Route for the next step.
func (c *Reconciler) reconcileRollout(ctx context.Context, r *v1.Route, tc *traffic.Config, ingress *netv1alpha1.Ingress) *traffic.Rollout {
	rd := int(r.RolloutDuration().Seconds())
	if rd == 0 {
		rd = networkConfig(ctx).RolloutDurationSecs
	}
	curRO := tc.BuildRollout()
	if rd <= 0 {
		return curRO
	}

	logger := logging.FromContext(ctx).Desugar().With(zap.Int("durationSecs", rd))
	prevRO := deserializeRollout(ctx, ingress.Annotations[networking.RolloutAnnotationKey])

	now := c.clock.Now().UnixNano()

	// The KIngress switching from not ready to ready starts the clock of
	// the rollout's steps.
	rtView := r.Status.GetCondition(v1.RouteConditionIngressReady)
	if prevRO != nil && ingress.IsReady() && !rtView.IsTrue() {
		logger.Debug("Observing Ingress not-ready to ready switch condition for rollout")
		prevRO.ObserveReady(ctx, now, float64(rd))
	}

	effectiveRO, nextStepTime := curRO.Step(ctx, prevRO, now)
	if nextStepTime > 0 {
		delay := time.Duration(nextStepTime - now)
		c.enqueueAfter(r, delay)
		logger.Debug("Re-enqueuing after", zap.Duration("nextStepTime", delay))
	}

	// Diffing is not cheap: only when it will be logged.
	if logger.Core().Enabled(zapcore.DebugLevel) && !cmp.Equal(prevRO, effectiveRO) {
		logger.Debug("Rollout diff:(-was,+now)", zap.String("diff", cmp.Diff(prevRO, effectiveRO)))
	}
	return effectiveRO
}
