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

package attributes

import (
	"context"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"

	"github.com/skiffhq/skiff/pkg/eventfilter"
)

func TestAttributesFilter(t *testing.T) {
	e := cloudevents.NewEvent()
	e.SetID("1")
	e.SetType("dev.knative.samples.helloworld")
	e.SetSource("dev.knative.samples/helloworldsource")
	e.SetExtension("myextension", "value")
	e.SetExtension("num", 10)

	tests := []struct {
		name  string
		attrs map[string]string
		want  eventfilter.FilterResult
	}{
		{"nil map is no filter", nil, eventfilter.NoFilter},
		{"empty map passes", map[string]string{}, eventfilter.PassFilter},
		{"type matches", map[string]string{"type": "dev.knative.samples.helloworld"}, eventfilter.PassFilter},
		{"type differs", map[string]string{"type": "other"}, eventfilter.FailFilter},
		{"type and source match", map[string]string{"type": "dev.knative.samples.helloworld", "source": "dev.knative.samples/helloworldsource"}, eventfilter.PassFilter},
		{"source differs", map[string]string{"type": "dev.knative.samples.helloworld", "source": "x"}, eventfilter.FailFilter},
		{"any value of a set attribute", map[string]string{"type": TriggerAnyFilter}, eventfilter.PassFilter},
		{"any value of an unset optional attribute", map[string]string{"subject": TriggerAnyFilter}, eventfilter.FailFilter},
		{"extension matches", map[string]string{"myextension": "value"}, eventfilter.PassFilter},
		{"extension differs", map[string]string{"myextension": "other"}, eventfilter.FailFilter},
		{"missing extension", map[string]string{"missing": "value"}, eventfilter.FailFilter},
		{"missing extension with any", map[string]string{"missing": TriggerAnyFilter}, eventfilter.FailFilter},
		{"integer extension", map[string]string{"num": "10"}, eventfilter.PassFilter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewAttributesFilter(tc.attrs).Filter(context.Background(), e); got != tc.want {
				t.Errorf("Filter() = %v, want %v", got, tc.want)
			}
		})
	}
}
