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
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"knative.dev/pkg/ptr"
)

func TestControllerFilter(t *testing.T) {
	owned := func(apiVersion, kind string, controller bool) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: "o", UID: "1", Controller: ptr.Bool(controller)}})
		return u
	}
	tests := []struct {
		name         string
		filter       controllerFilter
		obj          *unstructured.Unstructured
		wantFiltered bool
	}{
		{"no owner", controllerFilter{apiVersion: "apps/v1", kind: "Deployment"}, &unstructured.Unstructured{}, true},
		{"owner that is not the controller", controllerFilter{kind: "Deployment"}, owned("apps/v1", "Deployment", false), true},
		{"controlled by the kind", controllerFilter{apiVersion: "apps/v1", kind: "Deployment"}, owned("apps/v1", "Deployment", true), false},
		{"controlled by another kind", controllerFilter{apiVersion: "apps/v1", kind: "Deployment"}, owned("apps/v1", "ReplicaSet", true), true},
		{"controlled by another version", controllerFilter{apiVersion: "apps/v1", kind: "Deployment"}, owned("apps/v1beta1", "Deployment", true), true},
		{"any kind of that apiVersion", controllerFilter{apiVersion: "apps/v1"}, owned("apps/v1", "StatefulSet", true), false},
		{"any controller at all", controllerFilter{}, owned("batch/v1", "Job", true), false},
	}
	for _, tc := range tests {
		if got := tc.filter.filtered(tc.obj); got != tc.wantFiltered {
			t.Errorf("%s: filtered = %v, want %v", tc.name, got, tc.wantFiltered)
		}
	}
}
