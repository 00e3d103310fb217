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

// Package istio is the KIngress reconciler of class
// istio.ingress.networking.knative.dev (net-istio): it turns a KIngress into
// Istio VirtualServices — "<name>-ingress" bound to the Knative Istio
// Gateways (knative-serving/knative-ingress-gateway for public rules,
// knative-serving/knative-local-gateway for cluster-local ones) and
// "<name>-mesh" bound to the mesh — and marks it Ready once every pod of
// those Gateways answers a network probe with the Ingress's hash (the probe
// route appends it, the backend echoes it). TLS termination on the Gateways
// (external-domain-tls, cluster-local-domain-tls) and HTTP redirection are
// not implemented: the Ingress's HTTP routes are served on the shared
// Gateways' HTTP servers.
package istio
