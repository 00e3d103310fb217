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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

const svcUID = "cccccccc-cccc-cccc-cccc-cccccccccccc"

func service(opts ...func(*v1.Service)) *v1.Service {
	s := &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello-go", UID: svcUID},
		Spec: v1.ServiceSpec{
			ConfigurationSpec: v1.ConfigurationSpec{Template: v1.RevisionTemplateSpec{
				Spec: v1.RevisionSpec{PodSpec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "user-container", Image: "dev.local/hello-go:serving"}},
				}},
			}},
		},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func ownedByService() []metav1.OwnerReference {
	return []metav1.OwnerReference{{
		APIVersion:         "serving.knative.dev/v1",
		Kind:               "Service",
		Name:               "hello-go",
		UID:                svcUID,
		Controller:         ptr.Bool(true),
		BlockOwnerDeletion: ptr.Bool(true),
	}}
}

func TestMakeConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name     string
		svc      *v1.Service
		existing *v1.Configuration
		wantAnns map[string]string
		wantLbls map[string]string
	}{{
		name:     "new service: routes annotation names its route",
		svc:      service(),
		wantAnns: map[string]string{serving.RoutesAnnotationKey: "hello-go"},
		wantLbls: map[string]string{serving.ServiceLabelKey: "hello-go", serving.ServiceUIDLabelKey: svcUID},
	}, {
		name: "service labels and annotations copied; last-applied and rollout duration are not",
		svc: service(func(s *v1.Service) {
			s.Labels = map[string]string{"team": "a"}
			s.Annotations = map[string]string{
				"note":                             "kept",
				corev1.LastAppliedConfigAnnotation: "{}",
				serving.RolloutDurationKey:         "120s",
			}
		}),
		wantAnns: map[string]string{"note": "kept", serving.RoutesAnnotationKey: "hello-go"},
		wantLbls: map[string]string{"team": "a", serving.ServiceLabelKey: "hello-go", serving.ServiceUIDLabelKey: svcUID},
	}, {
		name: "other routes the labeler recorded are kept, sorted",
		svc:  service(),
		existing: &v1.Configuration{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
			serving.RoutesAnnotationKey: "zeta,alpha",
		}}},
		wantAnns: map[string]string{serving.RoutesAnnotationKey: "alpha,hello-go,zeta"},
		wantLbls: map[string]string{serving.ServiceLabelKey: "hello-go", serving.ServiceUIDLabelKey: svcUID},
	}, {
		name: "existing already listing the route: unchanged",
		svc:  service(),
		existing: &v1.Configuration{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
			serving.RoutesAnnotationKey: "hello-go",
		}}},
		wantAnns: map[string]string{serving.RoutesAnnotationKey: "hello-go"},
		wantLbls: map[string]string{serving.ServiceLabelKey: "hello-go", serving.ServiceUIDLabelKey: svcUID},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var got *v1.Configuration
			if tc.existing == nil {
				got = MakeConfiguration(tc.svc)
			} else {
				got = MakeConfigurationFromExisting(tc.svc, tc.existing)
			}
			want := &v1.Configuration{
				ObjectMeta: metav1.ObjectMeta{
					Namespace:       "default",
					Name:            "hello-go",
					Labels:          tc.wantLbls,
					Annotations:     tc.wantAnns,
					OwnerReferences: ownedByService(),
				},
				Spec: tc.svc.Spec.ConfigurationSpec,
			}
			if !cmp.Equal(got, want) {
				t.Error("Configuration (-want, +got):", cmp.Diff(want, got))
			}
			// The Configuration must not alias the Service's spec.
			got.Spec.Template.Spec.Containers[0].Image = "changed"
			if tc.svc.Spec.Template.Spec.Containers[0].Image == "changed" {
				t.Error("the Configuration's spec aliases the Service's")
			}
		})
	}
}

func TestMakeRoute(t *testing.T) {
	for _, tc := range []struct {
		name        string
		svc         *v1.Service
		wantTraffic []v1.TrafficTarget
		wantAnns    map[string]string
		wantLbls    map[string]string
	}{{
		name:     "no traffic: left to the Route's defaults",
		svc:      service(),
		wantLbls: map[string]string{serving.ServiceLabelKey: "hello-go"},
		wantAnns: map[string]string{},
	}, {
		name: "latest revision target points at the service's configuration",
		svc: service(func(s *v1.Service) {
			s.Spec.Traffic = []v1.TrafficTarget{{LatestRevision: ptr.Bool(true), Percent: ptr.Int64(100)}}
		}),
		wantTraffic: []v1.TrafficTarget{{ConfigurationName: "hello-go", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(100)}},
		wantLbls:    map[string]string{serving.ServiceLabelKey: "hello-go"},
		wantAnns:    map[string]string{},
	}, {
		name: "50/50 split with a tag: revision targets kept as they are",
		svc: service(func(s *v1.Service) {
			s.Spec.Traffic = []v1.TrafficTarget{
				{RevisionName: "hello-go-00001", Percent: ptr.Int64(50)},
				{Tag: "candidate", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(50)},
			}
		}),
		wantTraffic: []v1.TrafficTarget{
			{RevisionName: "hello-go-00001", Percent: ptr.Int64(50)},
			{Tag: "candidate", ConfigurationName: "hello-go", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(50)},
		},
		wantLbls: map[string]string{serving.ServiceLabelKey: "hello-go"},
		wantAnns: map[string]string{},
	}, {
		name: "labels and annotations (rollout duration included) copied, last-applied is not",
		svc: service(func(s *v1.Service) {
			s.Labels = map[string]string{serving.VisibilityLabelKey: serving.VisibilityClusterLocal}
			s.Annotations = map[string]string{
				corev1.LastAppliedConfigAnnotation: "{}",
				serving.RolloutDurationKey:         "120s",
			}
		}),
		wantLbls: map[string]string{
			serving.ServiceLabelKey:    "hello-go",
			serving.VisibilityLabelKey: serving.VisibilityClusterLocal,
		},
		wantAnns: map[string]string{serving.RolloutDurationKey: "120s"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.svc.DeepCopy()
			got := MakeRoute(tc.svc)
			want := &v1.Route{
				ObjectMeta: metav1.ObjectMeta{
					Namespace:       "default",
					Name:            "hello-go",
					Labels:          tc.wantLbls,
					Annotations:     tc.wantAnns,
					OwnerReferences: ownedByService(),
				},
				Spec: v1.RouteSpec{Traffic: tc.wantTraffic},
			}
			if !cmp.Equal(got, want) {
				t.Error("Route (-want, +got):", cmp.Diff(want, got))
			}
			if !cmp.Equal(before, tc.svc) {
				t.Error("MakeRoute changed the Service (-before, +after):", cmp.Diff(before, tc.svc))
			}
		})
	}
}
