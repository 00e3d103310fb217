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

// Package eventing holds functional options that build eventing objects for
// tests (Broker, Trigger, Channel, InMemoryChannel, Subscription), mirroring
// upstream knative.dev/eventing/pkg/reconciler/testing/v1 so reconciler
// table tests read the same:
//
//	NewBroker("default", "ns", WithBrokerClass(eventing.MTChannelBrokerClassValue),
//	    WithInitBrokerConditions, WithIngressAvailable())
//
// The New… constructors apply the options and then SetDefaults with a
// background context, so objects carry Skiff's built-in defaults (a Broker
// gets class MTChannelBasedBroker and spec.config
// knative-eventing/config-br-default-channel; a Channel gets an
// InMemoryChannel template; a Trigger gets its broker label). Status is
// changed only through the types' Mark…/Propagate… methods. Upstream's
// OIDC and EventPolicy options are absent: Skiff has neither.
package eventing

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// apiVersion renders a GroupVersionKind's apiVersion ("v1", "group/v1").
func apiVersion(gvk metav1.GroupVersionKind) string {
	if gvk.Group == "" {
		return gvk.Version
	}
	return gvk.Group + "/" + gvk.Version
}
