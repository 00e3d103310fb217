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
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/skiffhq/skiff/pkg/apis/duck/period"
	v1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

// CheckRetry decides, after each attempt, whether to try again. resp is nil
// when the request failed without a response (err is set then).
type CheckRetry func(ctx context.Context, resp *http.Response, err error) (bool, error)

// Backoff says how long to wait before retry number attemptNum (1-based).
type Backoff func(attemptNum int, resp *http.Response) time.Duration

// RetryConfig is the delivery policy for one destination: how many retries,
// how long to wait between them, and how long one attempt may take. It is the
// only retry policy in Skiff: the channel dispatcher, the broker ingress and
// the broker filter all send through Dispatcher with one of these.
type RetryConfig struct {
	// RetryMax is the maximum number of retries after the first attempt.
	RetryMax int
	// BackoffDelay and BackoffPolicy are copied from the DeliverySpec so a
	// changed spec can be detected (functions cannot be compared).
	BackoffDelay  *string
	BackoffPolicy *v1.BackoffPolicyType

	CheckRetry CheckRetry
	Backoff    Backoff

	// RequestTimeout bounds a single attempt; zero means no per-attempt bound.
	RequestTimeout time.Duration

	// RetryAfterMaxDuration caps "Retry-After" on 429 and 503 responses. nil
	// ignores Retry-After (upstream's opt-in behaviour while the
	// delivery-retryafter feature is not GA); zero ignores it too.
	RetryAfterMaxDuration *time.Duration
}

var noRetries = RetryConfig{
	RetryMax: 0,
	CheckRetry: func(context.Context, *http.Response, error) (bool, error) {
		return false, nil
	},
	Backoff: func(int, *http.Response) time.Duration { return 0 },
}

// NoRetries returns a RetryConfig that makes exactly one attempt.
func NoRetries() RetryConfig {
	return noRetries
}

// RetryConfigFromDeliverySpec builds the RetryConfig for a delivery spec.
// Retries use SelectiveRetry; backoff is linear (delay*n) or exponential
// (delay*2^n) for retry n=1,2,..., as upstream. The dead-letter sink and
// format are not part of it: pass them with WithDeadLetterSink and
// WithEventFormat.
func RetryConfigFromDeliverySpec(spec v1.DeliverySpec) (RetryConfig, error) {
	retryConfig := NoRetries()
	retryConfig.CheckRetry = SelectiveRetry

	if spec.Retry != nil {
		retryConfig.RetryMax = int(*spec.Retry)
	}
	retryConfig.BackoffPolicy = spec.BackoffPolicy
	retryConfig.BackoffDelay = spec.BackoffDelay

	if spec.BackoffPolicy != nil && spec.BackoffDelay != nil {
		delay, err := parseISO8601(*spec.BackoffDelay)
		if err != nil {
			return retryConfig, fmt.Errorf("failed to parse Spec.BackoffDelay: %w", err)
		}
		switch *spec.BackoffPolicy {
		case v1.BackoffPolicyExponential:
			retryConfig.Backoff = func(attemptNum int, _ *http.Response) time.Duration {
				return delay * time.Duration(math.Exp2(float64(attemptNum)))
			}
		case v1.BackoffPolicyLinear:
			retryConfig.Backoff = func(attemptNum int, _ *http.Response) time.Duration {
				return delay * time.Duration(attemptNum)
			}
		default:
			return retryConfig, fmt.Errorf("unknown Spec.BackoffPolicy %q", *spec.BackoffPolicy)
		}
	}

	if spec.Timeout != nil {
		timeout, err := parseISO8601(*spec.Timeout)
		if err != nil {
			return retryConfig, fmt.Errorf("failed to parse Spec.Timeout: %w", err)
		}
		retryConfig.RequestTimeout = timeout
	}

	if spec.RetryAfterMax != nil {
		maxDuration, err := parseISO8601(*spec.RetryAfterMax)
		if err != nil {
			return retryConfig, fmt.Errorf("failed to parse Spec.RetryAfterMax: %w", err)
		}
		retryConfig.RetryAfterMaxDuration = &maxDuration
	}
	return retryConfig, nil
}

func parseISO8601(s string) (time.Duration, error) {
	p, err := period.Parse(s)
	if err != nil {
		return 0, err
	}
	if p.IsNegative() {
		return 0, fmt.Errorf("period %q is negative", s)
	}
	return p.DurationApprox(), nil
}

// SelectiveRetry retries nil responses, transport errors, 5xx, 404 (a pod
// becoming ready), 408, 409 and 429, exactly as upstream; 1xx-4xx otherwise
// are final.
func SelectiveRetry(_ context.Context, response *http.Response, err error) (bool, error) {
	if response == nil || err != nil {
		return true, nil
	}
	statusCode := response.StatusCode
	switch {
	case statusCode >= 500, statusCode == http.StatusNotFound, statusCode == http.StatusTooManyRequests,
		statusCode == http.StatusRequestTimeout, statusCode == http.StatusConflict:
		return true, nil
	case statusCode == -1:
		return true, nil
	}
	return false, nil
}

// backoffFor returns the wait before retry attemptNum, the larger of the
// policy's backoff and a capped Retry-After on 429/503.
func (c *RetryConfig) backoffFor(attemptNum int, resp *http.Response) time.Duration {
	var retryAfter time.Duration
	if c.RetryAfterMaxDuration != nil && resp != nil &&
		(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		retryAfter = parseRetryAfterDuration(resp)
		if *c.RetryAfterMaxDuration < retryAfter {
			retryAfter = *c.RetryAfterMaxDuration
		}
	}
	var backoff time.Duration
	if c.Backoff != nil {
		backoff = c.Backoff(attemptNum, resp)
	}
	if retryAfter > backoff {
		return retryAfter
	}
	return backoff
}

// parseRetryAfterDuration reads a Retry-After header as delay-seconds or an
// HTTP-date (RFC 7231 §7.1.3); 0 when absent or invalid.
func parseRetryAfterDuration(resp *http.Response) time.Duration {
	if resp == nil || resp.Header == nil {
		return 0
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
