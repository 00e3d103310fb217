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

package aggregation

import (
	"math"
	"sync"
	"time"
)

const (
	// minExponent is the smallest decay multiplier of the weighted average:
	// with very large windows the weights would otherwise approach a simple
	// average.
	minExponent = 0.2
	// weightPrecision is the least sum of weights the weighted average must
	// cover over the window.
	weightPrecision = 0.9999
	// precision is the number of decimal digits kept by WindowAverage, so
	// float noise does not make a window that should average 70 produce
	// 70.00000000001 and ask for one pod more.
	precision = 6
)

// TimedFloat64Buckets is a ring buffer of per-granularity sums covering a
// time window. Everything recorded within the same granularity period adds up
// into one bucket (several pods, the scraper and the activator report into
// the same second), and WindowAverage averages the buckets.
type TimedFloat64Buckets struct {
	mu sync.RWMutex

	// buckets is indexed by timeToIndex(t) % len(buckets).
	buckets []float64
	// firstWrite is the bucket time of the first write after an idle window:
	// until a whole window has been seen, averages are over the buckets
	// since then only.
	firstWrite time.Time
	// lastWrite is the newest bucket time written; buckets between it and
	// a later write are zeroed by that write.
	lastWrite time.Time

	granularity time.Duration
	window      time.Duration
	// windowTotal is the sum of all buckets.
	windowTotal float64
}

// NewTimedFloat64Buckets returns buckets covering window, each granularity
// long (window/granularity rounded up buckets).
func NewTimedFloat64Buckets(window, granularity time.Duration) *TimedFloat64Buckets {
	return &TimedFloat64Buckets{
		buckets:     make([]float64, numBuckets(window, granularity)),
		granularity: granularity,
		window:      window,
	}
}

func numBuckets(window, granularity time.Duration) int {
	return int(math.Ceil(float64(window) / float64(granularity)))
}

// timeToIndex maps a time to a monotonically increasing bucket number.
func (t *TimedFloat64Buckets) timeToIndex(tm time.Time) int {
	return int(tm.Unix()) / int(t.granularity.Seconds())
}

// IsEmpty reports whether nothing was recorded during the window before now.
func (t *TimedFloat64Buckets) IsEmpty(now time.Time) bool {
	now = now.Truncate(t.granularity)
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.isEmptyLocked(now)
}

func (t *TimedFloat64Buckets) isEmptyLocked(now time.Time) bool {
	return now.Sub(t.lastWrite) > t.window
}

// Record adds value to the bucket of now. A write after a gap zeroes the
// buckets of the gap; a write after a whole idle window starts a fresh
// partial window; a write older than a window is dropped.
func (t *TimedFloat64Buckets) Record(now time.Time, value float64) {
	bucketTime := now.Truncate(t.granularity)

	t.mu.Lock()
	defer t.mu.Unlock()

	writeIdx := t.timeToIndex(now)
	if t.lastWrite != bucketTime {
		if !bucketTime.Add(t.window).After(t.lastWrite) {
			// Older than the window: it cannot change any average.
			return
		}
		if t.firstWrite.IsZero() || t.firstWrite.After(bucketTime) {
			t.firstWrite = bucketTime
		}
		if bucketTime.After(t.lastWrite) {
			if bucketTime.Sub(t.lastWrite) >= t.window {
				// Idle for a whole window: start over.
				t.firstWrite = bucketTime
				clear(t.buckets)
				t.windowTotal = 0
			} else {
				// Zero the buckets skipped since the last write.
				for i := t.timeToIndex(t.lastWrite) + 1; i <= writeIdx; i++ {
					idx := i % len(t.buckets)
					t.windowTotal -= t.buckets[idx]
					t.buckets[idx] = 0
				}
			}
			t.lastWrite = bucketTime
		}
	}
	t.buckets[writeIdx%len(t.buckets)] += value
	t.windowTotal += value
}

// WindowAverage returns the average bucket value over the window ending at
// now. Until a whole window of data exists, the average is over the buckets
// since the first write; buckets after the last write count as missing (not
// as zero) until a whole window has passed, when the average drops to 0.
// Gaps between writes count as zeros.
func (t *TimedFloat64Buckets) WindowAverage(now time.Time) float64 {
	now = now.Truncate(t.granularity)
	t.mu.RLock()
	defer t.mu.RUnlock()
	switch d := now.Sub(t.lastWrite); {
	case d <= 0:
		numB := math.Min(
			float64(t.lastWrite.Sub(t.firstWrite)/t.granularity)+1, // inclusive
			float64(len(t.buckets)))
		return roundToNDigits(precision, t.windowTotal/numB)
	case d < t.window:
		// Drop the buckets that fell out of the window since the last write.
		stIdx, eIdx := t.timeToIndex(t.lastWrite), t.timeToIndex(now)
		total := t.windowTotal
		for i := stIdx + 1; i <= eIdx; i++ {
			total -= t.buckets[i%len(t.buckets)]
		}
		numB := math.Min(
			float64(t.lastWrite.Sub(t.firstWrite)/t.granularity)+1,
			float64(len(t.buckets)-(eIdx-stIdx)))
		return roundToNDigits(precision, total/numB)
	default:
		return 0
	}
}

