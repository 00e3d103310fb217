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

package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"text/template"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	cm "knative.dev/pkg/configmap"
	"sigs.k8s.io/yaml"
)

const (
	// ConfigMapName is the name of the networking ConfigMap.
	ConfigMapName = "config-network"

	// DefaultDomainTemplate builds a Route's host from its name, namespace
	// and domain.
	DefaultDomainTemplate = "{{.Name}}.{{.Namespace}}.{{.Domain}}"

	// DefaultTagTemplate builds the name part of a traffic tag's host.
	DefaultTagTemplate = "{{.Tag}}-{{.Name}}"

	// SkiffIngressClassName selects Skiff's own gateway, the default here.
	SkiffIngressClassName = "skiff.ingress.networking.knative.dev"

	// IstioIngressClassName selects the net-istio KIngress reconciler
	// (upstream's default class).
	IstioIngressClassName = "istio.ingress.networking.knative.dev"

	// CertManagerCertificateClassName selects the cert-manager Certificate
	// reconciler.
	CertManagerCertificateClassName = "cert-manager.certificate.networking.knative.dev"

	// ServingRoutingCertName is the Secret, in the system namespace, holding
	// the certificates for routing traffic (gateways and activator).
	ServingRoutingCertName = "routing-serving-certs"
)

// Keys of config-network.
const (
	// AutocreateClusterDomainClaimsKey: create ClusterDomainClaims for
	// DomainMappings automatically.
	AutocreateClusterDomainClaimsKey = "autocreate-cluster-domain-claims"

	// AutoTLSKey enables TLS for external domains.
	// Deprecated: use ExternalDomainTLSKey.
	AutoTLSKey = "auto-tls"

	// ExternalDomainTLSKey enables TLS for external domains.
	ExternalDomainTLSKey = "external-domain-tls"

	// ClusterLocalDomainTLSKey enables TLS for cluster-local domains.
	ClusterLocalDomainTLSKey = "cluster-local-domain-tls"

	// DefaultCertificateClassKey is the default Certificate class.
	DefaultCertificateClassKey = "certificate-class"

	// DefaultExternalSchemeKey is the scheme of external URLs when TLS is off.
	DefaultExternalSchemeKey = "default-external-scheme"

	// DefaultIngressClassKey is the default KIngress class.
	DefaultIngressClassKey = "ingress-class"

	// DomainTemplateKey is the Go template for Route hosts.
	DomainTemplateKey = "domain-template"

	// EnableMeshPodAddressabilityKey makes pods IP-addressable under a mesh.
	EnableMeshPodAddressabilityKey = "enable-mesh-pod-addressability"

	// HTTPProtocolKey is the HTTP behaviour of the ingress (enabled,
	// redirected, disabled).
	HTTPProtocolKey = "http-protocol"

	// MeshCompatibilityModeKey selects pod IP versus cluster IP access.
	MeshCompatibilityModeKey = "mesh-compatibility-mode"

	// NamespaceWildcardCertSelectorKey is a LabelSelector of the namespaces
	// that get a wildcard certificate.
	NamespaceWildcardCertSelectorKey = "namespace-wildcard-cert-selector"

	// RolloutDurationKey is the default gradual rollout duration, in seconds.
	RolloutDurationKey = "rollout-duration"

	// TagTemplateKey is the Go template for the name part of tag hosts.
	TagTemplateKey = "tag-template"

	// InternalEncryptionKey enables TLS between system components.
	// Deprecated: use SystemInternalTLSKey.
	InternalEncryptionKey = "internal-encryption"

	// SystemInternalTLSKey enables TLS between system components.
	SystemInternalTLSKey = "system-internal-tls"
)

// CertificateType is the kind of certificate Knative provisions; it is the
// value of the networking.knative.dev/certificate-type label.
type CertificateType string

