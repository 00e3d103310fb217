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

package period

import (
	"math"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		want     time.Duration
		zero     bool
		negative bool
	}{
		{in: "PT0.2S", want: 200 * time.Millisecond},
		{in: "PT0,5S", want: 500 * time.Millisecond},
		{in: "PT1S", want: time.Second},
		{in: "PT1M", want: time.Minute},
		{in: "P1M", want: time.Duration(30.436875 * 24 * float64(time.Hour))},
		{in: "PT1H30M", want: 90 * time.Minute},
		{in: "PT1.5M", want: 90 * time.Second},
		{in: "P1DT2H3M4S", want: 26*time.Hour + 3*time.Minute + 4*time.Second},
		{in: "P2W", want: 14 * 24 * time.Hour},
		{in: "P1Y", want: time.Duration(365.2425 * 24 * float64(time.Hour))},
		{in: "PT0S", want: 0, zero: true},
		{in: "P0D", want: 0, zero: true},
		{in: "-PT0S", want: 0, zero: true},
		{in: "-PT5S", want: -5 * time.Second, negative: true},
		{in: "+PT5S", want: 5 * time.Second},
		{in: "P1000000Y", want: time.Duration(math.MaxInt64)},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tc.in, err)
			}
			if got := p.DurationApprox(); got != tc.want {
				t.Errorf("DurationApprox() = %v, want %v", got, tc.want)
			}
			if got := p.IsZero(); got != tc.zero {
				t.Errorf("IsZero() = %v, want %v", got, tc.zero)
			}
			if got := p.IsNegative(); got != tc.negative {
				t.Errorf("IsNegative() = %v, want %v", got, tc.negative)
			}
			if got := p.String(); got != tc.in {
				t.Errorf("String() = %q, want %q", got, tc.in)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"5s",
		"3s",
		"P",
		"PT",
		"P1DT",
		"-",
		"P1",
		"PT1",
		"PT1H1H",
		"PT1S1M",   // out of order
		"P1D1Y",    // out of order
		"P1H",      // hour designator outside the time part
		"PT1D",     // day designator inside the time part
		"PT1.5M1S", // fraction not on the last component
		"PT.5S",
		"PT5.S",
		"PT1..5S",
		"PT-1S",
		"P1DTT1H",
		"pt1s",
		"PT1X",
	} {
		t.Run(in, func(t *testing.T) {
			if p, err := Parse(in); err == nil {
				t.Errorf("Parse(%q) = %v, want error", in, p.DurationApprox())
			}
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(bad) did not panic")
		}
	}()
	MustParse("bad")
}

func TestZeroValue(t *testing.T) {
	var p Period
	if !p.IsZero() || p.IsNegative() || p.DurationApprox() != 0 || p.String() != "P0D" {
		t.Errorf("zero Period misbehaves: zero=%v neg=%v d=%v s=%q", p.IsZero(), p.IsNegative(), p.DurationApprox(), p.String())
	}
}
