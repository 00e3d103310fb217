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

package queue

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBreakerInvalidConstructor(t *testing.T) {
	tests := []struct {
		name   string
		params BreakerParams
	}{
		{"QueueDepth = 0", BreakerParams{QueueDepth: 0, MaxConcurrency: 1, InitialCapacity: 1}},
		{"MaxConcurrency negative", BreakerParams{QueueDepth: 1, MaxConcurrency: -1, InitialCapacity: 1}},
		{"InitialCapacity negative", BreakerParams{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: -1}},
		{"InitialCapacity out-of-bounds", BreakerParams{QueueDepth: 1, MaxConcurrency: 5, InitialCapacity: 6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("NewBreaker did not panic")
				}
			}()
			NewBreaker(tc.params)
		})
	}
}

// blockingRequests runs n requests through b that block until release is
// closed, and returns once started of them run inside the breaker.
type blockingRequests struct {
	b        *Breaker
	release  chan struct{}
	running  atomic.Int32
	maxSeen  atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	errs     []error
	executed atomic.Int32
}

func newBlockingRequests(b *Breaker) *blockingRequests {
	return &blockingRequests{b: b, release: make(chan struct{})}
}

func (br *blockingRequests) start(ctx context.Context, n int) {
	for range n {
		br.wg.Add(1)
		go func() {
			defer br.wg.Done()
			err := br.b.Maybe(ctx, func() {
				cur := br.running.Add(1)
				for {
					m := br.maxSeen.Load()
					if cur <= m || br.maxSeen.CompareAndSwap(m, cur) {
						break
					}
				}
				br.executed.Add(1)
				<-br.release
				br.running.Add(-1)
			})
			br.mu.Lock()
			br.errs = append(br.errs, err)
			br.mu.Unlock()
		}()
	}
}

// waitInFlight waits until the breaker holds n requests.
func waitInFlight(t *testing.T, b *Breaker, n int) {
	t.Helper()
	for b.InFlight() != n {
		time.Sleep(time.Millisecond)
	}
}

func (br *blockingRequests) finish() []error {
	close(br.release)
	br.wg.Wait()
	return br.errs
}

func countErrs(errs []error, target error) (n int) {
	for _, err := range errs {
		if errors.Is(err, target) {
			n++
		}
	}
	return n
}

func TestBreakerOverload(t *testing.T) {
	tests := []struct {
		name                  string
		queueDepth, capacity  int
		requests              int
		wantFull, wantSuccess int
	}{
		{name: "CC=1 depth 1, three requests", queueDepth: 1, capacity: 1, requests: 3, wantFull: 1, wantSuccess: 2},
		{name: "CC=1 depth 10 (queue-proxy), twelve requests", queueDepth: 10, capacity: 1, requests: 12, wantFull: 1, wantSuccess: 11},
		{name: "CC=2 depth 20, exactly full", queueDepth: 20, capacity: 2, requests: 22, wantFull: 0, wantSuccess: 22},
		{name: "CC=3 depth 1, ten requests", queueDepth: 1, capacity: 3, requests: 10, wantFull: 6, wantSuccess: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBreaker(BreakerParams{QueueDepth: tc.queueDepth, MaxConcurrency: tc.capacity, InitialCapacity: tc.capacity})
			br := newBlockingRequests(b)
			fits := min(tc.requests, tc.queueDepth+tc.capacity)
			br.start(context.Background(), fits)
			waitInFlight(t, b, fits)
			// Every place is taken: the overflow fails at once.
			for range tc.requests - fits {
				if err := b.Maybe(context.Background(), func() { t.Error("overflow request executed") }); !errors.Is(err, ErrRequestQueueFull) {
					t.Errorf("Maybe = %v, want ErrRequestQueueFull", err)
				}
			}
			errs := br.finish()
			if got := countErrs(errs, nil); got != tc.wantSuccess {
				t.Errorf("successes = %d, want %d", got, tc.wantSuccess)
			}
			if got := int(br.maxSeen.Load()); got > tc.capacity {
				t.Errorf("max concurrency = %d, want ≤ %d", got, tc.capacity)
			}
			if got := b.InFlight(); got != 0 {
				t.Errorf("InFlight after all done = %d, want 0", got)
			}
		})
	}
}

