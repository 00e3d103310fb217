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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"
)

// +genclient
// +genreconciler:class=networking.knative.dev/ingress.class,krshapedlogic=true
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Ingress (KIngress) tells an ingress implementation which hosts and paths to
// route to which Services, with what weights and headers. Routes create
// them; the implementation selected by the networking.knative.dev/ingress.class
// annotation programs its gateway and reports the load balancer in status.
type Ingress struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state of the Ingress.
	// +optional
	Spec IngressSpec `json:"spec,omitempty"`

	// Status is the observed state of the Ingress.
	// +optional
	Status IngressStatus `json:"status,omitempty"`
}

var (
	_ apis.Validatable   = (*Ingress)(nil)
	_ apis.Defaultable   = (*Ingress)(nil)
	_ kmeta.OwnerRefable = (*Ingress)(nil)
	_ duckv1.KRShaped    = (*Ingress)(nil)
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// IngressList is a list of Ingresses.
type IngressList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items is the list of Ingresses.
	Items []Ingress `json:"items"`
}

// IngressSpec is the routing an Ingress asks for. Compared with the
// Kubernetes Ingress, backends may live in other namespaces, traffic can be
// split by percent, headers can be matched and appended.
type IngressSpec struct {
	// TLS configuration, served on port 443; several entries are multiplexed
	// by SNI host name.
	// +optional
	TLS []IngressTLS `json:"tls,omitempty"`

	// Rules are the host rules of the Ingress.
	// +optional
	Rules []IngressRule `json:"rules,omitempty"`

	// HTTPOption is Enabled (serve plain HTTP) or Redirected (redirect plain
	// HTTP to HTTPS).
	HTTPOption HTTPOption `json:"httpOption,omitempty"`
}

// HTTPOption is the Ingress's behaviour on plain HTTP.
type HTTPOption string

const (
	// HTTPOptionEnabled serves plain HTTP.
	HTTPOptionEnabled HTTPOption = "Enabled"
	// HTTPOptionRedirected redirects plain HTTP to HTTPS.
	HTTPOptionRedirected HTTPOption = "Redirected"
)

// IngressVisibility says which gateways expose a rule.
type IngressVisibility string

const (
	// IngressVisibilityExternalIP exposes the rule on the public gateway
	// (e.g. a LoadBalancer Service). The default.
	IngressVisibilityExternalIP IngressVisibility = "ExternalIP"
	// IngressVisibilityClusterLocal exposes the rule only inside the cluster.
	IngressVisibilityClusterLocal IngressVisibility = "ClusterLocal"
)

// IngressTLS is a certificate and the hosts it serves.
type IngressTLS struct {
	// Hosts the certificate covers; they must match the names in the secret.
	// +optional
	Hosts []string `json:"hosts,omitempty"`

	// SecretName is the Secret holding the certificate and key.
	SecretName string `json:"secretName,omitempty"`

	// SecretNamespace is the namespace of the Secret; other namespaces than
	// the Ingress's are not supported.
	// +optional
	SecretNamespace string `json:"secretNamespace,omitempty"`
}

// IngressRule maps the paths of some hosts to backends. A request is matched
// on host first, then on its HTTP rule.
type IngressRule struct {
	// Hosts are fully qualified domain names (no IPs, no ports). Empty means
	// every host. When several rules match, the first wins.
	// +optional
	Hosts []string `json:"hosts,omitempty"`

	// Visibility is ExternalIP (default) or ClusterLocal.
	Visibility IngressVisibility `json:"visibility,omitempty"`

	// HTTP is the path routing of the rule.
	HTTP *HTTPIngressRuleValue `json:"http,omitempty"`
}

// HTTPIngressRuleValue is a list of path routes.
type HTTPIngressRuleValue struct {
	// Paths map request paths to backends; the first match wins.
	Paths []HTTPIngressPath `json:"paths"`
}

