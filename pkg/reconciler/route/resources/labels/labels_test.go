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

package labels

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/skiffhq/skiff/pkg/apis/networking"
)

func TestIsObjectLocalVisibility(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   bool
	}{{
		name: "no labels",
	}, {
		name:   "other labels",
		labels: map[string]string{"app": "prod"},
	}, {
		name:   "cluster-local",
		labels: map[string]string{networking.VisibilityLabelKey: "cluster-local"},
		want:   true,
	}, {
		// Upstream treats any value as private; so do we.
		name:   "any other visibility value",
		labels: map[string]string{networking.VisibilityLabelKey: "private"},
		want:   true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := IsObjectLocalVisibility(&metav1.ObjectMeta{Labels: test.labels}); got != test.want {
				t.Errorf("IsObjectLocalVisibility() = %v, want %v", got, test.want)
			}
		})
	}
}

func TestSetVisibility(t *testing.T) {
	tests := []struct {
		name         string
		labels       map[string]string
		clusterLocal bool
		want         map[string]string
	}{{
		name:         "set on nil labels",
		clusterLocal: true,
		want:         map[string]string{networking.VisibilityLabelKey: "cluster-local"},
	}, {
		name:         "set keeps other labels",
		labels:       map[string]string{"app": "prod"},
		clusterLocal: true,
		want:         map[string]string{"app": "prod", networking.VisibilityLabelKey: "cluster-local"},
	}, {
		name:   "unset removes the label only",
		labels: map[string]string{"app": "prod", networking.VisibilityLabelKey: "cluster-local"},
		want:   map[string]string{"app": "prod"},
	}, {
		name: "unset on nil labels is a no-op",
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			meta := &metav1.ObjectMeta{Labels: test.labels}
			SetVisibility(meta, test.clusterLocal)
			if !cmp.Equal(meta.Labels, test.want) {
				t.Errorf("labels = %v, want %v", meta.Labels, test.want)
			}
		})
	}
}