const (
	// CertificateSystemInternal is used for system-internal-tls.
	CertificateSystemInternal CertificateType = "system-internal"

	// CertificateClusterLocalDomain is used for cluster-local-domain-tls.
	CertificateClusterLocalDomain CertificateType = "cluster-local-domain"

	// CertificateExternalDomain is used for external-domain-tls.
	CertificateExternalDomain CertificateType = "external-domain"
)

// EncryptionConfig says whether TLS is used for a kind of connection.
type EncryptionConfig string

const (
	// EncryptionDisabled: no TLS.
	EncryptionDisabled EncryptionConfig = "disabled"

	// EncryptionEnabled: TLS, and clients verify the server certificate.
	EncryptionEnabled EncryptionConfig = "enabled"
)

// HTTPProtocol is the ingress's behaviour on plain HTTP.
type HTTPProtocol string

const (
	// HTTPEnabled serves plain HTTP.
	HTTPEnabled HTTPProtocol = "enabled"

	// HTTPDisabled refuses plain HTTP.
	HTTPDisabled HTTPProtocol = "disabled"

	// HTTPRedirected redirects plain HTTP to HTTPS.
	HTTPRedirected HTTPProtocol = "redirected"
)

// MeshCompatibilityMode tells network consumers how to reach pods.
type MeshCompatibilityMode string

const (
	// MeshCompatibilityModeEnabled always goes through the cluster IP (needed
	// under a mesh without pod addressability; slower).
	MeshCompatibilityModeEnabled MeshCompatibilityMode = "enabled"

	// MeshCompatibilityModeDisabled always dials pod IPs (fastest).
	MeshCompatibilityModeDisabled MeshCompatibilityMode = "disabled"

	// MeshCompatibilityModeAuto tries pod IPs and falls back to the cluster IP
	// when a mesh is detected.
	MeshCompatibilityModeAuto MeshCompatibilityMode = "auto"
)

// DomainTemplateValues are the fields a domain-template may use.
type DomainTemplateValues struct {
	Name        string
	Namespace   string
	Domain      string
	Annotations map[string]string
	Labels      map[string]string
}

// TagTemplateValues are the fields a tag-template may use.
type TagTemplateValues struct {
	Name string
	Tag  string
}

// Config is the parsed config-network.
type Config struct {
	// DefaultIngressClass is the KIngress class used when a Route does not
	// choose one.
	DefaultIngressClass string

	// DomainTemplate is the Go template for a Route's host.
	DomainTemplate string

	// TagTemplate is the Go template for the name part of a tag's host.
	TagTemplate string

	// AutoTLS mirrors ExternalDomainTLS.
	// Deprecated: use ExternalDomainTLS.
	AutoTLS bool

	// ExternalDomainTLS enables certificates for external domains.
	ExternalDomainTLS bool

	// HTTPProtocol is the ingress's plain-HTTP behaviour.
	HTTPProtocol HTTPProtocol

	// DefaultCertificateClass is the Certificate class used when a Route does
	// not choose one.
	DefaultCertificateClass string

	// NamespaceWildcardCertSelector selects the namespaces that get a
	// wildcard certificate; nil selects none.
	NamespaceWildcardCertSelector *metav1.LabelSelector

	// RolloutDurationSecs is the default gradual rollout duration.
	RolloutDurationSecs int

	// AutocreateClusterDomainClaims creates ClusterDomainClaims for
	// DomainMappings on demand; when false an administrator delegates them.
	AutocreateClusterDomainClaims bool

	// EnableMeshPodAddressability makes pods reachable by IP under a mesh.
	EnableMeshPodAddressability bool

	// MeshCompatibilityMode tells consumers how to reach pods.
	MeshCompatibilityMode MeshCompatibilityMode

	// DefaultExternalScheme is the scheme of external URLs without TLS.
	DefaultExternalScheme string

	// InternalEncryption mirrors SystemInternalTLS == EncryptionEnabled.
	// Deprecated: use SystemInternalTLS.
	InternalEncryption bool

	// SystemInternalTLS encrypts traffic between system components.
	SystemInternalTLS EncryptionConfig

	// ClusterLocalDomainTLS encrypts cluster-local traffic.
	ClusterLocalDomainTLS EncryptionConfig
}

