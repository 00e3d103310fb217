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

package net

import (
	"context"
	"math/rand/v2"
	"sync"
)

// lbPolicy picks a target with room for one more request, returning a
// callback to call when the request is done, or (noop, nil) if none has
// room. targets is immutable for the call; the trackers in it are not.
type lbPolicy func(ctx context.Context, targets []*podTracker) (func(), *podTracker)

// randomChoice2Policy is the power of two choices: of two random pods, the
// one with fewer requests in flight. For containerConcurrency 0, where pods
// have no fixed capacity.
func randomChoice2Policy(_ context.Context, targets []*podTracker) (func(), *podTracker) {
	l := len(targets)
	switch l {
	case 0:
		return noop, nil
	case 1:
		pick := targets[0]
		pick.increaseWeight()
		return pick.decreaseWeight, pick
	}
	r1, r2 := 0, 1
	if l > 2 {
		r1 = rand.IntN(l) //nolint:gosec // load balancing, not security
		// Draw from the l-1 others.
		if r2 = rand.IntN(l - 1); r2 >= r1 { //nolint:gosec
			r2++
		}
	}
	pick, alt := targets[r1], targets[r2]
	// Racy reads are fine: this only balances.
	if w1, w2 := pick.getWeight(), alt.getWeight(); w1 > w2 || (w1 == w2 && rand.IntN(2) == 0) { //nolint:gosec
		pick = alt
	}
	pick.increaseWeight()
	return pick.decreaseWeight, pick
}

// firstAvailableLBPolicy picks the first pod with a free slot: with a
// containerConcurrency of 1 to 3, packing requests onto the first pods
// keeps the others free for bursts.
func firstAvailableLBPolicy(ctx context.Context, targets []*podTracker) (func(), *podTracker) {
	for _, t := range targets {
		if cb, ok := t.Reserve(ctx); ok {
			return cb, t
		}
	}
	return noop, nil
}

// newRoundRobinPolicy returns a policy that tries the pods in turn,
// starting after the last pick, and takes the first with a free slot.
func newRoundRobinPolicy() lbPolicy {
	var (
		mu  sync.Mutex
		idx int
	)
	return func(ctx context.Context, targets []*podTracker) (func(), *podTracker) {
		mu.Lock()
		defer mu.Unlock()
		l := len(targets)
		if idx >= l {
			// The list shrank.
			idx = 0
		}
		for i := range l {
			p := (idx + i) % l
			if cb, ok := targets[p].Reserve(ctx); ok {
				idx = p + 1
				return cb, targets[p]
			}
		}
		return noop, nil
	}
}
