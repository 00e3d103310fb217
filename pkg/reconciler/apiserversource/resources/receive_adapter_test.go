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
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	_ "knative.dev/pkg/system/testing"

	"github.com/skiffhq/skiff/pkg/adapter/apiserver"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

func src() *sourcesv1.ApiServerSource {
	return &sourcesv1.ApiServerSource{
		ObjectMeta: metav1.ObjectMeta{Name: "events", Namespace: "ns", UID: "0123"},
		Spec: sourcesv1.ApiServerSourceSpec{
			SourceSpec: duckv1.SourceSpec{CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}}},
			Resources: []sourcesv1.APIVersionKindSelector{
				{APIVersion: "v1", Kind: "Event"},
				{APIVersion: "apps/v1", Kind: "Deployment", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
			},
			ResourceOwner:      &sourcesv1.APIVersionKind{APIVersion: "apps/v1", Kind: "ReplicaSet"},
			EventMode:          sourcesv1.ResourceMode,
			ServiceAccountName: "watcher",
		},
	}
}

func env(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

func TestMakeReceiveAdapter(t *testing.T) {
	s := src()
	d, err := MakeReceiveAdapter(&ReceiveAdapterArgs{
		Image:      "adapter-image",
		Source:     s,
		Labels:     Labels(s.Name),
		SinkURI:    "http://sink.ns.svc.cluster.local",
		Configs:    &reconcilersource.EmptyVarsGenerator{},
		Namespaces: []string{"ns"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Name, "apiserversource-events-0123"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	if !metav1.IsControlledBy(d, s) {
		t.Error("the Deployment is not controlled by its source")
	}
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != "watcher" {
		t.Errorf("serviceAccountName = %q, want the source's", pod.ServiceAccountName)
	}
	c := pod.Containers[0]
	if c.Image != "adapter-image" {
		t.Errorf("image = %q", c.Image)
	}
	for name, want := range map[string]string{
		"K_SINK":           "http://sink.ns.svc.cluster.local",
		"NAME":             "events",
		"K_CE_OVERRIDES":   `{"extensions":{"team":"blue"}}`,
		"SYSTEM_NAMESPACE": "knative-testing",
		"K_LOGGING_CONFIG": "",
	} {
		if e, ok := env(c, name); !ok || e.Value != want {
			t.Errorf("env %s = %q (set: %v), want %q", name, e.Value, ok, want)
		}
	}
	if e, ok := env(c, "NAMESPACE"); !ok || e.ValueFrom == nil || e.ValueFrom.FieldRef.FieldPath != "metadata.namespace" {
		t.Errorf("env NAMESPACE = %+v, want the pod's namespace", e)
	}

	e, _ := env(c, EnvSourceConfig)
	var cfg apiserver.Config
	if err := json.Unmarshal([]byte(e.Value), &cfg); err != nil {
		t.Fatalf("K_SOURCE_CONFIG %q: %v", e.Value, err)
	}
	want := apiserver.Config{
		Namespaces: []string{"ns"},
		Resources: []apiserver.ResourceWatch{
			{GVR: schema.GroupVersionResource{Version: "v1", Resource: "events"}},
			{GVR: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, LabelSelector: "app=web"},
		},
		ResourceOwner: &sourcesv1.APIVersionKind{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		EventMode:     sourcesv1.ResourceMode,
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Error("K_SOURCE_CONFIG (-want +got):", diff)
	}
}

func TestMakeReceiveAdapterBadAPIVersion(t *testing.T) {
	s := src()
	s.Spec.Resources = []sourcesv1.APIVersionKindSelector{{APIVersion: "a/b/c", Kind: "X"}}
	if _, err := MakeReceiveAdapter(&ReceiveAdapterArgs{Source: s}); err == nil {
		t.Error("an unparseable apiVersion was accepted")
	}
}

func TestLabels(t *testing.T) {
	want := map[string]string{
		"eventing.knative.dev/source":     "apiserver-source-controller",
		"eventing.knative.dev/sourceName": "events",
	}
	if diff := cmp.Diff(want, Labels("events")); diff != "" {
		t.Error("labels (-want +got):", diff)
	}
}
