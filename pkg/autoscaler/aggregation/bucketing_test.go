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
	"testing"
	"time"
)

// t0 is on a 5 s boundary so both granularities below align.
var t0 = time.Unix(1_700_000_000, 0)

func TestTimedFloat64BucketsWindowAverage(t *testing.T) {
	type rec struct {
		at    time.Duration
		value float64
	}
	tests := []struct {
		name   string
		window time.Duration
		recs   []rec
		at     time.Duration // when the average is taken
		want   float64
		empty  bool
	}{{
		name:   "nothing recorded",
		window: 10 * time.Second,
		at:     0,
		want:   0,
		empty:  true,
	}, {
		name:   "values in one second add up (pods, scraper and activator)",
		window: 10 * time.Second,
		recs:   []rec{{0, 1}, {100 * time.Millisecond, 10}},
		at:     500 * time.Millisecond,
		want:   11,
	}, {
		name:   "partial window: average over the seconds since the first write",
		window: 10 * time.Second,
		recs:   []rec{{0, 10}, {time.Second, 20}, {2 * time.Second, 30}},
		at:     2 * time.Second,
		want:   20,
	}, {
		name:   "gaps count as zero",
		window: 10 * time.Second,
		recs:   []rec{{0, 10}, {3 * time.Second, 30}},
		at:     3 * time.Second,
		want:   10, // (10+0+0+30)/4
	}, {
		name:   "seconds after the last write are not counted yet",
		window: 10 * time.Second,
		recs:   []rec{{0, 10}, {time.Second, 20}},
		at:     4 * time.Second,
		want:   15,
	}, {
		name:   "old buckets slide out of the window",
		window: 4 * time.Second,
		recs:   []rec{{0, 100}, {time.Second, 4}, {2 * time.Second, 4}, {3 * time.Second, 4}, {4 * time.Second, 4}},
		at:     4 * time.Second,
		want:   4,
	}, {
		name:   "a window after the last write, the average is zero and the buckets empty",
		window: 4 * time.Second,
		recs:   []rec{{0, 100}},
		at:     5 * time.Second,
		want:   0,
		empty:  true,
	}, {
		name:   "a write after an idle window starts a new partial window",
		window: 4 * time.Second,
		recs:   []rec{{0, 100}, {10 * time.Second, 6}},
		at:     10 * time.Second,
		want:   6,
	}, {
		name:   "a write older than the window is dropped",
		window: 4 * time.Second,
		recs:   []rec{{10 * time.Second, 6}, {time.Second, 1000}},
		at:     10 * time.Second,
		want:   6,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewTimedFloat64Buckets(tc.window, time.Second)
			for _, r := range tc.recs {
				b.Record(t0.Add(r.at), r.value)
			}
			if got := b.WindowAverage(t0.Add(tc.at)); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("WindowAverage = %v, want %v", got, tc.want)
			}
			if got := b.IsEmpty(t0.Add(tc.at)); got != tc.empty {
				t.Errorf("IsEmpty = %v, want %v", got, tc.empty)
			}
		})
	}
}

func TestTimedFloat64BucketsGranularity(t *testing.T) {
	b := NewTimedFloat64Buckets(time.Minute, 5*time.Second)
	b.Record(t0, 1)
	b.Record(t0.Add(3*time.Second), 11) // same 5 s bucket
	b.Record(t0.Add(6*time.Second), 1)  // next bucket
	got := map[time.Time]float64{}
	b.forEachBucket(t0.Add(6*time.Second), func(tm time.Time, v float64) { got[tm] = v })
	if len(got) != 2 || got[t0] != 12 || got[t0.Add(5*time.Second)] != 1 {
		t.Errorf("buckets = %v, want {t0: 12, t0+5s: 1}", got)
	}
}

func TestTimedFloat64BucketsResizeWindow(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	b := NewTimedFloat64Buckets(5*time.Second, time.Second)
	for i := range 5 {
		b.Record(now.Add(time.Duration(i-4)*time.Second), float64(i+1)) // 1..5, newest 5
	}
	if got, want := b.WindowAverage(now), 3.; got != want {
		t.Fatalf("WindowAverage = %v, want %v", got, want)
	}
	// Shrinking keeps the newest buckets.
	b.ResizeWindow(2 * time.Second)
	if got, want := b.WindowAverage(now), 4.5; got != want {
		t.Errorf("after shrink: WindowAverage = %v, want %v", got, want)
	}
	// Growing does not invent history: the average stays over the
	// buckets that were kept.
	b.ResizeWindow(4 * time.Second)
	if got, want := b.WindowAverage(now), 4.5; got != want {
		t.Errorf("after grow: WindowAverage = %v, want %v", got, want)
	}
}

func TestWeightedFloat64Buckets(t *testing.T) {
	if got := computeSmoothingCoeff(100); got != minExponent {
		t.Errorf("coefficient for 100 buckets = %v, want the minimum %v", got, minExponent)
	}
	if got := computeSmoothingCoeff(6); math.Abs(got-0.78456) > 1e-4 {
		t.Errorf("coefficient for 6 buckets = %v, want 0.78456", got)
	}

	b := NewWeightedFloat64Buckets(4*time.Second, time.Second)
	b.smoothingCoeff = 0.6
	for i, v := range []float64{10, 10, 5, 5} { // newest last
		b.Record(t0.Add(time.Duration(i)*time.Second), v)
	}
	want := 5*0.6 + 5*0.6*0.4 + 10*0.6*0.4*0.4 + 10*0.6*0.4*0.4*0.4
	if got := b.WindowAverage(t0.Add(3 * time.Second)); math.Abs(got-want) > 1e-9 {
		t.Errorf("WindowAverage = %v, want %v", got, want)
	}
	// Recent values weigh more: the same data reversed averages higher.
	r := NewWeightedFloat64Buckets(4*time.Second, time.Second)
	r.smoothingCoeff = 0.6
	for i, v := range []float64{5, 5, 10, 10} {
		r.Record(t0.Add(time.Duration(i)*time.Second), v)
	}
	if got := r.WindowAverage(t0.Add(3 * time.Second)); got <= want {
		t.Errorf("reversed WindowAverage = %v, want more than %v", got, want)
	}
	// A second without data weighs as a zero, and the oldest bucket
	// leaves the window.
	if got, want := b.WindowAverage(t0.Add(4*time.Second)), (5*0.6+5*0.6*0.4+10*0.6*0.4*0.4)*0.4; math.Abs(got-want) > 1e-9 {
		t.Errorf("one second later: WindowAverage = %v, want %v", got, want)
	}
	if got := b.WindowAverage(t0.Add(10 * time.Second)); got != 0 {
		t.Errorf("a window later: WindowAverage = %v, want 0", got)
	}
}