func defaultConfig() *Config {
	return &Config{
		DefaultIngressClass:           SkiffIngressClassName,
		DefaultCertificateClass:       CertManagerCertificateClassName,
		DomainTemplate:                DefaultDomainTemplate,
		TagTemplate:                   DefaultTagTemplate,
		HTTPProtocol:                  HTTPEnabled,
		DefaultExternalScheme:         "http",
		MeshCompatibilityMode:         MeshCompatibilityModeAuto,
		SystemInternalTLS:             EncryptionDisabled,
		ClusterLocalDomainTLS:         EncryptionDisabled,
		NamespaceWildcardCertSelector: nil,
	}
}

// NewConfigFromConfigMap parses config-network; a nil ConfigMap yields the
// defaults.
func NewConfigFromConfigMap(config *corev1.ConfigMap) (*Config, error) {
	if config == nil {
		return NewConfigFromMap(nil)
	}
	return NewConfigFromMap(config.Data)
}

// NewConfigFromMap parses config-network's data. Legacy camel-case keys are
// honoured; the current key wins when both are set.
func NewConfigFromMap(data map[string]string) (*Config, error) {
	nc := defaultConfig()

	if err := cm.Parse(data,
		// Legacy keys first, so the current keys below override them.
		cm.AsString("ingress.class", &nc.DefaultIngressClass),
		cm.AsString("certificate.class", &nc.DefaultCertificateClass),
		cm.AsString("domainTemplate", &nc.DomainTemplate),
		cm.AsString("tagTemplate", &nc.TagTemplate),
		cm.AsInt("rolloutDuration", &nc.RolloutDurationSecs),
		asBool("autocreateClusterDomainClaims", &nc.AutocreateClusterDomainClaims),
		cm.AsString("defaultExternalScheme", &nc.DefaultExternalScheme),

		cm.AsString(DefaultIngressClassKey, &nc.DefaultIngressClass),
		cm.AsString(DefaultCertificateClassKey, &nc.DefaultCertificateClass),
		cm.AsString(DomainTemplateKey, &nc.DomainTemplate),
		cm.AsString(TagTemplateKey, &nc.TagTemplate),
		cm.AsInt(RolloutDurationKey, &nc.RolloutDurationSecs),
		asBool(AutocreateClusterDomainClaimsKey, &nc.AutocreateClusterDomainClaims),
		asBool(EnableMeshPodAddressabilityKey, &nc.EnableMeshPodAddressability),
		cm.AsString(DefaultExternalSchemeKey, &nc.DefaultExternalScheme),
		asBool(InternalEncryptionKey, &nc.InternalEncryption),
		asMode(MeshCompatibilityModeKey, &nc.MeshCompatibilityMode),
		asLabelSelector(NamespaceWildcardCertSelectorKey, &nc.NamespaceWildcardCertSelector),
	); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", ConfigMapName, err)
	}

	if nc.RolloutDurationSecs < 0 {
		return nil, fmt.Errorf("%s must be a positive integer, but was %d", RolloutDurationKey, nc.RolloutDurationSecs)
	}

	// Parse and try both templates now, so a bad template is rejected by the
	// ConfigMap webhook instead of failing every Route later.
	dt, err := template.New("domain-template").Parse(nc.DomainTemplate)
	if err != nil {
		return nil, fmt.Errorf("invalid %s %q: %w", DomainTemplateKey, nc.DomainTemplate, err)
	}
	if err := checkDomainTemplate(dt); err != nil {
		return nil, fmt.Errorf("invalid %s %q: %w", DomainTemplateKey, nc.DomainTemplate, err)
	}
	templates.add(nc.DomainTemplate, dt)

	tt, err := template.New("tag-template").Parse(nc.TagTemplate)
	if err != nil {
		return nil, fmt.Errorf("invalid %s %q: %w", TagTemplateKey, nc.TagTemplate, err)
	}
	if err := checkTagTemplate(tt); err != nil {
		return nil, fmt.Errorf("invalid %s %q: %w", TagTemplateKey, nc.TagTemplate, err)
	}
	templates.add(nc.TagTemplate, tt)

	// external-domain-tls replaces auto-tls (and its camel-case autoTLS);
	// AutoTLS is kept equal to it for code that still reads the old field.
	if val, ok := data["autoTLS"]; ok {
		nc.AutoTLS = strings.EqualFold(val, "enabled")
	}
	if val, ok := data[AutoTLSKey]; ok {
		nc.AutoTLS = strings.EqualFold(val, "enabled")
	}
	if val, ok := data[ExternalDomainTLSKey]; ok {
		nc.ExternalDomainTLS = strings.EqualFold(val, "enabled")
		nc.AutoTLS = nc.ExternalDomainTLS
	} else {
		nc.ExternalDomainTLS = nc.AutoTLS
	}

	httpProtocol := data["httpProtocol"]
	if val, ok := data[HTTPProtocolKey]; ok {
		httpProtocol = val
	}
	switch strings.ToLower(httpProtocol) {
	case "", string(HTTPEnabled):
		// The default.
	case string(HTTPDisabled):
		nc.HTTPProtocol = HTTPDisabled
	case string(HTTPRedirected):
		nc.HTTPProtocol = HTTPRedirected
	default:
		return nil, fmt.Errorf("httpProtocol %s in config-network ConfigMap is not supported", httpProtocol)
	}

	switch strings.ToLower(data[SystemInternalTLSKey]) {
	case "", string(EncryptionDisabled):
		if nc.InternalEncryption {
			// The deprecated key still turns it on.
			nc.SystemInternalTLS = EncryptionEnabled
		}
	case string(EncryptionEnabled):
		nc.SystemInternalTLS = EncryptionEnabled
		nc.InternalEncryption = true
	default:
		return nil, fmt.Errorf("%s with value: %q in config-network ConfigMap is not supported",
			SystemInternalTLSKey, data[SystemInternalTLSKey])
	}

	switch strings.ToLower(data[ClusterLocalDomainTLSKey]) {
	case "", string(EncryptionDisabled):
	case string(EncryptionEnabled):
		nc.ClusterLocalDomainTLS = EncryptionEnabled
	default:
		return nil, fmt.Errorf("%s with value: %q in config-network ConfigMap is not supported",
			ClusterLocalDomainTLSKey, data[ClusterLocalDomainTLSKey])
	}

	return nc, nil
}

