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
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

// wantErr describes the FieldError a validation row expects: the exact set
// of field paths it names, and a substring its message must contain.
type wantErr struct {
	paths   []string
	message string
}

// checkFieldError fails t unless got names exactly want.paths (nil want:
// no error at all) and, when want.message is set, mentions it.
func checkFieldError(t *testing.T, got *apis.FieldError, want *wantErr) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Fatalf("Validate() = %v, want no error", got)
		}
		return
	}
	if got == nil {
		t.Fatalf("Validate() = nil, want error on %v", want.paths)
	}
	if diff := cmp.Diff(sortedCopy(want.paths), errorPaths(got)); diff != "" {
		t.Errorf("error paths (-want, +got): %s\nerror: %v", diff, got)
	}
	if want.message != "" && !strings.Contains(got.Error(), want.message) {
		t.Errorf("Validate() = %q, want it to mention %q", got.Error(), want.message)
	}
}

func errorPaths(fe *apis.FieldError) []string {
	paths := sets.New[string]()
	for _, e := range fe.WrappedErrors() {
		paths.Insert(e.Paths...)
	}
	return sets.List(paths)
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func mustParseURL(t testing.TB, s string) *apis.URL {
	t.Helper()
	u, err := apis.ParseURL(s)
	if err != nil {
		t.Fatalf("ParseURL(%q) = %v", s, err)
	}
	return u
}

// uriSink is a valid sink by absolute URI.
func uriSink() duckv1.Destination {
	u, _ := apis.ParseURL("http://sink.example.com/")
	return duckv1.Destination{URI: u}
}

// refSink is a valid sink by reference to a Knative Service.
func refSink(namespace string) duckv1.Destination {
	return duckv1.Destination{Ref: &duckv1.KReference{
		APIVersion: "serving.knative.dev/v1",
		Kind:       "Service",
		Name:       "event-display",
		Namespace:  namespace,
	}}
}
