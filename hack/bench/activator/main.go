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

// Command activator benchmarks the activator's request path on loopback,
// in one process, against baselines measured in the same run:
//
//   - added latency (p50/p90/p99) of queue-proxy, and of activator +
//     queue-proxy, over a direct request to the app, at a fixed rate;
//   - heap allocations per request of each path;
//   - cold start: time from the first request at zero to its first byte,
//     minus the time the pod takes to appear and start, with Skiff's
//     probing and with upstream's (200 ms period, 300 ms timeout);
//   - memory per request held while a revision has no pods, against a bare
//     net/http server holding requests, and the bound: past the queue
//     limit requests are refused at once and memory stops growing.
//
// Upstream's activator cannot run here; its published figures are quoted
// beside ours.
//
//	go run ./hack/bench/activator -rate 1000 -duration 10s
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/skiffhq/skiff/pkg/activator/activatortest"
)

func main() {
	rate := flag.Int("rate", 1000, "requests per second in the latency test (spread over the three paths)")
	duration := flag.Duration("duration", 10*time.Second, "length of the latency test")
	allocReqs := flag.Int("alloc-requests", 2000, "requests per path in the allocation test")
	coldStarts := flag.Int("cold-starts", 20, "cold starts per probing mode")
	endpointDelay := flag.Duration("endpoint-delay", 100*time.Millisecond, "cold start: time until the pod's address is published")
	qpDelay := flag.Duration("qp-delay", 30*time.Millisecond, "cold start: time from the address to queue-proxy listening")
	appDelay := flag.Duration("app-delay", 20*time.Millisecond, "cold start: time from queue-proxy to the app listening")
	appJitter := flag.Duration("app-jitter", 100*time.Millisecond, "cold start: the app delay is spread evenly over [app-delay, app-delay+app-jitter) across the runs")
	held := flag.Int("held", 5000, "requests held at zero in the memory test")
	only := flag.String("only", "", "run only this part: latency, coldstart or memory")
	verbose := flag.Bool("v", false, "print every cold start")
	sendTo := flag.String("send-to", "", "internal: act as the client process of the memory test, sending to this URL")
	sendRev := flag.String("send-rev", "", "internal: the revision the client process sends to")
	flag.Parse()

	if *sendTo != "" {
		clientProcess(*sendTo, *sendRev, *held)
		return
	}

	if *only == "" || *only == "latency" {
		latency(*rate, *duration, *allocReqs)
	}
	if *only == "" || *only == "coldstart" {
		coldStart(*coldStarts, activatortest.ColdStartOptions{
			EndpointDelay: *endpointDelay, QueueProxyStartDelay: *qpDelay, AppStartDelay: *appDelay,
		}, *appJitter, *verbose)
	}
	if *only == "" || *only == "memory" {
		memory(*held)
	}
}

func platform(o activatortest.Options) *activatortest.Platform {
	p, err := activatortest.Start(o)
	if err != nil {
		log.Fatal(err)
	}
	return p
}

