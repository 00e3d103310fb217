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

package v1

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	net "github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

func TestGetContainerAndSidecars(t *testing.T) {
	serving := corev1.Container{Name: "serving", Ports: []corev1.ContainerPort{{ContainerPort: 8080}}}
	side1 := corev1.Container{Name: "side1"}
	side2 := corev1.Container{Name: "side2"}

	tests := []struct {
		name         string
		containers   []corev1.Container
		wantName     string
		wantSidecars []string
	}{
		{name: "no containers", wantName: "", wantSidecars: []string{}},
		{name: "one container, no port", containers: []corev1.Container{side1}, wantName: "side1", wantSidecars: []string{}},
		{name: "serving first", containers: []corev1.Container{serving, side1, side2}, wantName: "serving", wantSidecars: []string{"side1", "side2"}},
		{name: "serving last", containers: []corev1.Container{side1, side2, serving}, wantName: "serving", wantSidecars: []string{"side1", "side2"}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			rs := &RevisionSpec{PodSpec: corev1.PodSpec{Containers: test.containers}}
			c := rs.GetContainer()
			if c == nil || c.Name != test.wantName {
				t.Errorf("GetContainer() = %v, want name %q", c, test.wantName)
			}
			got := []string{}
			for _, c := range rs.GetSidecarContainers() {
				got = append(got, c.Name)
			}
			if diff := cmp.Diff(test.wantSidecars, got); diff != "" {
				t.Errorf("GetSidecarContainers (-want, +got):\n%s", diff)
			}
			// Both return pointers into the spec.
			if len(test.containers) > 0 {
				rs.GetContainer().Image = "changed"
				found := false
				for _, c := range rs.Containers {
					found = found || c.Image == "changed"
				}
				if !found {
					t.Error("GetContainer() does not point into the spec")
				}
			}
		})
	}
}

func TestRevisionGetProtocol(t *testing.T) {
	tests := []struct {
		name  string
		ports []corev1.ContainerPort
		want  net.ProtocolType
	}{
		{"no ports", nil, net.ProtocolHTTP1},
		{"unnamed port", []corev1.ContainerPort{{ContainerPort: 8080}}, net.ProtocolHTTP1},
		{"http1", []corev1.ContainerPort{{Name: "http1"}}, net.ProtocolHTTP1},
		{"h2c", []corev1.ContainerPort{{Name: "h2c"}}, net.ProtocolH2C},
		{"other name", []corev1.ContainerPort{{Name: "grpc"}}, net.ProtocolHTTP1},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			r := &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{
				Containers: []corev1.Container{{Image: "busybox", Ports: test.ports}},
			}}}
			if got := r.GetProtocol(); got != test.want {
				t.Errorf("GetProtocol() = %v, want %v", got, test.want)
			}
		})
	}
}

func TestRoutingState(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t1 := t0.Add(time.Hour)

	r := &Revision{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"keep": "me"}}}
	if got := r.GetRoutingState(); got != RoutingStateUnset {
		t.Errorf("GetRoutingState() = %q, want unset", got)
	}
	if got := r.GetRoutingStateModified(); !got.IsZero() {
		t.Errorf("GetRoutingStateModified() = %v, want zero", got)
	}

	r.SetRoutingState(RoutingStatePending, t0)
	if got := r.GetRoutingState(); got != RoutingStatePending {
		t.Errorf("GetRoutingState() = %q, want pending", got)
	}
	if got := r.GetRoutingStateModified(); !got.Equal(t0) {
		t.Errorf("GetRoutingStateModified() = %v, want %v", got, t0)
	}
	if r.Labels["keep"] != "me" {
		t.Error("SetRoutingState dropped other labels")
	}
	if got, want := r.Annotations[serving.RoutingStateModifiedAnnotationKey], "2026-01-02T03:04:05Z"; got != want {
		t.Errorf("routingStateModified = %q, want %q", got, want)
	}

	// Same state again: the timestamp stays.
	r.SetRoutingState(RoutingStatePending, t1)
	if got := r.GetRoutingStateModified(); !got.Equal(t0) {
		t.Errorf("unchanged state moved the timestamp to %v", got)
	}

	// A new state: the timestamp moves.
	r.SetRoutingState(RoutingStateActive, t1)
	if got := r.GetRoutingState(); got != RoutingStateActive {
		t.Errorf("GetRoutingState() = %q, want active", got)
	}
	if got := r.GetRoutingStateModified(); !got.Equal(t1) {
		t.Errorf("GetRoutingStateModified() = %v, want %v", got, t1)
	}

	r.Annotations[serving.RoutingStateModifiedAnnotationKey] = "yesterday"
	if got := r.GetRoutingStateModified(); !got.IsZero() {
		t.Errorf("malformed timestamp parsed as %v", got)
	}
}
