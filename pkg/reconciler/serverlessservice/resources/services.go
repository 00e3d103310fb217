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

// Package resources builds the Services and Endpoints a ServerlessService
// owns: the public Service (no selector; its Endpoints are written by the
// reconciler) and the private Service selecting the revision's pods.
package resources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/kmeta"

	pkgnet "github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	servingv1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/networking"
	"github.com/skiffhq/skiff/pkg/reconciler/serverlessservice/resources/names"
)

// targetPort chooses the target (pod) port for the public and private service:
// queue-proxy's serving port for the revision's protocol.
func targetPort(sks *v1alpha1.ServerlessService) intstr.IntOrString {
	if sks.Spec.ProtocolType == pkgnet.ProtocolH2C {
		return intstr.FromInt(networking.BackendHTTP2Port)
	}
	return intstr.FromInt(networking.BackendHTTPPort)
}

// labels are the SKS's labels plus the two that let the reconciler find
// what it owns.
func labels(sks *v1alpha1.ServerlessService, st networking.ServiceType) map[string]string {
	return kmeta.UnionMaps(sks.GetLabels(), map[string]string{
		networking.SKSLabelKey:    sks.Name,
		networking.ServiceTypeKey: string(st),
	})
}

// MakePublicService constructs a K8s Service that is not backed a selector
// and will be manually reconciled by the SKS controller.
func MakePublicService(sks *v1alpha1.ServerlessService) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:            sks.Name,
			Namespace:       sks.Namespace,
			Labels:          labels(sks, networking.ServiceTypePublic),
			Annotations:     kmeta.CopyMap(sks.GetAnnotations()),
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(sks)},
		},
		Spec: corev1.ServiceSpec{
			Ports: []corev1.ServicePort{{
				Name:        pkgnet.ServicePortName(sks.Spec.ProtocolType),
				Protocol:    corev1.ProtocolTCP,
				AppProtocol: pkgnet.AppProtocol(sks.Spec.ProtocolType),
				Port:        int32(pkgnet.ServicePort(sks.Spec.ProtocolType)), //nolint:gosec // 80 or 81.
				TargetPort:  targetPort(sks),
			}},
		},
	}
}

// MakePublicEndpoints constructs a K8s Endpoints that is not backed a selector
// and will be manually reconciled by the SKS controller.
func MakePublicEndpoints(sks *v1alpha1.ServerlessService, src *corev1.Endpoints) *corev1.Endpoints {
	return &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{
			Name:            sks.Name, // Name of Endpoints must match that of Service.
			Namespace:       sks.Namespace,
			Labels:          labels(sks, networking.ServiceTypePublic),
			Annotations:     kmeta.CopyMap(sks.GetAnnotations()),
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(sks)},
		},
		Subsets: FilterSubsetPorts(sks, src.Subsets),
	}
}

// FilterSubsetPorts makes a copy of the subsets keeping only the serving
// port (8012 for HTTP, 8013 for h2c): the only port of the public Service.
func FilterSubsetPorts(sks *v1alpha1.ServerlessService, subsets []corev1.EndpointSubset) []corev1.EndpointSubset {
	return filterSubsetPorts(targetPort(sks).IntVal, subsets)
}

// filterSubsetPorts internal implementation that takes in port.
// Those are not arbitrary endpoints, but the endpoints we construct ourselves,
// thus we know that at least one of the ports will always match.
func filterSubsetPorts(targetPort int32, subsets []corev1.EndpointSubset) []corev1.EndpointSubset {
	if len(subsets) == 0 {
		return nil
	}
	ret := make([]corev1.EndpointSubset, len(subsets))
	for i, sss := range subsets {
		sst := sss
		sst.Ports = nil
		for j, p := range sss.Ports {
			if p.Port == targetPort {
				sst.Ports = append(sst.Ports, sss.Ports[j])
			}
		}
		ret[i] = sst
	}
	return ret
}

// MakePrivateService constructs a K8s service, that is backed by the pod selector
// matching pods created by the revision. Besides traffic it exposes
// queue-proxy's metrics ports, scraped by the autoscaler, and its admin port.
func MakePrivateService(sks *v1alpha1.ServerlessService, selector map[string]string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:            names.PrivateService(sks.Name),
			Namespace:       sks.Namespace,
			Labels:          labels(sks, networking.ServiceTypePrivate),
			Annotations:     kmeta.CopyMap(sks.GetAnnotations()),
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(sks)},
		},
		Spec: corev1.ServiceSpec{
			Ports: []corev1.ServicePort{{
				Name:        pkgnet.ServicePortName(sks.Spec.ProtocolType),
				Protocol:    corev1.ProtocolTCP,
				AppProtocol: pkgnet.AppProtocol(sks.Spec.ProtocolType),
				Port:        pkgnet.ServiceHTTPPort,
				// This one is matching the public one, since this is the
				// port queue-proxy listens on.
				TargetPort: targetPort(sks),
			}, {
				Name:       servingv1.AutoscalingQueueMetricsPortName,
				Protocol:   corev1.ProtocolTCP,
				Port:       networking.AutoscalingQueueMetricsPort,
				TargetPort: intstr.FromString(servingv1.AutoscalingQueueMetricsPortName),
			}, {
				Name:       servingv1.UserQueueMetricsPortName,
				Protocol:   corev1.ProtocolTCP,
				Port:       networking.UserQueueMetricsPort,
				TargetPort: intstr.FromString(servingv1.UserQueueMetricsPortName),
			}, {
				// The drain endpoint, for meshes that block ports the
				// Service does not name (the PreStop hook calls it).
				Name:       servingv1.QueueAdminPortName,
				Protocol:   corev1.ProtocolTCP,
				Port:       networking.QueueAdminPort,
				TargetPort: intstr.FromInt(networking.QueueAdminPort),
			}},
			Selector: selector,
		},
	}
}
