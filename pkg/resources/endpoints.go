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
	corev1 "k8s.io/api/core/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
)

// ReadyAddressCount returns the total number of addresses ready for the given endpoint.
func ReadyAddressCount(endpoints *corev1.Endpoints) int {
	var ready int
	for _, subset := range endpoints.Subsets {
		ready += len(subset.Addresses)
	}
	return ready
}

// NotReadyAddressCount returns the total number of not ready addresses for the given endpoint.
func NotReadyAddressCount(endpoints *corev1.Endpoints) int {
	var notReady int
	for _, subset := range endpoints.Subsets {
		notReady += len(subset.NotReadyAddresses)
	}
	return notReady
}

// EndpointsCounter provides a count of currently ready and notReady pods.
// The autoscaler uses it to make scaling decisions without knowing how the
// counting is done.
type EndpointsCounter interface {
	// ReadyCount is the number of pods ready to handle requests.
	ReadyCount() (int, error)
	// NotReadyCount is the number of pods that exist but are not ready.
	NotReadyCount() (int, error)
}

type scopedEndpointCounter struct {
	endpointsLister corev1listers.EndpointsNamespaceLister
	serviceName     string
}

func (eac *scopedEndpointCounter) ReadyCount() (int, error) {
	endpoints, err := eac.endpointsLister.Get(eac.serviceName)
	if err != nil {
		return 0, err
	}
	return ReadyAddressCount(endpoints), nil
}

func (eac *scopedEndpointCounter) NotReadyCount() (int, error) {
	endpoints, err := eac.endpointsLister.Get(eac.serviceName)
	if err != nil {
		return 0, err
	}
	return NotReadyAddressCount(endpoints), nil
}

// NewScopedEndpointsCounter creates an EndpointsCounter that counts the
// addresses of the Endpoints namespace/serviceName each time it is asked.
func NewScopedEndpointsCounter(lister corev1listers.EndpointsLister, namespace, serviceName string) EndpointsCounter {
	return &scopedEndpointCounter{
		endpointsLister: lister.Endpoints(namespace),
		serviceName:     serviceName,
	}
}
