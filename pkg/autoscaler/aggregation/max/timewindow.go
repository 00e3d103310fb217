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

// Package max keeps the maximum of a value over a sliding time window, in
// O(1) amortised per record: the autoscaler's scale-down delay holds the
// largest recommendation of the last scale-down-delay.
package max

import (
	"math"
	"time"
)

// TimeWindow is a sliding-window maximum whose slots are derived from times.
type TimeWindow struct {
	window      *window
	granularity time.Duration
}

// NewTimeWindow returns a window of duration, one slot per granularity.
func NewTimeWindow(duration, granularity time.Duration) *TimeWindow {
	buckets := int(math.Ceil(float64(duration) / float64(granularity)))
	return &TimeWindow{window: newWindow(buckets), granularity: granularity}
}

// Record records value at time now.
func (t *TimeWindow) Record(now time.Time, value int32) {
	t.window.Record(int(now.Unix())/int(t.granularity.Seconds()), value)
}

// Current returns the maximum recorded during the last window.
func (t *TimeWindow) Current() int32 {
	return t.window.Current()
}

type entry struct {
	value int32
	index int
}

// window is the "ascending minima" algorithm turned upside down: a ring of
// (index, value) pairs with strictly descending values and ascending
// indices. The head is the current maximum; a new value evicts every smaller
// value before it (they can never be the maximum again), and the head falls
// off once it is a window old.
type window struct {
	maxima        []entry
	first, length int
}

func newWindow(size int) *window {
	return &window{maxima: make([]entry, size)}
}

// Record records v at index, which must not decrease between calls.
func (m *window) Record(index int, v int32) {
	// Evict smaller (or equal) values from the tail.
	for m.length > 0 && v >= m.maxima[m.at(m.length-1)].value {
		m.length--
	}
	// Drop entries that are a window old from the head.
	for m.length > 0 && index-m.maxima[m.first].index >= len(m.maxima) {
		m.length--
		m.first = (m.first + 1) % len(m.maxima)
	}
	// Two records at the same index keep the larger value.
	if m.length > 0 {
		if last := m.maxima[m.at(m.length-1)]; last.index == index {
			v = max(v, last.value)
			m.length--
		}
	}
	m.maxima[m.at(m.length)] = entry{index: index, value: v}
	m.length++
}

// Current returns the maximum.
func (m *window) Current() int32 {
	return m.maxima[m.first].value
}

func (m *window) at(i int) int {
	return (m.first + i) % len(m.maxima)
}
