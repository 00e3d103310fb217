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
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestMakeRevision(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	nowStr := now.Format(time.RFC3339)
	spec := v1.RevisionSpec{
		PodSpec:        corev1.PodSpec{Containers: []corev1.Container{{Image: "dev.local/hello-go:serving"}}},
		TimeoutSeconds: ptr.Int64(300),
	}
	config := func(opts ...func(*v1.Configuration)) *v1.Configuration {
		c := &v1.Configuration{
			ObjectMeta: metav1.ObjectMeta{
				Namespace:  "default",
				Name:       "hello-go",
				Generation: 1,
				UID:        "cfg-uid",
			},
			Spec: v1.ConfigurationSpec{Template: v1.RevisionTemplateSpec{Spec: *spec.DeepCopy()}},
		}
		for _, o := range opts {
			o(c)
		}
		return c
	}
	owner := func(c *v1.Configuration) []metav1.OwnerReference {
		return []metav1.OwnerReference{{
			APIVersion:         "serving.knative.dev/v1",
			Kind:               "Configuration",
			Name:               c.Name,
			UID:                c.UID,
			Controller:         ptr.Bool(true),
			BlockOwnerDeletion: ptr.Bool(true),
		}}
	}
	baseLabels := func(gen string, extra map[string]string) map[string]string {
		l := map[string]string{
			serving.ConfigurationLabelKey:           "hello-go",
			serving.ConfigurationGenerationLabelKey: gen,
			serving.ConfigurationUIDLabelKey:        "cfg-uid",
			serving.RoutingStateLabelKey:            "pending",
		}
		for k, v := range extra {
			l[k] = v
		}
		return l
	}

	for _, tc := range []struct {
		name   string
		config *v1.Configuration
		want   func(c *v1.Configuration) *v1.Revision
	}{{
		name:   "first generation is <config>-00001, pending",
		config: config(),
		want: func(c *v1.Configuration) *v1.Revision {
			return &v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Namespace:       "default",
					Name:            "hello-go-00001",
					Labels:          baseLabels("1", nil),
					Annotations:     map[string]string{serving.RoutingStateModifiedAnnotationKey: nowStr},
					OwnerReferences: owner(c),
				},
				Spec: spec,
			}
		},
	}, {
		name: "generation numbers the name",
		config: config(func(c *v1.Configuration) {
			c.Generation = 12345
		}),
		want: func(c *v1.Configuration) *v1.Revision {
			return &v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Namespace:       "default",
					Name:            "hello-go-12345",
					Labels:          baseLabels("12345", nil),
					Annotations:     map[string]string{serving.RoutingStateModifiedAnnotationKey: nowStr},
					OwnerReferences: owner(c),
				},
				Spec: spec,
			}
		},
	}, {
		name: "BYO name, template labels and annotations kept, service labels copied",
		config: config(func(c *v1.Configuration) {
			c.Labels = map[string]string{
				serving.ServiceLabelKey:    "hello-go",
				serving.ServiceUIDLabelKey: "svc-uid",
				"not-copied":               "cfg-only",
			}
			c.Spec.Template.Name = "hello-go-first"
			c.Spec.Template.Labels = map[string]string{"app": "hello"}
			c.Spec.Template.Annotations = map[string]string{"autoscaling.knative.dev/min-scale": "1"}
		}),
		want: func(c *v1.Configuration) *v1.Revision {
			return &v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Namespace: "default",
					Name:      "hello-go-first",
					Labels: baseLabels("1", map[string]string{
						"app":                      "hello",
						serving.ServiceLabelKey:    "hello-go",
						serving.ServiceUIDLabelKey: "svc-uid",
					}),
					Annotations: map[string]string{
						"autoscaling.knative.dev/min-scale":       "1",
						serving.RoutingStateModifiedAnnotationKey: nowStr,
					},
					OwnerReferences: owner(c),
				},
				Spec: spec,
			}
		},
	}, {
		name: "updater becomes creator",
		config: config(func(c *v1.Configuration) {
			c.Annotations = map[string]string{
				serving.CreatorAnnotation: "alice",
				serving.UpdaterAnnotation: "bob",
			}
		}),
		want: func(c *v1.Configuration) *v1.Revision {
			return &v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Namespace: "default",
					Name:      "hello-go-00001",
					Labels:    baseLabels("1", nil),
					Annotations: map[string]string{
						serving.CreatorAnnotation:                 "bob",
						serving.RoutingStateModifiedAnnotationKey: nowStr,
					},
					OwnerReferences: owner(c),
				},
				Spec: spec,
			}
		},
	}, {
		name: "revision of a routed configuration is born active",
		config: config(func(c *v1.Configuration) {
			c.Annotations = map[string]string{serving.RoutesAnnotationKey: "hello-go"}
		}),
		want: func(c *v1.Configuration) *v1.Revision {
			return &v1.Revision{
				ObjectMeta: metav1.ObjectMeta{
					Namespace: "default",
					Name:      "hello-go-00001",
					Labels:    baseLabels("1", map[string]string{serving.RoutingStateLabelKey: "active"}),
					Annotations: map[string]string{
						serving.RoutesAnnotationKey:               "hello-go",
						serving.RoutingStateModifiedAnnotationKey: nowStr,
					},
					OwnerReferences: owner(c),
				},
				Spec: spec,
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.config.DeepCopy()
			got := MakeRevision(context.Background(), tc.config, now)
			if want := tc.want(tc.config); !cmp.Equal(got, want) {
				t.Error("MakeRevision (-want, +got):", cmp.Diff(want, got))
			}
			// The builder must not write through to the Configuration's template.
			if !cmp.Equal(before, tc.config) {
				t.Error("MakeRevision changed the Configuration (-before, +after):", cmp.Diff(before, tc.config))
			}
		})
	}
}

func TestRevisionLabelValueForKey(t *testing.T) {
	c := &v1.Configuration{ObjectMeta: metav1.ObjectMeta{
		Name: "cfg", Generation: 7, UID: "uid",
		Labels: map[string]string{serving.ServiceLabelKey: "svc", serving.ServiceUIDLabelKey: "svc-uid"},
	}}
	for key, want := range map[string]string{
		serving.ConfigurationLabelKey:           "cfg",
		serving.ServiceLabelKey:                 "svc",
		serving.ConfigurationGenerationLabelKey: "7",
		serving.ConfigurationUIDLabelKey:        "uid",
		serving.ServiceUIDLabelKey:              "svc-uid",
		"unrelated":                             "",
	} {
		if got := RevisionLabelValueForKey(key, c); got != want {
			t.Errorf("RevisionLabelValueForKey(%q) = %q, want %q", key, got, want)
		}
	}
}
