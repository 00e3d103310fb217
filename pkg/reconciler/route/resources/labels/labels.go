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

// Package labels reads and writes the labels the Route reconciler relies on,
// such as the cluster-local visibility label.
package labels

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// IsObjectLocalVisibility returns whether an ObjectMeta is of cluster-local
// visibility. Any value of the visibility label counts, as upstream.
func IsObjectLocalVisibility(meta *metav1.ObjectMeta) bool {
	return meta.Labels[networking.VisibilityLabelKey] != ""
}

// SetVisibility sets or removes the cluster-local visibility label.
func SetVisibility(meta *metav1.ObjectMeta, isClusterLocal bool) {
	if isClusterLocal {
		SetLabel(meta, networking.VisibilityLabelKey, serving.VisibilityClusterLocal)
	} else {
		DeleteLabel(meta, networking.VisibilityLabelKey)
	}
}

// SetLabel sets or updates a label of an ObjectMeta.
func SetLabel(meta *metav1.ObjectMeta, key, value string) {
	if meta.Labels == nil {
		meta.Labels = make(map[string]string, 1)
	}
	meta.Labels[key] = value
}

// DeleteLabel removes a label from an ObjectMeta.
func DeleteLabel(meta *metav1.ObjectMeta, key string) {
	delete(meta.Labels, key)
}
