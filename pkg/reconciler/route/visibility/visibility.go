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

// Package visibility decides, per traffic name of a Route, whether its hosts
// are public (ExternalIP) or cluster-local, from the Route's labels, its
// domain and the labels of its placeholder Services.
package visibility

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apilabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	listers "k8s.io/client-go/listers/core/v1"
	"knative.dev/pkg/network"

	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/domains"
	"github.com/skiffhq/skiff/pkg/reconciler/route/resources/labels"
	"github.com/skiffhq/skiff/pkg/reconciler/route/traffic"
)

// Resolver resolves the visibility of traffic targets.
type Resolver struct {
	serviceLister listers.ServiceLister
}

// NewResolver returns a Resolver reading placeholder Services from l.
func NewResolver(l listers.ServiceLister) *Resolver {
	return &Resolver{serviceLister: l}
}

// getServices returns the Services labelled as the Route's, by name.
func (b *Resolver) getServices(route *v1.Route) (map[string]*corev1.Service, error) {
	current, err := b.serviceLister.Services(route.Namespace).List(apilabels.SelectorFromSet(
		apilabels.Set{serving.RouteLabelKey: route.Name}))
	if err != nil {
		return nil, fmt.Errorf("failed to list placeholder services: %w", err)
	}
	byName := make(map[string]*corev1.Service, len(current))
	for _, svc := range current {
		byName[svc.Name] = svc
	}
	return byName, nil
}

// routeVisibility: a Route whose domain is the cluster domain (visibility
// label, or a config-domain selector mapping it to svc.cluster.local) is
// cluster-local as a whole.
func (b *Resolver) routeVisibility(ctx context.Context, route *v1.Route) netv1alpha1.IngressVisibility {
	domain := config.FromContext(ctx).Domain.LookupDomainForLabels(route.Labels)
	if domain == "svc."+network.GetClusterDomainName() {
		return netv1alpha1.IngressVisibilityClusterLocal
	}
	return netv1alpha1.IngressVisibilityExternalIP
}

func trafficNames(route *v1.Route) sets.Set[string] {
	names := sets.New(traffic.DefaultTarget)
	for _, tt := range route.Spec.Traffic {
		names.Insert(tt.Tag)
	}
	return names
}

// GetVisibility maps each traffic name of the Route to its visibility: the
// Route's own, lowered to cluster-local when the name's placeholder Service
// carries the visibility label (so one tag can be made private by labelling
// its Service).
func (b *Resolver) GetVisibility(ctx context.Context, route *v1.Route) (map[string]netv1alpha1.IngressVisibility, error) {
	defaultVisibility := b.routeVisibility(ctx, route)

	services, err := b.getServices(route)
	if err != nil {
		return nil, err
	}

	names := trafficNames(route)
	m := make(map[string]netv1alpha1.IngressVisibility, names.Len())
	for name := range names {
		hostname, err := domains.HostnameFromTemplate(ctx, route.Name, name)
		if err != nil {
			return nil, err
		}
		visibility := netv1alpha1.IngressVisibilityExternalIP
		if svc, ok := services[hostname]; ok && labels.IsObjectLocalVisibility(&svc.ObjectMeta) {
			visibility = netv1alpha1.IngressVisibilityClusterLocal
		}
		m[name] = minVisibility(visibility, defaultVisibility)
	}
	return m, nil
}

func minVisibility(a, b netv1alpha1.IngressVisibility) netv1alpha1.IngressVisibility {
	if a == netv1alpha1.IngressVisibilityClusterLocal || b == netv1alpha1.IngressVisibilityClusterLocal {
		return netv1alpha1.IngressVisibilityClusterLocal
	}
	return a
}
