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

// Command pingsource-mt-adapter sends the ticks of every PingSource of the
// cluster (one Deployment in knative-eventing, scaled up by the pingsource
// reconciler once a PingSource exists). Replicas share the sources through
// leader election (config-leader-election, component "pingsource").
package main

import (
	// Timezones of spec.timezone, also where the image has no zoneinfo.
	_ "time/tzdata"

	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/adapter/mtping"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
)

const component = "pingsource-mt-adapter"

func main() {
	// A stop near the end of a minute waits for the next minute's first
	// ticks before the lease is released (see mtping.NewDelayingContext).
	ctx := mtping.NewDelayingContext(signals.NewContext(), mtping.GetNoShutDownAfterValue())
	ctx = adapter.WithController(ctx, mtping.NewController)
	ctx = adapter.WithHAEnabled(ctx)
	adapter.MainWithContext(ctx, component, mtping.NewEnvConfig, mtping.NewAdapter)
}
