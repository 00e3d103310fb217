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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	. "knative.dev/pkg/configmap/testing"
)

func TestShippedConfigMap(t *testing.T) {
	actual, example := ConfigMapsFromTestFile(t, ConfigMapName)
	if got, err := NewConfigFromConfigMap(actual); err != nil {
		t.Error("NewConfigFromConfigMap(actual) =", err)
	} else if diff := cmp.Diff(defaultConfig(), got); diff != "" {
		t.Error("shipped config-network differs from the defaults (-want,+got):", diff)
	}
	// The _example block documents the defaults; they must agree.
	if got, err := NewConfigFromConfigMap(example); err != nil {
		t.Error("NewConfigFromConfigMap(example) =", err)
	} else if diff := cmp.Diff(defaultConfig(), got); diff != "" {
		t.Error("_example differs from the defaults (-want,+got):", diff)
	}
}

func TestDefaults(t *testing.T) {
	got, err := NewConfigFromConfigMap(nil)
	if err != nil {
		t.Fatal("NewConfigFromConfigMap(nil) =", err)
	}
	want := &Config{
		DefaultIngressClass:     "skiff.ingress.networking.knative.dev",
		DefaultCertificateClass: "cert-manager.certificate.networking.knative.dev",
		DomainTemplate:          "{{.Name}}.{{.Namespace}}.{{.Domain}}",
		TagTemplate:             "{{.Tag}}-{{.Name}}",
		HTTPProtocol:            HTTPEnabled,
		DefaultExternalScheme:   "http",
		MeshCompatibilityMode:   MeshCompatibilityModeAuto,
		SystemInternalTLS:       EncryptionDisabled,
		ClusterLocalDomainTLS:   EncryptionDisabled,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("defaults (-want,+got):", diff)
	}
}

