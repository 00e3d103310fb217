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

// Package period parses ISO-8601 durations ("PT0.2S", "P1DT2H", "-PT5M") as
// used by DeliverySpec's backoffDelay, timeout and retryAfterMax.
//
// Upstream Knative uses github.com/rickb777/date/period, which is not vendored
// in Skiff; this package mirrors the part of its API that eventing uses
// (Parse, IsZero, IsNegative, DurationApprox) so callers read the same.
package period

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Approximate calendar lengths, the same figures rickb777/date uses, so a
// "P1M" backoff means the same number of nanoseconds here as upstream.
const (
	day   = 24 * time.Hour
	year  = time.Duration(365.2425 * float64(day))
	month = time.Duration(30.436875 * float64(day))
	week  = 7 * day
)

// Period is a parsed ISO-8601 duration. The zero value is a zero period.
type Period struct {
	negative bool
	// fields in designator order: Y, M, W, D, H, M, S.
	years, months, weeks, days, hours, minutes, seconds float64
	text                                                string
}

// designator describes one ISO-8601 component.
type designator struct {
	letter   byte
	timePart bool
	set      func(p *Period, v float64)
}

var designators = []designator{
	{'Y', false, func(p *Period, v float64) { p.years = v }},
	{'M', false, func(p *Period, v float64) { p.months = v }},
	{'W', false, func(p *Period, v float64) { p.weeks = v }},
	{'D', false, func(p *Period, v float64) { p.days = v }},
	{'H', true, func(p *Period, v float64) { p.hours = v }},
	{'M', true, func(p *Period, v float64) { p.minutes = v }},
	{'S', true, func(p *Period, v float64) { p.seconds = v }},
}

// Parse parses an ISO-8601 duration of the form
// [+-]P[n]Y[n]M[n]W[n]D[T[n]H[n]M[n]S]. Components must appear in that order,
// at most once each; only the last component may carry a fraction (with '.'
// or ','), as ISO-8601 requires.
func Parse(s string) (Period, error) {
	p := Period{text: s}
	rest := s
	if rest == "" {
		return Period{}, fmt.Errorf("cannot parse a blank string as a period")
	}
	switch rest[0] {
	case '-':
		p.negative = true
		rest = rest[1:]
	case '+':
		rest = rest[1:]
	}
	if rest == "" || rest[0] != 'P' {
		return Period{}, fmt.Errorf("period %q: expected 'P' period mark at the start", s)
	}
	rest = rest[1:]
	if rest == "" {
		return Period{}, fmt.Errorf("period %q: expected at least one component after 'P'", s)
	}

	next := 0 // index into designators of the earliest allowed next component
	inTime := false
	components := 0
	sawFraction := false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return Period{}, fmt.Errorf("period %q: 'T' appears more than once", s)
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return Period{}, fmt.Errorf("period %q: expected a component after 'T'", s)
			}
			for next < len(designators) && !designators[next].timePart {
				next++
			}
			continue
		}
		if sawFraction {
			return Period{}, fmt.Errorf("period %q: only the last component may have a fraction", s)
		}
		n := 0
		for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == '.' || rest[n] == ',') {
			n++
		}
		if n == 0 {
			return Period{}, fmt.Errorf("period %q: expected a number at %q", s, rest)
		}
		if n == len(rest) {
			return Period{}, fmt.Errorf("period %q: number %q has no designator", s, rest)
		}
		num := strings.Replace(rest[:n], ",", ".", 1)
		if strings.HasPrefix(num, ".") || strings.HasSuffix(num, ".") || strings.Count(num, ".") > 1 {
			return Period{}, fmt.Errorf("period %q: malformed number %q", s, rest[:n])
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return Period{}, fmt.Errorf("period %q: malformed number %q: %w", s, rest[:n], err)
		}
		sawFraction = strings.Contains(num, ".")
		letter := rest[n]
		rest = rest[n+1:]

		found := false
		for i := next; i < len(designators); i++ {
			d := designators[i]
			if d.timePart != inTime {
				continue
			}
			if d.letter == letter {
				d.set(&p, v)
				next = i + 1
				found = true
				break
			}
		}
		if !found {
			return Period{}, fmt.Errorf("period %q: unexpected or out-of-order designator %q", s, string(letter))
		}
		components++
	}
	if components == 0 {
		return Period{}, fmt.Errorf("period %q: expected at least one component", s)
	}
	return p, nil
}

// MustParse is Parse that panics on error; for tests and constants.
func MustParse(s string) Period {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// IsZero reports whether every component is zero (the sign is ignored).
func (p Period) IsZero() bool {
	return p.years == 0 && p.months == 0 && p.weeks == 0 && p.days == 0 &&
		p.hours == 0 && p.minutes == 0 && p.seconds == 0
}

// IsNegative reports whether the period is below zero.
func (p Period) IsNegative() bool {
	return p.negative && !p.IsZero()
}

// DurationApprox converts the period to a time.Duration, using average
// lengths for years and months. Values beyond the range of time.Duration are
// clamped to its limits.
func (p Period) DurationApprox() time.Duration {
	total := p.years*float64(year) + p.months*float64(month) + p.weeks*float64(week) +
		p.days*float64(day) + p.hours*float64(time.Hour) + p.minutes*float64(time.Minute) +
		p.seconds*float64(time.Second)
	if p.negative {
		total = -total
	}
	switch {
	case total >= math.MaxInt64:
		return time.Duration(math.MaxInt64)
	case total <= math.MinInt64:
		return time.Duration(math.MinInt64)
	}
	return time.Duration(math.Round(total))
}

// String returns the text the period was parsed from.
func (p Period) String() string {
	if p.text == "" {
		return "P0D"
	}
	return p.text
}
