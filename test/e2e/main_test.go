/*
Copyright 2025 The Skiff Authors

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

// Package e2e runs the seed's walkthroughs (shared/seeds/000_*.txt) on the whole local
// platform — control plane, node agent, config/ installed as `skiff up` installs it —
// the way a user would: apply the examples, `kubectl get`, curl the gateway on
// 127.0.0.1, POST events to the broker, read `kubectl logs`.
//
// One platform is shared by every test and benchmark of this binary. It needs root and
// the control-plane cache (hack/build-controlplane.sh); without them every test fails
// saying so. Run: go test -count=1 -timeout 30m ./test/e2e/
package e2e

import (
	"testing"

	"github.com/skiffhq/skiff/pkg/local/platform/platformtest"
)

func TestMain(m *testing.M) { platformtest.Main(m) }

// TestPlatformUp: every component config/ installs is Ready.
func TestPlatformUp(t *testing.T) {
	p := platformtest.Get(t)
	if p.InstallErr != nil {
		t.Fatalf("installing config/: %v", p.InstallErr)
	}
	for _, w := range p.Install.Warnings() {
		t.Logf("warning: %s", w)
	}
	for _, c := range p.Install.Ready {
		t.Logf("%-40s Ready after %.1fs", c.Key(), c.After.Seconds())
	}
	t.Logf("platform up in %.1fs", p.UpTime.Seconds())
}
