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

// Package names holds the names of the resources a Route owns.
package names

import (
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/network"
)

// K8sService returns the name of the placeholder Service of a Route.
func K8sService(route kmeta.Accessor) string {
	return route.GetName()
}

// K8sServiceFullname returns the cluster-local host of the placeholder
// Service of a Route: <name>.<namespace>.svc.<cluster domain>.
func K8sServiceFullname(route kmeta.Accessor) string {
	return network.GetServiceHostname(K8sService(route), route.GetNamespace())
}

// Ingress returns the name of the KIngress of a Route.
func Ingress(route kmeta.Accessor) string {
	return kmeta.ChildName(route.GetName(), "")
}

// Certificate returns the name of the Certificate of a Route.
func Certificate(route kmeta.Accessor) string {
	return "route-" + string(route.GetUID())
}
