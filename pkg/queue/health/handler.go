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

package health

import (
	"io"
	"net/http"

	"go.opencensus.io/trace"

	netheader "knative.dev/networking/pkg/http/header"
)

// queueName is the K-Network-Probe value that asks queue-proxy for its
// readiness (queue.Name; not imported to keep this package a leaf).
const queueName = "queue"

const badProbeTemplate = "unexpected probe header value: "

// ProbeHandler returns a http.HandlerFunc that answers readiness probes by
// running prober: 200 with body "queue" when the user container is ready,
// 503 otherwise. A K-Network-Probe header other than "queue" is a client
// error (400), as upstream; a kubelet probe without the header is accepted.
func ProbeHandler(prober func() bool, tracingEnabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ph := netheader.GetKnativeProbeValue(r)

		var probeSpan *trace.Span
		if tracingEnabled {
			_, probeSpan = trace.StartSpan(r.Context(), "probe")
			defer probeSpan.End()
		}
		fail := func(msg string, code int) {
			if probeSpan != nil {
				probeSpan.Annotate([]trace.Attribute{trace.StringAttribute("queueproxy.probe.error", msg)}, "error")
			}
			http.Error(w, msg, code)
		}

		switch {
		case ph != "" && ph != queueName:
			fail(badProbeTemplate+ph, http.StatusBadRequest)
		case prober == nil:
			fail("no probe", http.StatusInternalServerError)
		case !prober():
			fail("container not ready", http.StatusServiceUnavailable)
		default:
			io.WriteString(w, queueName)
		}
	}
}
