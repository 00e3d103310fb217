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
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/network"
	"sigs.k8s.io/yaml"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

const (
	// DomainConfigName is the name of the ConfigMap holding the domains.
	DomainConfigName = "config-domain"

	// DomainTypeWildcard marks a domain for which namespace wildcard
	// certificates may be provisioned.
	DomainTypeWildcard = "wildcard"
)

// DefaultDomain is the domain used when config-domain has no domain without
// a selector. It is the cluster's own domain, so such Routes are only
// reachable inside the cluster (as upstream).
var DefaultDomain = "svc." + network.GetClusterDomainName()

// LabelSelector represents map of {key,value} pairs. A single {key,value} in
// the map is equivalent to a requirement key == value. The requirements are
// ANDed.
type LabelSelector struct {
	Selector map[string]string `json:"selector,omitempty"`
}

func (s *LabelSelector) specificity() int {
	if s == nil {
		return 0
	}
	return len(s.Selector)
}

// Matches returns whether the given labels meet the requirements of the
// selector. A nil selector matches everything.
func (s *LabelSelector) Matches(labels map[string]string) bool {
	if s == nil {
		return true
	}
	for label, expectedValue := range s.Selector {
		value, ok := labels[label]
		if !ok || expectedValue != value {
			return false
		}
	}
	return true
}

// Domain maps domains to routes by matching the domain's label selectors to
// the route's labels.
type Domain struct {
	// Domains map from domain to a set of options including a label
	// selector. If a route has labels matching a particular selector, it
	// uses the corresponding domain; when several selectors match, the most
	// specific one wins.
	Domains map[string]DomainConfig
}

// DomainConfig holds the options of one domain.
type DomainConfig struct {
	// Selector of the Routes that use the domain. If several selectors
	// match, the most specific one (most labels) is chosen.
	Selector *LabelSelector

	// Type of the domain: wildcard or unset.
	Type string
}

// domainInternalConfig is the YAML value of one config-domain entry.
type domainInternalConfig struct {
	Selector map[string]string `json:"selector,omitempty"`
	Type     string            `json:"type"`
}

// NewDomainFromConfigMap parses config-domain. Each key is a domain; its
// value is empty (the default domain) or YAML with a label `selector` and an
// optional `type`. When no domain lacks a selector, DefaultDomain is added as
// the default.
func NewDomainFromConfigMap(configMap *corev1.ConfigMap) (*Domain, error) {
	c := Domain{Domains: map[string]DomainConfig{}}
	hasDefault := false
	for k, v := range configMap.Data {
		if k == configmap.ExampleKey {
			continue
		}
		internalConfig := domainInternalConfig{}
		if err := yaml.Unmarshal([]byte(v), &internalConfig); err != nil {
			return nil, fmt.Errorf("failed to parse %s entry %q: %w", DomainConfigName, k, err)
		}
		if len(internalConfig.Selector) == 0 {
			hasDefault = true
			internalConfig.Type = DomainTypeWildcard
		}
		c.Domains[k] = DomainConfig{
			Selector: &LabelSelector{Selector: internalConfig.Selector},
			Type:     internalConfig.Type,
		}
	}
	if !hasDefault {
		c.Domains[DefaultDomain] = DomainConfig{Selector: &LabelSelector{}, Type: DomainTypeWildcard}
	}
	return &c, nil
}

// LookupDomainForLabels returns the domain for a Route with the given
// labels: the cluster domain when the route is labelled cluster-local,
// otherwise the domain with the most specific matching selector (ties broken
// by name, so the answer never depends on map order).
func (c *Domain) LookupDomainForLabels(labels map[string]string) string {
	if labels[networking.VisibilityLabelKey] == serving.VisibilityClusterLocal {
		return "svc." + network.GetClusterDomainName()
	}

	domain := ""
	specificity := -1
	for k, v := range c.Domains {
		// Ignore if the selector doesn't match, or is less specific.
		if !v.Selector.Matches(labels) || v.Selector.specificity() < specificity {
			continue
		}
		if v.Selector.specificity() > specificity || strings.Compare(k, domain) < 0 {
			domain = k
			specificity = v.Selector.specificity()
		}
	}
	return domain
}
