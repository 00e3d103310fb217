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

// Package names derives the names of everything the channel-based broker
// creates or points at.
package names

import (
	"fmt"

	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/network"
	"knative.dev/pkg/system"
)

const (
	// BrokerIngressName names the shared ingress Service (and its Endpoints)
	// in the system namespace.
	BrokerIngressName = "broker-ingress"
	// BrokerFilterName names the shared filter Service (and its Endpoints)
	// in the system namespace.
	BrokerFilterName = "broker-filter"
)

// BrokerChannelName is the name of the channel of the given type behind a
// broker: <broker>-kne-<type>.
func BrokerChannelName(brokerName, channelType string) string {
	return kmeta.ChildName(brokerName, "-kne-"+channelType)
}

// TriggerChannelName is <broker>-kne-trigger, the channel every Trigger of
// the broker subscribes to.
func TriggerChannelName(brokerName string) string {
	return BrokerChannelName(brokerName, "trigger")
}

// IngressHost is broker-ingress.<system namespace>.svc.<cluster domain>.
func IngressHost() string {
	return network.GetServiceHostname(BrokerIngressName, system.Namespace())
}

// FilterHost is broker-filter.<system namespace>.svc.<cluster domain>.
func FilterHost() string {
	return network.GetServiceHostname(BrokerFilterName, system.Namespace())
}

// IngressPath is the ingress path of a broker: /<ns>/<broker>.
func IngressPath(namespace, brokerName string) string {
	return fmt.Sprintf("/%s/%s", namespace, brokerName)
}
