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

package resources

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	istiov1beta1 "istio.io/api/networking/v1beta1"
	"istio.io/client-go/pkg/apis/networking/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	"github.com/skiffhq/skiff/pkg/ingress"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
	. "github.com/skiffhq/skiff/pkg/testing"
)

const (
	ingressGateway = "knative-serving/knative-ingress-gateway"
	localGateway   = "knative-serving/knative-local-gateway"
)

var defaultGateways = map[v1alpha1.IngressVisibility]sets.Set[string]{
	v1alpha1.IngressVisibilityExternalIP:   sets.New(ingressGateway),
	v1alpha1.IngressVisibilityClusterLocal: sets.New(localGateway),
}

func split(rev string, percent int) v1alpha1.IngressBackendSplit {
	return v1alpha1.IngressBackendSplit{
		IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "default", ServiceName: rev, ServicePort: intstr.FromInt(80)},
		Percent:        percent,
		AppendHeaders:  map[string]string{"Knative-Serving-Revision": rev, "Knative-Serving-Namespace": "default"},
	}
}

// helloGo is the KIngress the route reconciler makes for the seed's
// hello-go service in default.
func helloGo(splits ...v1alpha1.IngressBackendSplit) *v1alpha1.Ingress {
	paths := []v1alpha1.HTTPIngressPath{{Splits: splits}}
	ing := Ingress("default", "hello-go", WithIngressClass(netcfg.IstioIngressClassName), WithIngressRules(
		v1alpha1.IngressRule{Hosts: []string{"hello-go.default.svc.cluster.local"}, Visibility: v1alpha1.IngressVisibilityClusterLocal,
			HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: paths}},
		v1alpha1.IngressRule{Hosts: []string{"hello-go.default.example.com"}, Visibility: v1alpha1.IngressVisibilityExternalIP,
			HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: paths}},
	))
	ing.Labels = map[string]string{serving.RouteLabelKey: "hello-go", serving.RouteNamespaceLabelKey: "default", "app": "ignored"}
	return ing
}

// TestSeedVirtualServices checks the VirtualServices `kubectl get vs`
// shows in the seed walkthrough (with 1.17's knative-local-gateway).
func TestSeedVirtualServices(t *testing.T) {
	vss, err := MakeVirtualServices(helloGo(split("hello-go-00001", 100)), defaultGateways)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name     string
		gateways []string
		hosts    []string
	}
	var got []row
	for _, vs := range vss {
		got = append(got, row{vs.Name, vs.Spec.Gateways, vs.Spec.Hosts})
	}
	want := []row{{
		name:     "hello-go-mesh",
		gateways: []string{"mesh"},
		hosts:    []string{"hello-go.default", "hello-go.default.svc", "hello-go.default.svc.cluster.local"},
	}, {
		name:     "hello-go-ingress",
		gateways: []string{ingressGateway, localGateway}, // sorted, as kubectl shows them
		hosts:    []string{"hello-go.default", "hello-go.default.example.com", "hello-go.default.svc", "hello-go.default.svc.cluster.local"},
	}}
	if !cmp.Equal(got, want, cmp.AllowUnexported(row{})) {
		t.Errorf("VirtualServices (-want +got): %s", cmp.Diff(want, got, cmp.AllowUnexported(row{})))
	}
}

func TestVirtualServiceMetadata(t *testing.T) {
	ing := helloGo(split("hello-go-00001", 100))
	for _, vs := range []*v1beta1.VirtualService{MakeIngressVirtualService(ing, defaultGateways), MakeMeshVirtualService(ing, defaultGateways)} {
		want := metav1.ObjectMeta{
			Name:            vs.Name,
			Namespace:       "default",
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(ing)},
			Annotations:     map[string]string{networking.IngressClassAnnotationKey: netcfg.IstioIngressClassName},
			// The Route labels and the Ingress label, nothing else.
			Labels: map[string]string{
				serving.RouteLabelKey:          "hello-go",
				serving.RouteNamespaceLabelKey: "default",
				networking.IngressLabelKey:     "hello-go",
			},
		}
		if !cmp.Equal(vs.ObjectMeta, want) {
			t.Errorf("%s metadata (-want +got): %s", vs.Name, cmp.Diff(want, vs.ObjectMeta))
		}
	}
}

