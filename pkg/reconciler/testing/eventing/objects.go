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
package eventing

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NewEndpoints returns Endpoints ns/name with the given ready addresses
// (none: the Service exists but nothing backs it).
func NewEndpoints(name, namespace string, readyIPs ...string) *corev1.Endpoints {
	ep := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	if len(readyIPs) > 0 {
		subset := corev1.EndpointSubset{}
		for _, ip := range readyIPs {
			subset.Addresses = append(subset.Addresses, corev1.EndpointAddress{IP: ip})
		}
		ep.Subsets = []corev1.EndpointSubset{subset}
	}
	return ep
}

// NewConfigMap returns ConfigMap ns/name holding data.
func NewConfigMap(name, namespace string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Data:       data,
	}
}

// ServiceOption changes a Service.
type ServiceOption func(*corev1.Service)

// NewService returns Service ns/name changed by opts.
func NewService(name, namespace string, opts ...ServiceOption) *corev1.Service {
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// WithServiceOwnerReferences sets the Service's owner references.
func WithServiceOwnerReferences(refs ...metav1.OwnerReference) ServiceOption {
	return func(s *corev1.Service) {
		s.OwnerReferences = refs
	}
}

// WithServiceLabels sets the Service's labels.
func WithServiceLabels(labels map[string]string) ServiceOption {
	return func(s *corev1.Service) {
		s.Labels = labels
	}
}

// WithExternalName makes the Service an ExternalName Service pointing at host.
func WithExternalName(host string) ServiceOption {
	return func(s *corev1.Service) {
		s.Spec.Type = corev1.ServiceTypeExternalName
		s.Spec.ExternalName = host
	}
}

// NewDeployment returns Deployment ns/name whose Available condition has
// the given status (none when status is "").
func NewDeployment(name, namespace string, available corev1.ConditionStatus) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	if available != "" {
		d.Status.Conditions = []appsv1.DeploymentCondition{{
			Type:   appsv1.DeploymentAvailable,
			Status: available,
		}}
	}
	return d
}
