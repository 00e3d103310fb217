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
)

func TestPrivateService(t *testing.T) {
	if got, want := PrivateService("hello-go-00001"), "hello-go-00001-private"; got != want {
		t.Errorf("PrivateService() = %q, want %q", got, want)
	}
	long := strings.Repeat("a", 60)
	if got := PrivateService(long); len(got) > 63 || !strings.HasSuffix(got, "-private") {
		t.Errorf("PrivateService(%d chars) = %q, want at most 63 characters ending in -private", len(long), got)
	}
}
