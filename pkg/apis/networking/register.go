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

// Package networking holds the networking.internal.knative.dev group name and
// the user-facing networking.knative.dev labels and annotations, with the same
// names and values as knative.dev/networking/pkg/apis/networking (1.17), so
// Routes, KIngresses and Services written for upstream Knative work unchanged.
package networking

import "knative.dev/pkg/kmap"

const (
	// GroupName is the group of the internal networking CRDs (Ingress,
	// ServerlessService).
	GroupName = "networking.internal.knative.dev"

	// CertificateUIDLabelKey labels ingress secrets with the UID of the
	// Certificate they came from, so informers can select them.
	CertificateUIDLabelKey = GroupName + "/certificate-uid"

	// IngressLabelKey labels the resources an ingress implementation creates
	// with the name of the Ingress that caused them.
	IngressLabelKey = GroupName + "/ingress"

	// OriginSecretNameLabelKey labels a copied TLS secret with the name of the
	// secret it was copied from.
	OriginSecretNameLabelKey = GroupName + "/originSecretName"

	// OriginSecretNamespaceLabelKey labels a copied TLS secret with the
	// namespace of the secret it was copied from.
	OriginSecretNamespaceLabelKey = GroupName + "/originSecretNamespace"

	// RolloutAnnotationKey stores the gradual rollout state on the KIngress
	// and in Route.Status annotations.
	RolloutAnnotationKey = GroupName + "/rollout"
)

const (
	// PublicGroupName is the public networking group, used for labels and
	// annotations users set.
	PublicGroupName = "networking.knative.dev"

	// CertificateClassAnnotationKey selects the Certificate implementation:
	//   networking.knative.dev/certificate.class: some-cert-impl
	CertificateClassAnnotationKey = PublicGroupName + "/certificate.class"

	// CertificateClassAnnotationAltKey is the dash spelling of
	// CertificateClassAnnotationKey accepted on Services and Routes.
	CertificateClassAnnotationAltKey = PublicGroupName + "/certificate-class"

	// DisableAutoTLSAnnotationKey turns external-domain TLS off for one
	// Service or DomainMapping.
	// Deprecated: use DisableExternalDomainTLSAnnotationKey.
	DisableAutoTLSAnnotationKey = PublicGroupName + "/disableAutoTLS"

	// DisableAutoTLSAnnotationAltKey is the dash spelling of
	// DisableAutoTLSAnnotationKey.
	// Deprecated: use DisableExternalDomainTLSAnnotationKey.
	DisableAutoTLSAnnotationAltKey = PublicGroupName + "/disable-auto-tls"

	// DisableExternalDomainTLSAnnotationKey turns external-domain TLS off for
	// one Service or DomainMapping.
	DisableExternalDomainTLSAnnotationKey = PublicGroupName + "/disable-external-domain-tls"

	// HTTPOptionAnnotationKey sets the HTTP option (Enabled/Redirected) of one
	// Service or DomainMapping.
	HTTPOptionAnnotationKey = PublicGroupName + "/httpOption"

	// HTTPProtocolAnnotationKey is the dash spelling of HTTPOptionAnnotationKey.
	HTTPProtocolAnnotationKey = PublicGroupName + "/http-protocol"

	// IngressClassAnnotationKey selects the KIngress implementation:
	//   networking.knative.dev/ingress.class: skiff.ingress.networking.knative.dev
	// Each ingress reconciler only acts on KIngresses of its class.
	IngressClassAnnotationKey = PublicGroupName + "/ingress.class"

	// IngressClassAnnotationAltKey is the dash spelling of
	// IngressClassAnnotationKey accepted on Services and Routes; Serving
	// writes the canonical spelling onto the KIngress.
	IngressClassAnnotationAltKey = PublicGroupName + "/ingress-class"

	// WildcardCertDomainLabelKey labels a wildcard Certificate with its domain.
	WildcardCertDomainLabelKey = PublicGroupName + "/wildcardDomain"

	// VisibilityLabelKey marks a Service, Route or its traffic as private:
	//   networking.knative.dev/visibility: cluster-local
	VisibilityLabelKey = PublicGroupName + "/visibility"

	// CertificateTypeLabelKey labels certificates with their
	// config.CertificateType.
	CertificateTypeLabelKey = PublicGroupName + "/certificate-type"

	// TrustBundleLabelKey marks a ConfigMap as a bundle of CA certificates
	// Knative components should trust; only its presence matters.
	TrustBundleLabelKey = PublicGroupName + "/trust-bundle"
)

var (
	// DefaultRetryCount is the number of retries when Attempts is not set.
	DefaultRetryCount = 3

	// IngressClassAnnotation reads the ingress class in either spelling.
	IngressClassAnnotation = kmap.KeyPriority{
		IngressClassAnnotationKey,
		IngressClassAnnotationAltKey,
	}

	// CertificateClassAnnotation reads the certificate class in either spelling.
	CertificateClassAnnotation = kmap.KeyPriority{
		CertificateClassAnnotationKey,
		CertificateClassAnnotationAltKey,
	}

	// DisableAutoTLSAnnotation is DisableExternalDomainTLSAnnotation.
	// Deprecated: use DisableExternalDomainTLSAnnotation.
	DisableAutoTLSAnnotation = DisableExternalDomainTLSAnnotation

	// DisableExternalDomainTLSAnnotation reads the disable-TLS annotation,
	// honouring the older keys first for backward compatibility.
	DisableExternalDomainTLSAnnotation = kmap.KeyPriority{
		DisableAutoTLSAnnotationKey,
		DisableAutoTLSAnnotationAltKey,
		DisableExternalDomainTLSAnnotationKey,
	}

	// HTTPProtocolAnnotation reads the HTTP option in either spelling.
	HTTPProtocolAnnotation = kmap.KeyPriority{
		HTTPOptionAnnotationKey,
		HTTPProtocolAnnotationKey,
	}
)

// GetIngressClass returns the ingress class annotation ("" if unset).
func GetIngressClass(annotations map[string]string) string {
	return IngressClassAnnotation.Value(annotations)
}

// GetCertificateClass returns the certificate class annotation ("" if unset).
func GetCertificateClass(annotations map[string]string) string {
	return CertificateClassAnnotation.Value(annotations)
}

// GetHTTPProtocol returns the HTTP option annotation ("" if unset).
func GetHTTPProtocol(annotations map[string]string) string {
	return HTTPProtocolAnnotation.Value(annotations)
}

// GetDisableAutoTLS is GetDisableExternalDomainTLS.
// Deprecated: use GetDisableExternalDomainTLS.
var GetDisableAutoTLS = GetDisableExternalDomainTLS

// GetDisableExternalDomainTLS returns the disable-TLS annotation ("" if unset).
func GetDisableExternalDomainTLS(annotations map[string]string) string {
	return DisableExternalDomainTLSAnnotation.Value(annotations)
}
