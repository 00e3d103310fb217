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
// Package resources builds the Service that gives an InMemoryChannel its
// address.
package resources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/network"

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

const (
	// DispatcherName names the shared dispatcher's Deployment, Service and
	// Endpoints in the system namespace.
	DispatcherName = "imc-dispatcher"

	// PortName and PortNumber are the channel Service's only port.
	PortName   = "http"
	PortNumber = 80

	// MessagingRoleLabel marks channel Services with MessagingRole.
	MessagingRoleLabel = "messaging.knative.dev/role"
	MessagingRole      = "in-memory-channel"
)

// ChannelServiceName is <imc>-kn-channel.
func ChannelServiceName(imcName string) string {
	return kmeta.ChildName(imcName, "-kn-channel")
}

// MakeChannelService builds the channel's Service: an ExternalName alias of
// the shared dispatcher Service, so the channel's host name
// (<imc>-kn-channel.<ns>.svc.cluster.local) reaches the dispatcher, which
// routes on it.
func MakeChannelService(imc *messagingv1.InMemoryChannel, dispatcherNamespace string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:            ChannelServiceName(imc.Name),
			Namespace:       imc.Namespace,
			Labels:          map[string]string{MessagingRoleLabel: MessagingRole},
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(imc)},
		},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: network.GetServiceHostname(DispatcherName, dispatcherNamespace),
			// The target port is what the API server would default; set, so
			// a stored Service compares equal.
			Ports: []corev1.ServicePort{{
				Name:       PortName,
				Protocol:   corev1.ProtocolTCP,
				Port:       PortNumber,
				TargetPort: intstr.FromInt32(PortNumber),
			}},
		},
	}
}
