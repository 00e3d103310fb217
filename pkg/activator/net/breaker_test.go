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
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/skiffhq/skiff/pkg/queue"
)

// acquireAsync starts an acquire and returns its outcome on a channel.
func acquireAsync(ctx context.Context, b *revisionBreaker) <-chan error {
	ch := make(chan error, 1)
	go func() {
		release, err := b.acquire(ctx)
		if err == nil {
			release()
		}
		ch <- err
	}()
	return ch
}

func waitWaiting(t *testing.T, b *revisionBreaker, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, w := b.stats(); w == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never %d waiting", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBreakerFastPath(t *testing.T) {
	b := newRevisionBreaker("ns/rev", false, 10, nil)
	b.UpdateConcurrency(2)
	r1, err := b.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := b.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if in, w := b.stats(); in != 2 || w != 0 {
		t.Errorf("stats = %d in flight, %d waiting; want 2, 0", in, w)
	}
	r1()
	r2()
	if in, _ := b.stats(); in != 0 {
		t.Errorf("in flight after release = %d, want 0", in)
	}
}

func TestBreakerWaitsForCapacityInOrder(t *testing.T) {
	b := newRevisionBreaker("ns/rev", false, 10, nil)
	var mu sync.Mutex
	var order []int
	done := make(chan struct{}, 3)
	for i := range 3 {
		go func() {
			release, err := b.acquire(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			release()
			done <- struct{}{}
		}()
		waitWaiting(t, b, i+1)
	}
	// One slot: the waiters go one at a time, first come first served.
	b.UpdateConcurrency(1)
	for range 3 {
		<-done
	}
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Errorf("served in order %v, want [0 1 2]", order)
	}
}

func TestBreakerQueueFull(t *testing.T) {
	global := NewQueueLimit(3)
	b := newRevisionBreaker("ns/rev", false, 2, global)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w1, w2 := acquireAsync(ctx, b), acquireAsync(ctx, b)
	waitWaiting(t, b, 2)

	_, err := b.acquire(ctx)
	if !errors.Is(err, queue.ErrRequestQueueFull) {
		t.Fatalf("third waiter: error = %v, want ErrRequestQueueFull", err)
	}
	if want := "pending request queue full: 2 requests are already waiting for capacity of revision ns/rev"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}

	// The activator-wide limit counts every revision's waiters.
	other := newRevisionBreaker("ns/other", false, 10, global)
	w3 := acquireAsync(ctx, other)
	waitWaiting(t, other, 1)
	_, err = other.acquire(ctx)
	if !errors.Is(err, queue.ErrRequestQueueFull) || err != global.err {
		t.Errorf("over the global limit: error = %v, want the activator-wide one", err)
	}

	// Cancelled waiters leave the queue and the global count.
	cancel()
	for _, ch := range []<-chan error{w1, w2, w3} {
		if err := <-ch; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled waiter: error = %v, want context.Canceled", err)
		}
	}
	if _, w := b.stats(); w != 0 {
		t.Errorf("%d still waiting", w)
	}
	if g := global.Waiting(); g != 0 {
		t.Errorf("global count = %d, want 0", g)
	}
	// Room again.
	b.UpdateConcurrency(1)
	release, err := b.acquire(context.Background())
	if err != nil {
		t.Fatal("acquire after the queue drained:", err)
	}
	release()
}

func TestBreakerCancelledWaiterKeepsOrder(t *testing.T) {
	b := newRevisionBreaker("ns/rev", false, 10, nil)
	ctx1, cancel1 := context.WithCancel(context.Background())
	w1 := acquireAsync(ctx1, b)
	waitWaiting(t, b, 1)
	w2 := acquireAsync(context.Background(), b)
	waitWaiting(t, b, 2)
	w3 := acquireAsync(context.Background(), b)
	waitWaiting(t, b, 3)
	// The middle of the list... and the head leave.
	cancel1()
	if err := <-w1; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	waitWaiting(t, b, 2)
	b.UpdateConcurrency(1)
	for _, ch := range []<-chan error{w2, w3} {
		if err := <-ch; err != nil {
			t.Error(err)
		}
	}
}

func TestBreakerInfinite(t *testing.T) {
	b := newRevisionBreaker("ns/rev", true, 10, nil)
	w := acquireAsync(context.Background(), b)
	waitWaiting(t, b, 1)
	// Any backend: no limit at all.
	b.UpdateConcurrency(revisionMaxConcurrency)
	if err := <-w; err != nil {
		t.Fatal(err)
	}
	var releases []func()
	for range 1000 {
		r, err := b.acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	// Scaled to zero: new requests wait, those in flight go on.
	b.UpdateConcurrency(0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := b.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("acquire at zero = %v, want to wait until the deadline", err)
	}
	for _, r := range releases {
		r()
	}
	if in, _ := b.stats(); in != 0 {
		t.Errorf("in flight = %d, want 0", in)
	}
}

func TestBreakerShrinkDoesNotPreempt(t *testing.T) {
	b := newRevisionBreaker("ns/rev", false, 10, nil)
	b.UpdateConcurrency(2)
	r1, _ := b.acquire(context.Background())
	r2, _ := b.acquire(context.Background())
	b.UpdateConcurrency(1)
	w := acquireAsync(context.Background(), b)
	waitWaiting(t, b, 1)
	r1()
	// Still 1 in flight = the new capacity: the waiter keeps waiting.
	if _, wt := b.stats(); wt != 1 {
		t.Errorf("waiting = %d, want 1", wt)
	}
	r2()
	if err := <-w; err != nil {
		t.Fatal(err)
	}
}
