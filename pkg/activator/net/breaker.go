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
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/skiffhq/skiff/pkg/queue"
)

// queueFullError is a refusal to queue one more request. It wraps
// queue.ErrRequestQueueFull, so callers can test for it, and says which
// limit was hit.
type queueFullError struct {
	msg string
}

func (e *queueFullError) Error() string { return e.msg }
func (e *queueFullError) Unwrap() error { return queue.ErrRequestQueueFull }

// QueueLimit bounds the requests waiting in the activator across all
// revisions, so the activator's memory stays bounded however many
// revisions are cold or overloaded at once (knative/serving#13583).
type QueueLimit struct {
	n   atomic.Int64
	max int64
	err error
}

// NewQueueLimit returns a limit of max waiting requests; max <= 0 means no
// global limit (the per-revision limits still apply).
func NewQueueLimit(max int) *QueueLimit {
	return &QueueLimit{
		max: int64(max),
		err: &queueFullError{msg: queue.ErrRequestQueueFull.Error() + ": the activator already holds " +
			strconv.Itoa(max) + " requests waiting for capacity across all revisions"},
	}
}

func (q *QueueLimit) tryAdd() bool {
	if q.max <= 0 {
		q.n.Add(1)
		return true
	}
	for {
		cur := q.n.Load()
		if cur >= q.max {
			return false
		}
		if q.n.CompareAndSwap(cur, cur+1) {
			return true
		}
	}
}

func (q *QueueLimit) done() { q.n.Add(-1) }

// Waiting is the number of requests currently waiting.
func (q *QueueLimit) Waiting() int { return int(q.n.Load()) }

// revisionBreaker limits the requests in flight to a revision to its
// capacity and holds the others in a bounded FIFO queue. Unlike upstream's
// (whose queue is bounded by MaxConcurrency + depth, in effect unbounded)
// at most maxQueue requests wait per revision, and at most the QueueLimit
// across revisions; the next one is refused at once.
//
// With infinite set (containerConcurrency 0) there is no in-flight limit:
// capacity only tells whether there is any backend (> 0) or none.
//
// Waiters are served in arrival order: the first request of a cold start
// is the first to go when a pod appears.
type revisionBreaker struct {
	mu       sync.Mutex
	capacity int
	infinite bool
	inFlight int

	// The FIFO of waiters, an intrusive list so a cancelled waiter leaves
	// in O(1).
	head, tail *waiter
	waiting    int

	maxQueue int
	global   *QueueLimit
	fullErr  error

	// releaseFn is b.release, bound once so acquiring allocates nothing.
	releaseFn func()
}

type waiter struct {
	next, prev *waiter
	// ready is closed when the waiter was granted a slot.
	ready   chan struct{}
	granted bool
}

func newRevisionBreaker(revID string, infinite bool, maxQueue int, global *QueueLimit) *revisionBreaker {
	if global == nil {
		global = NewQueueLimit(0)
	}
	b := &revisionBreaker{
		infinite: infinite,
		maxQueue: maxQueue,
		global:   global,
		fullErr: &queueFullError{msg: queue.ErrRequestQueueFull.Error() + ": " + strconv.Itoa(maxQueue) +
			" requests are already waiting for capacity of revision " + revID},
	}
	b.releaseFn = b.release
	return b
}

func (b *revisionBreaker) hasRoomLocked() bool {
	if b.infinite {
		return b.capacity > 0
	}
	return b.inFlight < b.capacity
}

// acquire waits for a slot, in arrival order, until ctx is done. It
// returns the function releasing the slot, or an error: a queueFullError
// when the queue is full, else ctx's error.
func (b *revisionBreaker) acquire(ctx context.Context) (func(), error) {
	b.mu.Lock()
	if b.head == nil && b.hasRoomLocked() {
		b.inFlight++
		b.mu.Unlock()
		return b.releaseFn, nil
	}
	if b.waiting >= b.maxQueue {
		b.mu.Unlock()
		return nil, b.fullErr
	}
	if !b.global.tryAdd() {
		b.mu.Unlock()
		return nil, b.global.err
	}
	w := &waiter{ready: make(chan struct{})}
	b.pushLocked(w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		b.global.done()
		return b.releaseFn, nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	if w.granted {
		// Granted while giving up: pass the slot on.
		b.inFlight--
		b.grantLocked()
	} else {
		b.removeLocked(w)
	}
	b.mu.Unlock()
	b.global.done()
	return nil, ctx.Err()
}

func (b *revisionBreaker) release() {
	b.mu.Lock()
	b.inFlight--
	b.grantLocked()
	b.mu.Unlock()
}

// grantLocked hands free slots to the waiters at the head of the queue.
func (b *revisionBreaker) grantLocked() {
	for b.head != nil && b.hasRoomLocked() {
		w := b.head
		b.removeLocked(w)
		w.granted = true
		b.inFlight++
		close(w.ready)
	}
}

func (b *revisionBreaker) pushLocked(w *waiter) {
	w.prev = b.tail
	if b.tail != nil {
		b.tail.next = w
	} else {
		b.head = w
	}
	b.tail = w
	b.waiting++
}

func (b *revisionBreaker) removeLocked(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		b.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		b.tail = w.prev
	}
	w.next, w.prev = nil, nil
	b.waiting--
}

// UpdateConcurrency sets the capacity and lets waiters in if it grew.
func (b *revisionBreaker) UpdateConcurrency(c int) {
	b.mu.Lock()
	b.capacity = c
	b.grantLocked()
	b.mu.Unlock()
}

// Capacity returns the current capacity.
func (b *revisionBreaker) Capacity() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.capacity
}

// stats returns the requests in flight and waiting.
func (b *revisionBreaker) stats() (inFlight, waiting int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.inFlight, b.waiting
}