func TestBreakerQueueingRunsEveryoneOneAtATime(t *testing.T) {
	b := NewBreaker(BreakerParams{QueueDepth: 10, MaxConcurrency: 1, InitialCapacity: 1})
	var running, maxRunning atomic.Int32
	var wg sync.WaitGroup
	for range 11 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.Maybe(context.Background(), func() {
				if n := running.Add(1); n > maxRunning.Load() {
					maxRunning.Store(n)
				}
				time.Sleep(time.Millisecond)
				running.Add(-1)
			}); err != nil {
				t.Error("Maybe:", err)
			}
		}()
	}
	wg.Wait()
	if got := maxRunning.Load(); got != 1 {
		t.Errorf("max running = %d, want 1", got)
	}
}

func TestBreakerCancel(t *testing.T) {
	b := NewBreaker(BreakerParams{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: 0})
	ctx, cancel := context.WithCancel(context.Background())
	errCh := make(chan error)
	go func() { errCh <- b.Maybe(ctx, func() { t.Error("ran without capacity") }) }()
	waitInFlight(t, b, 1)
	cancel()
	if err := <-errCh; !errors.Is(err, context.Canceled) {
		t.Errorf("Maybe = %v, want context.Canceled", err)
	}
	if got := b.InFlight(); got != 0 {
		t.Errorf("InFlight = %d, want 0", got)
	}

	// Capacity arriving later admits a waiting request.
	done := make(chan error)
	go func() { done <- b.Maybe(context.Background(), func() {}) }()
	waitInFlight(t, b, 1)
	b.UpdateConcurrency(1)
	if err := <-done; err != nil {
		t.Errorf("Maybe after UpdateConcurrency = %v", err)
	}
}

func TestBreakerReserve(t *testing.T) {
	b := NewBreaker(BreakerParams{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: 1})
	release, ok := b.Reserve(context.Background())
	if !ok {
		t.Fatal("first Reserve failed")
	}
	if _, ok := b.Reserve(context.Background()); ok {
		t.Error("second Reserve succeeded beyond capacity")
	}
	if got := b.InFlight(); got != 1 {
		t.Errorf("InFlight = %d, want 1 (a failed Reserve gives its place back)", got)
	}
	release()
	if _, ok := b.Reserve(context.Background()); !ok {
		t.Error("Reserve after release failed")
	}
}

func TestBreakerUpdateConcurrency(t *testing.T) {
	b := NewBreaker(BreakerParams{QueueDepth: 1, MaxConcurrency: 100, InitialCapacity: 0})
	for _, c := range []int{1, 100, 0, 37} {
		b.UpdateConcurrency(c)
		if got := b.Capacity(); got != c {
			t.Errorf("Capacity after UpdateConcurrency(%d) = %d", c, got)
		}
	}
}

func TestSemaphoreReleaseWithoutAcquirePanics(t *testing.T) {
	s := newSemaphore(1, 1)
	defer func() {
		if recover() == nil {
			t.Error("release without acquire did not panic")
		}
	}()
	s.release()
}

func TestSemaphoreHugeCapacityUpdateIsCheap(t *testing.T) {
	// Growing to the maximum must not loop once per new slot.
	s := newSemaphore(MaxBreakerCapacity, 0)
	s.updateCapacity(MaxBreakerCapacity)
	if got := s.Capacity(); got != MaxBreakerCapacity {
		t.Errorf("Capacity = %d", got)
	}
}

func TestPackUnpack(t *testing.T) {
	for _, tc := range []struct{ capacity, inFlight uint64 }{
		{0, 0}, {1, 0}, {0, 1}, {MaxBreakerCapacity, MaxBreakerCapacity}, {1 << 31, 12345},
	} {
		c, in := unpack(pack(tc.capacity, tc.inFlight))
		if c != tc.capacity || in != tc.inFlight {
			t.Errorf("unpack(pack(%d, %d)) = %d, %d", tc.capacity, tc.inFlight, c, in)
		}
	}
}

func BenchmarkBreakerMaybe(b *testing.B) {
	br := NewBreaker(BreakerParams{QueueDepth: 10000000, MaxConcurrency: 10, InitialCapacity: 10})
	op := func() {}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			br.Maybe(context.Background(), op) //nolint:errcheck
		}
	})
}

func TestBreakerCapacityGrowthWakesAllWaiters(t *testing.T) {
	b := NewBreaker(BreakerParams{QueueDepth: 10, MaxConcurrency: 10, InitialCapacity: 0})
	br := newBlockingRequests(b)
	br.start(context.Background(), 8)
	waitInFlight(t, b, 8)
	// One capacity update must admit all eight waiters, not just one.
	b.UpdateConcurrency(8)
	for br.executed.Load() != 8 {
		time.Sleep(time.Millisecond)
	}
	if errs := br.finish(); countErrs(errs, nil) != 8 {
		t.Errorf("errors: %v", errs)
	}
}
