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

package sharedmain

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	netstats "knative.dev/networking/pkg/http/stats"
	pkgnet "knative.dev/pkg/network"
)

// BenchmarkHandlerChain measures queue-proxy's own work per request: the
// full serving-port chain (drainer, timeouts, forwarded shim, stats,
// breaker, reverse proxy) with the user container replaced by a canned
// response, so no network time is included. allocs/op is the number to
// watch.
func BenchmarkHandlerChain(b *testing.B) {
	for _, cc := range []int{0, 10} {
		b.Run("containerConcurrency="+strconv.Itoa(cc), func(b *testing.B) {
			env := testEnv("8080")
			env.ContainerConcurrency = cc
			respBody := "hello, world!\n"
			transport := pkgnet.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{
					StatusCode:    http.StatusOK,
					ProtoMajor:    1,
					ProtoMinor:    1,
					Header:        http.Header{"Content-Type": {"text/plain"}},
					Body:          io.NopCloser(strings.NewReader(respBody)),
					ContentLength: int64(len(respBody)),
					Request:       r,
				}, nil
			})
			h, _ := mainHandler(context.Background(), env, transport, func() bool { return true },
				netstats.NewRequestStats(time.Now()), zap.NewNop().Sugar())
			req := httptest.NewRequest(http.MethodGet, "http://hello.default.example.com/", nil)
			req.Header.Set("X-Forwarded-For", "10.0.0.1")
			req.RemoteAddr = "10.0.0.2:12345"
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w := &benchWriter{h: make(http.Header, 2)}
				h.ServeHTTP(w, req)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}

type benchWriter struct {
	h    http.Header
	code int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *benchWriter) WriteHeader(code int) { w.code = code }
func (w *benchWriter) Flush()               {}

// BenchmarkAddedLatency sends sequential requests over loopback keep-alive
// connections, alternating between the app directly and the app through an
// in-process queue-proxy, and reports p50/p99 of both and the difference.
// hack/bench/queue runs the real binary at a fixed request rate.
func BenchmarkAddedLatency(b *testing.B) {
	app := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "hello, world!\n")
	}), ReadHeaderTimeout: time.Minute}
	appLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Serve(appLn)
	defer app.Close()
	_, appPort, _ := net.SplitHostPort(appLn.Addr().String())

	env := testEnv(appPort)
	env.ContainerConcurrency = 10
	var lns listeners
	for _, ln := range []*net.Listener{&lns.main, &lns.admin, &lns.metrics} {
		if *ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	qp := newQueueProxy(ctx, env, buildTransport(env), zap.NewNop().Sugar())
	done := make(chan error)
	go func() { done <- qp.run(ctx, lns) }()
	defer func() { cancel(); <-done }()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 10}}
	targets := []string{"http://" + appLn.Addr().String() + "/", "http://" + lns.main.Addr().String() + "/"}
	do := func(url string) time.Duration {
		start := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start)
	}
	for _, u := range targets { // warm up connections
		for range 100 {
			do(u)
		}
	}
	lat := [2][]time.Duration{make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		first := i % 2 // alternate the order so neither side is favoured
		lat[first] = append(lat[first], do(targets[first]))
		lat[1-first] = append(lat[1-first], do(targets[1-first]))
	}
	b.StopTimer()
	for i, name := range []string{"direct", "queue"} {
		sort.Slice(lat[i], func(a, c int) bool { return lat[i][a] < lat[i][c] })
		b.ReportMetric(float64(pct(lat[i], 50).Microseconds()), name+"-p50-µs")
		b.ReportMetric(float64(pct(lat[i], 99).Microseconds()), name+"-p99-µs")
	}
	b.ReportMetric(float64((pct(lat[1], 50) - pct(lat[0], 50)).Microseconds()), "added-p50-µs")
	b.ReportMetric(float64((pct(lat[1], 99) - pct(lat[0], 99)).Microseconds()), "added-p99-µs")
	b.ReportMetric(float64(pct(lat[1], 50))/float64(pct(lat[0], 50)), "p50-ratio")
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}
