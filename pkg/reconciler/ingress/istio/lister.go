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

package istio

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"

	"go.uber.org/zap"
	istiov1beta1 "istio.io/api/networking/v1beta1"
	"istio.io/client-go/pkg/apis/networking/v1beta1"
	istiolisters "istio.io/client-go/pkg/listers/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress"
	"github.com/skiffhq/skiff/pkg/ingress/status"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/resources"
)

// NewProbeTargetLister lists the pods of the Istio Gateways serving an
// Ingress (Gateway selector -> Service -> Endpoints), with the port of each
// HTTP server of the Gateway and one host of the Ingress per Gateway.
func NewProbeTargetLister(
	logger *zap.SugaredLogger,
	gatewayLister istiolisters.GatewayLister,
	endpointsLister corev1listers.EndpointsLister,
	serviceLister corev1listers.ServiceLister,
) status.ProbeTargetLister {
	return &gatewayPodTargetLister{
		logger:          logger,
		gatewayLister:   gatewayLister,
		endpointsLister: endpointsLister,
		serviceLister:   serviceLister,
	}
}

type gatewayPodTargetLister struct {
	logger *zap.SugaredLogger

	gatewayLister   istiolisters.GatewayLister
	endpointsLister corev1listers.EndpointsLister
	serviceLister   corev1listers.ServiceLister
}

func (l *gatewayPodTargetLister) ListProbeTargets(ctx context.Context, ing *v1alpha1.Ingress) ([]status.ProbeTarget, error) {
	results := []status.ProbeTarget{}
	gatewayQualifiedNames, err := resources.QualifiedGatewayNamesFromContext(ctx, ing)
	if err != nil {
		return nil, fmt.Errorf("failed to get gateways for ingress: %w", err)
	}
	hostsByGateway := ingress.HostsPerVisibility(ing, gatewayQualifiedNames)
	gatewayNames := make([]string, 0, len(hostsByGateway))
	for gatewayName := range hostsByGateway {
		gatewayNames = append(gatewayNames, gatewayName)
	}

	// Sort the gateway names for a consistent ordering.
	sort.Strings(gatewayNames)
	for _, gatewayName := range gatewayNames {
		gateway, err := l.getGateway(gatewayName)
		if err != nil {
			return nil, fmt.Errorf("failed to get Gateway %q: %w", gatewayName, err)
		}
		targets, err := l.listGatewayTargets(gateway)
		if err != nil {
			return nil, fmt.Errorf("failed to list the probing URLs of Gateway %q: %w", gatewayName, err)
		}
		for _, target := range targets {
			qualifiedTarget := status.ProbeTarget{
				PodIPs:  target.PodIPs,
				PodPort: target.PodPort,
				Port:    target.Port,
				URLs:    make([]*url.URL, 1),
			}
			// Pick a single host since they all end up being used in the same
			// VirtualService and will be applied atomically by Istio.
			host := sets.List(hostsByGateway[gatewayName])[0]
			newURL := *target.URLs[0]
			newURL.Host = host + ":" + target.Port
			qualifiedTarget.URLs[0] = &newURL
			results = append(results, qualifiedTarget)
		}
	}
	return results, nil
}

func (l *gatewayPodTargetLister) getGateway(name string) (*v1beta1.Gateway, error) {
	namespace, name, err := cache.SplitMetaNamespaceKey(name)
	if err != nil {
		return nil, fmt.Errorf("failed to parse Gateway name %q: %w", name, err)
	}
	if namespace == "" {
		return nil, fmt.Errorf("unexpected unqualified Gateway name %q", name)
	}
	return l.gatewayLister.Gateways(namespace).Get(name)
}

// listGatewayTargets returns the probe targets of a Gateway: for each of its
// HTTP(S) servers, the ready pods of its Service.
func (l *gatewayPodTargetLister) listGatewayTargets(gateway *v1beta1.Gateway) ([]status.ProbeTarget, error) {
	selector := labels.SelectorFromSet(gateway.Spec.GetSelector())

	services, err := l.serviceLister.List(selector)
	if err != nil {
		return nil, fmt.Errorf("failed to list Services: %w", err)
	}
	if len(services) == 0 {
		l.logger.Infof("Skipping Gateway %s/%s because it has no corresponding Service", gateway.Namespace, gateway.Name)
		return nil, nil
	}
	service := services[0]

	endpoints, err := l.endpointsLister.Endpoints(service.Namespace).Get(service.Name)
	if err != nil {
		return nil, fmt.Errorf("failed to get Endpoints: %w", err)
	}

	seen := sets.New[string]()
	targets := []status.ProbeTarget{}
	for _, server := range gateway.Spec.GetServers() {
		tURL := &url.URL{}
		switch server.GetPort().GetProtocol() {
		case "HTTP", "HTTP2":
			if server.GetTls() != nil && server.GetTls().GetHttpsRedirect() {
				// ignoring HTTPS redirects.
				continue
			}
			tURL.Scheme = "http"
		case "HTTPS":
			if server.GetTls().GetMode() == istiov1beta1.ServerTLSSettings_MUTUAL {
				l.logger.Infof("Skipping Server %q because HTTPS with TLS mode MUTUAL is not supported", server.GetPort().GetName())
				continue
			}
			tURL.Scheme = "https"
		default:
			l.logger.Infof("Skipping Server %q because protocol %q is not supported", server.GetPort().GetName(), server.GetPort().GetProtocol())
			continue
		}

		//nolint:gosec // a port number fits in 16 bits
		portName, err := nameForPortNumber(service, int32(server.GetPort().GetNumber()))
		if err != nil {
			l.logger.Infof("Skipping Server %q because Service %s/%s doesn't contain a port %d", server.GetPort().GetName(), service.Namespace, service.Name, server.GetPort().GetNumber())
			continue
		}

		key := server.GetPort().GetProtocol() + "/" + strconv.Itoa(int(server.GetPort().GetNumber()))
		if seen.Has(key) {
			continue
		}
		seen.Insert(key)

		for _, sub := range endpoints.Subsets {
			// Server port number -> Service port name -> Endpoints port
			// number: the Service's targetPort may be a name, while the
			// Endpoints list numbers.
			portNumber, err := portNumberForName(sub, portName)
			if err != nil {
				l.logger.Infof("Skipping Subset %v because it doesn't contain a port name %q", sub.Addresses, portName)
				continue
			}
			target := status.ProbeTarget{
				PodIPs:  sets.New[string](),
				PodPort: strconv.Itoa(int(portNumber)),
				Port:    strconv.Itoa(int(server.GetPort().GetNumber())),
				URLs:    []*url.URL{tURL},
			}
			for _, addr := range sub.Addresses {
				target.PodIPs.Insert(addr.IP)
			}
			targets = append(targets, target)
		}
	}
	return targets, nil
}

func nameForPortNumber(svc *corev1.Service, portNumber int32) (string, error) {
	for _, port := range svc.Spec.Ports {
		if port.Port == portNumber {
			return port.Name, nil
		}
	}
	return "", fmt.Errorf("no port with number %d found", portNumber)
}

func portNumberForName(sub corev1.EndpointSubset, portName string) (int32, error) {
	for _, subPort := range sub.Ports {
		if subPort.Name == portName {
			return subPort.Port, nil
		}
	}
	return 0, fmt.Errorf("no port for name %q found", portName)
}
