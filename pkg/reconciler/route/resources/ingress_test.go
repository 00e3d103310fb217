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
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	netheader "knative.dev/networking/pkg/http/header"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/ptr"

	apicfg "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	"github.com/skiffhq/skiff/pkg/reconciler/route/traffic"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

const ns = "default"

// testContext attaches config-domain example.com and config-network built
// from network; features from the given map.
func testContext(t *testing.T, network, features map[string]string) context.Context {
	t.Helper()
	nc, err := netcfg.NewConfigFromMap(network)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := apicfg.NewFeaturesConfigFromMap(features)
	if err != nil {
		t.Fatal(err)
	}
	return config.ToContext(context.Background(), &config.Config{
		Domain:   &config.Domain{Domains: map[string]config.DomainConfig{"example.com": {}}},
		Network:  nc,
		Features: fc,
	})
}

func target(cfg, rev string, percent int64, tag string, latest bool) traffic.RevisionTarget {
	return traffic.RevisionTarget{
		TrafficTarget: v1.TrafficTarget{
			ConfigurationName: cfg, RevisionName: rev, Percent: ptr.Int64(percent), Tag: tag, LatestRevision: ptr.Bool(latest),
		},
		Protocol: networking.ProtocolHTTP1,
	}
}

func split(rev string, percent int, port int) netv1alpha1.IngressBackendSplit {
	return netv1alpha1.IngressBackendSplit{
		IngressBackend: netv1alpha1.IngressBackend{ServiceNamespace: ns, ServiceName: rev, ServicePort: intstr.FromInt(port)},
		Percent:        percent,
		AppendHeaders:  map[string]string{"Knative-Serving-Revision": rev, "Knative-Serving-Namespace": ns},
	}
}

func rule(visibility netv1alpha1.IngressVisibility, hosts []string, splits ...netv1alpha1.IngressBackendSplit) netv1alpha1.IngressRule {
	return netv1alpha1.IngressRule{
		Hosts:      hosts,
		Visibility: visibility,
		HTTP:       &netv1alpha1.HTTPIngressRuleValue{Paths: []netv1alpha1.HTTPIngressPath{{Splits: splits}}},
	}
}

func localHosts(name string) []string {
	return []string{name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local"}
}

func TestMakeIngressMetadata(t *testing.T) {
	r := Route(ns, "hello-go", WithRouteUID("1234"),
		WithRouteLabel(map[string]string{serving.ServiceLabelKey: "hello-go"}),
		WithRouteAnnotation(map[string]string{
			"team":                                  "blue",
			networking.IngressClassAnnotationAltKey: "dash.spelling",
			"kubectl.kubernetes.io/last-applied-configuration": "{}",
		}))
	tc := &traffic.Config{Targets: map[string]traffic.RevisionTargets{
		traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
	}}
	ing, err := MakeIngress(testContext(t, nil, nil), r, tc, nil, "skiff.ingress.networking.knative.dev")
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := metav1.ObjectMeta{
		Name:      "hello-go",
		Namespace: ns,
		Labels: map[string]string{
			serving.ServiceLabelKey:        "hello-go",
			serving.RouteLabelKey:          "hello-go",
			serving.RouteNamespaceLabelKey: ns,
		},
		Annotations: map[string]string{
			"team":                               "blue",
			networking.IngressClassAnnotationKey: "skiff.ingress.networking.knative.dev",
			networking.RolloutAnnotationKey: `{"configurations":[{"configurationName":"hello-go","percent":100,` +
				`"revisions":[{"revisionName":"hello-go-00001","percent":100}],"stepParams":{}}]}`,
		},
		OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(r)},
	}
	if !cmp.Equal(ing.ObjectMeta, wantMeta) {
		t.Errorf("ObjectMeta (-want,+got):\n%s", cmp.Diff(wantMeta, ing.ObjectMeta))
	}
	var ro traffic.Rollout
	if err := json.Unmarshal([]byte(ing.Annotations[networking.RolloutAnnotationKey]), &ro); err != nil || !ro.Validate() {
		t.Errorf("rollout annotation does not round-trip: %v", err)
	}
}

