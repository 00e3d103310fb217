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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// controllerFilter keeps objects controlled by an owner of the given
// apiVersion and kind ("" matches any); objects without a controller are
// dropped.
type controllerFilter struct {
	apiVersion string
	kind       string
}

func (c *controllerFilter) filtered(u *unstructured.Unstructured) bool {
	controller := metav1.GetControllerOf(u)
	return controller == nil ||
		(c.apiVersion != "" && c.apiVersion != controller.APIVersion) ||
		(c.kind != "" && c.kind != controller.Kind)
}