// ResizeWindow changes the window length, keeping the newest buckets. It is
// O(buckets) and meant for rare configuration changes.
func (t *TimedFloat64Buckets) ResizeWindow(w time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.resizeLocked(w, time.Now())
}

func (t *TimedFloat64Buckets) resizeLocked(w time.Duration, now time.Time) {
	if w == t.window {
		return
	}
	n := numBuckets(w, t.granularity)
	newBuckets := make([]float64, n)
	newTotal := 0.
	if now.Truncate(t.granularity).Sub(t.lastWrite) <= t.window {
		oldN := len(t.buckets)
		idx := t.timeToIndex(t.lastWrite)
		for range min(n, oldN) {
			v := t.buckets[idx%oldN]
			newBuckets[idx%n] = v
			newTotal += v
			idx--
		}
		t.firstWrite = t.lastWrite.Add(-time.Duration(oldN-1) * t.granularity)
	} else {
		t.firstWrite = time.Time{}
	}
	t.window = w
	t.buckets = newBuckets
	t.windowTotal = newTotal
}

// forEachBucket calls f with each non-stale bucket's time and value, newest
// first. For tests.
func (t *TimedFloat64Buckets) forEachBucket(now time.Time, f func(time.Time, float64)) {
	now = now.Truncate(t.granularity)
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.isEmptyLocked(now) {
		return
	}
	for i, tm := 0, t.lastWrite; i < len(t.buckets) && !tm.Before(t.firstWrite); i, tm = i+1, tm.Add(-t.granularity) {
		if now.Sub(tm) >= t.window {
			break
		}
		f(tm, t.buckets[t.timeToIndex(tm)%len(t.buckets)])
	}
}

func roundToNDigits(n int, f float64) float64 {
	p := math.Pow10(n)
	return math.Floor(f*p) / p
}

// WeightedFloat64Buckets averages the same buckets with exponentially
// decaying weights, newest first, so a recent change shows sooner
// (autoscaling.knative.dev/metric-aggregation-algorithm: weighted-exponential).
type WeightedFloat64Buckets struct {
	*TimedFloat64Buckets

	// smoothingCoeff is the weight of the newest bucket; each older one
	// weighs (1-smoothingCoeff) times the next newer.
	smoothingCoeff float64
}

// NewWeightedFloat64Buckets returns weighted buckets covering window.
func NewWeightedFloat64Buckets(window, granularity time.Duration) *WeightedFloat64Buckets {
	return &WeightedFloat64Buckets{
		TimedFloat64Buckets: NewTimedFloat64Buckets(window, granularity),
		smoothingCoeff:      computeSmoothingCoeff(float64(numBuckets(window, granularity))),
	}
}

// computeSmoothingCoeff returns the decay that makes nb buckets carry at
// least weightPrecision of the total weight, but no less than minExponent.
func computeSmoothingCoeff(nb float64) float64 {
	return math.Max(1-math.Pow(1-weightPrecision, 1/nb), minExponent)
}

// WindowAverage returns the exponentially weighted average: with data
// [10, 10, 5, 5] (newest last) and a coefficient of 0.6 it is
// 5*0.6 + 5*0.6*0.4 + 10*0.6*0.4² + 10*0.6*0.4³.
func (t *WeightedFloat64Buckets) WindowAverage(now time.Time) float64 {
	now = now.Truncate(t.granularity)
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.isEmptyLocked(now) {
		return 0
	}
	totalB, numB := len(t.buckets), len(t.buckets)
	multiplier := t.smoothingCoeff
	if now.After(t.lastWrite) {
		// The buckets since the last write are zeros: skip their terms.
		numZ := int(now.Sub(t.lastWrite) / t.granularity)
		multiplier *= math.Pow(1-t.smoothingCoeff, float64(numZ))
		numB -= numZ
	}
	startIdx := t.timeToIndex(t.lastWrite) + totalB // keeps % non-negative
	ret := 0.
	for i := range numB {
		ret += t.buckets[(startIdx-i)%totalB] * multiplier
		multiplier *= 1 - t.smoothingCoeff
	}
	return ret
}

// ResizeWindow changes the window and the decay that goes with it.
func (t *WeightedFloat64Buckets) ResizeWindow(w time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.resizeLocked(w, time.Now())
	t.smoothingCoeff = computeSmoothingCoeff(float64(numBuckets(w, t.granularity)))
}
