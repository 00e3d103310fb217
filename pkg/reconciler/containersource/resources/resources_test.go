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
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/tracker"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

func source() *v1.ContainerSource {
	return &v1.ContainerSource{
		ObjectMeta: metav1.ObjectMeta{Name: "heartbeats", Namespace: "ns", UID: "uid"},
		Spec: v1.ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{
				Sink:                duckv1.Destination{URI: apis.HTTP("sink.example")},
				CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "heartbeats"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "heartbeats", Image: "heartbeats"}}},
			},
		},
	}
}

func TestMakeDeployment(t *testing.T) {
	s := source()
	got := MakeDeployment(s)
	labels := map[string]string{
		"sources.knative.dev/source":          "container-source-controller",
		"sources.knative.dev/containerSource": "heartbeats",
	}
	want := &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{
			Name:            "heartbeats-deployment",
			Namespace:       "ns",
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(s)},
			Labels:          labels,
		},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
					"app":                                 "heartbeats",
					"sources.knative.dev/source":          "container-source-controller",
					"sources.knative.dev/containerSource": "heartbeats",
				}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "heartbeats", Image: "heartbeats"}}},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("Deployment (-want +got):", diff)
	}
	if diff := cmp.Diff(map[string]string{"app": "heartbeats"}, s.Spec.Template.Labels); diff != "" {
		t.Error("MakeDeployment changed the source's template labels:", diff)
	}
}

func TestMakeSinkBinding(t *testing.T) {
	s := source()
	got := MakeSinkBinding(s)
	if got.Name != "heartbeats-sinkbinding" || got.Namespace != "ns" || !metav1.IsControlledBy(got, s) {
		t.Errorf("SinkBinding %s/%s, controlled by the source: %v", got.Namespace, got.Name, metav1.IsControlledBy(got, s))
	}
	wantSubject := tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: "heartbeats-deployment"}
	if diff := cmp.Diff(wantSubject, got.Spec.Subject); diff != "" {
		t.Error("subject (-want +got):", diff)
	}
	if diff := cmp.Diff(s.Spec.SourceSpec, got.Spec.SourceSpec); diff != "" {
		t.Error("sink and overrides (-want +got):", diff)
	}
}
