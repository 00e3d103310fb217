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

package visibility

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	rtesting "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

const (
	external     = netv1alpha1.IngressVisibilityExternalIP
	clusterLocal = netv1alpha1.IngressVisibilityClusterLocal
)

func placeholder(name, route string, labels map[string]string) *corev1.Service {
	l := map[string]string{serving.RouteLabelKey: route}
	for k, v := range labels {
		l[k] = v
	}
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: l}}
}

var private = map[string]string{networking.VisibilityLabelKey: "cluster-local"}

func TestGetVisibility(t *testing.T) {
	traffic := WithSpecTraffic(
		v1.TrafficTarget{ConfigurationName: "hello-go", Percent: ptr.Int64(100)},
		v1.TrafficTarget{RevisionName: "hello-go-00001", Tag: "blue"},
		v1.TrafficTarget{RevisionName: "hello-go-00002", Tag: "green"})

	tests := []struct {
		name     string
		route    *v1.Route
		services []runtime.Object
		network  map[string]string
		want     map[string]netv1alpha1.IngressVisibility
	}{{
		name:  "public by default",
		route: Route("default", "hello-go", traffic),
		want:  map[string]netv1alpha1.IngressVisibility{"": external, "blue": external, "green": external},
	}, {
		name:  "the route's visibility label makes everything cluster-local",
		route: Route("default", "hello-go", traffic, WithRouteLabel(private)),
		want:  map[string]netv1alpha1.IngressVisibility{"": clusterLocal, "blue": clusterLocal, "green": clusterLocal},
	}, {
		name:  "a domain selector mapping to the cluster domain makes everything cluster-local",
		route: Route("default", "hello-go", traffic, WithRouteLabel(map[string]string{"app": "secret"})),
		want:  map[string]netv1alpha1.IngressVisibility{"": clusterLocal, "blue": clusterLocal, "green": clusterLocal},
	}, {
		name:     "a labelled tag Service makes just that tag cluster-local",
		route:    Route("default", "hello-go", traffic),
		services: []runtime.Object{placeholder("hello-go", "hello-go", nil), placeholder("blue-hello-go", "hello-go", private)},
		want:     map[string]netv1alpha1.IngressVisibility{"": external, "blue": clusterLocal, "green": external},
	}, {
		name:     "a labelled main Service makes the default target cluster-local",
		route:    Route("default", "hello-go", traffic),
		services: []runtime.Object{placeholder("hello-go", "hello-go", private)},
		want:     map[string]netv1alpha1.IngressVisibility{"": clusterLocal, "blue": external, "green": external},
	}, {
		name:     "Services of another route do not count",
		route:    Route("default", "hello-go", traffic),
		services: []runtime.Object{placeholder("blue-hello-go", "other", private)},
		want:     map[string]netv1alpha1.IngressVisibility{"": external, "blue": external, "green": external},
	}, {
		name:     "tag Services are found by the tag template's host name",
		route:    Route("default", "hello-go", traffic),
		network:  map[string]string{netcfg.TagTemplateKey: "{{.Name}}-{{.Tag}}"},
		services: []runtime.Object{placeholder("hello-go-green", "hello-go", private)},
		want:     map[string]netv1alpha1.IngressVisibility{"": external, "blue": external, "green": clusterLocal},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			nc, err := netcfg.NewConfigFromMap(test.network)
			if err != nil {
				t.Fatal(err)
			}
			ctx := config.ToContext(context.Background(), &config.Config{
				Domain: &config.Domain{Domains: map[string]config.DomainConfig{
					"example.com":       {},
					"svc.cluster.local": {Selector: &config.LabelSelector{Selector: map[string]string{"app": "secret"}}},
				}},
				Network: nc,
			})
			ls := rtesting.NewListers(test.services)
			got, err := NewResolver(ls.GetK8sServiceLister()).GetVisibility(ctx, test.route)
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(got, test.want) {
				t.Errorf("GetVisibility (-want,+got):\n%s", cmp.Diff(test.want, got))
			}
		})
	}
}
