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

package kncloudevents

import (
	"context"
	"net/http"
	"testing"
	"time"

	v1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

func ptrTo[T any](v T) *T { return &v }

func TestRetryConfigFromDeliveryOptions(t *testing.T) {
	const retry = 5
	tests := []struct {
		name          string
		policy        v1.BackoffPolicyType
		delay         string
		timeout       *string
		retryAfterMax *string
		wantBackoffs  []time.Duration // for retries 1..5
		wantTimeout   time.Duration
		wantMax       *time.Duration
		wantErr       bool
	}{{
		name:   "linear 2.5s",
		policy: v1.BackoffPolicyLinear,
		delay:  "PT2.5S",
		wantBackoffs: []time.Duration{2500 * time.Millisecond, 5 * time.Second, 7500 * time.Millisecond,
			10 * time.Second, 12500 * time.Millisecond},
	}, {
		name:         "exponential 1.5s",
		policy:       v1.BackoffPolicyExponential,
		delay:        "PT1.5S",
		wantBackoffs: []time.Duration{3 * time.Second, 6 * time.Second, 12 * time.Second, 24 * time.Second, 48 * time.Second},
	}, {
		name:         "exponential 0.5s with timeout",
		policy:       v1.BackoffPolicyExponential,
		delay:        "PT0.5S",
		timeout:      ptrTo("PT30S"),
		wantBackoffs: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second},
		wantTimeout:  30 * time.Second,
	}, {
		name:          "retryAfterMax",
		policy:        v1.BackoffPolicyLinear,
		delay:         "PT1S",
		retryAfterMax: ptrTo("PT1M"),
		wantBackoffs:  []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second},
		wantMax:       ptrTo(time.Minute),
	}, {
		name:    "invalid backoff delay",
		policy:  v1.BackoffPolicyLinear,
		delay:   "FOO",
		wantErr: true,
	}, {
		name:    "invalid timeout",
		policy:  v1.BackoffPolicyLinear,
		delay:   "PT1S",
		timeout: ptrTo("1s"),
		wantErr: true,
	}, {
		name:          "invalid retryAfterMax",
		policy:        v1.BackoffPolicyLinear,
		delay:         "PT1S",
		retryAfterMax: ptrTo("PP1"),
		wantErr:       true,
	}, {
		name:    "unknown policy",
		policy:  "quadratic",
		delay:   "PT1S",
		wantErr: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := RetryConfigFromDeliverySpec(v1.DeliverySpec{
				Retry:         ptrTo(int32(retry)),
				BackoffPolicy: &tc.policy,
				BackoffDelay:  &tc.delay,
				Timeout:       tc.timeout,
				RetryAfterMax: tc.retryAfterMax,
			})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if rc.RetryMax != retry {
				t.Errorf("RetryMax = %d, want %d", rc.RetryMax, retry)
			}
			for i, want := range tc.wantBackoffs {
				if got := rc.Backoff(i+1, nil); got != want {
					t.Errorf("Backoff(%d) = %v, want %v", i+1, got, want)
				}
			}
			if rc.RequestTimeout != tc.wantTimeout {
				t.Errorf("RequestTimeout = %v, want %v", rc.RequestTimeout, tc.wantTimeout)
			}
			switch {
			case tc.wantMax == nil && rc.RetryAfterMaxDuration != nil:
				t.Errorf("RetryAfterMaxDuration = %v, want nil", *rc.RetryAfterMaxDuration)
			case tc.wantMax != nil && (rc.RetryAfterMaxDuration == nil || *rc.RetryAfterMaxDuration != *tc.wantMax):
				t.Errorf("RetryAfterMaxDuration = %v, want %v", rc.RetryAfterMaxDuration, *tc.wantMax)
			}
		})
	}
}

func TestNoRetriesWithoutPolicy(t *testing.T) {
	rc, err := RetryConfigFromDeliverySpec(v1.DeliverySpec{Retry: ptrTo(int32(3))})
	if err != nil {
		t.Fatal(err)
	}
	if got := rc.Backoff(1, nil); got != 0 {
		t.Errorf("Backoff(1) = %v, want 0 when no policy is set", got)
	}
	if rc.RetryMax != 3 {
		t.Errorf("RetryMax = %d, want 3", rc.RetryMax)
	}
}