// InternalTLSEnabled reports whether system-internal TLS is on.
// Deprecated: use SystemInternalTLSEnabled.
func (c *Config) InternalTLSEnabled() bool {
	return c.SystemInternalTLS == EncryptionEnabled
}

// SystemInternalTLSEnabled reports whether system-internal TLS is on.
func (c *Config) SystemInternalTLSEnabled() bool {
	return c.SystemInternalTLS == EncryptionEnabled
}

// GetDomainTemplate returns the parsed domain template. It panics on a bad
// template, which NewConfigFromMap has already rejected; only a Config built
// by hand (tests) can get here with one.
func (c *Config) GetDomainTemplate() *template.Template {
	return templates.get("domain-template", c.DomainTemplate)
}

// GetTagTemplate returns the parsed tag template; see GetDomainTemplate.
func (c *Config) GetTagTemplate() *template.Template {
	return templates.get("tag-template", c.TagTemplate)
}

// DomainFromTemplate executes the domain template and checks the result is a
// fully qualified domain name.
func (c *Config) DomainFromTemplate(v DomainTemplateValues) (string, error) {
	return executeDomainTemplate(c.GetDomainTemplate(), v)
}

// DefaultDomainFromTemplate executes DefaultDomainTemplate. Cluster-local
// Routes use it regardless of domain-template, as upstream does, so their
// hosts stay <name>.<namespace>.svc.<cluster domain>.
func DefaultDomainFromTemplate(v DomainTemplateValues) (string, error) {
	return executeDomainTemplate(templates.get("domain-template", DefaultDomainTemplate), v)
}