func TestMakeIngressSpec(t *testing.T) {
	r := Route(ns, "hello-go")
	h2c := target("grpc", "grpc-00001", 100, "", true)
	h2c.Protocol = networking.ProtocolH2C

	tests := []struct {
		name     string
		route    *v1.Route
		tc       *traffic.Config
		rollout  *traffic.Rollout
		network  map[string]string
		features map[string]string
		want     netv1alpha1.IngressSpec
		wantErr  bool
	}{{
		name: "one revision: a cluster-local and a public rule, port 80",
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
		}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00001", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00001", 100, 80)),
			},
		},
	}, {
		name: "50/50 split with a tag: the tag gets its own rules with all of its traffic",
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {
				target("hello-go", "hello-go-00001", 50, "", false),
				target("hello-go", "hello-go-00002", 50, "candidate", true),
			},
			"candidate": {target("hello-go", "hello-go-00002", 100, "candidate", true)},
		}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"),
					split("hello-go-00001", 50, 80), split("hello-go-00002", 50, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"},
					split("hello-go-00001", 50, 80), split("hello-go-00002", 50, 80)),
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("candidate-hello-go"), split("hello-go-00002", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"candidate-hello-go.default.example.com"}, split("hello-go-00002", 100, 80)),
			},
		},
	}, {
		name: "cluster-local names get no public rule",
		tc: &traffic.Config{
			Targets: map[string]traffic.RevisionTargets{
				traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
				"private":             {target("hello-go", "hello-go-00001", 100, "private", true)},
			},
			Visibility: map[string]netv1alpha1.IngressVisibility{
				traffic.DefaultTarget: netv1alpha1.IngressVisibilityExternalIP,
				"private":             netv1alpha1.IngressVisibilityClusterLocal,
			},
		},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00001", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00001", 100, 80)),
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("private-hello-go"), split("hello-go-00001", 100, 80)),
			},
		},
	}, {
		name: "0% targets are left out of the splits",
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {
				target("hello-go", "hello-go-00002", 100, "", true),
				target("hello-go", "hello-go-00001", 0, "old", false),
			},
			"old": {target("hello-go", "hello-go-00001", 100, "old", false)},
		}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00002", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00002", 100, 80)),
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("old-hello-go"), split("hello-go-00001", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"old-hello-go.default.example.com"}, split("hello-go-00001", 100, 80)),
			},
		},
	}, {
		name: "h2c revisions are reached on port 81",
		tc:   &traffic.Config{Targets: map[string]traffic.RevisionTargets{traffic.DefaultTarget: {h2c}}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("grpc-00001", 100, 81)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("grpc-00001", 100, 81)),
			},
		},
	}, {
		name:    "system-internal-tls sends traffic to port 443",
		network: map[string]string{netcfg.SystemInternalTLSKey: "enabled"},
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
		}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00001", 100, 443)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00001", 100, 443)),
			},
		},
	}, {
		name: "a rollout in progress splits the latest revision target",
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {target("hello-go", "hello-go-00002", 100, "", true)},
		}},
		rollout: &traffic.Rollout{Configurations: []*traffic.ConfigurationRollout{{
			ConfigurationName: "hello-go", Percent: 100,
			Revisions: []traffic.RevisionRollout{{RevisionName: "hello-go-00001", Percent: 74}, {RevisionName: "hello-go-00002", Percent: 26}},
		}}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionEnabled,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00001", 74, 80), split("hello-go-00002", 26, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00001", 74, 80), split("hello-go-00002", 26, 80)),
			},
		},
	}, {
		name:    "config-network http-protocol redirected",
		network: map[string]string{netcfg.HTTPProtocolKey: "redirected"},
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
		}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionRedirected,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00001", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00001", 100, 80)),
			},
		},
	}, {
		name:    "the route's http-protocol annotation wins over config-network",
		route:   Route(ns, "hello-go", WithRouteAnnotation(map[string]string{networking.HTTPProtocolAnnotationKey: "Redirected"})),
		network: map[string]string{netcfg.HTTPProtocolKey: "enabled"},
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
		}},
		want: netv1alpha1.IngressSpec{
			HTTPOption: netv1alpha1.HTTPOptionRedirected,
			Rules: []netv1alpha1.IngressRule{
				rule(netv1alpha1.IngressVisibilityClusterLocal, localHosts("hello-go"), split("hello-go-00001", 100, 80)),
				rule(netv1alpha1.IngressVisibilityExternalIP, []string{"hello-go.default.example.com"}, split("hello-go-00001", 100, 80)),
			},
		},
	}, {
		name:  "an invalid http-protocol annotation is an error",
		route: Route(ns, "hello-go", WithRouteAnnotation(map[string]string{networking.HTTPProtocolAnnotationKey: "sometimes"})),
		tc: &traffic.Config{Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
		}},
		wantErr: true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			route := test.route
			if route == nil {
				route = r
			}
			ro := test.rollout
			if ro == nil {
				ro = test.tc.BuildRollout()
			}
			ing, err := MakeIngressWithRollout(testContext(t, test.network, test.features), route, test.tc, ro, nil, "c")
			if (err != nil) != test.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, test.wantErr)
			}
			if err != nil {
				return
			}
			if !cmp.Equal(ing.Spec, test.want) {
				t.Errorf("Spec (-want,+got):\n%s", cmp.Diff(test.want, ing.Spec))
			}
		})
	}
}

