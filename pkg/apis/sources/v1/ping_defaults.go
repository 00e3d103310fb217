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

	"knative.dev/pkg/apis"
)

const (
	// defaultSchedule fires every minute.
	defaultSchedule = "* * * * *"
)

// SetDefaults implements apis.Defaultable.
func (s *PingSource) SetDefaults(ctx context.Context) {
	s.Spec.SetDefaults(apis.WithinParent(ctx, s.ObjectMeta))
}

// SetDefaults fills in the schedule and the sink ref's namespace (the
// parent's, when the context carries one). The timezone is deliberately
// left empty: as upstream, empty means the adapter's local time zone.
func (ss *PingSourceSpec) SetDefaults(ctx context.Context) {
	if ss.Schedule == "" {
		ss.Schedule = defaultSchedule
	}
	ss.Sink.SetDefaults(ctx)
}
