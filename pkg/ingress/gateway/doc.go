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

// Package gateway is the Skiff gateway's data plane: it serves KIngresses of
// class skiff.ingress.networking.knative.dev without Envoy.
//
// A Gateway holds the compiled form of every KIngress it was given and an
// immutable routing table built from them, swapped atomically on every
// change, so a request sees either the old or the new configuration, never a
// mix. The table maps a listener's hosts (external: ExternalIP rules; internal:
// ClusterLocal rules plus ExternalIP ones, as net-kourier does) to routes:
// path prefix and exact header matches, weighted splits over Backends,
// appended headers and host rewrites.
//
// A Backend is a KIngress backend (Service, port) resolved to the Service's
// Endpoints through informers, not cluster DNS or kube-proxy: the activator in
// Proxy mode, the pods in Serve mode. Endpoint changes update the Backend in
// place without rebuilding the table. Connection failures are retried on
// another endpoint, so an endpoint that just went away costs no error.
//
// The gateway answers Knative network probes (K-Network-Probe with
// K-Network-Hash: override) itself, with the hash of the KIngress version it
// serves for the probed host, once every backend of that version has an
// endpoint; the ingress reconciler marks a KIngress Ready only after every
// gateway pod answers so (see pkg/reconciler/ingress/skiff).
package gateway
