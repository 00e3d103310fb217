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

// Command queue measures the latency queue-proxy adds to a request.
//
// It starts a "hello world" app on loopback and the real queue-proxy binary
// (built from ./cmd/queue unless -queue is given) in front of it, then sends
// requests at a fixed rate to both, interleaved in the same run: every tick
// sends one request straight to the app and one through queue-proxy, in
// alternating order. It prints p50/p90/p99/p99.9 of both, the difference
// (the added latency), their ratio, queue-proxy's CPU time per request and
// the DESIGN.md §5 goal.
//
//	go run ./hack/bench/queue -rate 1000 -duration 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	rate      = flag.Int("rate", 1000, "requests per second to each target")
	duration  = flag.Duration("duration", 10*time.Second, "measurement time")
	warmup    = flag.Duration("warmup", 2*time.Second, "time at the same rate before measuring")
	cc        = flag.Int("cc", 0, "containerConcurrency of the queue-proxy (0: unlimited)")
	bodySize  = flag.Int("body", 14, "response body size in bytes")
	queueBin  = flag.String("queue", "", "queue-proxy binary (default: go build ./cmd/queue)")
	goalP50   = flag.Duration("goal-p50", 300*time.Microsecond, "added p50 goal (DESIGN.md §5)")
	goalP99   = flag.Duration("goal-p99", time.Millisecond, "added p99 goal (DESIGN.md §5)")
	keepAlive = flag.Int("conns", 256, "idle keep-alive connections kept by the client per target")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	body := strings.Repeat("x", max(*bodySize-1, 0)) + "\n"
	appLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	app := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }),
		ReadHeaderTimeout: time.Minute,
	}
	go app.Serve(appLn)
	defer app.Close()

	bin := *queueBin
	if bin == "" {
		dir, err := os.MkdirTemp("", "queue-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "queue")
		fmt.Fprintln(os.Stderr, "building ./cmd/queue ...")
		build := exec.Command("go", "build", "-o", bin, "./cmd/queue")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building queue-proxy (run from the repository root or pass -queue): %w", err)
		}
	}

	qp, qpAddr, err := startQueueProxy(bin, appLn.Addr().(*net.TCPAddr).Port)
	if err != nil {
		return err
	}
	defer func() {
		qp.Process.Signal(syscall.SIGTERM)
		qp.Wait()
	}()

	targets := []string{"http://" + appLn.Addr().String() + "/", "http://" + qpAddr + "/"}
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: *keepAlive, MaxIdleConns: 2 * *keepAlive, DisableCompression: true},
		Timeout:   10 * time.Second,
	}

	fmt.Fprintf(os.Stderr, "warming up for %v ...\n", *warmup)
	load(client, targets, *warmup)
	cpuBefore, err := cpuTime(qp.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "measuring for %v ...\n", *duration)
	res := load(client, targets, *duration)
	cpuAfter, err := cpuTime(qp.Process.Pid)
	if err != nil {
		return err
	}
	rss, _ := rssBytes(qp.Process.Pid)

	report(res, cpuAfter-cpuBefore, rss)
	return nil
}

func startQueueProxy(bin string, appPort int) (*exec.Cmd, string, error) {
	ports := make([]string, 3)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, "", err
		}
		ports[i] = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"SERVING_NAMESPACE=bench",
		"SERVING_CONFIGURATION=hello",
		"SERVING_REVISION=hello-00001",
		"SERVING_POD=hello-00001-deployment-bench",
		"SERVING_POD_IP=127.0.0.1",
		"QUEUE_SERVING_PORT="+ports[0],
		"SKIFF_QUEUE_ADMIN_PORT="+ports[1],
		"SKIFF_QUEUE_METRICS_PORT="+ports[2],
		"SKIFF_QUEUE_BIND_ADDRESS=127.0.0.1",
		"SKIFF_DRAIN_QUIET_PERIOD=100ms",
		"USER_PORT="+strconv.Itoa(appPort),
		"CONTAINER_CONCURRENCY="+strconv.Itoa(*cc),
		"REVISION_TIMEOUT_SECONDS=300",
		"SERVING_LOGGING_LEVEL=warn",
		fmt.Sprintf(`SERVING_READINESS_PROBE={"tcpSocket":{"port":%d,"host":"127.0.0.1"},"successThreshold":1}`, appPort),
	)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("starting queue-proxy: %w", err)
	}
	addr := "127.0.0.1:" + ports[0]
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.Header.Set("K-Network-Probe", "queue")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, addr, nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	return nil, "", errors.New("queue-proxy did not become ready within 10s")
}

