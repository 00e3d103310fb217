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
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

const (
	// ExternalDomainTLSNotEnabledMessage is the CertificateProvisioned=True
	// message when external-domain-tls is not enabled.
	ExternalDomainTLSNotEnabledMessage = "external-domain-tls is not enabled"

	// TLSNotEnabledForClusterLocalMessage is the CertificateProvisioned=True
	// message when the domain is cluster-local.
	TLSNotEnabledForClusterLocalMessage = "TLS is not enabled for cluster-local"
)

// CertificateObject is what the Route's status needs from a networking
// Certificate: its name and status. Upstream's *v1alpha1.Certificate
// (networking.internal.knative.dev) satisfies it, so callers written
// against upstream compile unchanged.
type CertificateObject interface {
	GetName() string
	GetStatus() *duckv1.Status
}

var routeCondSet = apis.NewLivingConditionSet(
	RouteConditionAllTrafficAssigned,
	RouteConditionIngressReady,
	RouteConditionCertificateProvisioned,
)

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*Route) GetConditionSet() apis.ConditionSet {
	return routeCondSet
}

// GetGroupVersionKind returns the GroupVersionKind.
func (*Route) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("Route")
}

// IsReady returns true if the Route is Ready and its latest generation has
// been observed.
func (r *Route) IsReady() bool {
	rs := r.Status
	return rs.ObservedGeneration == r.Generation &&
		rs.GetCondition(RouteConditionReady).IsTrue()
}

// IsFailed returns true if the latest generation has been observed and
// Ready is False.
func (r *Route) IsFailed() bool {
	rs := r.Status
	return rs.ObservedGeneration == r.Generation &&
		rs.GetCondition(RouteConditionReady).IsFalse()
}

// RolloutDuration returns the rollout duration annotation, or 0 when it is
// missing or cannot be parsed (the webhook rejects invalid values).
func (r *Route) RolloutDuration() time.Duration {
	if _, v, ok := serving.RolloutDurationAnnotation.Get(r.Annotations); ok && v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return 0
}

// InitializeConditions sets the initial values to the conditions.
func (rs *RouteStatus) InitializeConditions() {
	routeCondSet.Manage(rs).InitializeConditions()
}

// MarkServiceNotOwned marks IngressReady False: a placeholder Service with
// the name we want exists and is not ours.
func (rs *RouteStatus) MarkServiceNotOwned(name string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionIngressReady, "NotOwned",
		fmt.Sprintf("There is an existing placeholder Service %q that we do not own.", name))
}

// MarkEndpointNotOwned marks IngressReady False: placeholder Endpoints with
// the name we want exist and are not ours.
func (rs *RouteStatus) MarkEndpointNotOwned(name string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionIngressReady, "NotOwned",
		fmt.Sprintf("There is an existing placeholder Endpoint %q that we do not own.", name))
}

// MarkIngressRolloutInProgress marks IngressReady Unknown while a gradual
// rollout of the latest revision(s) is in progress.
func (rs *RouteStatus) MarkIngressRolloutInProgress() {
	routeCondSet.Manage(rs).MarkUnknown(RouteConditionIngressReady,
		"RolloutInProgress", "A gradual rollout of the latest revision(s) is in progress.")
}

// MarkIngressNotConfigured marks IngressReady Unknown: the Ingress has no
// status yet.
func (rs *RouteStatus) MarkIngressNotConfigured() {
	routeCondSet.Manage(rs).MarkUnknown(RouteConditionIngressReady,
		"IngressNotConfigured", "Ingress has not yet been reconciled.")
}

// MarkTrafficAssigned marks AllTrafficAssigned True.
func (rs *RouteStatus) MarkTrafficAssigned() {
	routeCondSet.Manage(rs).MarkTrue(RouteConditionAllTrafficAssigned)
}

// MarkUnknownTrafficError marks AllTrafficAssigned Unknown after an error.
func (rs *RouteStatus) MarkUnknownTrafficError(msg string) {
	routeCondSet.Manage(rs).MarkUnknown(RouteConditionAllTrafficAssigned, "Unknown", "%s", msg)
}

// MarkRevisionTargetTrafficError marks AllTrafficAssigned False after an
// error about a revision target.
func (rs *RouteStatus) MarkRevisionTargetTrafficError(reason, msg string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionAllTrafficAssigned, reason, "%s", msg)
}

// MarkConfigurationNotReady marks AllTrafficAssigned Unknown: the
// Configuration has no ready Revision yet.
func (rs *RouteStatus) MarkConfigurationNotReady(name string) {
	routeCondSet.Manage(rs).MarkUnknown(RouteConditionAllTrafficAssigned,
		"RevisionMissing",
		"Configuration %q is waiting for a Revision to become ready.", name)
}

