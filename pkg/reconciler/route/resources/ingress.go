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

package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	netheader "knative.dev/networking/pkg/http/header"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"

	apicfg "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	servingv1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/domains"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources/names"
	"github.com/skiffhq/skiff/pkg/reconciler/route/traffic"
)

// Headers the ingress adds to each split, naming the revision the request
// was routed to; the activator uses them to find the revision (same values
// as upstream's activator.RevisionHeaderName/RevisionHeaderNamespace).
const (
	RevisionHeaderName      = "Knative-Serving-Revision"
	RevisionHeaderNamespace = "Knative-Serving-Namespace"
)

// MakeIngress builds the KIngress of a Route with its traffic split as in
// steady state (no rollout in progress).
func MakeIngress(
	ctx context.Context,
	r *servingv1.Route,
	tc *traffic.Config,
	tls []netv1alpha1.IngressTLS,
	ingressClass string,
) (*netv1alpha1.Ingress, error) {
	return MakeIngressWithRollout(ctx, r, tc, tc.BuildRollout(), tls, ingressClass)
}

// MakeIngressWithRollout builds the KIngress of a Route, splitting the
// traffic of latestRevision targets as the rollout ro says, and recording ro
// in the rollout annotation.
func MakeIngressWithRollout(
	ctx context.Context,
	r *servingv1.Route,
	tc *traffic.Config,
	ro *traffic.Rollout,
	tls []netv1alpha1.IngressTLS,
	ingressClass string,
) (*netv1alpha1.Ingress, error) {
	spec, err := makeIngressSpec(ctx, r, tls, tc, ro)
	if err != nil {
		return nil, err
	}
	return &netv1alpha1.Ingress{
		ObjectMeta: metav1.ObjectMeta{
			Name:      names.Ingress(r),
			Namespace: r.Namespace,
			Labels: kmeta.UnionMaps(r.Labels, map[string]string{
				serving.RouteLabelKey:          r.Name,
				serving.RouteNamespaceLabelKey: r.Namespace,
			}),
			Annotations: kmeta.FilterMap(kmeta.UnionMaps(map[string]string{
				networking.IngressClassAnnotationKey: ingressClass,
				networking.RolloutAnnotationKey:      serializeRollout(ctx, ro),
			}, r.GetAnnotations()), ExcludedAnnotations.Has),
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(r)},
		},
		Spec: spec,
	}, nil
}

func serializeRollout(ctx context.Context, r *traffic.Rollout) string {
	sr, err := json.Marshal(r)
	if err != nil {
		// Cannot happen with these plain types; a lost annotation only
		// restarts a rollout, so log rather than fail.
		logging.FromContext(ctx).Warnw(fmt.Sprintf("Error serializing Rollout: %#v", r), "error", err)
		return ""
	}
	return string(sr)
}

// makeIngressSpec builds one rule per traffic name and visibility: every
// name gets a cluster-local rule, and a public one unless it is
// cluster-local only.
func makeIngressSpec(
	ctx context.Context,
	r *servingv1.Route,
	tls []netv1alpha1.IngressTLS,
	tc *traffic.Config,
	ro *traffic.Rollout,
) (netv1alpha1.IngressSpec, error) {
	// Sorted, so the spec is deterministic and DefaultTarget ("") is first.
	names := make([]string, 0, len(tc.Targets))
	for name := range tc.Targets {
		names = append(names, name)
	}
	sort.Strings(names)

	cfg := config.FromContextOrDefaults(ctx)
	encryption := cfg.Network != nil && cfg.Network.SystemInternalTLSEnabled()
	tagHeaderRouting := cfg.Features.TagHeaderBasedRouting == apicfg.Enabled

	rules := make([]netv1alpha1.IngressRule, 0, 2*len(names))
	for _, name := range names {
		visibilities := []netv1alpha1.IngressVisibility{netv1alpha1.IngressVisibilityClusterLocal}
		if v, ok := tc.Visibility[name]; !ok || v == netv1alpha1.IngressVisibilityExternalIP {
			visibilities = append(visibilities, netv1alpha1.IngressVisibilityExternalIP)
		}

		for _, visibility := range visibilities {
			hosts, err := domains.GetDomainsForVisibility(ctx, name, r, visibility)
			if err != nil {
				return netv1alpha1.IngressSpec{}, err
			}
			rule := makeIngressRule(hosts, r.Namespace, visibility, tc.Targets[name], ro.RolloutsByTag(name), encryption)
			if tagHeaderRouting {
				if name == traffic.DefaultTarget {
					// Marks requests that came through the default route;
					// queue-proxy rejects a request with this header and an
					// unknown Knative-Serving-Tag.
					rule.HTTP.Paths[0].AppendHeaders = map[string]string{netheader.DefaultRouteKey: "true"}
					// Requests to the default host with a known tag header
					// go to that tag's targets. names[0] is "".
					rule.HTTP.Paths = append(
						makeTagBasedRoutingIngressPaths(r.Namespace, tc, ro, encryption, names[1:]),
						rule.HTTP.Paths...)
				} else {
					// A request to a tag's host gets the tag header too, so
					// both ways of reaching a tag look the same downstream.
					rule.HTTP.Paths[0].AppendHeaders = map[string]string{netheader.RouteTagKey: name}
				}
			}
			rules = append(rules, rule)
		}
	}

	httpOption, err := getHTTPOption(ctx, cfg.Network, r.GetAnnotations())
	if err != nil {
		return netv1alpha1.IngressSpec{}, err
	}

	return netv1alpha1.IngressSpec{
		Rules:      rules,
		TLS:        tls,
		HTTPOption: httpOption,
	}, nil
}

