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

package v1

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/network"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

// RouteOption enables further configuration of a Route.
type RouteOption func(*v1.Route)

// Route creates a Route with RouteOptions, then defaults it.
func Route(namespace, name string, ro ...RouteOption) *v1.Route {
	r := &v1.Route{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: namespace,
			Name:      name,
		},
	}
	for _, opt := range ro {
		opt(r)
	}
	r.SetDefaults(context.Background())
	return r
}

// routeK8sServiceName is the name of the placeholder k8s Service of a
// Route (the route reconciler's names.K8sService).
func routeK8sServiceName(r *v1.Route) string {
	return r.Name
}

// routeCertificateName is the name of the Certificate of a Route (the
// route reconciler's names.Certificate).
func routeCertificateName(r *v1.Route) string {
	return "route-" + string(r.UID)
}

// WithSpecTraffic sets the Route's traffic block to the specified traffic targets.
func WithSpecTraffic(traffic ...v1.TrafficTarget) RouteOption {
	return func(r *v1.Route) {
		r.Spec.Traffic = traffic
	}
}

// WithRouteUID sets the Route's UID.
func WithRouteUID(uid types.UID) RouteOption {
	return func(r *v1.Route) {
		r.UID = uid
	}
}

// WithRouteGeneration sets the route's generation.
func WithRouteGeneration(generation int64) RouteOption {
	return func(r *v1.Route) {
		r.Generation = generation
	}
}

// WithRouteObservedGeneration sets the route's observed generation to its generation.
func WithRouteObservedGeneration(r *v1.Route) {
	r.Status.ObservedGeneration = r.Generation
}

// WithRouteFinalizer adds the Route finalizer to the Route.
func WithRouteFinalizer(r *v1.Route) {
	r.ObjectMeta.Finalizers = append(r.ObjectMeta.Finalizers, "routes.serving.knative.dev")
}

// WithRouteDeletionTimestamp sets the DeletionTimestamp on the Route.
func WithRouteDeletionTimestamp(t *metav1.Time) RouteOption {
	return func(r *v1.Route) {
		r.ObjectMeta.DeletionTimestamp = t
	}
}

// WithConfigTarget sends all of the Route's traffic to a Configuration.
func WithConfigTarget(config string) RouteOption {
	return WithSpecTraffic(v1.TrafficTarget{
		ConfigurationName: config,
		Percent:           ptr.Int64(100),
	})
}

// WithRevTarget sends all of the Route's traffic to a Revision.
func WithRevTarget(revision string) RouteOption {
	return WithSpecTraffic(v1.TrafficTarget{
		RevisionName: revision,
		Percent:      ptr.Int64(100),
	})
}

// WithStatusTraffic sets the Route's status traffic block. It panics if a
// target is not valid in status, to catch broken test fixtures early.
func WithStatusTraffic(traffic ...v1.TrafficTarget) RouteOption {
	ctx := apis.WithinStatus(context.Background())
	for _, t := range traffic {
		if err := t.Validate(ctx); err != nil {
			panic(err)
		}
	}
	return func(r *v1.Route) {
		r.Status.Traffic = traffic
	}
}

// WithRouteOwnersRemoved clears the owner references of this Route.
func WithRouteOwnersRemoved(r *v1.Route) {
	r.OwnerReferences = nil
}

// MarkServiceNotOwned marks IngressReady False because the placeholder
// Service is not ours.
func MarkServiceNotOwned(r *v1.Route) {
	r.Status.MarkServiceNotOwned(routeK8sServiceName(r))
}

// WithURL sets .status.url to http://<name>.<namespace>.example.com.
func WithURL(r *v1.Route) {
	r.Status.URL = &apis.URL{
		Scheme: "http",
		Host:   fmt.Sprintf("%s.%s.example.com", r.Name, r.Namespace),
	}
}

// WithHost sets .status.address to http://<host>.
func WithHost(host string) RouteOption {
	return func(r *v1.Route) {
		r.Status.Address = &duckv1.Addressable{
			URL: &apis.URL{
				Scheme: "http",
				Host:   host,
			},
		}
	}
}

// WithHTTPSDomain sets .status.url to https://<name>.<namespace>.example.com.
func WithHTTPSDomain(r *v1.Route) {
	r.Status.URL = &apis.URL{
		Scheme: "https",
		Host:   fmt.Sprintf("%s.%s.example.com", r.Name, r.Namespace),
	}
}

// WithAddress sets .status.address to the Route's cluster-local hostname.
func WithAddress(r *v1.Route) {
	r.Status.Address = &duckv1.Addressable{
		URL: &apis.URL{
			Scheme: "http",
			Host:   network.GetServiceHostname(r.Name, r.Namespace),
		},
	}
}

// WithAnotherDomain sets .status.url to an atypical domain.
func WithAnotherDomain(r *v1.Route) {
	r.Status.URL = &apis.URL{
		Scheme: "http",
		Host:   fmt.Sprintf("%s.%s.another-example.com", r.Name, r.Namespace),
	}
}

// WithLocalDomain sets .status.url to the cluster-local hostname.
func WithLocalDomain(r *v1.Route) {
	r.Status.URL = &apis.URL{
		Scheme: "http",
		Host:   network.GetServiceHostname(r.Name, r.Namespace),
	}
}

// WithInitRouteConditions initializes the Route's conditions.
func WithInitRouteConditions(rt *v1.Route) {
	rt.Status.InitializeConditions()
}

