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

package v1alpha1

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

func TestRegister(t *testing.T) {
	if got, want := Kind("Ingress").String(), "Ingress.networking.internal.knative.dev"; got != want {
		t.Errorf("Kind() = %s, want %s", got, want)
	}
	if got, want := Resource("serverlessservices").String(), "serverlessservices.networking.internal.knative.dev"; got != want {
		t.Errorf("Resource() = %s, want %s", got, want)
	}
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal("AddToScheme() =", err)
	}
	for _, kind := range []string{"Ingress", "IngressList", "ServerlessService", "ServerlessServiceList"} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not recognize %s", kind)
		}
	}
}

func TestTypesImplementDucks(t *testing.T) {
	for _, obj := range []interface{}{&Ingress{}, &ServerlessService{}} {
		if err := duck.VerifyType(obj, &duckv1.Conditions{}); err != nil {
			t.Errorf("VerifyType(%T, Conditions) = %v", obj, err)
		}
	}
	if got := (&Ingress{}).GetGroupVersionKind(); got != SchemeGroupVersion.WithKind("Ingress") {
		t.Errorf("Ingress GVK = %v", got)
	}
	if got := (&ServerlessService{}).GetGroupVersionKind(); got != SchemeGroupVersion.WithKind("ServerlessService") {
		t.Errorf("ServerlessService GVK = %v", got)
	}
	if got := (&Ingress{}).GetConditionSet().GetTopLevelConditionType(); got != apis.ConditionReady {
		t.Errorf("Ingress top-level condition = %v", got)
	}
	ing := &Ingress{}
	ing.GetStatus().ObservedGeneration = 7
	if ing.Status.ObservedGeneration != 7 {
		t.Error("GetStatus() does not point into the Ingress")
	}
}
