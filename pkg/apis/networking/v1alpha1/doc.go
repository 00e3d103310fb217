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

// +k8s:deepcopy-gen=package
// +groupName=networking.internal.knative.dev

// Package v1alpha1 holds the networking.internal.knative.dev/v1alpha1 API:
// Ingress (KIngress), the contract between Routes and ingress
// implementations, and ServerlessService (SKS), which switches a revision's
// traffic between the activator and its pods. Field-compatible with
// knative.dev/networking (1.17).
//
// Ingress is modelled on the Kubernetes Ingress, with backends in other
// namespaces, weighted splits, header matching and header appending added.
package v1alpha1