func TestNewConfigFromMap(t *testing.T) {
	with := func(f func(*Config)) *Config {
		c := defaultConfig()
		f(c)
		return c
	}
	tests := []struct {
		name    string
		data    map[string]string
		want    *Config
		wantErr string // substring; "" means success
	}{{
		name: "empty",
		want: defaultConfig(),
	}, {
		name: "istio ingress class",
		data: map[string]string{DefaultIngressClassKey: IstioIngressClassName},
		want: with(func(c *Config) { c.DefaultIngressClass = IstioIngressClassName }),
	}, {
		name: "rollout duration",
		data: map[string]string{RolloutDurationKey: "211"},
		want: with(func(c *Config) { c.RolloutDurationSecs = 211 }),
	}, {
		name:    "rollout duration not a number",
		data:    map[string]string{RolloutDurationKey: "mil"},
		wantErr: "failed to parse config-network",
	}, {
		name:    "negative rollout duration",
		data:    map[string]string{RolloutDurationKey: "-211"},
		wantErr: "rollout-duration must be a positive integer, but was -211",
	}, {
		name: "autocreate cluster domain claims",
		data: map[string]string{AutocreateClusterDomainClaimsKey: "true"},
		want: with(func(c *Config) { c.AutocreateClusterDomainClaims = true }),
	}, {
		name:    "autocreate cluster domain claims not a bool",
		data:    map[string]string{AutocreateClusterDomainClaimsKey: "yes please"},
		wantErr: `failed to parse "autocreate-cluster-domain-claims"`,
	}, {
		name: "certificate class",
		data: map[string]string{DefaultCertificateClassKey: "my.cert.class"},
		want: with(func(c *Config) { c.DefaultCertificateClass = "my.cert.class" }),
	}, {
		name: "wildcard cert selector",
		data: map[string]string{NamespaceWildcardCertSelectorKey: `
matchExpressions:
- key: "kubernetes.io/metadata.name"
  operator: "NotIn"
  values: ["kube-system"]`},
		want: with(func(c *Config) {
			c.NamespaceWildcardCertSelector = &metav1.LabelSelector{
				MatchExpressions: []metav1.LabelSelectorRequirement{{
					Key:      "kubernetes.io/metadata.name",
					Operator: metav1.LabelSelectorOpNotIn,
					Values:   []string{"kube-system"},
				}},
			}
		}),
	}, {
		name:    "wildcard cert selector not yaml",
		data:    map[string]string{NamespaceWildcardCertSelectorKey: "matchLabels: [: oops"},
		wantErr: `failed to parse "namespace-wildcard-cert-selector"`,
	}, {
		name: "other domain template",
		data: map[string]string{DomainTemplateKey: "{{.Name}}-{{.Namespace}}.{{.Domain}}"},
		want: with(func(c *Config) { c.DomainTemplate = "{{.Name}}-{{.Namespace}}.{{.Domain}}" }),
	}, {
		name:    "blank domain template",
		data:    map[string]string{DomainTemplateKey: ""},
		wantErr: "empty hostname",
	}, {
		name:    "domain template does not parse",
		data:    map[string]string{DomainTemplateKey: "{{.Name}.{{.Namespace}}.{{.Domain}}"},
		wantErr: `invalid domain-template "{{.Name}.{{.Namespace}}.{{.Domain}}"`,
	}, {
		name:    "domain template with a path",
		data:    map[string]string{DomainTemplateKey: "{{.Name}}.{{.Namespace}}.{{.Domain}}/path"},
		wantErr: "domain template has url path: /path",
	}, {
		name:    "domain template with an unknown field",
		data:    map[string]string{DomainTemplateKey: "{{.Name}}.{{.NAmespace}}.{{.Domain}}"},
		wantErr: "can't evaluate field NAmespace",
	}, {
		name:    "tag template with an unknown field",
		data:    map[string]string{TagTemplateKey: "{{.Tags}}-{{.Name}}"},
		wantErr: `invalid tag-template "{{.Tags}}-{{.Name}}"`,
	}, {
		name: "external-domain-tls enabled",
		data: map[string]string{ExternalDomainTLSKey: "Enabled"},
		want: with(func(c *Config) { c.ExternalDomainTLS = true; c.AutoTLS = true }),
	}, {
		name: "deprecated auto-tls enabled",
		data: map[string]string{AutoTLSKey: "enabled"},
		want: with(func(c *Config) { c.ExternalDomainTLS = true; c.AutoTLS = true }),
	}, {
		name: "external-domain-tls wins over auto-tls",
		data: map[string]string{AutoTLSKey: "Enabled", ExternalDomainTLSKey: "Disabled"},
		want: defaultConfig(),
	}, {
		name: "http-protocol redirected",
		data: map[string]string{HTTPProtocolKey: "Redirected"},
		want: with(func(c *Config) { c.HTTPProtocol = HTTPRedirected }),
	}, {
		name: "http-protocol disabled",
		data: map[string]string{HTTPProtocolKey: "Disabled"},
		want: with(func(c *Config) { c.HTTPProtocol = HTTPDisabled }),
	}, {
		name:    "http-protocol unknown",
		data:    map[string]string{HTTPProtocolKey: "under-the-sea"},
		wantErr: "httpProtocol under-the-sea in config-network ConfigMap is not supported",
	}, {
		name: "mesh pod addressability and mesh mode",
		data: map[string]string{EnableMeshPodAddressabilityKey: "true", MeshCompatibilityModeKey: "Disabled"},
		want: with(func(c *Config) {
			c.EnableMeshPodAddressability = true
			c.MeshCompatibilityMode = MeshCompatibilityModeDisabled
		}),
	}, {
		name: "unknown mesh mode keeps the default",
		data: map[string]string{MeshCompatibilityModeKey: "sometimes"},
		want: defaultConfig(),
	}, {
		name: "external scheme",
		data: map[string]string{DefaultExternalSchemeKey: "https"},
		want: with(func(c *Config) { c.DefaultExternalScheme = "https" }),
	}, {
		name: "deprecated internal-encryption turns on system-internal-tls",
		data: map[string]string{InternalEncryptionKey: "true"},
		want: with(func(c *Config) { c.InternalEncryption = true; c.SystemInternalTLS = EncryptionEnabled }),
	}, {
		name: "system-internal-tls enabled",
		data: map[string]string{SystemInternalTLSKey: "Enabled"},
		want: with(func(c *Config) { c.InternalEncryption = true; c.SystemInternalTLS = EncryptionEnabled }),
	}, {
		name:    "system-internal-tls unknown",
		data:    map[string]string{SystemInternalTLSKey: "wrong"},
		wantErr: `system-internal-tls with value: "wrong" in config-network ConfigMap is not supported`,
	}, {
		name: "cluster-local-domain-tls enabled",
		data: map[string]string{ClusterLocalDomainTLSKey: "enabled"},
		want: with(func(c *Config) { c.ClusterLocalDomainTLS = EncryptionEnabled }),
	}, {
		name:    "cluster-local-domain-tls unknown",
		data:    map[string]string{ClusterLocalDomainTLSKey: "wrong"},
		wantErr: `cluster-local-domain-tls with value: "wrong" in config-network ConfigMap is not supported`,
	}, {
		name: "legacy keys",
		data: map[string]string{
			"ingress.class":                 "1",
			"certificate.class":             "2",
			"domainTemplate":                "3",
			"tagTemplate":                   "4",
			"rolloutDuration":               "5",
			"defaultExternalScheme":         "6",
			"autocreateClusterDomainClaims": "true",
			"httpProtocol":                  "redirected",
			"autoTLS":                       "enabled",
		},
		want: with(func(c *Config) {
			c.DefaultIngressClass = "1"
			c.DefaultCertificateClass = "2"
			c.DomainTemplate = "3"
			c.TagTemplate = "4"
			c.RolloutDurationSecs = 5
			c.DefaultExternalScheme = "6"
			c.AutocreateClusterDomainClaims = true
			c.HTTPProtocol = HTTPRedirected
			c.AutoTLS = true
			c.ExternalDomainTLS = true
		}),
	}, {
		name: "current keys win over legacy keys",
		data: map[string]string{
			"ingress.class":                  "1",
			"domainTemplate":                 "3",
			"rolloutDuration":                "5",
			"autocreateClusterDomainClaims":  "true",
			"httpProtocol":                   "redirected",
			"autoTLS":                        "enabled",
			DefaultIngressClassKey:           "7",
			DomainTemplateKey:                "9",
			RolloutDurationKey:               "11",
			AutocreateClusterDomainClaimsKey: "false",
			HTTPProtocolKey:                  "enabled",
			AutoTLSKey:                       "disabled",
		},
		want: with(func(c *Config) {
			c.DefaultIngressClass = "7"
			c.DomainTemplate = "9"
			c.RolloutDurationSecs = 11
		}),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewConfigFromConfigMap(&corev1.ConfigMap{Data: tc.data})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal("NewConfigFromMap() unexpected error:", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("NewConfigFromMap() = %+v, want error containing %q", got, tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("NewConfigFromMap() error = %q, want it to contain %q", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("NewConfigFromMap (-want,+got):", diff)
			}
		})
	}
}

func TestDomainFromTemplate(t *testing.T) {
	values := DomainTemplateValues{
		Name:        "hello",
		Namespace:   "default",
		Domain:      "example.com",
		Annotations: map[string]string{"sub": "anno"},
		Labels:      map[string]string{"sub": "label"},
	}
	tests := []struct {
		name     string
		template string
		values   DomainTemplateValues
		want     string
		wantErr  string
	}{{
		name:     "default template",
		template: DefaultDomainTemplate,
		values:   values,
		want:     "hello.default.example.com",
	}, {
		name:     "flattened namespace",
		template: "{{.Name}}-{{.Namespace}}.{{.Domain}}",
		values:   values,
		want:     "hello-default.example.com",
	}, {
		name:     "annotation in template",
		template: `{{.Name}}.{{index .Annotations "sub"}}.{{.Domain}}`,
		values:   values,
		want:     "hello.anno.example.com",
	}, {
		name:     "label in template",
		template: `{{.Name}}.{{index .Labels "sub"}}.{{.Domain}}`,
		values:   values,
		want:     "hello.label.example.com",
	}, {
		name:     "result is not a domain name",
		template: DefaultDomainTemplate,
		values:   DomainTemplateValues{Name: "Hello_World", Namespace: "default", Domain: "example.com"},
		wantErr:  `invalid domain name "Hello_World.default.example.com"`,
	}, {
		name:     "missing annotation yields an empty label",
		template: `{{.Name}}.{{index .Annotations "nope"}}.{{.Domain}}`,
		values:   values,
		wantErr:  `invalid domain name "hello..example.com"`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := NewConfigFromMap(map[string]string{DomainTemplateKey: tc.template})
			if err != nil {
				t.Fatal("NewConfigFromMap() =", err)
			}
			got, err := cfg.DomainFromTemplate(tc.values)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("DomainFromTemplate() = %q, %v; want error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("DomainFromTemplate() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDefaultDomainFromTemplateIgnoresCustomTemplate(t *testing.T) {
	// A cluster-local Route keeps the default shape whatever domain-template says.
	if _, err := NewConfigFromMap(map[string]string{DomainTemplateKey: "{{.Name}}-{{.Namespace}}.{{.Domain}}"}); err != nil {
		t.Fatal(err)
	}
	got, err := DefaultDomainFromTemplate(DomainTemplateValues{Name: "hello", Namespace: "default", Domain: "svc.cluster.local"})
	if want := "hello.default.svc.cluster.local"; err != nil || got != want {
		t.Errorf("DefaultDomainFromTemplate() = %q, %v; want %q", got, err, want)
	}
}

func TestHostnameFromTemplate(t *testing.T) {
	for _, tc := range []struct {
		template, name, tag, want string
	}{
		{DefaultTagTemplate, "hello", "", "hello"},
		{DefaultTagTemplate, "hello", "candidate", "candidate-hello"},
		{"{{.Name}}-{{.Tag}}", "hello", "candidate", "hello-candidate"},
	} {
		cfg, err := NewConfigFromMap(map[string]string{TagTemplateKey: tc.template})
		if err != nil {
			t.Fatal("NewConfigFromMap() =", err)
		}
		if got, err := cfg.HostnameFromTemplate(tc.name, tc.tag); err != nil || got != tc.want {
			t.Errorf("HostnameFromTemplate(%q, %q) with %q = %q, %v; want %q", tc.name, tc.tag, tc.template, got, err, tc.want)
		}
	}
}

func TestTemplatesOnHandBuiltConfig(t *testing.T) {
	// Configs built in tests never went through NewConfigFromMap; the
	// getters parse and cache on demand.
	cfg := &Config{DomainTemplate: "{{.Domain}}.{{.Name}}", TagTemplate: "{{.Name}}.{{.Tag}}"}
	if got, err := cfg.DomainFromTemplate(DomainTemplateValues{Name: "a", Domain: "b.c"}); err != nil || got != "b.c.a" {
		t.Errorf("DomainFromTemplate() = %q, %v", got, err)
	}
	if got, err := cfg.HostnameFromTemplate("a", "t"); err != nil || got != "a.t" {
		t.Errorf("HostnameFromTemplate() = %q, %v", got, err)
	}
	if cfg.GetDomainTemplate() != cfg.GetDomainTemplate() {
		t.Error("GetDomainTemplate() is not cached")
	}
}

func TestTemplateCacheIsBounded(t *testing.T) {
	for i := 0; i < 3*maxCachedTemplates; i++ {
		cfg := &Config{DomainTemplate: strings.Repeat("x", i+1) + ".{{.Domain}}"}
		cfg.GetDomainTemplate()
	}
	templates.mu.Lock()
	n := len(templates.m)
	templates.mu.Unlock()
	if n > maxCachedTemplates {
		t.Errorf("template cache holds %d entries, want at most %d", n, maxCachedTemplates)
	}
}

func TestSystemInternalTLSEnabled(t *testing.T) {
	for _, tc := range []struct {
		cfg  EncryptionConfig
		want bool
	}{{EncryptionEnabled, true}, {EncryptionDisabled, false}, {"", false}} {
		c := &Config{SystemInternalTLS: tc.cfg}
		if got := c.SystemInternalTLSEnabled(); got != tc.want {
			t.Errorf("SystemInternalTLSEnabled() with %q = %v, want %v", tc.cfg, got, tc.want)
		}
		if got := c.InternalTLSEnabled(); got != tc.want {
			t.Errorf("InternalTLSEnabled() with %q = %v, want %v", tc.cfg, got, tc.want)
		}
	}
}