// TestIngressRoutes compares the full HTTP routes of <name>-ingress for a
// 90/10 split: a probe route then the real one per rule.
func TestIngressRoutes(t *testing.T) {
	ing := helloGo(split("hello-go-00001", 90), split("hello-go-00002", 10))
	hash, _ := ingress.Hash(ing)
	vss, err := MakeVirtualServices(ing, defaultGateways)
	if err != nil {
		t.Fatal(err)
	}
	dest := func(rev string, weight int32, extra map[string]string) *istiov1beta1.HTTPRouteDestination {
		set := map[string]string{"Knative-Serving-Revision": rev, "Knative-Serving-Namespace": "default"}
		for k, v := range extra {
			set[k] = v
		}
		return &istiov1beta1.HTTPRouteDestination{
			Destination: &istiov1beta1.Destination{Host: rev + ".default.svc.cluster.local", Port: &istiov1beta1.PortSelector{Number: 80}},
			Weight:      weight,
			Headers:     &istiov1beta1.Headers{Request: &istiov1beta1.Headers_HeaderOperations{Set: set}},
		}
	}
	route := func(host, gateway string, probe bool) *istiov1beta1.HTTPRoute {
		r := &istiov1beta1.HTTPRoute{
			Retries: &istiov1beta1.HTTPRetry{},
			Match: []*istiov1beta1.HTTPMatchRequest{{
				Gateways:  []string{gateway},
				Authority: &istiov1beta1.StringMatch{MatchType: &istiov1beta1.StringMatch_Prefix{Prefix: host}},
				Headers:   map[string]*istiov1beta1.StringMatch{},
			}},
			Route: []*istiov1beta1.HTTPRouteDestination{dest("hello-go-00001", 90, nil), dest("hello-go-00002", 10, nil)},
		}
		if probe {
			r.Match[0].Headers["K-Network-Hash"] = &istiov1beta1.StringMatch{MatchType: &istiov1beta1.StringMatch_Exact{Exact: "override"}}
			r.Headers = &istiov1beta1.Headers{Request: &istiov1beta1.Headers_HeaderOperations{Set: map[string]string{"K-Network-Hash": hash}}}
		}
		return r
	}
	want := []*istiov1beta1.HTTPRoute{
		// Cluster-local rule on the local gateway: the short host prefix
		// matches every form of it.
		route("hello-go.default", localGateway, true),
		route("hello-go.default", localGateway, false),
		route("hello-go.default.example.com", ingressGateway, true),
		route("hello-go.default.example.com", ingressGateway, false),
	}
	got := vss[1].Spec.Http
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("routes (-want +got): %s", diff)
	}

	// The mesh VirtualService carries the cluster-local rule only, on mesh.
	mesh := vss[0].Spec.Http
	if len(mesh) != 2 || !cmp.Equal(mesh[1].Match[0].Gateways, []string{"mesh"}) {
		t.Errorf("mesh routes = %v, want the cluster-local rule (probe + route) on mesh", mesh)
	}
}

