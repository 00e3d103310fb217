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

package revision

import (
	"testing"
	"time"
)

func TestItemExponentialFailureRateLimiter(t *testing.T) {
	limiter := newItemExponentialFailureRateLimiter(time.Millisecond, time.Second)

	for i, want := range []time.Duration{0, time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond, 8 * time.Millisecond} {
		if got := limiter.When("one"); got != want {
			t.Errorf("When #%d = %v, want %v", i, got, want)
		}
	}
	if got := limiter.NumRequeues("one"); got != 5 {
		t.Errorf("NumRequeues = %d, want 5", got)
	}
	// Items back off independently.
	if got := limiter.When("two"); got != 0 {
		t.Errorf("When(two) = %v, want 0", got)
	}

	limiter.Forget("one")
	if got := limiter.NumRequeues("one"); got != 0 {
		t.Errorf("NumRequeues after Forget = %d, want 0", got)
	}
	if got := limiter.When("one"); got != 0 {
		t.Errorf("When after Forget = %v, want 0", got)
	}
}

func TestItemExponentialFailureRateLimiterCaps(t *testing.T) {
	limiter := newItemExponentialFailureRateLimiter(time.Millisecond, 100*time.Millisecond)
	var last time.Duration
	// Far past the point where 2^n overflows.
	for i := 0; i < 2000; i++ {
		last = limiter.When("x")
	}
	if last != 100*time.Millisecond {
		t.Errorf("When after many failures = %v, want the cap", last)
	}
}
