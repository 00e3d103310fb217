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
	"errors"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/utils/clock"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/tracker"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	routereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/route"
	networkinglisters "github.com/skiffhq/skiff/pkg/client/listers/networking/v1alpha1"
	listers "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/domains"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources/labels"
	resourcenames "github.com/skiffhq/skiff/pkg/reconciler/route/resources/names"
	"github.com/skiffhq/skiff/pkg/reconciler/route/traffic"
	"github.com/skiffhq/skiff/pkg/reconciler/route/visibility"
)

// Reconciler implements routereconciler.Interface for Route resources.
type Reconciler struct {
	kubeclient kubernetes.Interface
	// client is Skiff's clientset; it serves both serving.knative.dev and
	// networking.internal.knative.dev (upstream has two clients).
	client clientset.Interface

	configurationLister listers.ConfigurationLister
	revisionLister      listers.RevisionLister
	serviceLister       corev1listers.ServiceLister
	endpointsLister     corev1listers.EndpointsLister
	ingressLister       networkinglisters.IngressLister
	tracker             tracker.Interface

	clock        clock.PassiveClock
	enqueueAfter func(interface{}, time.Duration)
}

// errorConfigMsg is the AllTrafficAssigned reason when the domain or tag
// template yields an invalid host: an operator configuration error.
const errorConfigMsg = "ErrorConfig"

// certificatesUnsupportedMessage is the CertificateProvisioned message when
// external-domain-tls is on: Skiff has no Certificate kind, so the Route is
// served over plain HTTP.
const certificatesUnsupportedMessage = "external-domain-tls is enabled, but Skiff provisions no certificates"

// Check that our Reconciler implements routereconciler.Interface.
var _ routereconciler.Interface = (*Reconciler)(nil)

// reconcileState carries what one phase of ReconcileKind hands to the next.
type reconcileState struct {
	traffic  *traffic.Config
	services []resources.ServicePair
	ingress  *netv1alpha1.Ingress
	rollout  *traffic.Rollout
	// done stops the remaining phases without error: the traffic targets
	// are not routable yet, and the Route's status already says why.
	done bool
}

func ingressClassForRoute(ctx context.Context, r *v1.Route) string {
	if ingressClass := networking.GetIngressClass(r.Annotations); ingressClass != "" {
		return ingressClass
	}
	return config.FromContext(ctx).Network.DefaultIngressClass
}

// ReconcileKind implements Interface.ReconcileKind.
func (c *Reconciler) ReconcileKind(ctx context.Context, r *v1.Route) pkgreconciler.Event {
	ctx, cancel := context.WithTimeout(ctx, pkgreconciler.DefaultTimeout)
	defer cancel()

	// A new generation must not be reported ready before its KIngress has
	// been updated, even if a phase below fails (knative-extensions/
	// net-contour#238).
	if r.GetObjectMeta().GetGeneration() != r.Status.ObservedGeneration {
		r.Status.MarkIngressNotConfigured()
	}

	st := &reconcileState{}
	for _, phase := range []func(context.Context, *v1.Route, *reconcileState) error{
		c.configureTraffic,
		c.reconcilePlaceholderServices,
		c.reconcileTLS,
		c.reconcileIngress,
		c.propagateIngressStatus,
		c.updatePlaceholderServices,
		c.reconcileRolloutStatus,
	} {
		if err := phase(ctx, r, st); err != nil {
			return err
		}
		if st.done {
			return nil
		}
	}
	logging.FromContext(ctx).Debug("Route successfully synced")
	return nil
}

// configureTraffic resolves the traffic block to revisions. When every
// target is routable it sets the status URL, address and traffic and marks
// AllTrafficAssigned True; otherwise it marks why not and stops.
func (c *Reconciler) configureTraffic(ctx context.Context, r *v1.Route, st *reconcileState) error {
	tc, err := c.buildTraffic(ctx, r)
	if err != nil {
		if errors.Is(err, domains.ErrDomainName) {
			r.Status.MarkRevisionTargetTrafficError(errorConfigMsg, err.Error())
		} else {
			r.Status.MarkUnknownTrafficError(err.Error())
		}
		return err
	}
	if tc == nil {
		st.done = true
		return nil
	}
	st.traffic = tc

	r.Status.Address = &duckv1.Addressable{
		URL: &apis.URL{
			Scheme: "http",
			Host:   resourcenames.K8sServiceFullname(r),
		},
	}
	return nil
}

// buildTraffic returns the resolved traffic, or nil without error when a
// target is missing or not ready (the Route's status says which).
func (c *Reconciler) buildTraffic(ctx context.Context, r *v1.Route) (*traffic.Config, error) {
	logger := logging.FromContext(ctx)
	t, trafficErr := traffic.BuildTrafficConfiguration(c.configurationLister, c.revisionLister, r)
	if t == nil {
		return nil, trafficErr
	}

	// Visibility decides the URL; do not overwrite trafficErr, it is used
	// below.
	vis, err := visibility.NewResolver(c.serviceLister).GetVisibility(ctx, r)
	if err != nil {
		return nil, err
	}
	t.Visibility = vis
	if err := c.updateRouteStatusURL(ctx, r, t.Visibility); err != nil {
		return nil, err
	}

	// Reconcile the Route whenever what its traffic refers to changes,
	// including targets that do not exist yet (the informer cache may simply
	// lag behind their creation).
	for _, obj := range t.MissingTargets {
		if err := c.tracker.TrackReference(tracker.Reference{
			APIVersion: obj.APIVersion,
			Kind:       obj.Kind,
			Namespace:  obj.Namespace,
			Name:       obj.Name,
		}, r); err != nil {
			return nil, err
		}
	}
	for _, configuration := range t.Configurations {
		if err := c.tracker.TrackReference(objectRef(configuration), r); err != nil {
			return nil, err
		}
	}
	for _, revision := range t.Revisions {
		if revision.Status.IsActivationRequired() {
			logger.Infof("Revision %s/%s is inactive", revision.Namespace, revision.Name)
		}
		if err := c.tracker.TrackReference(objectRef(revision), r); err != nil {
			return nil, err
		}
	}

	var badTarget traffic.TargetError
	if errors.As(trafficErr, &badTarget) {
		logger.Info("Marking bad traffic target: ", badTarget)
		badTarget.MarkBadTrafficTarget(&r.Status)
		return nil, nil
	}
	if trafficErr != nil {
		// Not about a target (e.g. a lister failure): fail fast.
		return nil, trafficErr
	}

	logger.Debug("All referred targets are routable, marking AllTrafficAssigned with traffic information.")
	// No rollout yet: reconcileRolloutStatus recomputes this if one is in
	// progress.
	r.Status.Traffic, err = t.GetRevisionTrafficTargets(ctx, r, &traffic.Rollout{})
	if err != nil {
		return nil, err
	}
	r.Status.MarkTrafficAssigned()
	return t, nil
}

