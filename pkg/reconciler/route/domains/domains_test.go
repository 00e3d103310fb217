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

package domains

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
)

// testContext attaches config-domain (example.com, another-example.com for
// app=prod) and config-network built from network.
func testContext(t *testing.T, network map[string]string) context.Context {
	t.Helper()
	nc, err := netcfg.NewConfigFromMap(network)
	if err != nil {
		t.Fatal(err)
	}
	return config.ToContext(context.Background(), &config.Config{
		Domain: &config.Domain{Domains: map[string]config.DomainConfig{
			"example.com": {},
			"another-example.com": {
				Selector: &config.LabelSelector{Selector: map[string]string{"app": "prod"}},
			},
		}},
		Network: nc,
	})
}

func meta(labels, annotations map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "hello-go", Namespace: "default", Labels: labels, Annotations: annotations}
}

func TestDomainNameFromTemplate(t *testing.T) {
	clusterLocal := map[string]string{networking.VisibilityLabelKey: "cluster-local"}
	tests := []struct {
		name     string
		template string
		meta     metav1.ObjectMeta
		host     string
		want     string
		wantErr  bool
	}{{
		name: "default template and domain",
		meta: meta(nil, nil),
		host: "hello-go",
		want: "hello-go.default.example.com",
	}, {
		name: "tag host name",
		meta: meta(nil, nil),
		host: "candidate-hello-go",
		want: "candidate-hello-go.default.example.com",
	}, {
		name: "domain chosen by label selector",
		meta: meta(map[string]string{"app": "prod"}, nil),
		host: "hello-go",
		want: "hello-go.default.another-example.com",
	}, {
		name:     "custom template",
		template: "{{.Name}}-{{.Namespace}}.{{.Domain}}",
		meta:     meta(nil, nil),
		host:     "hello-go",
		want:     "hello-go-default.example.com",
	}, {
		name:     "template using annotations",
		template: `{{.Name}}.{{index .Annotations "sub"}}.{{.Domain}}`,
		meta:     meta(nil, map[string]string{"sub": "mysub"}),
		host:     "hello-go",
		want:     "hello-go.mysub.example.com",
	}, {
		name:     "template using labels",
		template: `{{.Name}}.{{index .Labels "team"}}.{{.Domain}}`,
		meta:     meta(map[string]string{"team": "blue"}, nil),
		host:     "hello-go",
		want:     "hello-go.blue.example.com",
	}, {
		name:     "cluster-local routes ignore the custom template",
		template: "{{.Name}}-{{.Namespace}}.{{.Domain}}",
		meta:     meta(clusterLocal, nil),
		host:     "hello-go",
		want:     "hello-go.default.svc.cluster.local",
	}, {
		name:     "a template yielding an invalid host is a domain name error",
		template: `{{.Name}}.{{index .Annotations "sub"}}.{{.Domain}}`,
		meta:     meta(nil, nil),
		host:     "hello-go",
		wantErr:  true,
	}, {
		name:    "an over-long host is a domain name error",
		meta:    meta(nil, nil),
		host:    "a-very-long-host-name-that-goes-beyond-the-sixty-three-characters-of-a-label",
		wantErr: true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			network := map[string]string{}
			if test.template != "" {
				network[netcfg.DomainTemplateKey] = test.template
			}
			got, err := DomainNameFromTemplate(testContext(t, network), test.meta, test.host)
			if test.wantErr {
				if !errors.Is(err, ErrDomainName) {
					t.Fatalf("err = %v, want an ErrDomainName", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != test.want {
				t.Errorf("DomainNameFromTemplate() = %q, want %q", got, test.want)
			}
		})
	}
}

func TestHostnameFromTemplate(t *testing.T) {
	tests := []struct {
		name     string
		template string
		tag      string
		want     string
		wantErr  bool
	}{{
		name: "no tag: the route name",
		want: "hello-go",
	}, {
		name: "default tag template",
		tag:  "candidate",
		want: "candidate-hello-go",
	}, {
		name:     "custom tag template",
		template: "{{.Name}}-{{.Tag}}",
		tag:      "candidate",
		want:     "hello-go-candidate",
	}, {
		name:     "the tag template is not used without a tag",
		template: "{{.Name}}-{{.Tag}}",
		want:     "hello-go",
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			network := map[string]string{}
			if test.template != "" {
				network[netcfg.TagTemplateKey] = test.template
			}
			got, err := HostnameFromTemplate(testContext(t, network), "hello-go", test.tag)
			if err != nil {
				t.Fatal(err)
			}
			if got != test.want {
				t.Errorf("HostnameFromTemplate() = %q, want %q", got, test.want)
			}
		})
	}
}

func TestGetDomainsForVisibility(t *testing.T) {
	tests := []struct {
		name       string
		labels     map[string]string
		tag        string
		visibility netv1alpha1.IngressVisibility
		want       sets.Set[string]
	}{{
		name:       "external: the domain host",
		visibility: netv1alpha1.IngressVisibilityExternalIP,
		want:       sets.New("hello-go.default.example.com"),
	}, {
		name:       "cluster-local: every short form of the service host",
		visibility: netv1alpha1.IngressVisibilityClusterLocal,
		want: sets.New(
			"hello-go.default",
			"hello-go.default.svc",
			"hello-go.default.svc.cluster.local"),
	}, {
		name:       "cluster-local tag",
		tag:        "candidate",
		visibility: netv1alpha1.IngressVisibilityClusterLocal,
		want: sets.New(
			"candidate-hello-go.default",
			"candidate-hello-go.default.svc",
			"candidate-hello-go.default.svc.cluster.local"),
	}, {
		name:       "external tag on a selected domain",
		labels:     map[string]string{"app": "prod"},
		tag:        "candidate",
		visibility: netv1alpha1.IngressVisibilityExternalIP,
		want:       sets.New("candidate-hello-go.default.another-example.com"),
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			r := &v1.Route{ObjectMeta: meta(test.labels, nil)}
			got, err := GetDomainsForVisibility(testContext(t, nil), test.tag, r, test.visibility)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(test.want) {
				t.Errorf("GetDomainsForVisibility() = %v, want %v", sets.List(got), sets.List(test.want))
			}
		})
	}
}

func TestGetAllDomainsAndTags(t *testing.T) {
	r := &v1.Route{ObjectMeta: meta(nil, nil)}
	got, err := GetAllDomainsAndTags(testContext(t, nil), r, []string{"", "candidate", "private"},
		map[string]netv1alpha1.IngressVisibility{
			"":          netv1alpha1.IngressVisibilityExternalIP,
			"candidate": netv1alpha1.IngressVisibilityExternalIP,
			"private":   netv1alpha1.IngressVisibilityClusterLocal,
		})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"hello-go.default.example.com":               "",
		"candidate-hello-go.default.example.com":     "candidate",
		"private-hello-go.default.svc.cluster.local": "private",
	}
	if !cmp.Equal(got, want) {
		t.Errorf("GetAllDomainsAndTags() (-want,+got):\n%s", cmp.Diff(want, got))
	}
}

func TestIsClusterLocal(t *testing.T) {
	for host, want := range map[string]bool{
		"hello-go.default.svc.cluster.local": true,
		"hello-go.default.example.com":       false,
	} {
		if got := IsClusterLocal(host); got != want {
			t.Errorf("IsClusterLocal(%q) = %v, want %v", host, got, want)
		}
	}
}
