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

// Package activator holds the activator's names and its stat reporting.
// The activator receives requests for revisions that have no (or too few)
// ready pods, holds them until a pod can take them, and meanwhile tells the
// autoscaler about the demand.
package activator

const (
	// Name is the name of the component, and the value of K-Proxy-Request
	// on the requests it forwards and of K-Network-Probe on probes of it.
	Name = "activator"
	// RevisionHeaderName is the header key for revision name.
	RevisionHeaderName = "Knative-Serving-Revision"
	// RevisionHeaderNamespace is the header key for revision's namespace.
	RevisionHeaderNamespace = "Knative-Serving-Namespace"
)

// RevisionHeaders are the headers the activator uses to identify the
// revision. They are removed before reaching the user container.
var RevisionHeaders = []string{
	RevisionHeaderName,
	RevisionHeaderNamespace,
}
