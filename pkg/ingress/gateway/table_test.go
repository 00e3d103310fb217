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

package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	. "github.com/skiffhq/skiff/pkg/testing"
)

func testBackends(r Resolver) *backends {
	return newBackends(r, []string{"skiff-gateway-internal.knative-serving.svc.cluster.local"}, func(*Backend) http.Handler { return nil })
}

func TestCompile(t *testing.T) {
	bs := testBackends(newFakeResolver())
	for _, tc := range []struct {
		name    string
		ing     *v1alpha1.Ingress
		wantErr bool
		check   func(t *testing.T, ci *compiledIngress)
	}{{
		name: "route ingress: cluster-local hosts expanded, public rule on both listeners",
		ing:  routeIngress("hello", splitTo("hello-00001", 100)),
		check: func(t *testing.T, ci *compiledIngress) {
			if len(ci.vhosts[External]) != 1 || len(ci.vhosts[Internal]) != 2 {
				t.Fatalf("vhosts external %d internal %d, want 1 and 2", len(ci.vhosts[External]), len(ci.vhosts[Internal]))
			}
			if got, want := ci.vhosts[Internal][0].hosts, []string{"hello.ns", "hello.ns.svc", "hello.ns.svc.cluster.local"}; !cmp.Equal(got, want) {
				t.Errorf("cluster-local hosts %v, want %v", got, want)
			}
			if got := ci.vhosts[External][0].hosts; !cmp.Equal(got, []string{"hello.ns.example.com"}) {
				t.Errorf("public hosts %v", got)
			}
			if len(ci.backends) != 1 {
				t.Errorf("got %d backends, want the one revision once", len(ci.backends))
			}
		},
	}, {
		name: "zero-percent splits take no traffic",
		ing:  routeIngress("hello", splitTo("hello-00001", 100), splitTo("hello-00002", 0)),
		check: func(t *testing.T, ci *compiledIngress) {
			rt := ci.vhosts[External][0].routes[0]
			if len(rt.splits) != 1 || rt.total != 100 {
				t.Errorf("splits %d total %d, want 1 and 100", len(rt.splits), rt.total)
			}
		},
	}, {
		name: "cumulative weights",
		ing:  routeIngress("hello", splitTo("a", 90), splitTo("b", 10)),
		check: func(t *testing.T, ci *compiledIngress) {
			rt := ci.vhosts[External][0].routes[0]
			if rt.splits[0].upTo != 90 || rt.splits[1].upTo != 100 || rt.total != 100 {
				t.Errorf("upTo %d, %d total %d; want 90, 100 total 100", rt.splits[0].upTo, rt.splits[1].upTo, rt.total)
			}
		},
	}, {
		name: "a rule without hosts matches any host",
		ing:  Ingress("ns", "any", WithIngressRules(rule(v1alpha1.IngressVisibilityExternalIP, nil, path(splitTo("a", 100))))),
		check: func(t *testing.T, ci *compiledIngress) {
			if got := ci.vhosts[External][0].hosts; !cmp.Equal(got, []string{anyHost}) {
				t.Errorf("hosts %v, want the wildcard", got)
			}
		},
	}, {
		name:    "a rule without an http block",
		ing:     Ingress("ns", "bad", WithIngressRules(v1alpha1.IngressRule{Hosts: []string{"x.example.com"}})),
		wantErr: true,
	}, {
		name:    "no split takes traffic",
		ing:     Ingress("ns", "bad", WithIngressRules(rule(v1alpha1.IngressVisibilityExternalIP, []string{"x"}, path()))),
		wantErr: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ci, err := compile(tc.ing, bs)
			if (err != nil) != tc.wantErr {
				t.Fatalf("compile error = %v, want error %v", err, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, ci)
			}
		})
	}
}

func TestTableConflictsAndLookup(t *testing.T) {
	bs := testBackends(newFakeResolver())
	ings := map[types.NamespacedName]*compiledIngress{}
	for _, ing := range []*v1alpha1.Ingress{
		Ingress("b", "claims", WithIngressRules(rule(v1alpha1.IngressVisibilityExternalIP, []string{"shared.example.com"}, path(splitTo("b", 100))))),
		Ingress("a", "claims", WithIngressRules(rule(v1alpha1.IngressVisibilityExternalIP, []string{"shared.example.com"}, path(splitTo("a", 100))))),
		Ingress("c", "any", WithIngressRules(rule(v1alpha1.IngressVisibilityExternalIP, nil, path(splitTo("c", 100))))),
	} {
		ci, err := compile(ing, bs)
		if err != nil {
			t.Fatal(err)
		}
		ings[ci.key] = ci
	}
	tbl := buildTable(ings)
	for _, tc := range []struct {
		host string
		want string
	}{
		{"shared.example.com", "a/claims"}, // a/claims sorts first, in every pod
		{"SHARED.example.com.:8080", "a/claims"},
		{"other.example.com", "c/any"},
	} {
		v := tbl.lookup(External, tc.host)
		if v == nil || v.ing.key.String() != tc.want {
			t.Errorf("lookup(%q) = %v, want %s", tc.host, v, tc.want)
		}
	}
}