// WithRouteConditionsExternalDomainTLSDisabled initializes the conditions
// and marks TLS not enabled for external domains.
func WithRouteConditionsExternalDomainTLSDisabled(rt *v1.Route) {
	rt.Status.InitializeConditions()
	rt.Status.MarkTLSNotEnabled(v1.ExternalDomainTLSNotEnabledMessage)
}

// WithRouteConditionsTLSNotEnabledForClusterLocalMessage initializes the
// conditions and marks TLS not enabled for a cluster-local route.
func WithRouteConditionsTLSNotEnabledForClusterLocalMessage(rt *v1.Route) {
	rt.Status.InitializeConditions()
	rt.Status.MarkTLSNotEnabled(v1.TLSNotEnabledForClusterLocalMessage)
}

// WithRouteConditionsHTTPDowngrade initializes the conditions and marks an
// HTTP downgrade.
func WithRouteConditionsHTTPDowngrade(rt *v1.Route) {
	rt.Status.InitializeConditions()
	rt.Status.MarkHTTPDowngrade(routeCertificateName(rt))
}

// MarkTrafficAssigned marks AllTrafficAssigned True.
func MarkTrafficAssigned(r *v1.Route) {
	r.Status.MarkTrafficAssigned()
}

// MarkRevisionTargetTrafficError marks AllTrafficAssigned False.
func MarkRevisionTargetTrafficError(reason, msg string) RouteOption {
	return func(r *v1.Route) {
		r.Status.MarkRevisionTargetTrafficError(reason, msg)
	}
}

// emptyCertificate stands in for a Certificate with neither name nor status.
type emptyCertificate struct{ status duckv1.Status }

func (*emptyCertificate) GetName() string             { return "" }
func (c *emptyCertificate) GetStatus() *duckv1.Status { return &c.status }

// MarkCertificateNotReady marks CertificateProvisioned Unknown for an
// empty Certificate.
func MarkCertificateNotReady(r *v1.Route) {
	r.Status.MarkCertificateNotReady(&emptyCertificate{})
}

// MarkCertificateProvisionFailed marks CertificateProvisioned False for an
// empty Certificate.
func MarkCertificateProvisionFailed(r *v1.Route) {
	r.Status.MarkCertificateProvisionFailed(&emptyCertificate{})
}

// MarkCertificateNotOwned marks CertificateProvisioned False because the
// Route's Certificate is not ours.
func MarkCertificateNotOwned(r *v1.Route) {
	r.Status.MarkCertificateNotOwned(routeCertificateName(r))
}

// MarkCertificateReady marks CertificateProvisioned True.
func MarkCertificateReady(r *v1.Route) {
	r.Status.MarkCertificateReady(routeCertificateName(r))
}

// WithReadyCertificateName marks the named certificate ready.
func WithReadyCertificateName(name string) func(*v1.Route) {
	return func(r *v1.Route) {
		r.Status.MarkCertificateReady(name)
	}
}

// MarkIngressReady propagates a Ready=True Ingress status to the Route.
func MarkIngressReady(r *v1.Route) {
	r.Status.PropagateIngressStatus(netv1alpha1.IngressStatus{
		Status: duckv1.Status{
			Conditions: duckv1.Conditions{{
				Type:   "Ready",
				Status: "True",
			}},
		},
	})
}

// MarkInRollout marks the route to be in process of rolling out.
func MarkInRollout(r *v1.Route) {
	r.Status.MarkIngressRolloutInProgress()
}

// MarkIngressNotConfigured marks IngressReady Unknown: not yet reconciled.
func MarkIngressNotConfigured(r *v1.Route) {
	r.Status.MarkIngressNotConfigured()
}

// WithPropagatedStatus propagates the given IngressStatus into the route's status.
func WithPropagatedStatus(status netv1alpha1.IngressStatus) RouteOption {
	return func(r *v1.Route) {
		r.Status.PropagateIngressStatus(status)
	}
}

// MarkMissingTrafficTarget marks AllTrafficAssigned False for a missing target.
func MarkMissingTrafficTarget(kind, revision string) RouteOption {
	return func(r *v1.Route) {
		r.Status.MarkMissingTrafficTarget(kind, revision)
	}
}

// MarkConfigurationNotReady marks AllTrafficAssigned Unknown for a
// Configuration without a ready Revision.
func MarkConfigurationNotReady(name string) RouteOption {
	return func(r *v1.Route) {
		r.Status.MarkConfigurationNotReady(name)
	}
}

// MarkConfigurationFailed marks AllTrafficAssigned False for a failed Configuration.
func MarkConfigurationFailed(name string) RouteOption {
	return func(r *v1.Route) {
		r.Status.MarkConfigurationFailed(name)
	}
}

// WithRouteLabel sets the Route's labels.
func WithRouteLabel(labels map[string]string) RouteOption {
	return func(r *v1.Route) {
		r.Labels = labels
	}
}

// WithIngressClass sets the ingress class annotation on the Route.
func WithIngressClass(ingressClass string) RouteOption {
	return func(r *v1.Route) {
		if r.Annotations == nil {
			r.Annotations = make(map[string]string, 1)
		}
		r.Annotations[networking.IngressClassAnnotationKey] = ingressClass
	}
}

// WithRouteAnnotation sets the Route's annotations.
func WithRouteAnnotation(annotations map[string]string) RouteOption {
	return func(r *v1.Route) {
		r.Annotations = annotations
	}
}
