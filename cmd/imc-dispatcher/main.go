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

// Command imc-dispatcher serves every InMemoryChannel: it routes events by
// Host to the channel's subscribers, keeping each accepted event in a
// durable log (EVENT_LOG_DIR) until every subscriber has it.
package main

import (
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/channel/inmemorychannel"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

func main() {
	kncloudevents.TuneGC()
	// The channel server answers the probes itself (ready once the log
	// has been replayed).
	ctx := sharedmain.WithHealthProbesDisabled(signals.NewContext())
	sharedmain.MainWithContext(ctx, "inmemorychannel-dispatcher", inmemorychannel.NewController)
}