// MarkConfigurationFailed marks AllTrafficAssigned False: the Configuration
// has no ready Revision and its latest one failed.
func (rs *RouteStatus) MarkConfigurationFailed(name string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionAllTrafficAssigned,
		"RevisionMissing",
		"Configuration %q does not have any ready Revision.", name)
}

// MarkRevisionNotReady marks AllTrafficAssigned Unknown: the Revision is
// not ready yet.
func (rs *RouteStatus) MarkRevisionNotReady(name string) {
	routeCondSet.Manage(rs).MarkUnknown(RouteConditionAllTrafficAssigned,
		"RevisionMissing",
		"Revision %q is not yet ready.", name)
}

// MarkRevisionFailed marks AllTrafficAssigned False: the Revision failed.
func (rs *RouteStatus) MarkRevisionFailed(name string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionAllTrafficAssigned,
		"RevisionMissing",
		"Revision %q failed to become ready.", name)
}

// MarkMissingTrafficTarget marks AllTrafficAssigned False: a referenced
// target (kind "Configuration" or "Revision") does not exist.
func (rs *RouteStatus) MarkMissingTrafficTarget(kind, name string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionAllTrafficAssigned,
		kind+"Missing",
		"%s %q referenced in traffic not found.", kind, name)
}

// MarkCertificateProvisionFailed marks CertificateProvisioned False: the
// Certificate failed.
func (rs *RouteStatus) MarkCertificateProvisionFailed(c CertificateObject) {
	certificateCondition := c.GetStatus().GetCondition(apis.ConditionReady)
	routeCondSet.Manage(rs).MarkFalse(RouteConditionCertificateProvisioned,
		"CertificateProvisionFailed",
		"Certificate %s fails to be provisioned: %s", c.GetName(), certificateCondition.GetReason())
}

// MarkCertificateReady marks CertificateProvisioned True.
func (rs *RouteStatus) MarkCertificateReady(_ string) {
	routeCondSet.Manage(rs).MarkTrue(RouteConditionCertificateProvisioned)
}

// MarkCertificateNotReady marks CertificateProvisioned Unknown: the
// Certificate is not ready yet.
func (rs *RouteStatus) MarkCertificateNotReady(c CertificateObject) {
	certificateCondition := c.GetStatus().GetCondition(apis.ConditionReady)
	routeCondSet.Manage(rs).MarkUnknown(RouteConditionCertificateProvisioned,
		"CertificateNotReady",
		"Certificate %s is not ready: %s", c.GetName(), certificateCondition.GetReason())
}

// MarkCertificateNotOwned marks CertificateProvisioned False: a Certificate
// with the name we want exists and is not ours.
func (rs *RouteStatus) MarkCertificateNotOwned(name string) {
	routeCondSet.Manage(rs).MarkFalse(RouteConditionCertificateProvisioned,
		"CertificateNotOwned",
		"There is an existing certificate %s that we don't own.", name)
}

// MarkTLSNotEnabled marks CertificateProvisioned True with reason
// TLSNotEnabled: no certificate is wanted (external-domain-tls off, or a
// cluster-local route).
func (rs *RouteStatus) MarkTLSNotEnabled(msg string) {
	routeCondSet.Manage(rs).MarkTrueWithReason(RouteConditionCertificateProvisioned,
		"TLSNotEnabled", "%s", msg)
}

// MarkHTTPDowngrade marks CertificateProvisioned True with reason
// HTTPDowngrade: the certificate is not ready and plain HTTP is served.
func (rs *RouteStatus) MarkHTTPDowngrade(name string) {
	routeCondSet.Manage(rs).MarkTrueWithReason(RouteConditionCertificateProvisioned,
		"HTTPDowngrade",
		"Certificate %s is not ready downgrade HTTP.", name)
}

// PropagateIngressStatus reflects the Ingress's Ready condition in
// IngressReady.
//
// Messages copied from other objects are passed as "%s" arguments, not as
// format strings, so a '%' in them survives (upstream mangles it).
func (rs *RouteStatus) PropagateIngressStatus(cs netv1alpha1.IngressStatus) {
	cc := cs.GetCondition(netv1alpha1.IngressConditionReady)
	if cc == nil {
		rs.MarkIngressNotConfigured()
		return
	}
	m := routeCondSet.Manage(rs)
	switch cc.Status {
	case corev1.ConditionTrue:
		m.MarkTrue(RouteConditionIngressReady)
	case corev1.ConditionFalse:
		m.MarkFalse(RouteConditionIngressReady, cc.Reason, "%s", cc.Message)
	case corev1.ConditionUnknown:
		m.MarkUnknown(RouteConditionIngressReady, cc.Reason, "%s", cc.Message)
	}
}
