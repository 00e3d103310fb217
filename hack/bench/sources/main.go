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

// Command sources benchmarks the PingSource adapter: N PingSources (10 000
// by default) on one adapter, all on the same schedule (the burst every
// tick is the worst case), sending to a receiver on loopback. It prints
// the schedule drift (tick time to arrival) p50/p99/max, ticks lost or
// sent twice, the time to schedule all sources, and the adapter's memory
// (RSS growth for the scheduled sources, and peak RSS while ticking).
//
// The baseline is upstream's runner rebuilt in the same binary: robfig/cron
// entries added while it runs, a CloudEvents client per source, a random
// 0–500 ms sleep before each send and CloseIdleConnections after it. Each
// side runs in a child process of its own, so their memory is measured
// apart.
//
//	go run ./hack/bench/sources -sources 10000 -duration 45s
//
// The ApiServerSource events/s benchmark needs a real apiserver and is a
// go test benchmark: go test -run XXX -bench . ./pkg/adapter/apiserver
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/robfig/cron/v3"
	"go.uber.org/zap"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/adapter/mtping"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	rtesting "github.com/skiffhq/skiff/pkg/testing/sources"
)

// result is what a child reports.
type result struct {
	Mode        string
	Sources     int
	AddSeconds  float64
	Instants    int
	Ticks       int
	Lost        int
	Duplicated  int
	DriftP50    float64 // ms
	DriftP99    float64
	DriftMax    float64
	RSSBaseMB   float64
	RSSSchedMB  float64
	RSSPeakMB   float64
	HeapSchedMB float64
	CPUPerTick  float64 // µs of process CPU (adapter and receiver) per tick
	LoadAvg     string
}

func main() {
	mode := flag.String("mode", "", "skiff or upstream: run one side (the parent runs both as children)")
	sources := flag.Int("sources", 10000, "PingSources on the adapter")
	schedule := flag.String("schedule", "*/10 * * * * *", "the schedule of every source (with seconds)")
	duration := flag.Duration("duration", 45*time.Second, "how long the sources tick once scheduled")
	cpuprofile := flag.String("cpuprofile", "", "with -mode: write a CPU profile of the run to this file")
	flag.Parse()

	if *mode != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				log.Fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				log.Fatal(err)
			}
			defer pprof.StopCPUProfile()
		}
		r := run(*mode, *sources, *schedule, *duration)
		if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
			log.Fatal(err)
		}
		return
	}

	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	results := map[string]result{}
	for _, m := range []string{"skiff", "upstream"} {
		fmt.Fprintf(os.Stderr, "running %s: %d sources, schedule %q, %v...\n", m, *sources, *schedule, *duration)
		cmd := exec.Command(self, "-mode", m, "-sources", strconv.Itoa(*sources), "-schedule", *schedule, "-duration", duration.String())
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			log.Fatalf("%s: %v", m, err)
		}
		var r result
		if err := json.Unmarshal(out, &r); err != nil {
			log.Fatalf("%s: %v (%s)", m, err, out)
		}
		results[m] = r
	}
	s, u := results["skiff"], results["upstream"]
	fmt.Printf("PingSource adapter: %d sources, schedule %q, %v, %d cores\n\n", *sources, *schedule, *duration, runtime.NumCPU())
	fmt.Printf("%-34s %14s %14s %10s\n", "", "skiff", "upstream-like", "ratio")
	row := func(name string, a, b float64, format string) {
		ratio := "-"
		if a > 0 {
			ratio = fmt.Sprintf("%.2fx", b/a)
		}
		fmt.Printf("%-34s %14s %14s %10s\n", name, fmt.Sprintf(format, a), fmt.Sprintf(format, b), ratio)
	}
	row("schedule all sources (s)", s.AddSeconds, u.AddSeconds, "%.3f")
	row("drift p50 (ms)", s.DriftP50, u.DriftP50, "%.1f")
	row("drift p99 (ms)", s.DriftP99, u.DriftP99, "%.1f")
	row("drift max (ms)", s.DriftMax, u.DriftMax, "%.1f")
	row("RSS growth, sources scheduled (MB)", s.RSSSchedMB-s.RSSBaseMB, u.RSSSchedMB-u.RSSBaseMB, "%.1f")
	row("heap in use, sources scheduled (MB)", s.HeapSchedMB, u.HeapSchedMB, "%.1f")
	row("peak RSS while ticking (MB)", s.RSSPeakMB, u.RSSPeakMB, "%.1f")
	row("CPU per tick, adapter+receiver (µs)", s.CPUPerTick, u.CPUPerTick, "%.0f")
	fmt.Printf("%-34s %14d %14d\n", "ticks received", s.Ticks, u.Ticks)
	fmt.Printf("%-34s %14d %14d\n", "ticks lost", s.Lost, u.Lost)
	fmt.Printf("%-34s %14d %14d\n", "ticks sent twice", s.Duplicated, u.Duplicated)
	fmt.Printf("\nload average during the runs: %s / %s\n", s.LoadAvg, u.LoadAvg)
	fmt.Println("(lower is better; ratio = upstream-like / skiff; the receiver runs in the same process as the adapter)")
	if s.Lost > 0 || s.Duplicated > 0 {
		os.Exit(1)
	}
}