func latency(rate int, d time.Duration, allocReqs int) {
	p := platform(activatortest.Options{})
	defer p.Close()
	if err := p.AddRevision("default", "hello-00001", activatortest.RevisionOptions{ContainerConcurrency: 0}); err != nil {
		log.Fatal(err)
	}
	pod, err := activatortest.StartPod(activatortest.PodOptions{App: activatortest.HelloApp})
	if err != nil {
		log.Fatal(err)
	}
	defer pod.Close()
	if err := p.SetEndpoints("default", "hello-00001", []*activatortest.Pod{pod}, nil); err != nil {
		log.Fatal(err)
	}
	get := func(url string) func() *http.Request {
		return func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, url, nil)
			r.Host = "hello.default.example.com"
			return r
		}
	}
	targets := []activatortest.Target{
		{Name: "direct (app)", New: get("http://" + pod.AppAddr + "/")},
		{Name: "queue-proxy → app", New: get("http://" + pod.Addr + "/")},
		{Name: "activator → queue-proxy → app", New: func() *http.Request {
			return p.Request(http.MethodGet, "default", "hello-00001", "/")
		}},
	}
	client := activatortest.NewClient()
	// Warm up every path (connections, caches, the throttler's pod).
	activatortest.FixedRate(client, targets, 300, time.Second)
	res := activatortest.FixedRate(client, targets, rate, d)

	fmt.Printf("== Latency at %d req/s for %v (paths interleaved) ==\n", rate, d)
	fmt.Printf("%-32s %8s %10s %10s %10s %7s\n", "path", "n", "p50", "p90", "p99", "errors")
	for i, t := range targets {
		r := res[i]
		fmt.Printf("%-32s %8d %10v %10v %10v %7d\n", t.Name, r.N, r.P50, r.P90, r.P99, r.Errors)
	}
	direct, qp, act := res[0], res[1], res[2]
	fmt.Printf("added by queue-proxy:             p50 %v  p99 %v   (goal ≤0.3ms / ≤1ms; upstream 1–3 ms p50)\n",
		qp.P50-direct.P50, qp.P99-direct.P99)
	fmt.Printf("added by activator+queue-proxy:   p50 %v  p99 %v\n", act.P50-direct.P50, act.P99-direct.P99)
	fmt.Printf("added by the activator alone:     p50 %v  p99 %v   (goal ≤0.5ms p50; upstream 2–3 ms)\n",
		act.P50-qp.P50, act.P99-qp.P99)
	fmt.Printf("ratio activator path / direct:    p50 %.2fx  p99 %.2fx\n",
		ratio(act.P50, direct.P50), ratio(act.P99, direct.P99))

	fmt.Printf("\n== Heap allocations per request (whole process: client, proxies, app) ==\n")
	var allocs [3][2]float64
	for i, t := range targets {
		o, b, err := activatortest.AllocsPerRequest(client, t, allocReqs)
		if err != nil {
			log.Fatal(err)
		}
		allocs[i] = [2]float64{o, b}
		fmt.Printf("%-32s %8.1f allocs %9.0f B\n", t.Name, o, b)
	}
	fmt.Printf("added by queue-proxy:             %8.1f allocs %9.0f B\n", allocs[1][0]-allocs[0][0], allocs[1][1]-allocs[0][1])
	fmt.Printf("added by the activator:           %8.1f allocs %9.0f B\n", allocs[2][0]-allocs[1][0], allocs[2][1]-allocs[1][1])
	fmt.Println()
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func coldStart(n int, o activatortest.ColdStartOptions, jitter time.Duration, verbose bool) {
	fmt.Printf("== Cold start: first byte after the pod is up (pod address at +%v, queue-proxy +%v later, app +%v..%v later) ==\n",
		o.EndpointDelay, o.QueueProxyStartDelay, o.AppStartDelay, o.AppStartDelay+jitter)
	modes := []struct {
		name   string
		timing *[3]time.Duration
		p      *activatortest.Platform
		ds     []time.Duration
	}{
		{name: "skiff (per-pod loops, 5ms..200ms, long poll)"},
		{name: "upstream-like (200ms period, 300ms timeout)", timing: &[3]time.Duration{300 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}},
	}
	client := activatortest.NewClient()
	for i := range modes {
		modes[i].p = platform(activatortest.Options{ProbeTiming: modes[i].timing})
		defer modes[i].p.Close()
	}
	// Alternate the modes run by run: both see the same machine load.
	for i := range n {
		oi := o
		// Spread the app's start over the probing period.
		oi.AppStartDelay += time.Duration(i) * jitter / time.Duration(n)
		for m := range modes {
			d, err := activatortest.ColdStart(modes[m].p, client, fmt.Sprintf("cold%d-00001", i), oi)
			if err != nil {
				log.Fatal(err)
			}
			if verbose {
				fmt.Printf("  run %2d, app +%v: %-14s overhead %v\n", i, oi.AppStartDelay, modes[m].name[:13], d)
			}
			modes[m].ds = append(modes[m].ds, d)
		}
	}
	fmt.Printf("%-44s %6s %10s %10s %10s\n", "activator probing", "n", "p50", "p90", "max")
	var p50s []time.Duration
	for _, m := range modes {
		pc := percentilesOf(m.ds)
		p50s = append(p50s, pc.P50)
		fmt.Printf("%-44s %6d %10v %10v %10v\n", m.name, pc.N, pc.P50, pc.P90, m.ds[len(m.ds)-1])
	}
	fmt.Printf("upstream-like / skiff overhead at p50: %.1fx\n", ratio(p50s[1], p50s[0]))
	total := o.EndpointDelay + o.QueueProxyStartDelay + o.AppStartDelay + jitter/2
	fmt.Printf("request → first byte with skiff: ~%v of pod start-up + %v (goal ≤300 ms p50 end to end locally; upstream 2–4 s)\n\n", total, p50s[0])
}

