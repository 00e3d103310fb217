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

package kncloudevents

import (
	"net/http"
	"strings"
)

// Header names Skiff sets or forwards, as upstream.
const (
	// KnNamespaceHeader carries the namespace of the sending resource.
	KnNamespaceHeader = "Kn-Namespace"
)

// forwardHeaders and forwardPrefixes must be lowercase. ce- headers are not
// forwarded on purpose: they belong to the event and the SDK writes them.
var (
	forwardHeaders  = map[string]struct{}{"x-request-id": {}, "retry-after": {}}
	forwardPrefixes = []string{"knative-", "x-b3-"}
)

// PassThroughHeaders returns the subset of headers a Knative hop forwards:
// x-request-id, retry-after, knative-* and x-b3-* (upstream pkg/utils).
func PassThroughHeaders(headers http.Header) http.Header {
	h := http.Header{}
	for n, v := range headers {
		if forwarded(n) {
			h[n] = v
		}
	}
	return h
}

// forwarded compares case-insensitively without allocating: this runs for
// every header of every event on every hop.
func forwarded(name string) bool {
	if len(name) == len("x-request-id") || len(name) == len("retry-after") {
		for f := range forwardHeaders {
			if strings.EqualFold(name, f) {
				return true
			}
		}
	}
	for _, prefix := range forwardPrefixes {
		if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}