// HTTPIngressPath routes requests whose path has a prefix (and whose headers
// match) to weighted backends.
type HTTPIngressPath struct {
	// Path is a literal prefix starting with '/'; empty matches everything.
	// +optional
	Path string `json:"path,omitempty"`

	// RewriteHost replaces the request's Host header (experimental; not every
	// implementation supports it).
	RewriteHost string `json:"rewriteHost,omitempty"`

	// Headers must all match for the path to apply; empty means no header
	// condition.
	// +optional
	Headers map[string]HeaderMatch `json:"headers,omitempty"`

	// Splits are the weighted backends receiving the traffic.
	Splits []IngressBackendSplit `json:"splits"`

	// AppendHeaders are added to every request routed by this path.
	// +optional
	AppendHeaders map[string]string `json:"appendHeaders,omitempty"`
}

// IngressBackendSplit is one weighted backend of a path.
type IngressBackendSplit struct {
	// IngressBackend is the Service receiving this share.
	IngressBackend `json:",inline"`

	// Percent is this backend's share, 0..100. A single split defaults to 100.
	Percent int `json:"percent,omitempty"`

	// AppendHeaders are added to requests sent to this backend (e.g. the
	// Knative-Serving-Revision header).
	// +optional
	AppendHeaders map[string]string `json:"appendHeaders,omitempty"`
}

// IngressBackend is a Service port.
type IngressBackend struct {
	// ServiceNamespace is the namespace of the Service; it must be the
	// Ingress's namespace.
	ServiceNamespace string `json:"serviceNamespace"`

	// ServiceName is the name of the Service.
	ServiceName string `json:"serviceName"`

	// ServicePort is the port (number or name) of the Service.
	ServicePort intstr.IntOrString `json:"servicePort"`
}

// HTTPRetry is DEPRECATED: KIngress does not retry. Kept for field
// compatibility with upstream.
type HTTPRetry struct {
	// Attempts is the number of retries.
	Attempts int `json:"attempts"`

	// PerTryTimeout is the timeout of each attempt (>= 1ms).
	PerTryTimeout *metav1.Duration `json:"perTryTimeout"`
}

// IngressStatus is the observed state of an Ingress.
type IngressStatus struct {
	duckv1.Status `json:",inline"`

	// PublicLoadBalancer is where external traffic for the Ingress goes.
	// +optional
	PublicLoadBalancer *LoadBalancerStatus `json:"publicLoadBalancer,omitempty"`

	// PrivateLoadBalancer is where cluster-local traffic for the Ingress goes.
	// +optional
	PrivateLoadBalancer *LoadBalancerStatus `json:"privateLoadBalancer,omitempty"`
}

// LoadBalancerStatus lists the ingress points of a load balancer.
type LoadBalancerStatus struct {
	// Ingress are the points traffic should be sent to.
	// +optional
	Ingress []LoadBalancerIngressStatus `json:"ingress,omitempty"`
}

// LoadBalancerIngressStatus is one ingress point of a load balancer.
type LoadBalancerIngressStatus struct {
	// IP of an IP-based load balancer.
	// +optional
	IP string `json:"ip,omitempty"`

	// Domain of a DNS-based load balancer.
	// +optional
	Domain string `json:"domain,omitempty"`

	// DomainInternal is a cluster-local DNS name of the load balancer, so
	// Routes can be reached inside the cluster without a mesh (e.g.
	// skiff-gateway-internal.knative-serving.svc.cluster.local).
	// +optional
	DomainInternal string `json:"domainInternal,omitempty"`

	// MeshOnly is set when the Ingress is only reachable through a mesh.
	// +optional
	MeshOnly bool `json:"meshOnly,omitempty"`
}

const (
	// IngressConditionReady is true when the network is configured and the
	// load balancer is ready.
	IngressConditionReady = apis.ConditionReady

	// IngressConditionNetworkConfigured is true when the implementation has
	// programmed the routing (regardless of backend readiness).
	IngressConditionNetworkConfigured apis.ConditionType = "NetworkConfigured"

	// IngressConditionLoadBalancerReady is true when the load balancer serves
	// the Ingress.
	IngressConditionLoadBalancerReady apis.ConditionType = "LoadBalancerReady"
)

// GetStatus returns the duck status. Implements KRShaped.
func (i *Ingress) GetStatus() *duckv1.Status {
	return &i.Status.Status
}

// HeaderMatch is the condition on one header; only exact matches exist.
type HeaderMatch struct {
	Exact string `json:"exact"`
}