// updateRouteStatusURL sets status.url to the host of the default target:
// http://<name>.<namespace>.<domain> by default, the svc.cluster.local host
// when cluster-local.
func (c *Reconciler) updateRouteStatusURL(ctx context.Context, route *v1.Route, vis map[string]netv1alpha1.IngressVisibility) error {
	isClusterLocal := vis[traffic.DefaultTarget] == netv1alpha1.IngressVisibilityClusterLocal

	mainRouteMeta := route.ObjectMeta.DeepCopy()
	labels.SetVisibility(mainRouteMeta, isClusterLocal)

	host, err := domains.DomainNameFromTemplate(ctx, *mainRouteMeta, route.Name)
	if err != nil {
		return err
	}

	scheme := "http"
	if !isClusterLocal {
		scheme = config.FromContext(ctx).Network.DefaultExternalScheme
	}
	route.Status.URL = &apis.URL{
		Scheme: scheme,
		Host:   host,
	}
	return nil
}

// reconcileTLS sets CertificateProvisioned. Skiff has no Certificate kind,
// so no host gets TLS; the condition says why, with upstream's reasons and
// messages where upstream has them.
func (c *Reconciler) reconcileTLS(ctx context.Context, r *v1.Route, st *reconcileState) error {
	if !externalDomainTLSEnabled(ctx, r) {
		r.Status.MarkTLSNotEnabled(v1.ExternalDomainTLSNotEnabledMessage)
		return nil
	}
	for _, vis := range st.traffic.Visibility {
		if vis == netv1alpha1.IngressVisibilityExternalIP {
			logging.FromContext(ctx).Warn(certificatesUnsupportedMessage)
			r.Status.MarkTLSNotEnabled(certificatesUnsupportedMessage)
			return nil
		}
	}
	r.Status.MarkTLSNotEnabled(v1.TLSNotEnabledForClusterLocalMessage)
	return nil
}

// propagateIngressStatus reflects the KIngress's readiness in IngressReady,
// unless the KIngress has not seen its latest spec yet or a rollout is in
// progress (reconcileRolloutStatus reports that).
func (c *Reconciler) propagateIngressStatus(_ context.Context, r *v1.Route, st *reconcileState) error {
	if st.ingress.GetObjectMeta().GetGeneration() != st.ingress.Status.ObservedGeneration {
		r.Status.MarkIngressNotConfigured()
	} else if st.rollout.Done() {
		r.Status.PropagateIngressStatus(st.ingress.Status)
	}
	return nil
}

// reconcileRolloutStatus reports a rollout in progress: IngressReady
// Unknown, and status.traffic as the traffic is split right now. This comes
// after the KIngress status, as a not-ready KIngress takes priority.
func (c *Reconciler) reconcileRolloutStatus(ctx context.Context, r *v1.Route, st *reconcileState) error {
	if st.rollout.Done() {
		return nil
	}
	logging.FromContext(ctx).Info("Rollout is in progress")
	r.Status.MarkIngressRolloutInProgress()
	var err error
	r.Status.Traffic, err = st.traffic.GetRevisionTrafficTargets(ctx, r, st.rollout)
	return err
}

// externalDomainTLSEnabled: config-network external-domain-tls, unless the
// Route opts out with networking.knative.dev/disable-external-domain-tls.
func externalDomainTLSEnabled(ctx context.Context, r *v1.Route) bool {
	if !config.FromContext(ctx).Network.ExternalDomainTLS {
		return false
	}
	annotationValue := networking.GetDisableExternalDomainTLS(r.Annotations)
	disabledByAnnotation, err := strconv.ParseBool(annotationValue)
	if annotationValue != "" && err != nil {
		// The webhook should have rejected it; treat as not disabled.
		logging.FromContext(ctx).Warnf("Invalid annotation value for %q. Value: %q",
			networking.DisableExternalDomainTLSAnnotationKey, annotationValue)
	}
	return !disabledByAnnotation
}

// networkConfig is a shorthand for the config-network in ctx.
func networkConfig(ctx context.Context) *netcfg.Config {
	return config.FromContext(ctx).Network
}

type accessor interface {
	GetGroupVersionKind() schema.GroupVersionKind
	GetNamespace() string
	GetName() string
}

func objectRef(a accessor) tracker.Reference {
	gvk := a.GetGroupVersionKind()
	apiVersion, kind := gvk.ToAPIVersionAndKind()
	return tracker.Reference{
		APIVersion: apiVersion,
		Kind:       kind,
		Namespace:  a.GetNamespace(),
		Name:       a.GetName(),
	}
}
