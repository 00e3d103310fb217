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

package max

import (
	"testing"
	"time"
)

func TestTimeWindow(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	type rec struct {
		at    time.Duration
		value int32
		want  int32
	}
	tests := []struct {
		name string
		recs []rec
	}{{
		name: "the maximum holds for the window",
		recs: []rec{{0, 5, 5}, {2 * time.Second, 1, 5}, {8 * time.Second, 2, 5}, {10 * time.Second, 0, 2}},
	}, {
		name: "a larger value replaces the maximum at once",
		recs: []rec{{0, 1, 1}, {2 * time.Second, 7, 7}, {4 * time.Second, 3, 7}},
	}, {
		name: "descending values expire one by one",
		recs: []rec{{0, 9, 9}, {2 * time.Second, 8, 9}, {4 * time.Second, 7, 9}, {10 * time.Second, 0, 8}, {12 * time.Second, 0, 7}, {14 * time.Second, 0, 0}},
	}, {
		name: "two records in one slot keep the larger",
		recs: []rec{{0, 4, 4}, {time.Second, 2, 4}, {10 * time.Second, 1, 1}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewTimeWindow(10*time.Second, 2*time.Second)
			for i, r := range tc.recs {
				w.Record(t0.Add(r.at), r.value)
				if got := w.Current(); got != r.want {
					t.Errorf("record %d (t+%v, %d): Current = %d, want %d", i, r.at, r.value, got, r.want)
				}
			}
		})
	}
}
