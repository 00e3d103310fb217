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

package names

import (
	"strings"
	"testing"

	_ "knative.dev/pkg/system/testing" // system.Namespace() = knative-testing
)

func TestNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{TriggerChannelName("default"), "default-kne-trigger"},
		{BrokerChannelName("b", "dlq"), "b-kne-dlq"},
		{IngressHost(), "broker-ingress.knative-testing.svc.cluster.local"},
		{FilterHost(), "broker-filter.knative-testing.svc.cluster.local"},
		{IngressPath("knative-samples", "default"), "/knative-samples/default"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	// A long broker name is shortened to a valid name that keeps the suffix.
	long := TriggerChannelName(strings.Repeat("b", 70))
	if len(long) > 63 || !strings.HasSuffix(long, "-kne-trigger") {
		t.Errorf("TriggerChannelName(70 b's) = %q (%d chars)", long, len(long))
	}
}
