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
	"fmt"
	"math"
	"sync/atomic"
)

// ErrRequestQueueFull indicates the breaker queue depth was exceeded.
var ErrRequestQueueFull = errors.New("pending request queue full")

// MaxBreakerCapacity is the largest valid value for the MaxConcurrency value
// of BreakerParams; capacity and in-flight count share one 64-bit word.
const MaxBreakerCapacity = math.MaxInt32

// BreakerParams defines the parameters of the breaker.
type BreakerParams struct {
	// QueueDepth is how many requests may wait for a slot beyond MaxConcurrency.
	QueueDepth int
	// MaxConcurrency is the largest capacity UpdateConcurrency may set.
	MaxConcurrency int
	// InitialCapacity is the number of requests allowed to run at once at start.
	InitialCapacity int
}

// Breaker enforces a concurrency limit on the execution of a function and
// queues executions in excess of the limit, up to a queue depth; attempts
// beyond the queue are failed immediately with ErrRequestQueueFull.
//
// The fast path (a free slot) is two compare-and-swaps and no allocation.
type Breaker struct {
	// pending counts requests inside the breaker, running or waiting.
	pending    atomic.Int64
	totalSlots int64
	sem        *semaphore

	// release is handed out by Reserve; built once to keep Reserve free of
	// allocations.
	release func()
}

// NewBreaker creates a Breaker with the desired queue depth, concurrency limit
// and initial capacity. Invalid parameters are programming errors and panic.
func NewBreaker(params BreakerParams) *Breaker {
	if params.QueueDepth <= 0 {
		panic(fmt.Sprintf("Queue depth must be greater than 0. Got %v.", params.QueueDepth))
	}
	if params.MaxConcurrency < 0 || params.MaxConcurrency > MaxBreakerCapacity {
		panic(fmt.Sprintf("Max concurrency must be between 0 and %d. Got %v.", MaxBreakerCapacity, params.MaxConcurrency))
	}
	if params.InitialCapacity < 0 || params.InitialCapacity > params.MaxConcurrency {
		panic(fmt.Sprintf("Initial capacity must be between 0 and max concurrency. Got %v.", params.InitialCapacity))
	}
	b := &Breaker{
		totalSlots: int64(params.QueueDepth) + int64(params.MaxConcurrency),
		sem:        newSemaphore(params.MaxConcurrency, params.InitialCapacity),
	}
	b.release = func() {
		b.sem.release()
		b.releasePending()
	}
	return b
}

// tryAcquirePending takes a place in the breaker unless all
// QueueDepth+MaxConcurrency places are taken.
func (b *Breaker) tryAcquirePending() bool {
	for {
		cur := b.pending.Load()
		if cur >= b.totalSlots {
			return false
		}
		if b.pending.CompareAndSwap(cur, cur+1) {
			return true
		}
	}
}

func (b *Breaker) releasePending() {
	b.pending.Add(-1)
}

// Reserve takes an execution slot without waiting. On success the caller
// must call the returned function when its work is done.
func (b *Breaker) Reserve(_ context.Context) (func(), bool) {
	if !b.tryAcquirePending() {
		return nil, false
	}
	if !b.sem.tryAcquire() {
		b.releasePending()
		return nil, false
	}
	return b.release, true
}

// Maybe runs thunk once a slot is free, waiting in the queue if needed.
// It returns ErrRequestQueueFull without running thunk when the queue is
// full, or ctx's error if ctx ends while waiting.
func (b *Breaker) Maybe(ctx context.Context, thunk func()) error {
	if !b.tryAcquirePending() {
		return ErrRequestQueueFull
	}
	defer b.releasePending()

	if err := b.sem.acquire(ctx); err != nil {
		return err
	}
	// acquire and release are paired here only, so release cannot underflow.
	defer b.sem.release()

	thunk()
	return nil
}

// InFlight returns the number of requests in the breaker, running or queued.
func (b *Breaker) InFlight() int {
	return int(b.pending.Load())
}

// UpdateConcurrency updates the maximum number of in-flight requests.
func (b *Breaker) UpdateConcurrency(size int) {
	b.sem.updateCapacity(size)
}

// Capacity returns the number of allowed in-flight requests on this breaker.
func (b *Breaker) Capacity() int {
	return b.sem.Capacity()
}

// semaphore keeps its capacity (high 32 bits) and in-flight count (low 32
// bits) in one word so both change in a single compare-and-swap. The channel
// only wakes waiters: a releaser drops a token in it if there is room, and a
// woken waiter re-reads the word, so spurious wakeups are harmless. Every
// freed or added slot leads to a wakeup, so none is lost.
type semaphore struct {
	state atomic.Uint64
	queue chan struct{}
}

func newSemaphore(maxCapacity, initialCapacity int) *semaphore {
	s := &semaphore{queue: make(chan struct{}, maxCapacity)}
	s.updateCapacity(initialCapacity)
	return s
}

func (s *semaphore) tryAcquire() bool {
	for {
		old := s.state.Load()
		capacity, in := unpack(old)
		if in >= capacity {
			return false
		}
		if s.state.CompareAndSwap(old, pack(capacity, in+1)) {
			return true
		}
	}
}

func (s *semaphore) acquire(ctx context.Context) error {
	woken := false
	for {
		old := s.state.Load()
		capacity, in := unpack(old)
		if in >= capacity {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-s.queue:
				woken = true
			}
			continue
		}
		if s.state.CompareAndSwap(old, pack(capacity, in+1)) {
			// A woken waiter passes the wakeup on while slots remain, so
			// growing the capacity needs to wake only one waiter.
			if woken && in+1 < capacity {
				s.wake()
			}
			return nil
		}
	}
}

func (s *semaphore) release() {
	for {
		old := s.state.Load()
		capacity, in := unpack(old)
		if in == 0 {
			panic("release and acquire are not paired")
		}
		if s.state.CompareAndSwap(old, pack(capacity, in-1)) {
			// Only wake a waiter if there is room for it; if the capacity
			// shrank meanwhile it would just go back to sleep.
			if in-1 < capacity {
				s.wake()
			}
			return
		}
	}
}

// wake drops a token for one waiter. A full channel already holds enough
// tokens to wake as many waiters as the semaphore can admit.
func (s *semaphore) wake() {
	select {
	case s.queue <- struct{}{}:
	default:
	}
}

func (s *semaphore) updateCapacity(size int) {
	size64 := uint64(size) //nolint:gosec // checked against MaxBreakerCapacity by callers
	for {
		old := s.state.Load()
		capacity, in := unpack(old)
		if capacity == size64 {
			return
		}
		if s.state.CompareAndSwap(old, pack(size64, in)) {
			// One wakeup suffices: each woken waiter that gets a slot
			// wakes the next while slots remain (see acquire).
			if size64 > capacity {
				s.wake()
			}
			return
		}
	}
}

// Capacity is the capacity of the semaphore.
func (s *semaphore) Capacity() int {
	capacity, _ := unpack(s.state.Load())
	return int(capacity) //nolint:gosec // at most MaxBreakerCapacity
}

func unpack(in uint64) (capacity, inFlight uint64) {
	return in >> 32, in & 0xffffffff
}

func pack(capacity, inFlight uint64) uint64 {
	return capacity<<32 | inFlight
}
