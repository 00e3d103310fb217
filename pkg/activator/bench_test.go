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

package activator_test

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/skiffhq/skiff/pkg/activator/activatortest"
)

// Benchmarks of the activator's request path on loopback, each against a
// baseline measured in the same run. hack/bench/activator prints the same
// at a fixed rate, with percentiles.

type benchPaths struct {
	p                             *activatortest.Platform
	pod                           *activatortest.Pod
	client                        *http.Client
	direct, queueProxy, activator activatortest.Target
}

func newBenchPaths(b *testing.B) *benchPaths {
	b.Helper()
	p, err := activatortest.Start(activatortest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	if err := p.AddRevision(ns, "bench-00001", activatortest.RevisionOptions{}); err != nil {
		b.Fatal(err)
	}
	pod, err := activatortest.StartPod(activatortest.PodOptions{App: activatortest.HelloApp})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pod.Close)
	if err := p.SetEndpoints(ns, "bench-00001", []*activatortest.Pod{pod}, nil); err != nil {
		b.Fatal(err)
	}
	get := func(url string) func() *http.Request {
		return func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, url, nil)
			return r
		}
	}
	return &benchPaths{
		p: p, pod: pod, client: activatortest.NewClient(),
		direct:     activatortest.Target{Name: "direct", New: get("http://" + pod.AppAddr + "/")},
		queueProxy: activatortest.Target{Name: "queue-proxy", New: get("http://" + pod.Addr + "/")},
		activator: activatortest.Target{Name: "activator", New: func() *http.Request {
			return p.Request(http.MethodGet, ns, "bench-00001", "/")
		}},
	}
}

func (bp *benchPaths) do(b *testing.B, t activatortest.Target) time.Duration {
	start := time.Now()
	resp, err := bp.client.Do(t.New())
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: status %d", t.Name, resp.StatusCode)
	}
	return time.Since(start)
}

// BenchmarkRequestPath sends sequential requests over each path; allocs/op
// count the whole process (client, proxies, app).
func BenchmarkRequestPath(b *testing.B) {
	bp := newBenchPaths(b)
	for _, t := range []activatortest.Target{bp.direct, bp.queueProxy, bp.activator} {
		b.Run(t.Name, func(b *testing.B) {
			for range 100 {
				bp.do(b, t) // warm up
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				bp.do(b, t)
			}
		})
	}
}

// BenchmarkAddedLatency alternates a direct request and one through the
// activator and queue-proxy, and reports both medians, the difference and
// the ratio.
func BenchmarkAddedLatency(b *testing.B) {
	bp := newBenchPaths(b)
	for range 100 {
		bp.do(b, bp.direct)
		bp.do(b, bp.activator)
	}
	direct := make([]time.Duration, 0, b.N)
	act := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		direct = append(direct, bp.do(b, bp.direct))
		act = append(act, bp.do(b, bp.activator))
	}
	b.StopTimer()
	d50, d99 := pct(direct, 0.5), pct(direct, 0.99)
	a50, a99 := pct(act, 0.5), pct(act, 0.99)
	b.ReportMetric(float64(d50.Microseconds()), "direct-p50-µs")
	b.ReportMetric(float64(a50.Microseconds()), "activator-p50-µs")
	b.ReportMetric(float64((a50 - d50).Microseconds()), "added-p50-µs")
	b.ReportMetric(float64((a99 - d99).Microseconds()), "added-p99-µs")
	b.ReportMetric(float64(a50)/float64(d50), "p50-ratio")
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// BenchmarkColdStart measures the time from the first request at zero to
// its first byte, minus the pod's start-up (address published after 50 ms,
// queue-proxy 20 ms later, a Go app 10 to 100 ms after that), with Skiff's
// probing and upstream's 200 ms period, alternating.
func BenchmarkColdStart(b *testing.B) {
	o := activatortest.ColdStartOptions{EndpointDelay: 50 * time.Millisecond, QueueProxyStartDelay: 20 * time.Millisecond, AppStartDelay: 10 * time.Millisecond}
	skiff, err := activatortest.Start(activatortest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer skiff.Close()
	upstream, err := activatortest.Start(activatortest.Options{
		ProbeTiming: &[3]time.Duration{300 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer upstream.Close()
	client := activatortest.NewClient()
	var s, u []time.Duration
	for i := range b.N {
		oi := o
		oi.AppStartDelay += time.Duration(i%10) * 10 * time.Millisecond
		d, err := activatortest.ColdStart(skiff, client, fmt.Sprintf("c%d-00001", i), oi)
		if err != nil {
			b.Fatal(err)
		}
		s = append(s, d)
		if d, err = activatortest.ColdStart(upstream, client, fmt.Sprintf("c%d-00001", i), oi); err != nil {
			b.Fatal(err)
		}
		u = append(u, d)
	}
	b.ReportMetric(float64(pct(s, 0.5).Microseconds())/1000, "skiff-overhead-p50-ms")
	b.ReportMetric(float64(pct(u, 0.5).Microseconds())/1000, "upstream-like-overhead-p50-ms")
	b.ReportMetric(float64(pct(s, 0.9).Microseconds())/1000, "skiff-overhead-p90-ms")
	b.ReportMetric(float64(pct(u, 0.9).Microseconds())/1000, "upstream-like-overhead-p90-ms")
}

// BenchmarkHeldRequests holds 2000 requests at a revision without pods and
// reports the memory per held request (client side included; see
// hack/bench/activator for the activator's side alone), against a bare
// net/http server holding as many. It measures once, whatever b.N: each
// run holds thousands of connections.
func BenchmarkHeldRequests(b *testing.B) {
	const n = 2000
	for range min(b.N, 1) {
		base, err := activatortest.HoldRequests(nil, "none", n)
		if err != nil {
			b.Fatal(err)
		}
		p, err := activatortest.Start(activatortest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		act, err := activatortest.HoldRequests(p, "held-00001", n)
		p.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(act.HeapPerReq+act.StackPerReq, "activator-B/held")
		b.ReportMetric(base.HeapPerReq+base.StackPerReq, "baseline-B/held")
	}
}