func percentilesOf(ds []time.Duration) activatortest.Percentiles {
	sorted := append([]time.Duration(nil), ds...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if sorted[j] < sorted[i] {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	copy(ds, sorted)
	at := func(p float64) time.Duration { return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))] }
	return activatortest.Percentiles{N: len(ds), P50: at(0.5), P90: at(0.9), P99: at(0.99)}
}

// memory measures the activator's own memory per held request: the
// requests come from a child process, so only the holder's side counts.
func memory(n int) {
	fmt.Printf("== Memory of %d requests held at zero (clients in another process) ==\n", n)
	fmt.Printf("%-34s %6s %8s %12s %12s %11s\n", "holder", "held", "refused", "heap/req", "stack/req", "gorout/req")
	row := func(name string, h activatortest.HeldMemory) {
		fmt.Printf("%-34s %6d %8d %10.0f B %10.0f B %11.1f\n", name, h.Held, h.Refused, h.HeapPerReq, h.StackPerReq, h.GoroutinesPerReq)
	}

	base := hold(nil, "none", n)
	row("bare net/http server (baseline)", base)

	p := platform(activatortest.Options{})
	act := hold(p, "held-00001", n)
	p.Close()
	row("activator (queue per revision)", act)
	fmt.Printf("activator / bare server, heap+stack per held request: %.2fx (%.1f KiB vs %.1f KiB)\n",
		(act.HeapPerReq+act.StackPerReq)/(base.HeapPerReq+base.StackPerReq),
		(act.HeapPerReq+act.StackPerReq)/1024, (base.HeapPerReq+base.StackPerReq)/1024)

	// The bound: twice the limit arrives; the limit is held, the rest is
	// refused at once, and memory stops at the limit's worth.
	limit := n / 2
	p = platform(activatortest.Options{MaxQueuedRequests: limit})
	bounded := hold(p, "bounded-00001", n)
	p.Close()
	row(fmt.Sprintf("activator, MAX_QUEUED_REQUESTS=%d", limit), bounded)
	fmt.Printf("%d arrivals: %.1f MiB heap+stack with the limit, %.1f MiB without\n",
		n, mib(bounded.TotalHeap+bounded.TotalStk), mib(act.TotalHeap+act.TotalStk))
	fmt.Println()
}

// hold holds n requests sent by a child process and returns the memory.
func hold(p *activatortest.Platform, rev string, n int) activatortest.HeldMemory {
	h, err := activatortest.NewHolder(p, rev)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	cmd := exec.Command(os.Args[0], "-send-to", h.URL, "-send-rev", rev, "-held", strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		log.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	var refused atomic.Int64
	m, err := activatortest.MeasureHeld(h, n, func() {
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if v, err := strconv.Atoi(sc.Text()); err == nil {
					refused.Store(int64(v))
				}
			}
		}()
	}, func() int { return int(refused.Load()) })
	if err != nil {
		log.Fatal(err)
	}
	if err := h.Release(); err != nil {
		log.Fatal(err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		log.Fatal("client process: ", err)
	}
	return m
}

// clientProcess sends n requests to be held, reports the refused count on
// stdout, and exits once stdin is closed and every request was answered.
func clientProcess(url, rev string, n int) {
	refused, wait := activatortest.SendHeld(url, rev, n)
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	for {
		fmt.Println(refused())
		select {
		case <-done:
			wait()
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