func TestRouteHeadersPathAndRewrite(t *testing.T) {
	p := &v1alpha1.HTTPIngressPath{
		Path:          "/api",
		RewriteHost:   "hello-go.default.svc.cluster.local",
		Headers:       map[string]v1alpha1.HeaderMatch{"Knative-Serving-Tag": {Exact: "candidate"}},
		AppendHeaders: map[string]string{"Knative-Serving-Tag": "candidate"},
		Splits:        []v1alpha1.IngressBackendSplit{{IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "default", ServiceName: "hello-go", ServicePort: intstr.FromInt(80)}, Percent: 100}},
	}
	got := makeVirtualServiceRoute(sets.New("app.example.org"), p, defaultGateways, v1alpha1.IngressVisibilityExternalIP)
	want := &istiov1beta1.HTTPRoute{
		Retries: &istiov1beta1.HTTPRetry{},
		Match: []*istiov1beta1.HTTPMatchRequest{{
			Gateways:  []string{ingressGateway},
			Authority: &istiov1beta1.StringMatch{MatchType: &istiov1beta1.StringMatch_Prefix{Prefix: "app.example.org"}},
			Uri:       &istiov1beta1.StringMatch{MatchType: &istiov1beta1.StringMatch_Prefix{Prefix: "/api"}},
			Headers: map[string]*istiov1beta1.StringMatch{
				"Knative-Serving-Tag": {MatchType: &istiov1beta1.StringMatch_Exact{Exact: "candidate"}},
			},
		}},
		Route: []*istiov1beta1.HTTPRouteDestination{{
			Destination: &istiov1beta1.Destination{Host: "hello-go.default.svc.cluster.local", Port: &istiov1beta1.PortSelector{Number: 80}},
			Weight:      100,
		}},
		Rewrite: &istiov1beta1.HTTPRewrite{Authority: "hello-go.default.svc.cluster.local"},
		Headers: &istiov1beta1.Headers{Request: &istiov1beta1.Headers_HeaderOperations{Set: map[string]string{"Knative-Serving-Tag": "candidate"}}},
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("route (-want +got): %s", diff)
	}
}

func TestVirtualServicesPerVisibility(t *testing.T) {
	local := helloGo(split("hello-go-00001", 100))
	local.Spec.Rules = local.Spec.Rules[:1]
	public := helloGo(split("hello-go-00001", 100))
	public.Spec.Rules = public.Spec.Rules[1:]
	for _, tc := range []struct {
		name string
		ing  *v1alpha1.Ingress
		want []string
	}{
		{"cluster-local only: mesh and local gateway", local, []string{"hello-go-mesh", "hello-go-ingress"}},
		{"public only: no mesh VirtualService", public, []string{"hello-go-ingress"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vss, err := MakeVirtualServices(tc.ing, defaultGateways)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, vs := range vss {
				names = append(names, vs.Name)
			}
			if !cmp.Equal(names, tc.want) {
				t.Errorf("VirtualServices %v, want %v", names, tc.want)
			}
		})
	}
}

func TestGetDistinctHostPrefixes(t *testing.T) {
	got := getDistinctHostPrefixes(sets.New("a", "aabb", "b.svc.cluster.local", "b.svc", "b"))
	if want := []string{"a", "b"}; !cmp.Equal(sets.List(got), want) {
		t.Errorf("got %v, want %v", sets.List(got), want)
	}
}

func TestGatewaysFromContext(t *testing.T) {
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"tenant": "blue"}}
	ctx := config.ToContext(context.Background(), &config.Config{Istio: &config.Istio{
		IngressGateways: []config.Gateway{
			{Namespace: "knative-serving", Name: "knative-ingress-gateway", ServiceURL: "istio-ingressgateway.istio-system.svc.cluster.local"},
			{Namespace: "blue", Name: "blue-gateway", ServiceURL: "blue-gateway.blue.svc.cluster.local", LabelSelector: selector},
		},
		LocalGateways: []config.Gateway{
			{Namespace: "knative-serving", Name: "knative-local-gateway", ServiceURL: "knative-local-gateway.istio-system.svc.cluster.local"},
		},
	}})
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   []string
	}{
		{"unlabelled Ingress: the default gateway", nil, []string{ingressGateway}},
		{"matching labels: the selected gateway only", map[string]string{"tenant": "blue"}, []string{"blue/blue-gateway"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ing := helloGo()
			ing.Labels = tc.labels
			got, err := QualifiedGatewayNamesFromContext(ctx, ing)
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(sets.List(got[v1alpha1.IngressVisibilityExternalIP]), tc.want) {
				t.Errorf("external gateways %v, want %v", sets.List(got[v1alpha1.IngressVisibilityExternalIP]), tc.want)
			}
			if !cmp.Equal(sets.List(got[v1alpha1.IngressVisibilityClusterLocal]), []string{localGateway}) {
				t.Errorf("local gateways %v", sets.List(got[v1alpha1.IngressVisibilityClusterLocal]))
			}
		})
	}
}
