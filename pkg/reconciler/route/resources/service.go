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
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/domains"
)

// ServicePair is a placeholder Service with its Endpoints (only when the
// ingress load balancer is an IP) and the traffic name it serves.
type ServicePair struct {
	*corev1.Service
	*corev1.Endpoints
	Tag string
}

// errLoadBalancerNotFound: the KIngress has not published a load balancer
// yet, so the placeholder Service cannot point anywhere.
var errLoadBalancerNotFound = errors.New("failed to fetch loadbalancer domain/IP from ingress status")

// MakeK8sPlaceholderService builds the Service named after a traffic name's
// host (<route> or <tag>-<route>). It reserves the name, so nothing else in
// the namespace can take the Route's cluster-local host, until
// MakeK8sService points it at the ingress.
func MakeK8sPlaceholderService(ctx context.Context, route *v1.Route, tagName string) (*corev1.Service, error) {
	hostname, err := domains.HostnameFromTemplate(ctx, route.Name, tagName)
	if err != nil {
		return nil, err
	}
	domainName, err := domains.DomainNameFromTemplate(ctx, route.ObjectMeta, hostname)
	if err != nil {
		return nil, err
	}
	return &corev1.Service{
		ObjectMeta: makeServiceObjectMeta(hostname, route),
		Spec: corev1.ServiceSpec{
			Type:            corev1.ServiceTypeExternalName,
			ExternalName:    domainName,
			SessionAffinity: corev1.ServiceAffinityNone,
			Ports:           placeholderPorts(),
		},
	}, nil
}

// MakeK8sService builds the placeholder Service of a traffic name pointing
// at the KIngress's load balancer: the private one whenever it exists (the
// Service only serves in-cluster clients), else the public one. An IP gives
// a headless Service with Endpoints; a domain gives an ExternalName Service
// (e.g. skiff-gateway-internal.knative-serving.svc.cluster.local); a mesh
// gives a plain ClusterIP Service.
func MakeK8sService(ctx context.Context, route *v1.Route, tagName string, ingress *netv1alpha1.Ingress, isPrivate bool) (*ServicePair, error) {
	privateLB := ingress.Status.PrivateLoadBalancer
	lbStatus := ingress.Status.PublicLoadBalancer
	if isPrivate || privateLB != nil && len(privateLB.Ingress) != 0 {
		lbStatus = privateLB
	}
	if lbStatus == nil || len(lbStatus.Ingress) == 0 {
		return nil, errLoadBalancerNotFound
	}
	if len(lbStatus.Ingress) > 1 {
		return nil, fmt.Errorf("more than one ingress are specified in status(LoadBalancer) of Ingress %s", ingress.GetName())
	}
	balancer := lbStatus.Ingress[0]

	hostname, err := domains.HostnameFromTemplate(ctx, route.Name, tagName)
	if err != nil {
		return nil, err
	}

	pair := &ServicePair{
		Service: &corev1.Service{
			ObjectMeta: makeServiceObjectMeta(hostname, route),
			Spec: corev1.ServiceSpec{
				Ports: placeholderPorts(),
			},
		},
		Tag: tagName,
	}

	// IP first, then the internal domain, then the domain: ExternalName
	// Services have known problems (knative/serving#11821) and are avoided
	// when an address is available.
	switch {
	case balancer.IP != "":
		pair.Service.Spec.ClusterIP = corev1.ClusterIPNone
		pair.Service.Spec.Type = corev1.ServiceTypeClusterIP
		pair.Endpoints = &corev1.Endpoints{
			ObjectMeta: pair.Service.ObjectMeta,
			Subsets: []corev1.EndpointSubset{{
				Addresses: []corev1.EndpointAddress{{IP: balancer.IP}},
				Ports: []corev1.EndpointPort{{
					Name:        networking.ServicePortNameH2C,
					AppProtocol: &networking.AppProtocolH2C,
					Port:        int32(networking.ServiceHTTPPort),
				}},
			}},
		}
	case balancer.DomainInternal != "":
		pair.Service.Spec.Type = corev1.ServiceTypeExternalName
		pair.Service.Spec.ExternalName = balancer.DomainInternal
		pair.Service.Spec.SessionAffinity = corev1.ServiceAffinityNone
	case balancer.Domain != "":
		pair.Service.Spec.Type = corev1.ServiceTypeExternalName
		pair.Service.Spec.ExternalName = balancer.Domain
	case balancer.MeshOnly:
		// Load balanced by a mesh: no address to point at, but the name must
		// resolve inside the mesh, so a ClusterIP Service it is.
		pair.Service.Spec.Type = corev1.ServiceTypeClusterIP
		pair.Service.Spec.Ports = []corev1.ServicePort{{
			Name: networking.ServicePortNameHTTP1,
			Port: networking.ServiceHTTPPort,
		}}
	default:
		return nil, errLoadBalancerNotFound
	}
	return pair, nil
}

func placeholderPorts() []corev1.ServicePort {
	return []corev1.ServicePort{{
		Name:        networking.ServicePortNameH2C,
		AppProtocol: &networking.AppProtocolH2C,
		Port:        int32(networking.ServiceHTTPPort),
		TargetPort:  intstr.FromInt(networking.ServiceHTTPPort),
	}}
}

func makeServiceObjectMeta(hostname string, route *v1.Route) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      hostname,
		Namespace: route.Namespace,
		OwnerReferences: []metav1.OwnerReference{
			*kmeta.NewControllerRef(route),
		},
		// The Route's visibility label is not copied: users label a single
		// tag's Service to make just that tag cluster-local
		// (knative/serving#4560).
		Labels: kmeta.UnionMaps(kmeta.FilterMap(route.GetLabels(), func(key string) bool {
			return key == networking.VisibilityLabelKey
		}), map[string]string{
			serving.RouteLabelKey: route.Name,
		}),
		Annotations: route.GetAnnotations(),
	}
}
