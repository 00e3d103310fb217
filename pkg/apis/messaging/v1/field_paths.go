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

import "knative.dev/pkg/apis"

// viaAnnotation prefixes fe's paths with metadata.annotations[key]. The
// paths are built here because ViaKey/ViaField split on dots and would turn
// a key like eventing.knative.dev/broker.class into several segments. The
// result is meant for the top level: do not pass it through ViaField again.
func viaAnnotation(fe *apis.FieldError, key string) *apis.FieldError {
	if fe == nil {
		return nil
	}
	prefix := "metadata.annotations[" + key + "]"
	var out *apis.FieldError
	for _, e := range fe.WrappedErrors() {
		paths := make([]string, 0, len(e.Paths))
		for _, p := range e.Paths {
			if p == apis.CurrentField {
				paths = append(paths, prefix)
			} else {
				paths = append(paths, prefix+"."+p)
			}
		}
		out = out.Also(&apis.FieldError{Message: e.Message, Details: e.Details, Level: e.Level, Paths: paths})
	}
	return out
}