func TestMakeIngressTagHeaderBasedRouting(t *testing.T) {
	tc := &traffic.Config{
		Targets: map[string]traffic.RevisionTargets{
			traffic.DefaultTarget: {
				target("hello-go", "hello-go-00001", 100, "", false),
				target("hello-go", "hello-go-00002", 0, "candidate", true),
			},
			"candidate": {target("hello-go", "hello-go-00002", 100, "candidate", true)},
		},
		Visibility: map[string]netv1alpha1.IngressVisibility{
			traffic.DefaultTarget: netv1alpha1.IngressVisibilityClusterLocal,
			"candidate":           netv1alpha1.IngressVisibilityClusterLocal,
		},
	}
	ing, err := MakeIngress(testContext(t, nil, map[string]string{"tag-header-based-routing": "enabled"}),
		Route(ns, "hello-go"), tc, nil, "c")
	if err != nil {
		t.Fatal(err)
	}
	want := []netv1alpha1.IngressRule{{
		Hosts:      localHosts("hello-go"),
		Visibility: netv1alpha1.IngressVisibilityClusterLocal,
		HTTP: &netv1alpha1.HTTPIngressRuleValue{Paths: []netv1alpha1.HTTPIngressPath{{
			// A request with the tag header goes to the tag's revision...
			Headers: map[string]netv1alpha1.HeaderMatch{netheader.RouteTagKey: {Exact: "candidate"}},
			Splits:  []netv1alpha1.IngressBackendSplit{split("hello-go-00002", 100, 80)},
		}, {
			// ...any other is marked as having taken the default route.
			AppendHeaders: map[string]string{netheader.DefaultRouteKey: "true"},
			Splits:        []netv1alpha1.IngressBackendSplit{split("hello-go-00001", 100, 80)},
		}}},
	}, {
		Hosts:      localHosts("candidate-hello-go"),
		Visibility: netv1alpha1.IngressVisibilityClusterLocal,
		HTTP: &netv1alpha1.HTTPIngressRuleValue{Paths: []netv1alpha1.HTTPIngressPath{{
			// The tag's own host adds the tag header.
			AppendHeaders: map[string]string{netheader.RouteTagKey: "candidate"},
			Splits:        []netv1alpha1.IngressBackendSplit{split("hello-go-00002", 100, 80)},
		}}},
	}}
	if !cmp.Equal(ing.Spec.Rules, want) {
		t.Errorf("Rules (-want,+got):\n%s", cmp.Diff(want, ing.Spec.Rules))
	}
}

func TestMakeIngressDomainError(t *testing.T) {
	tc := &traffic.Config{Targets: map[string]traffic.RevisionTargets{
		traffic.DefaultTarget: {target("hello-go", "hello-go-00001", 100, "", true)},
	}}
	ctx := testContext(t, map[string]string{netcfg.DomainTemplateKey: `{{.Name}}.{{index .Annotations "sub"}}.{{.Domain}}`}, nil)
	if _, err := MakeIngress(ctx, Route(ns, "hello-go"), tc, nil, "c"); err == nil {
		t.Error("MakeIngress with a template yielding an invalid host succeeded")
	}
}
