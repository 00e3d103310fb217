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
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/kmeta"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestNames(t *testing.T) {
	long := strings.Repeat("a", 70)
	tests := []struct {
		name  string
		route *v1.Route
		f     func(kmeta.Accessor) string
		want  string
	}{{
		name:  "placeholder service is named after the route",
		route: route("hello-go", "default", ""),
		f:     K8sService,
		want:  "hello-go",
	}, {
		name:  "placeholder service full name is its cluster-local host",
		route: route("hello-go", "default", ""),
		f:     K8sServiceFullname,
		want:  "hello-go.default.svc.cluster.local",
	}, {
		name:  "ingress is named after the route",
		route: route("hello-go", "default", "1234-5678"),
		f:     Ingress,
		want:  "hello-go",
	}, {
		name:  "ingress name of a long route is shortened to a valid name",
		route: route(long, "default", ""),
		f:     Ingress,
		want:  kmeta.ChildName(long, ""),
	}, {
		name:  "certificate is named after the route's uid",
		route: route("hello-go", "default", "1234-5678"),
		f:     Certificate,
		want:  "route-1234-5678",
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := test.f(test.route); got != test.want {
				t.Errorf("got %q, want %q", got, test.want)
			}
		})
	}
	if got := Ingress(route(long, "default", "")); len(got) > 63 {
		t.Errorf("Ingress(%d chars) = %d chars, want at most 63", len(long), len(got))
	}
}

func route(name, ns string, uid types.UID) *v1.Route {
	return &v1.Route{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: uid}}
}
