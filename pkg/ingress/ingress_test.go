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

package ingress

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	upstreamv1alpha1 "knative.dev/networking/pkg/apis/networking/v1alpha1"
	upstreamingress "knative.dev/networking/pkg/ingress"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	. "github.com/skiffhq/skiff/pkg/testing"
)

func route(hosts []string, vis v1alpha1.IngressVisibility) v1alpha1.IngressRule {
	return v1alpha1.IngressRule{
		Hosts:      hosts,
		Visibility: vis,
		HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: []v1alpha1.HTTPIngressPath{{
			Splits: []v1alpha1.IngressBackendSplit{{
				IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "ns", ServiceName: "hello-00001", ServicePort: intstr.FromInt(80)},
				Percent:        100,
				AppendHeaders:  map[string]string{"Knative-Serving-Revision": "hello-00001"},
			}},
		}}},
	}
}

// TestHashMatchesUpstream keeps probes interoperable: a K-Network-Hash
// computed by Skiff equals the one knative.dev/networking computes for the
// same Ingress.
func TestHashMatchesUpstream(t *testing.T) {
	ing := Ingress("ns", "hello", WithIngressRules(
		route([]string{"hello.ns.svc.cluster.local"}, v1alpha1.IngressVisibilityClusterLocal),
		route([]string{"hello.ns.example.com"}, v1alpha1.IngressVisibilityExternalIP),
	))
	ing.Spec.HTTPOption = v1alpha1.HTTPOptionEnabled

	b, err := json.Marshal(ing)
	if err != nil {
		t.Fatal(err)
	}
	up := &upstreamv1alpha1.Ingress{}
	if err := json.Unmarshal(b, up); err != nil {
		t.Fatal(err)
	}
	want, err := upstreamingress.ComputeHash(up)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ComputeHash(ing)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("ComputeHash = %x, upstream computes %x", got, want)
	}

	// A spec change changes the hash; so does the name.
	other := ing.DeepCopy()
	other.Spec.Rules[0].HTTP.Paths[0].Splits[0].ServiceName = "hello-00002"
	if h, _ := ComputeHash(other); h == got {
		t.Error("hash did not change with the spec")
	}
	other = ing.DeepCopy()
	other.Name = "hello2"
	if h, _ := ComputeHash(other); h == got {
		t.Error("hash did not change with the name")
	}
}

func TestInsertProbe(t *testing.T) {
	ing := Ingress("ns", "hello", WithIngressRules(route([]string{"hello.ns.example.com"}, v1alpha1.IngressVisibilityExternalIP)))
	want, _ := ComputeHash(ing)

	hash, err := InsertProbe(ing)
	if err != nil {
		t.Fatal(err)
	}
	if hash != hex.EncodeToString(want[:]) {
		t.Errorf("hash = %s, want %x", hash, want)
	}
	paths := ing.Spec.Rules[0].HTTP.Paths
	if len(paths) != 2 {
		t.Fatalf("got %d paths, want the probe path in front of the original", len(paths))
	}
	if got := paths[0].Headers["K-Network-Hash"]; got.Exact != "override" {
		t.Errorf("probe path matches %v, want K-Network-Hash: override", paths[0].Headers)
	}
	if got := paths[0].AppendHeaders["K-Network-Hash"]; got != hash {
		t.Errorf("probe path appends K-Network-Hash %q, want %q", got, hash)
	}
	if paths[0].AppendHeaders["Knative-Serving-Revision"] != "" {
		t.Error("the probe path must not share the original path's split headers map")
	}
	if len(paths[1].Headers) != 0 || len(paths[1].AppendHeaders) != 0 {
		t.Errorf("original path changed: %+v", paths[1])
	}

	if _, err := InsertProbe(Ingress("ns", "bad", WithIngressRules(v1alpha1.IngressRule{Hosts: []string{"x"}}))); err == nil {
		t.Error("InsertProbe accepted a rule without an HTTP block")
	}
}

func TestExpandedHosts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		hosts []string
		want  []string
	}{{
		name:  "cluster-local host gets its short forms",
		hosts: []string{"hello.ns.svc.cluster.local"},
		want:  []string{"hello.ns", "hello.ns.svc", "hello.ns.svc.cluster.local"},
	}, {
		name:  "external host stays as is",
		hosts: []string{"hello.ns.example.com"},
		want:  []string{"hello.ns.example.com"},
	}, {
		name:  "tag host",
		hosts: []string{"tag-hello.ns.svc.cluster.local"},
		want:  []string{"tag-hello.ns", "tag-hello.ns.svc", "tag-hello.ns.svc.cluster.local"},
	}, {
		name:  "a numeric namespace cannot be a TLD",
		hosts: []string{"hello.123.svc.cluster.local"},
		want:  []string{"hello.123.svc", "hello.123.svc.cluster.local"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := sets.List(ExpandedHosts(sets.New(tc.hosts...)))
			if !cmp.Equal(got, tc.want) {
				t.Errorf("ExpandedHosts = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHostsPerVisibility(t *testing.T) {
	ing := Ingress("ns", "hello", WithIngressRules(
		route([]string{"hello.ns.svc.cluster.local"}, v1alpha1.IngressVisibilityClusterLocal),
		route([]string{"hello.ns.example.com"}, v1alpha1.IngressVisibilityExternalIP),
	))
	got := HostsPerVisibility(ing, map[v1alpha1.IngressVisibility]sets.Set[string]{
		v1alpha1.IngressVisibilityExternalIP:   sets.New("public"),
		v1alpha1.IngressVisibilityClusterLocal: sets.New("private"),
	})
	want := map[string][]string{
		"public":  {"hello.ns.example.com"},
		"private": {"hello.ns", "hello.ns.svc", "hello.ns.svc.cluster.local"},
	}
	if len(got) != len(want) {
		t.Fatalf("got keys %v, want %v", got, want)
	}
	for k, w := range want {
		if g := sets.List(got[k]); !cmp.Equal(g, w) {
			t.Errorf("%s: got %v, want %v", k, g, w)
		}
	}
}
