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

package gateway

import (
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// benchSetup starts a hello-world app and a gateway routing
// hello.ns.example.com to it; it returns the app's and the gateway's URLs.
func benchSetup(b *testing.B, opts Options) (direct, viaGateway string) {
	b.Helper()
	app := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "hello, world!\n")
	}), ReadHeaderTimeout: time.Minute}
	appLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Serve(appLn)
	b.Cleanup(func() { app.Close() })

	r := newFakeResolver()
	port := appLn.Addr().(*net.TCPAddr).Port
	r.services["ns/hello-00001"] = revisionService("ns", "hello-00001", false)
	r.endpoints["ns/hello-00001"] = &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "hello-00001"},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: "127.0.0.1"}},
			Ports:     []corev1.EndpointPort{{Name: "http", Port: int32(port)}},
		}},
	}
	g := New(r, opts)
	if err := g.Upsert(routeIngress("hello", splitTo("hello-00001", 100))); err != nil {
		b.Fatal(err)
	}
	gwLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	gw := NewServer(g.Handler(External))
	go gw.Serve(gwLn)
	b.Cleanup(func() { gw.Close() })
	return "http://" + appLn.Addr().String() + "/", "http://" + gwLn.Addr().String() + "/"
}

func doGet(b *testing.B, client *http.Client, url string) time.Duration {
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Host = "hello.ns.example.com"
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d from %s", resp.StatusCode, url)
	}
	return time.Since(start)
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

// BenchmarkGatewayAddedLatency sends sequential requests over loopback
// keep-alive connections, alternating between the app directly and the
// app through the gateway, and reports p50/p99 of both, the added latency
// and the ratio gateway/direct.
func BenchmarkGatewayAddedLatency(b *testing.B) {
	forTransports(b, benchAddedLatency)
}

// forTransports runs a benchmark with the gateway's fast path and with
// net/http's Transport only.
func forTransports(b *testing.B, f func(*testing.B, Options)) {
	b.Run("transport=fast", func(b *testing.B) { f(b, Options{}) })
	b.Run("transport=net-http", func(b *testing.B) { f(b, Options{DisableFastPath: true}) })
}

func benchAddedLatency(b *testing.B, opts Options) {
	direct, via := benchSetup(b, opts)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 10}}
	targets := []string{direct, via}
	for _, u := range targets { // warm up connections
		for range 200 {
			doGet(b, client, u)
		}
	}
	lat := [2][]time.Duration{make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		first := i % 2 // alternate the order so neither side is favoured
		lat[first] = append(lat[first], doGet(b, client, targets[first]))
		lat[1-first] = append(lat[1-first], doGet(b, client, targets[1-first]))
	}
	b.StopTimer()
	for i := range lat {
		slices.Sort(lat[i])
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
	for _, p := range []int{50, 99} {
		d, g := pct(lat[0], p), pct(lat[1], p)
		name := map[int]string{50: "p50", 99: "p99"}[p]
		b.ReportMetric(us(d), "direct-"+name+"-µs")
		b.ReportMetric(us(g), "gateway-"+name+"-µs")
		b.ReportMetric(us(g-d), "added-"+name+"-µs")
		b.ReportMetric(float64(g)/float64(d), name+"-ratio")
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGatewayThroughput sends b.N requests with 32 concurrent clients,
// first to the app directly, then through the gateway, and reports both
// rates and the CPU the gateway adds per request (process CPU through the
// gateway minus direct: client and app cost the same in both), hence the
// gateway's requests per second per core.
func BenchmarkGatewayThroughput(b *testing.B) {
	forTransports(b, benchThroughput)
}

func benchThroughput(b *testing.B, opts Options) {
	direct, via := benchSetup(b, opts)
	const concurrency = 32
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	run := func(url string, n int) (wall, cpu time.Duration) {
		var wg sync.WaitGroup
		work := make(chan struct{}, n)
		for range n {
			work <- struct{}{}
		}
		close(work)
		start, startCPU := time.Now(), cpuTime()
		for range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range work {
					doGet(b, client, url)
				}
			}()
		}
		wg.Wait()
		return time.Since(start), cpuTime() - startCPU
	}
	run(direct, 1000) // warm up
	run(via, 1000)
	b.ResetTimer()
	dWall, dCPU := run(direct, b.N)
	gWall, gCPU := run(via, b.N)
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(n/dWall.Seconds(), "direct-req/s")
	b.ReportMetric(n/gWall.Seconds(), "gateway-req/s")
	b.ReportMetric(float64(dCPU.Microseconds())/n, "direct-cpu-µs/req")
	b.ReportMetric(float64(gCPU.Microseconds())/n, "via-gateway-cpu-µs/req")
	if added := (gCPU - dCPU).Seconds() / n; added > 0 {
		b.ReportMetric(added*1e6, "gateway-cpu-µs/req")
		b.ReportMetric(1/added, "gateway-req/s/core")
	}
	b.ReportMetric(gWall.Seconds()/dWall.Seconds(), "wall-ratio")
}