type result struct {
	lat     [2][]time.Duration
	errors  [2]int
	sent    int // pairs
	elapsed time.Duration
}

// load sends a pair of requests (one per target, alternating order) every
// 1/rate, open loop: a slow response does not delay the next send.
func load(client *http.Client, targets []string, d time.Duration) *result {
	res := &result{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(*rate)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	start := time.Now()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			res.elapsed = time.Since(start)
			wg.Wait()
			return res
		case <-ticker.C:
		}
		res.sent++
		for k := range 2 {
			target := (i + k) % 2
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				resp, err := client.Get(targets[target])
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				elapsed := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					res.errors[target]++
					return
				}
				res.lat[target] = append(res.lat[target], elapsed)
			}()
		}
	}
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p/100))]
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%7.3fms", float64(d)/float64(time.Millisecond))
}

func report(res *result, cpu time.Duration, rss int64) {
	for i := range res.lat {
		sort.Slice(res.lat[i], func(a, b int) bool { return res.lat[i][a] < res.lat[i][b] })
	}
	ps := []float64{50, 90, 99, 99.9}
	fmt.Printf("queue-proxy added latency: %d req/s to each target (achieved %.0f: the ticker drops ticks when the machine is busy), %v, containerConcurrency=%d, %d-byte responses\n",
		*rate, float64(res.sent)/res.elapsed.Seconds(), *duration, *cc, *bodySize)
	fmt.Printf("%-8s %10s %10s %10s %10s %10s %8s %6s\n", "", "p50", "p90", "p99", "p99.9", "max", "n", "errors")
	for i, name := range []string{"direct", "queue"} {
		l := res.lat[i]
		fmt.Printf("%-8s", name)
		for _, p := range ps {
			fmt.Printf(" %10s", ms(pct(l, p)))
		}
		fmt.Printf(" %10s %8d %6d\n", ms(pct(l, 100)), len(l), res.errors[i])
	}
	fmt.Printf("%-8s", "added")
	for _, p := range ps {
		fmt.Printf(" %10s", ms(pct(res.lat[1], p)-pct(res.lat[0], p)))
	}
	fmt.Println()
	fmt.Printf("%-8s", "ratio")
	for _, p := range ps {
		fmt.Printf(" %9.2fx", float64(pct(res.lat[1], p))/float64(max(pct(res.lat[0], p), 1)))
	}
	fmt.Println()

	added50 := pct(res.lat[1], 50) - pct(res.lat[0], 50)
	added99 := pct(res.lat[1], 99) - pct(res.lat[0], 99)
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Printf("goal (DESIGN.md §5): added p50 ≤ %v: %s; added p99 ≤ %v: %s\n",
		*goalP50, verdict(added50 <= *goalP50), *goalP99, verdict(added99 <= *goalP99))
	fmt.Println("upstream queue-proxy (published, not runnable here): +1–3 ms p50, SLO +10 ms p95")
	if n := len(res.lat[1]) + res.errors[1]; n > 0 {
		fmt.Printf("queue-proxy process: %.1f µs CPU per request, RSS %.1f MiB\n",
			float64(cpu.Microseconds())/float64(n), float64(rss)/(1<<20))
	}
}

// cpuTime returns a process's user+system CPU time from /proc.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("reading queue-proxy CPU time: %w", err)
	}
	// Fields after the command name (which may contain spaces) start at ')'.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

func rssBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, err := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmRSS")
}
