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

package skiff

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress"
	"github.com/skiffhq/skiff/pkg/ingress/status"
)

// NewProbeTargetLister lists, for an Ingress, every ready gateway pod of
// the listener serving each visibility: skiff-gateway's endpoints for
// ExternalIP rules, skiff-gateway-internal's for ClusterLocal ones, each
// probed with one host of the Ingress (they are programmed together).
func NewProbeTargetLister(endpoints corev1listers.EndpointsLister) status.ProbeTargetLister {
	return &gatewayPodTargetLister{endpoints: endpoints}
}

type gatewayPodTargetLister struct {
	endpoints corev1listers.EndpointsLister
}

func (l *gatewayPodTargetLister) ListProbeTargets(_ context.Context, ing *v1alpha1.Ingress) ([]status.ProbeTarget, error) {
	hosts := ingress.HostsPerVisibility(ing, map[v1alpha1.IngressVisibility]sets.Set[string]{
		v1alpha1.IngressVisibilityExternalIP:   sets.New(GatewayServiceName),
		v1alpha1.IngressVisibilityClusterLocal: sets.New(InternalGatewayServiceName),
	})
	var targets []status.ProbeTarget
	for _, svc := range []string{GatewayServiceName, InternalGatewayServiceName} {
		if len(hosts[svc]) == 0 {
			continue
		}
		eps, err := l.endpoints.Endpoints(system.Namespace()).Get(svc)
		if apierrs.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("failed to get Endpoints %s/%s: %w", system.Namespace(), svc, err)
		}
		// Any host of the visibility will do; the first, for stability.
		host := sets.List(hosts[svc])[0]
		for _, ss := range eps.Subsets {
			var port int32
			for _, p := range ss.Ports {
				if p.Name == GatewayPortName || len(ss.Ports) == 1 {
					port = p.Port
					break
				}
			}
			if port == 0 || len(ss.Addresses) == 0 {
				continue
			}
			t := status.ProbeTarget{
				PodIPs:  sets.New[string](),
				PodPort: strconv.Itoa(int(port)),
				Port:    "80",
				URLs:    []*url.URL{{Scheme: "http", Host: host + ":80", Path: "/"}},
			}
			for _, a := range ss.Addresses {
				t.PodIPs.Insert(a.IP)
			}
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("%w: no ready endpoints of the %s Services in %s", status.ErrNoProbeTargets, GatewayServiceName, system.Namespace())
	}
	return targets, nil
}
