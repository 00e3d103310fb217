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

// Package resources builds a ContainerSource's children: the Deployment
// running its template and the SinkBinding that gives it K_SINK and
// K_CE_OVERRIDES.
package resources

import (
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/tracker"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

const containerSourceController = "container-source-controller"

// Labels are the labels of a ContainerSource's Deployment and its pods.
func Labels(name string) map[string]string {
	return map[string]string{
		"sources.knative.dev/source":          containerSourceController,
		"sources.knative.dev/containerSource": name,
	}
}

// DeploymentName is <source>-deployment.
func DeploymentName(source *v1.ContainerSource) string {
	return kmeta.ChildName(source.Name, "-deployment")
}

// SinkBindingName is <source>-sinkbinding.
func SinkBindingName(source *v1.ContainerSource) string {
	return kmeta.ChildName(source.Name, "-sinkbinding")
}

// MakeDeployment is the Deployment running the source's pod template, its
// pods labelled so the Deployment selects them.
func MakeDeployment(source *v1.ContainerSource) *appsv1.Deployment {
	template := *source.Spec.Template.DeepCopy()
	labels := Labels(source.Name)
	if template.Labels == nil {
		template.Labels = make(map[string]string, len(labels))
	}
	for k, v := range labels {
		template.Labels[k] = v
	}
	return &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{
			Name:            DeploymentName(source),
			Namespace:       source.Namespace,
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(source)},
			Labels:          labels,
		},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: template,
		},
	}
}

var subjectGVK = appsv1.SchemeGroupVersion.WithKind("Deployment")

// MakeSinkBinding is the SinkBinding of the source's sink and overrides
// whose subject is the source's Deployment.
func MakeSinkBinding(source *v1.ContainerSource) *v1.SinkBinding {
	apiVersion, kind := subjectGVK.ToAPIVersionAndKind()
	return &v1.SinkBinding{
		ObjectMeta: metav1.ObjectMeta{
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(source)},
			Name:            SinkBindingName(source),
			Namespace:       source.Namespace,
		},
		Spec: v1.SinkBindingSpec{
			SourceSpec: *source.Spec.SourceSpec.DeepCopy(),
			BindingSpec: duckv1.BindingSpec{
				Subject: tracker.Reference{
					APIVersion: apiVersion,
					Kind:       kind,
					Namespace:  source.Namespace,
					Name:       DeploymentName(source),
				},
			},
		},
	}
}
