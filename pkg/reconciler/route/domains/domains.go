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

// Package domains computes the hosts of a Route and of its tags from
// config-domain and the domain and tag templates of config-network.
package domains

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"knative.dev/networking/pkg/ingress"
	"knative.dev/pkg/apis"
	pkgnet "knative.dev/pkg/network"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources/labels"
)

// HTTPScheme is the string representation of http.
const HTTPScheme string = "http"

// ErrDomainName is wrapped by every error caused by a domain or tag template
// producing an unusable host; the reconciler reports those as a
// configuration error on the Route rather than retrying.
var ErrDomainName = errors.New("domain name error")

// GetAllDomainsAndTags returns every host of the Route's traffic names
// (DefaultTarget "" and tags), mapped to the name it serves.
func GetAllDomainsAndTags(ctx context.Context, r *v1.Route, names []string, visibility map[string]netv1alpha1.IngressVisibility) (map[string]string, error) {
	domainTagMap := make(map[string]string, len(names))
	for _, name := range names {
		meta := r.ObjectMeta.DeepCopy()
		hostname, err := HostnameFromTemplate(ctx, meta.Name, name)
		if err != nil {
			return nil, err
		}
		labels.SetVisibility(meta, visibility[name] == netv1alpha1.IngressVisibilityClusterLocal)
		subDomain, err := DomainNameFromTemplate(ctx, *meta, hostname)
		if err != nil {
			return nil, err
		}
		domainTagMap[subDomain] = name
	}
	return domainTagMap, nil
}

// GetDomainsForVisibility returns the hosts a traffic name (DefaultTarget ""
// or a tag) of the Route answers to with the given visibility. A
// cluster-local host is expanded to its short forms (name.ns, name.ns.svc,
// name.ns.svc.cluster.local), as cluster DNS search paths allow each.
func GetDomainsForVisibility(ctx context.Context, targetName string, r *v1.Route, visibility netv1alpha1.IngressVisibility) (sets.Set[string], error) {
	hostname, err := HostnameFromTemplate(ctx, r.Name, targetName)
	if err != nil {
		return nil, err
	}
	meta := r.ObjectMeta.DeepCopy()
	isClusterLocal := visibility == netv1alpha1.IngressVisibilityClusterLocal
	labels.SetVisibility(meta, isClusterLocal)

	domain, err := DomainNameFromTemplate(ctx, *meta, hostname)
	if err != nil {
		return nil, err
	}
	domains := sets.New(domain)
	if isClusterLocal {
		domains = ingress.ExpandedHosts(domains)
	}
	return domains, nil
}

// DomainNameFromTemplate builds a host from the domain template of
// config-network, with name as the template's Name (the route name, or the
// tag hostname). A cluster-local route always uses the default template, so
// its host stays <name>.<namespace>.svc.<cluster domain> whatever the
// operator configured.
func DomainNameFromTemplate(ctx context.Context, r metav1.ObjectMeta, name string) (string, error) {
	cfg := config.FromContext(ctx)
	rLabels := r.Labels
	data := netcfg.DomainTemplateValues{
		Name:        name,
		Namespace:   r.Namespace,
		Domain:      cfg.Domain.LookupDomainForLabels(rLabels),
		Annotations: r.Annotations,
		Labels:      rLabels,
	}

	templ := cfg.Network.GetDomainTemplate()
	if rLabels[networking.VisibilityLabelKey] == serving.VisibilityClusterLocal {
		templ = (&netcfg.Config{DomainTemplate: netcfg.DefaultDomainTemplate}).GetDomainTemplate()
	}

	var buf bytes.Buffer
	if err := templ.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("%w: error executing the DomainTemplate: %w", ErrDomainName, err)
	}
	host := buf.String()
	if errs := validation.IsFullyQualifiedDomainName(field.NewPath("url"), host); len(errs) != 0 {
		return "", fmt.Errorf("%w: invalid domain name %q: %w", ErrDomainName, host, errs.ToAggregate())
	}
	return host, nil
}

// HostnameFromTemplate returns the name part of a traffic name's host: the
// route name itself for the default target, the tag template of
// config-network ({{.Tag}}-{{.Name}} by default) for a tag.
func HostnameFromTemplate(ctx context.Context, name, tag string) (string, error) {
	if tag == "" {
		return name, nil
	}
	data := netcfg.TagTemplateValues{Name: name, Tag: tag}
	var buf bytes.Buffer
	if err := config.FromContext(ctx).Network.GetTagTemplate().Execute(&buf, data); err != nil {
		return "", fmt.Errorf("%w: error executing the TagTemplate: %w", ErrDomainName, err)
	}
	return buf.String(), nil
}

// URL returns the URL with the given scheme and host.
func URL(scheme, fqdn string) *apis.URL {
	return &apis.URL{
		Scheme: scheme,
		Host:   fqdn,
	}
}

// IsClusterLocal reports whether a host is only visible inside the cluster.
func IsClusterLocal(domain string) bool {
	return strings.HasSuffix(domain, pkgnet.GetClusterDomainName())
}
