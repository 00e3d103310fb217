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

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestListersSortObjectsByClient(t *testing.T) {
	om := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: "ns", Name: name} }
	ls := NewListers([]runtime.Object{
		&v1.Revision{ObjectMeta: om("rev")},
		&appsv1.Deployment{ObjectMeta: om("rev-deployment")},
		&autoscalingv1alpha1.PodAutoscaler{ObjectMeta: om("rev")},
	})

	if got := len(ls.GetSkiffObjects()); got != 2 {
		t.Errorf("len(GetSkiffObjects()) = %d, want 2 (revision and pa)", got)
	}
	if got := len(ls.GetKubeObjects()); got != 1 {
		t.Errorf("len(GetKubeObjects()) = %d, want 1 (deployment)", got)
	}
	if _, err := ls.GetRevisionLister().Revisions("ns").Get("rev"); err != nil {
		t.Error("revision lister:", err)
	}
	if _, err := ls.GetDeploymentLister().Deployments("ns").Get("rev-deployment"); err != nil {
		t.Error("deployment lister:", err)
	}
	if _, err := ls.GetPodAutoscalerLister().PodAutoscalers("ns").Get("rev"); err != nil {
		t.Error("pa lister:", err)
	}
	if _, err := ls.GetRouteLister().Routes("ns").Get("rev"); err == nil {
		t.Error("route lister found a route that was never added")
	}
}