// getHTTPOption returns the KIngress HTTP option: the Route's
// networking.knative.dev/http-protocol annotation if set, else config-network
// http-protocol.
func getHTTPOption(ctx context.Context, networkConfig *netcfg.Config, annotations map[string]string) (netv1alpha1.HTTPOption, error) {
	if protocol := strings.ToLower(networking.GetHTTPProtocol(annotations)); protocol != "" {
		switch netcfg.HTTPProtocol(protocol) {
		case netcfg.HTTPEnabled:
			return netv1alpha1.HTTPOptionEnabled, nil
		case netcfg.HTTPRedirected:
			return netv1alpha1.HTTPOptionRedirected, nil
		default:
			return "", errors.New("incorrect http-protocol annotation: " + protocol)
		}
	}
	if networkConfig == nil {
		return netv1alpha1.HTTPOptionEnabled, nil
	}
	switch networkConfig.HTTPProtocol {
	case netcfg.HTTPEnabled:
		return netv1alpha1.HTTPOptionEnabled, nil
	case netcfg.HTTPRedirected:
		return netv1alpha1.HTTPOptionRedirected, nil
	default:
		// "disabled" is deprecated upstream and leaves the option unset.
		logging.FromContext(ctx).Warnf("http-protocol %s in config-network ConfigMap is not supported", networkConfig.HTTPProtocol)
		return "", nil
	}
}

func makeIngressRule(hosts sets.Set[string], ns string,
	visibility netv1alpha1.IngressVisibility,
	targets traffic.RevisionTargets,
	roCfgs []*traffic.ConfigurationRollout,
	encryption bool,
) netv1alpha1.IngressRule {
	return netv1alpha1.IngressRule{
		Hosts:      sets.List(hosts),
		Visibility: visibility,
		HTTP: &netv1alpha1.HTTPIngressRuleValue{
			Paths: []netv1alpha1.HTTPIngressPath{
				*makeBaseIngressPath(ns, targets, roCfgs, encryption),
			},
		},
	}
}

// makeTagBasedRoutingIngressPaths returns, for each tag, a path matching the
// Knative-Serving-Tag header. names must not include DefaultTarget.
func makeTagBasedRoutingIngressPaths(ns string, tc *traffic.Config, ro *traffic.Rollout, encryption bool, names []string) []netv1alpha1.HTTPIngressPath {
	paths := make([]netv1alpha1.HTTPIngressPath, 0, len(names))
	for _, name := range names {
		path := makeBaseIngressPath(ns, tc.Targets[name], ro.RolloutsByTag(name), encryption)
		path.Headers = map[string]netv1alpha1.HeaderMatch{netheader.RouteTagKey: {Exact: name}}
		paths = append(paths, *path)
	}
	return paths
}

func rolloutConfig(cfgName string, ros []*traffic.ConfigurationRollout) *traffic.ConfigurationRollout {
	idx := sort.Search(len(ros), func(i int) bool {
		return ros[i].ConfigurationName >= cfgName
	})
	if idx >= len(ros) || ros[idx].ConfigurationName != cfgName {
		return nil
	}
	return ros[idx]
}

// makeBaseIngressPath splits traffic over the revisions' public Services
// (the SKS's <revision> Service, port 80, or 81 for h2c). Targets with 0%
// are left out; a latestRevision target in the middle of a rollout becomes
// one split per revision of the rollout.
func makeBaseIngressPath(ns string, targets traffic.RevisionTargets,
	roCfgs []*traffic.ConfigurationRollout, encryption bool,
) *netv1alpha1.HTTPIngressPath {
	splits := make([]netv1alpha1.IngressBackendSplit, 0, len(targets))
	for _, t := range targets {
		if t.Percent == nil || *t.Percent == 0 {
			continue
		}

		var cfg *traffic.ConfigurationRollout
		if t.LatestRevision != nil && *t.LatestRevision {
			cfg = rolloutConfig(t.ConfigurationName, roCfgs)
		}

		// The port must be the activator's for the same protocol, so the
		// SKS can hand traffic between activator and pods seamlessly.
		servicePort := intstr.FromInt(networking.ServicePort(t.Protocol))
		if encryption {
			servicePort = intstr.FromInt(networking.ServiceHTTPSPort)
		}

		if cfg == nil || len(cfg.Revisions) < 2 {
			splits = append(splits, makeSplit(ns, t.RevisionName, int(*t.Percent), servicePort))
			continue
		}
		for _, rev := range cfg.Revisions {
			splits = append(splits, makeSplit(ns, rev.RevisionName, rev.Percent, servicePort))
		}
	}
	return &netv1alpha1.HTTPIngressPath{
		Splits: splits,
	}
}

func makeSplit(ns, revision string, percent int, port intstr.IntOrString) netv1alpha1.IngressBackendSplit {
	return netv1alpha1.IngressBackendSplit{
		IngressBackend: netv1alpha1.IngressBackend{
			ServiceNamespace: ns,
			ServiceName:      revision,
			ServicePort:      port,
		},
		Percent: percent,
		AppendHeaders: map[string]string{
			RevisionHeaderName:      revision,
			RevisionHeaderNamespace: ns,
		},
	}
}
