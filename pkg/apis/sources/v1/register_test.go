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

package v1

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestKindAndResource(t *testing.T) {
	if got, want := Kind("PingSource"), (schema.GroupKind{Group: "sources.knative.dev", Kind: "PingSource"}); got != want {
		t.Errorf("Kind() = %v, want %v", got, want)
	}
	if got, want := Resource("pingsources"), (schema.GroupResource{Group: "sources.knative.dev", Resource: "pingsources"}); got != want {
		t.Errorf("Resource() = %v, want %v", got, want)
	}
}

func TestAddToScheme(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal("AddToScheme() =", err)
	}
	for _, kind := range []string{
		"PingSource", "PingSourceList",
		"ApiServerSource", "ApiServerSourceList",
		"ContainerSource", "ContainerSourceList",
		"SinkBinding", "SinkBindingList",
	} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not recognize %s", kind)
		}
	}
}
