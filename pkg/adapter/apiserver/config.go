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

package apiserver

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// ResourceWatch is one resource the adapter watches.
type ResourceWatch struct {
	// GVR is the resource.
	GVR schema.GroupVersionResource `json:"gvr"`

	// LabelSelector restricts the objects, as a label selector string.
	LabelSelector string `json:"selector,omitempty"`
}

// Config is the adapter's K_SOURCE_CONFIG: what the ApiServerSource
// reconciler derived from the source's spec.
type Config struct {
	// Namespaces to watch (namespaced resources).
	Namespaces []string `json:"namespaces"`

	// AllNamespaces watches namespaced resources cluster-wide (an empty
	// namespace selector).
	AllNamespaces bool `json:"allNamespaces"`

	// Resources to watch.
	Resources []ResourceWatch `json:"resources"`

	// ResourceOwner, when set, keeps only objects controlled by an owner
	// of this apiVersion and kind (either may be empty: any).
	ResourceOwner *v1.APIVersionKind `json:"owner,omitempty"`

	// EventMode is Reference (events carry an object reference) or
	// Resource (events carry the whole object).
	EventMode string `json:"mode,omitempty"`

	// Filters are subscriptions-API filters an event must pass.
	Filters []eventingv1.SubscriptionsAPIFilter `json:"filters,omitempty"`
}
