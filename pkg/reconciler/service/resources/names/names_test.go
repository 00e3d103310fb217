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

package names

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestNamesAreTheServiceName(t *testing.T) {
	for _, name := range []string{"hello-go", "a", "a-very-long-name-that-is-still-a-valid-dns-label-0123456789ab"} {
		svc := &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name}}
		if got := Configuration(svc); got != name {
			t.Errorf("Configuration(%q) = %q, want %q", name, got, name)
		}
		if got := Route(svc); got != name {
			t.Errorf("Route(%q) = %q, want %q", name, got, name)
		}
	}
}