func executeDomainTemplate(t *template.Template, v DomainTemplateValues) (string, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("error executing the domain template: %w", err)
	}
	host := buf.String()
	if errs := validation.IsFullyQualifiedDomainName(field.NewPath("url"), host); len(errs) != 0 {
		return "", fmt.Errorf("invalid domain name %q: %w", host, errs.ToAggregate())
	}
	return host, nil
}

// HostnameFromTemplate returns the name part of a traffic target's host: the
// tag template applied to (name, tag), or name itself when tag is empty.
func (c *Config) HostnameFromTemplate(name, tag string) (string, error) {
	if tag == "" {
		return name, nil
	}
	var buf bytes.Buffer
	if err := c.GetTagTemplate().Execute(&buf, TagTemplateValues{Name: name, Tag: tag}); err != nil {
		return "", fmt.Errorf("error executing the tag template: %w", err)
	}
	return buf.String(), nil
}

// checkDomainTemplate runs t on sample values and requires a bare host.
func checkDomainTemplate(t *template.Template) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, DomainTemplateValues{Name: "foo", Namespace: "bar", Domain: "baz.com"}); err != nil {
		return err
	}
	u, err := url.Parse("https://" + buf.String())
	if err != nil {
		return err
	}
	if u.Hostname() == "" {
		return errors.New("empty hostname")
	}
	if u.RequestURI() != "/" {
		return fmt.Errorf("domain template has url path: %s", u.RequestURI())
	}
	return nil
}

// checkTagTemplate runs t on sample values.
func checkTagTemplate(t *template.Template) error {
	return t.Execute(io.Discard, TagTemplateValues{Name: "foo", Tag: "v2"})
}

// asBool is cm.AsBool naming the key in its error.
func asBool(key string, target *bool) cm.ParseFunc {
	parse := cm.AsBool(key, target)
	return func(data map[string]string) error {
		if err := parse(data); err != nil {
			return fmt.Errorf("failed to parse %q: %w", key, err)
		}
		return nil
	}
}

// asLabelSelector parses a YAML LabelSelector; empty means none.
func asLabelSelector(key string, target **metav1.LabelSelector) cm.ParseFunc {
	return func(data map[string]string) error {
		if raw := data[key]; raw != "" {
			var selector *metav1.LabelSelector
			if err := yaml.Unmarshal([]byte(raw), &selector); err != nil {
				return fmt.Errorf("failed to parse %q: %w", key, err)
			}
			*target = selector
		}
		return nil
	}
}

// asMode parses a MeshCompatibilityMode case-insensitively. Unknown values
// keep the default, as upstream.
func asMode(key string, target *MeshCompatibilityMode) cm.ParseFunc {
	return func(data map[string]string) error {
		if raw, ok := data[key]; ok {
			for _, mode := range []MeshCompatibilityMode{MeshCompatibilityModeEnabled, MeshCompatibilityModeDisabled, MeshCompatibilityModeAuto} {
				if strings.EqualFold(raw, string(mode)) {
					*target = mode
					return nil
				}
			}
		}
		return nil
	}
}

// templateCache keeps parsed templates by source, so Routes do not reparse
// the template on every reconcile. Only a handful of distinct templates exist
// at a time (current and previous config), so it is simply emptied when full.
type templateCache struct {
	mu sync.Mutex
	m  map[string]*template.Template
}

const maxCachedTemplates = 20

var templates = &templateCache{m: make(map[string]*template.Template, maxCachedTemplates)}

func (c *templateCache) add(src string, t *template.Template) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedTemplates {
		clear(c.m)
	}
	c.m[src] = t
}

func (c *templateCache) get(name, src string) *template.Template {
	c.mu.Lock()
	t, ok := c.m[src]
	c.mu.Unlock()
	if ok {
		return t
	}
	t = template.Must(template.New(name).Parse(src))
	c.add(src, t)
	return t
}
