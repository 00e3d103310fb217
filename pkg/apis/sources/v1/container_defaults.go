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
	"fmt"

	"knative.dev/pkg/apis"
)

// SetDefaults implements apis.Defaultable.
func (s *ContainerSource) SetDefaults(ctx context.Context) {
	s.Spec.SetDefaults(apis.WithinParent(ctx, s.ObjectMeta))
}

// SetDefaults names unnamed containers "<source name>-<index>" and defaults
// the sink ref's namespace to the parent's.
func (ss *ContainerSourceSpec) SetDefaults(ctx context.Context) {
	parent := apis.ParentMeta(ctx).Name
	for i := range ss.Template.Spec.Containers {
		if ss.Template.Spec.Containers[i].Name == "" {
			ss.Template.Spec.Containers[i].Name = fmt.Sprintf("%s-%d", parent, i)
		}
	}
	ss.Sink.SetDefaults(ctx)
}
