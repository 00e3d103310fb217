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

// Package skiff is the KIngress reconciler of class
// skiff.ingress.networking.knative.dev. It runs inside every Skiff gateway
// pod (cmd/ingress): each replica programs its own in-process gateway
// (pkg/ingress/gateway) with every KIngress of the class — the leader in
// ReconcileKind, the others in ObserveKind — and the leader marks a KIngress
// Ready only once every gateway pod answers a network probe with the hash of
// its current version, as net-kourier does, so a Route never points clients
// at a configuration some gateway does not serve yet.
package skiff