func TestSelectiveRetry(t *testing.T) {
	tests := []struct {
		code int
		err  error
		nilR bool
		want bool
	}{
		{nilR: true, want: true},
		{code: 200, err: context.DeadlineExceeded, want: true},
		{code: 100, want: false},
		{code: 200, want: false},
		{code: 202, want: false},
		{code: 302, want: false},
		{code: 400, want: false},
		{code: 401, want: false},
		{code: 404, want: true},
		{code: 408, want: true},
		{code: 409, want: true},
		{code: 413, want: false},
		{code: 429, want: true},
		{code: 500, want: true},
		{code: 503, want: true},
		{code: -1, want: true},
	}
	for _, tc := range tests {
		var resp *http.Response
		if !tc.nilR {
			resp = &http.Response{StatusCode: tc.code}
		}
		got, err := SelectiveRetry(context.Background(), resp, tc.err)
		if err != nil {
			t.Errorf("code %d: unexpected error %v", tc.code, err)
		}
		if got != tc.want {
			t.Errorf("SelectiveRetry(code=%d, err=%v, nil=%v) = %v, want %v", tc.code, tc.err, tc.nilR, got, tc.want)
		}
	}
}

func TestBackoffWithRetryAfter(t *testing.T) {
	const standard = 2 * time.Second
	resp := func(code int, retryAfter string) *http.Response {
		r := &http.Response{StatusCode: code, Header: http.Header{}}
		if retryAfter != "" {
			r.Header.Set("Retry-After", retryAfter)
		}
		return r
	}
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name string
		max  *time.Duration
		resp *http.Response
		want func(time.Duration) bool
	}{{
		name: "nil max ignores Retry-After",
		resp: resp(429, "30"),
		want: func(d time.Duration) bool { return d == standard },
	}, {
		name: "zero max ignores Retry-After",
		max:  ptrTo(time.Duration(0)),
		resp: resp(503, "30"),
		want: func(d time.Duration) bool { return d == standard },
	}, {
		name: "large max honours seconds",
		max:  ptrTo(90 * time.Second),
		resp: resp(429, "30"),
		want: func(d time.Duration) bool { return d == 30*time.Second },
	}, {
		name: "small max caps seconds",
		max:  ptrTo(10 * time.Second),
		resp: resp(503, "30"),
		want: func(d time.Duration) bool { return d == 10*time.Second },
	}, {
		name: "small max caps http-date",
		max:  ptrTo(10 * time.Second),
		resp: resp(429, future),
		want: func(d time.Duration) bool { return d == 10*time.Second },
	}, {
		name: "only 429 and 503 honour Retry-After",
		max:  ptrTo(90 * time.Second),
		resp: resp(500, "30"),
		want: func(d time.Duration) bool { return d == standard },
	}, {
		name: "invalid header falls back",
		max:  ptrTo(90 * time.Second),
		resp: resp(429, "soon"),
		want: func(d time.Duration) bool { return d == standard },
	}, {
		name: "shorter Retry-After loses to backoff",
		max:  ptrTo(90 * time.Second),
		resp: resp(429, "1"),
		want: func(d time.Duration) bool { return d == standard },
	}, {
		name: "nil response",
		max:  ptrTo(90 * time.Second),
		want: func(d time.Duration) bool { return d == standard },
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := RetryConfig{
				Backoff:               func(int, *http.Response) time.Duration { return standard },
				RetryAfterMaxDuration: tc.max,
			}
			if got := rc.backoffFor(1, tc.resp); !tc.want(got) {
				t.Errorf("backoffFor = %v", got)
			}
		})
	}
}

func TestPassThroughHeaders(t *testing.T) {
	in := http.Header{
		"X-Request-Id":     {"r1"},
		"Retry-After":      {"5"},
		"Knative-Foo":      {"a"},
		"X-B3-Traceid":     {"t"},
		"Ce-Id":            {"not forwarded"},
		"Content-Type":     {"text/plain"},
		"Authorization":    {"secret"},
		"X-Request-Idx":    {"near miss"},
		"Knative":          {"too short for the prefix"},
		"kNaTiVe-mixed":    {"b"},
		"Traceparent-Like": {"no"},
	}
	got := PassThroughHeaders(in)
	want := []string{"X-Request-Id", "Retry-After", "Knative-Foo", "X-B3-Traceid", "kNaTiVe-mixed"}
	if len(got) != len(want) {
		t.Errorf("PassThroughHeaders = %v, want exactly %v", got, want)
	}
	for _, k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s not forwarded", k)
		}
	}
}
