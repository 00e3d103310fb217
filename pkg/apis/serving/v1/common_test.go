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
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

// condGetter is the status of any of the four kinds.
type condGetter interface {
	GetCondition(apis.ConditionType) *apis.Condition
}

// condState renders a condition as "Status" or "Status/Reason", or "-"
// when it is missing.
func condState(c *apis.Condition) string {
	if c == nil {
		return "-"
	}
	if c.Reason == "" {
		return string(c.Status)
	}
	return string(c.Status) + "/" + c.Reason
}

// checkConds compares the named conditions of s with want.
func checkConds(t *testing.T, s condGetter, want map[apis.ConditionType]string) {
	t.Helper()
	got := make(map[apis.ConditionType]string, len(want))
	for ct := range want {
		got[ct] = condState(s.GetCondition(ct))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("conditions (-want, +got):\n%s", diff)
	}
}

// checkMessage checks the message of condition ct.
func checkMessage(t *testing.T, s condGetter, ct apis.ConditionType, want string) {
	t.Helper()
	c := s.GetCondition(ct)
	if c == nil {
		t.Fatalf("condition %s is missing", ct)
	}
	if c.Message != want {
		t.Errorf("%s message = %q, want %q", ct, c.Message, want)
	}
}

func TestRegisterHelpers(t *testing.T) {
	if got, want := Kind("Revision"), "Revision.serving.knative.dev"; got.String() != want {
		t.Errorf("Kind(Revision) = %v, want %v", got.String(), want)
	}
	if got, want := Resource("revisions"), "revisions.serving.knative.dev"; got.String() != want {
		t.Errorf("Resource(revisions) = %v, want %v", got.String(), want)
	}
	if got, want := SchemeGroupVersion.String(), "serving.knative.dev/v1"; got != want {
		t.Errorf("SchemeGroupVersion = %v, want %v", got, want)
	}

	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal("AddToScheme() =", err)
	}
	for _, kind := range []string{"Service", "ServiceList", "Configuration", "ConfigurationList",
		"Revision", "RevisionList", "Route", "RouteList"} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not know %s", kind)
		}
	}
}

// kinds are the four types, for tests that apply to each.
var kinds = map[string]interface {
	duckv1.KRShaped
	apis.Convertible
	GetGroupVersionKind() schema.GroupVersionKind
}{
	"Service":       &Service{},
	"Configuration": &Configuration{},
	"Revision":      &Revision{},
	"Route":         &Route{},
}

func TestKindBasics(t *testing.T) {
	for name, obj := range kinds {
		t.Run(name, func(t *testing.T) {
			gvk := obj.GetGroupVersionKind()
			if gvk.Group != "serving.knative.dev" || gvk.Version != "v1" || gvk.Kind != name {
				t.Errorf("GetGroupVersionKind() = %v", gvk)
			}
			if got := obj.GetConditionSet().GetTopLevelConditionType(); got != apis.ConditionReady {
				t.Errorf("top level condition = %v, want Ready", got)
			}
			// GetStatus must point into the object, so reconcilers see changes.
			obj.GetStatus().ObservedGeneration = 42
			if got := obj.GetStatus().ObservedGeneration; got != 42 {
				t.Errorf("GetStatus() is not the object's status: observedGeneration = %d", got)
			}
			// v1 is the newest version: conversions fail.
			if err := obj.ConvertTo(context.Background(), &Service{}); err == nil {
				t.Error("ConvertTo() = nil, want an error")
			}
			if err := obj.ConvertFrom(context.Background(), &Service{}); err == nil {
				t.Error("ConvertFrom() = nil, want an error")
			}
		})
	}
}

func TestDuckTypes(t *testing.T) {
	tests := []struct {
		name string
		obj  interface{}
		duck duck.Implementable
	}{
		{"Service conditions", &Service{}, &duckv1.Conditions{}},
		{"Service KResource", &Service{}, &duckv1.KResource{}},
		{"Service Addressable", &Service{}, &duckv1.Addressable{}},
		{"Route conditions", &Route{}, &duckv1.Conditions{}},
		{"Route KResource", &Route{}, &duckv1.KResource{}},
		{"Route Addressable", &Route{}, &duckv1.Addressable{}},
		{"Configuration conditions", &Configuration{}, &duckv1.Conditions{}},
		{"Configuration KResource", &Configuration{}, &duckv1.KResource{}},
		{"Revision conditions", &Revision{}, &duckv1.Conditions{}},
		{"Revision KResource", &Revision{}, &duckv1.KResource{}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if err := duck.VerifyType(test.obj, test.duck); err != nil {
				t.Errorf("VerifyType(%T, %T) = %v", test.obj, test.duck, err)
			}
		})
	}
}

func TestIsCondition(t *testing.T) {
	tests := []struct {
		name  string
		is    func(apis.ConditionType) bool
		types []apis.ConditionType
	}{
		{"service", IsServiceCondition, []apis.ConditionType{
			ServiceConditionReady, ServiceConditionRoutesReady, ServiceConditionConfigurationsReady}},
		{"configuration", IsConfigurationCondition, []apis.ConditionType{ConfigurationConditionReady}},
		{"revision", IsRevisionCondition, []apis.ConditionType{
			RevisionConditionReady, RevisionConditionResourcesAvailable, RevisionConditionContainerHealthy, RevisionConditionActive}},
		{"route", IsRouteCondition, []apis.ConditionType{
			RouteConditionReady, RouteConditionAllTrafficAssigned, RouteConditionIngressReady, RouteConditionCertificateProvisioned}},
	}
	for _, test := range tests {
		for _, ct := range test.types {
			if !test.is(ct) {
				t.Errorf("%s: %s is not recognized", test.name, ct)
			}
		}
		if test.is("DefinitelyNotACondition") {
			t.Errorf("%s: accepts an unknown condition", test.name)
		}
	}
}

func TestContexts(t *testing.T) {
	ctx := context.Background()
	if HasDefaultConfigurationName(ctx) {
		t.Error("HasDefaultConfigurationName(background) = true")
	}
	if !HasDefaultConfigurationName(WithDefaultConfigurationName(ctx)) {
		t.Error("HasDefaultConfigurationName(WithDefaultConfigurationName) = false")
	}
}
