/*
Copyright 2025 The Skiff Authors

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

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"strings"
	"sync"
	"time"
)

// gateway sends requests for one Knative host to the Skiff gateway published on
// 127.0.0.1, as `curl -H 'Host: ...' http://127.0.0.1:<port>` does.
type gateway struct {
	url, host string
	client    *http.Client
}

func newGateway(url, host string, conns int) *gateway {
	return &gateway{url: url, host: host, client: &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: 30 * time.Second},
	}}
}

// result is one request's outcome.
type result struct {
	status    int
	body      string
	err       error
	firstByte time.Duration // request start → first response byte
}

func (g *gateway) get(ctx context.Context) result {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.url, nil)
	if err != nil {
		return result{err: err}
	}
	req.Host = g.host
	var first time.Time
	begin := time.Now()
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotFirstResponseByte: func() { first = time.Now() },
	}))
	resp, err := g.client.Do(req)
	if err != nil {
		return result{err: err}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return result{status: resp.StatusCode, body: string(body), err: err, firstByte: first.Sub(begin)}
}

// loadStats summarizes a load run.
type loadStats struct {
	total    int
	statuses map[int]int
	bodies   map[string]int
	errors   map[string]int
	took     time.Duration
}

// failed counts requests that were not answered 2xx.
func (s loadStats) failed() int {
	n := 0
	for code, c := range s.statuses {
		if code < 200 || code > 299 {
			n += c
		}
	}
	for _, c := range s.errors {
		n += c
	}
	return n
}

func (s loadStats) String() string {
	var codes []string
	for code, c := range s.statuses {
		codes = append(codes, fmt.Sprintf("%d×%d", c, code))
	}
	sort.Strings(codes)
	var errs []string
	for e, c := range s.errors {
		errs = append(errs, fmt.Sprintf("%d×%q", c, e))
	}
	sort.Strings(errs)
	return fmt.Sprintf("%d requests in %.1fs (%.0f/s): status %s; errors %v", s.total, s.took.Seconds(),
		float64(s.total)/s.took.Seconds(), strings.Join(codes, " "), errs)
}

// load sends requests from concurrency workers until ctx ends (each worker finishes its
// request in flight) and summarizes them; sample, if set, sees every result.
func (g *gateway) load(ctx context.Context, concurrency int, sample func(result)) loadStats {
	st := loadStats{statuses: map[int]int{}, bodies: map[string]int{}, errors: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	begin := time.Now()
	for i := 0; i < concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				// The request itself is not cancelled with ctx: one cut short would count
				// as a failure the platform did not cause.
				r := g.get(context.Background())
				mu.Lock()
				st.total++
				if r.err != nil {
					st.errors[r.err.Error()]++
				} else {
					st.statuses[r.status]++
					st.bodies[strings.TrimSpace(r.body)]++
				}
				mu.Unlock()
				if sample != nil {
					sample(r)
				}
			}
		}()
	}
	wg.Wait()
	st.took = time.Since(begin)
	return st
}