func TestRouteMatch(t *testing.T) {
	p := path(splitTo("a", 100))
	p.Path = "/api"
	p.Headers = map[string]v1alpha1.HeaderMatch{"x-tenant": {Exact: "blue"}}
	rt, err := compileRoute(&p, testBackends(newFakeResolver()), &compiledIngress{}, map[BackendKey]struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		target  string
		headers map[string]string
		want    bool
	}{
		{"prefix and header", "/api/x", map[string]string{"X-Tenant": "blue"}, true},
		{"header value must be exact", "/api/x", map[string]string{"X-Tenant": "Blue"}, false},
		{"header missing", "/api/x", nil, false},
		{"path outside the prefix", "/web", map[string]string{"X-Tenant": "blue"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tc.target, nil)
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			if got := rt.matches(r); got != tc.want {
				t.Errorf("matches = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	h2c := networking.AppProtocolH2C
	r := newFakeResolver()
	r.services["ns/named"] = &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{
		{Name: "http", Port: 80}, {Name: "http2", Port: 81}, {Name: "grpc", Port: 90, AppProtocol: &h2c},
	}}}
	r.endpoints["ns/named"] = &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
		Addresses:         []corev1.EndpointAddress{{IP: "10.0.0.2"}, {IP: "10.0.0.1"}},
		NotReadyAddresses: []corev1.EndpointAddress{{IP: "10.0.0.9"}},
		Ports:             []corev1.EndpointPort{{Name: "http", Port: 8012}, {Name: "http2", Port: 8013}, {Name: "grpc", Port: 9000}},
	}}}
	r.services["ns/unnamed"] = &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}}}
	r.endpoints["ns/unnamed"] = &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
		Addresses: []corev1.EndpointAddress{{IP: "10.0.0.3"}},
		Ports:     []corev1.EndpointPort{{Port: 8080}},
	}}}
	r.services["ns/noeps"] = &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
	r.services["ns/external"] = &corev1.Service{Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeExternalName, ExternalName: "api.example.org",
		Ports: []corev1.ServicePort{{Name: "http", Port: 80}},
	}}
	r.services["ns/placeholder"] = &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "placeholder"}, Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeExternalName, ExternalName: "Skiff-Gateway-Internal.knative-serving.svc.cluster.local.",
	}}
	bs := testBackends(r)

	for _, tc := range []struct {
		name      string
		svc       string
		port      intstr.IntOrString
		wantAddrs []string
		wantH2C   bool
		wantLocal bool
	}{
		{"http port by number, ready addresses only, sorted", "named", intstr.FromInt(80), []string{"10.0.0.1:8012", "10.0.0.2:8012"}, false, false},
		{"http2 port is h2c", "named", intstr.FromInt(81), []string{"10.0.0.1:8013", "10.0.0.2:8013"}, true, false},
		{"port by name, h2c appProtocol", "named", intstr.FromString("grpc"), []string{"10.0.0.1:9000", "10.0.0.2:9000"}, true, false},
		{"unnamed single port", "unnamed", intstr.FromInt(80), []string{"10.0.0.3:8080"}, false, false},
		{"no such port", "named", intstr.FromInt(443), nil, false, false},
		{"no Endpoints", "noeps", intstr.FromInt(80), nil, false, false},
		{"no Service", "missing", intstr.FromInt(80), nil, false, false},
		{"ExternalName", "external", intstr.FromInt(80), []string{"api.example.org:80"}, false, false},
		{"ExternalName naming this gateway", "placeholder", intstr.FromInt(80), nil, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := bs.resolve(BackendKey{Namespace: "ns", Name: tc.svc, Port: tc.port})
			if !cmp.Equal(st.addrs, tc.wantAddrs) || st.h2c != tc.wantH2C || st.local != tc.wantLocal {
				t.Errorf("resolve = %v h2c %v local %v (err %v), want %v h2c %v local %v", st.addrs, st.h2c, st.local, st.err, tc.wantAddrs, tc.wantH2C, tc.wantLocal)
			}
			if len(st.addrs) == 0 && !st.local && st.err == nil {
				t.Error("no addresses and no reason")
			}
		})
	}
}