// arrival is one received tick.
type arrival struct {
	source string
	at     time.Time // ce-time
	got    time.Time
}

// receiver counts ticks on loopback, reading only the CloudEvents headers
// it needs, so it costs the adapter little CPU.
type receiver struct {
	mu   sync.Mutex
	got  []arrival
	addr string
}

func newReceiver() *receiver {
	r := &receiver{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	r.addr = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		now := time.Now()
		at, err := time.Parse(time.RFC3339Nano, req.Header.Get("Ce-Time"))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got = append(r.got, arrival{source: req.Header.Get("Ce-Source"), at: at, got: now})
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})}
	go func() { _ = srv.Serve(ln) }()
	return r
}

func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "VmRSS:") {
			kb, _ := strconv.ParseFloat(strings.Fields(s.Text())[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

func pingSources(n int, schedule, sink string) []*sourcesv1.PingSource {
	url, err := apis.ParseURL(sink)
	if err != nil {
		log.Fatal(err)
	}
	out := make([]*sourcesv1.PingSource, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, rtesting.NewPingSource(fmt.Sprintf("ping-%05d", i), fmt.Sprintf("ns-%d", i%100),
			rtesting.WithPingSourceSpec(sourcesv1.PingSourceSpec{Schedule: schedule, Data: `{"message":"Hello world!"}`, ContentType: "application/json"}),
			rtesting.WithPingSourceSink(&duckv1.Addressable{URL: url})))
	}
	return out
}

// scheduler is one side under test.
type scheduler interface {
	add(*sourcesv1.PingSource)
	start()
	stop()
}

type skiffScheduler struct {
	runner mtping.CronJobRunner
	stopCh chan struct{}
	done   chan struct{}
}

func (s *skiffScheduler) add(src *sourcesv1.PingSource) {
	if err := s.runner.AddSchedule(src); err != nil {
		log.Fatal(err)
	}
}

func (s *skiffScheduler) start() {
	go func() {
		s.runner.Start(s.stopCh)
		close(s.done)
	}()
}

func (s *skiffScheduler) stop() {
	close(s.stopCh)
	<-s.done
	s.runner.Stop()
}

// upstreamScheduler is upstream 1.17's mtping runner: robfig/cron, a
// client per source, a random sleep before each send.
type upstreamScheduler struct {
	cron *cron.Cron
	http *http.Client
}

func (u *upstreamScheduler) add(src *sourcesv1.PingSource) {
	c, err := adapter.NewClient(adapter.ClientConfig{
		Env:        &adapter.EnvConfig{Sink: src.Status.SinkURI.String(), Namespace: src.Namespace, EnvSinkTimeout: "-1"},
		HTTPClient: u.http,
	})
	if err != nil {
		log.Fatal(err)
	}
	event := cloudevents.NewEvent()
	event.SetType(sourcesv1.PingSourceEventType)
	event.SetSource(sourcesv1.PingSourceSource(src.Namespace, src.Name))
	if err := event.SetData(src.Spec.ContentType, []byte(src.Spec.Data)); err != nil {
		log.Fatal(err)
	}
	ctx := cloudevents.ContextWithRetriesExponentialBackoff(context.Background(), 50*time.Millisecond, 5)
	if _, err := u.cron.AddFunc(mtping.Spec(src), func() {
		e := event.Clone()
		time.Sleep(time.Duration(rand.Intn(500)) * time.Millisecond) //nolint:gosec // as upstream
		if res := c.Send(ctx, e); !cloudevents.IsACK(res) {
			log.Printf("send: %v", res)
		}
		c.CloseIdleConnections()
	}); err != nil {
		log.Fatal(err)
	}
}

func (u *upstreamScheduler) start() { u.cron.Start() }

func (u *upstreamScheduler) stop() { <-u.cron.Stop().Done() }

func run(mode string, n int, schedule string, duration time.Duration) result {
	rcv := newReceiver()
	sched, err := mtping.Parser.Parse(schedule)
	if err != nil {
		log.Fatal(err)
	}
	srcs := pingSources(n, schedule, rcv.addr)
	debug.FreeOSMemory()
	res := result{Mode: mode, Sources: n, RSSBaseMB: rssMB()}

	var s scheduler
	switch mode {
	case "skiff":
		c, err := adapter.NewClient(adapter.ClientConfig{})
		if err != nil {
			log.Fatal(err)
		}
		s = &skiffScheduler{runner: mtping.NewCronJobsRunner(c, zap.NewNop().Sugar()), stopCh: make(chan struct{}), done: make(chan struct{})}
	case "upstream":
		s = &upstreamScheduler{
			cron: cron.New(cron.WithParser(mtping.Parser)),
			// Upstream's clients share http.DefaultTransport.
			http: &http.Client{Transport: http.DefaultTransport},
		}
	default:
		log.Fatalf("unknown mode %q", mode)
	}

	// As in the adapter, the sources arrive while it runs.
	s.start()
	began := time.Now()
	for _, src := range srcs {
		s.add(src)
	}
	scheduled := time.Now()
	res.AddSeconds = scheduled.Sub(began).Seconds()
	res.HeapSchedMB = heapMB()
	res.RSSSchedMB = rssMB()

	peak := res.RSSSchedMB
	sampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sampling:
				return
			case <-t.C:
				if r := rssMB(); r > peak {
					peak = r
				}
			}
		}
	}()
	cpu0 := cpuTime()
	time.Sleep(duration)
	stopped := time.Now()
	s.stop()
	close(sampling)
	<-sampled
	res.RSSPeakMB = peak
	// Sends in flight have been waited for; late arrivals settle.
	time.Sleep(time.Second)
	cpu := cpuTime() - cpu0
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}

	// The ticks due in [first instant after everything was scheduled, stop).
	var instants []time.Time
	for t := sched.Next(scheduled); t.Before(stopped); t = sched.Next(t) {
		instants = append(instants, t)
	}
	res.Instants = len(instants)
	if len(instants) == 0 {
		log.Fatal("no tick instant in the run; lengthen -duration")
	}
	first, last := instants[0], instants[len(instants)-1]

	rcv.mu.Lock()
	arrivals := append([]arrival(nil), rcv.got...)
	rcv.mu.Unlock()
	count := map[string]int{}
	var drifts []float64
	for _, a := range arrivals {
		tick := a.at
		if mode == "upstream" {
			// Upstream stamps the send time: its tick is the instant before.
			tick = a.at.Truncate(time.Second)
			for !sched.Next(tick.Add(-time.Nanosecond)).Equal(tick) && tick.After(first.Add(-time.Hour)) {
				tick = tick.Add(-time.Second)
			}
		}
		if tick.Before(first) || tick.After(last) {
			continue
		}
		res.Ticks++
		count[a.source+"@"+tick.UTC().Format(time.RFC3339)]++
		drifts = append(drifts, float64(a.got.Sub(tick))/float64(time.Millisecond))
	}
	for _, c := range count {
		if c > 1 {
			res.Duplicated += c - 1
		}
	}
	res.Lost = len(instants)*n - len(count)
	if len(arrivals) > 0 {
		res.CPUPerTick = float64(cpu) / float64(time.Microsecond) / float64(len(arrivals))
	}
	sort.Float64s(drifts)
	if len(drifts) > 0 {
		res.DriftP50 = drifts[len(drifts)/2]
		res.DriftP99 = drifts[len(drifts)*99/100]
		res.DriftMax = drifts[len(drifts)-1]
	}
	return res
}
