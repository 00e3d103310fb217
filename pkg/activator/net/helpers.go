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

package net

import (
	"net"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/skiffhq/skiff/pkg/apis/networking"
)

// healthyAddresses returns the ready IPs of the Endpoints' subsets that
// serve the named port.
func healthyAddresses(endpoints *corev1.Endpoints, portName string) sets.Set[string] {
	ready := sets.New[string]()
	for _, es := range endpoints.Subsets {
		if !hasPort(es, portName) {
			continue
		}
		for _, addr := range es.Addresses {
			ready.Insert(addr.IP)
		}
	}
	return ready
}

func hasPort(es corev1.EndpointSubset, portName string) bool {
	for _, p := range es.Ports {
		if p.Name == portName {
			return true
		}
	}
	return false
}

// endpointsToDests returns the ready and the not-ready "ip:port" dests of
// the Endpoints for the named port.
func endpointsToDests(endpoints *corev1.Endpoints, portName string) (ready, notReady sets.Set[string]) {
	ready, notReady = sets.New[string](), sets.New[string]()
	for _, es := range endpoints.Subsets {
		for _, port := range es.Ports {
			if port.Name != portName {
				continue
			}
			portStr := strconv.Itoa(int(port.Port))
			// IPs, not names: no DNS lookup on the request path.
			for _, addr := range es.Addresses {
				ready.Insert(net.JoinHostPort(addr.IP, portStr))
			}
			for _, addr := range es.NotReadyAddresses {
				notReady.Insert(net.JoinHostPort(addr.IP, portStr))
			}
			break
		}
	}
	return ready, notReady
}

// getServicePort returns the port number of the Service's port for the
// protocol.
func getServicePort(protocol networking.ProtocolType, svc *corev1.Service) (int, bool) {
	wantName := networking.ServicePortName(protocol)
	for _, p := range svc.Spec.Ports {
		if p.Name == wantName {
			return int(p.Port), true
		}
	}
	return 0, false
}
