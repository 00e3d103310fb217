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

package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// objectsPerKsvc counts the ksvc and the 8 objects of its graph.
const objectsPerKsvc = 1 + 8

// result is one measured run.
type result struct {
	opts options
	pids map[string]int

	start, createdEnd, end time.Time
	settledAfter           time.Duration
	single                 time.Duration // one ksvc on the idle controller
	createErrors           int

	load0, load1       string
	machine0, machine1 machineCPU
	cpu0, cpu1         map[string]time.Duration

	warmMem, doneMem, settledMem map[string]memory
	mu                           sync.Mutex
	peakRSS                      map[string]int64

	writes0, writes1, writesSettled [numKinds]int64

	progress []progress
	logStats logStats
	heap     map[string]string
}

// sample records each process's RSS every 500ms (VmHWM has the true peak;
// this also catches the peak of the measured phase alone) and logs
// progress every 10s.
func (r *result) sample(ctx context.Context, pids map[string]int, tr *tracker, n int) {
	r.mu.Lock()
	r.peakRSS = map[string]int64{}
	r.mu.Unlock()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	lastLog := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		r.mu.Lock()
		for name, pid := range pids {
			if m, err := readMemory(pid); err == nil && m.RSS > r.peakRSS[name] {
				r.peakRSS[name] = m.RSS
			}
		}
		r.mu.Unlock()
		if time.Since(lastLog) >= 10*time.Second {
			lastLog = time.Now()
			cm, _ := readMemory(pids["controller"])
			am, _ := readMemory(pids["kube-apiserver"])
			log.Printf("t+%3.0fs  complete %4d/%d  controller RSS %s  apiserver RSS %s  load %s",
				time.Since(r.start).Seconds(), tr.completed()-2, n, mib(cm.RSS), mib(am.RSS), loadavg())
		}
	}
}

func (r *result) complete() int {
	n := 0
	for _, p := range r.progress {
		if !p.done.IsZero() {
			n++
		}
	}
	return n
}

// percentiles of ds (sorted in place): p50, p95, p99, max.
func percentiles(ds []time.Duration) [4]time.Duration {
	var out [4]time.Duration
	if len(ds) == 0 {
		return out
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.5) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(ds) {
			i = len(ds) - 1
		}
		return ds[i]
	}
	return [4]time.Duration{at(0.50), at(0.95), at(0.99), ds[len(ds)-1]}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func (r *result) print(w io.Writer) {
	o := r.opts
	n := len(r.progress)
	done := r.complete()
	var lat []time.Duration
	var last time.Time
	for _, p := range r.progress {
		if !p.done.IsZero() {
			lat = append(lat, p.latency())
			if p.done.After(last) {
				last = p.done
			}
		}
	}
	wall := last.Sub(r.start)
	if done < o.n {
		wall = r.end.Sub(r.start)
	}
	ctrlQPS := "its default (200 QPS, burst 400 per client, cmd/controller/main.go)"
	if o.controllerQPS > 0 {
		ctrlQPS = fmt.Sprintf("KUBE_API_QPS=%g KUBE_API_BURST=%d", o.controllerQPS, o.controllerBurst)
	}
	asQPS := "10 QPS, burst 20 (as cmd/autoscaler)"
	if o.autoscalerQPS > 0 {
		asQPS = fmt.Sprintf("%g QPS, burst %d", o.autoscalerQPS, int(2*o.autoscalerQPS))
	}
	elapsed := r.end.Sub(r.start)

	fmt.Fprintf(w, "\n== serving-scale: %d ksvcs on the local control plane ==\n", o.n)
	createPhase := r.createdEnd.Sub(r.start)
	fmt.Fprintf(w, "creation: %.0f ksvc/s client rate limit, %d concurrent calls; creation phase %s (%.0f ksvc/s achieved)\n",
		o.qps, o.concurrency, secs(createPhase), float64(o.n)/createPhase.Seconds())
	fmt.Fprintf(w, "cmd/controller (separate process) client: %s; in-process kpa client: %s\n", ctrlQPS, asQPS)
	fmt.Fprintf(w, "machine: %d CPUs; load avg %s before, %s at completion; all CPUs %.0f%% busy during the run\n",
		runtime.NumCPU(), r.load0, r.load1, 100*busyFraction(r.machine0, r.machine1))
	fmt.Fprintf(w, "\"reconciled\" = Configuration, Route (observedGeneration current), Revision -00001, its Deployment,\n"+
		"PodAutoscaler (observedGeneration current), ServerlessService (status names set), public and private\n"+
		"Services all exist and the ksvc's status.latestCreatedRevisionName is set. (No node: Pods stay Pending.)\n\n")

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := percentiles(lat)
	fmt.Fprintf(tw, "ksvcs reconciled\t%d / %d\t(create errors: %d)\n", done, o.n, r.createErrors)
	fmt.Fprintf(tw, "create → reconciled p50 / p95 / p99 / max\t%s / %s / %s / %s\n", secs(p[0]), secs(p[1]), secs(p[2]), secs(p[3]))
	fmt.Fprintf(tw, "one ksvc alone on the idle controller, before\t%s\n", secs(r.single))
	fmt.Fprintf(tw, "wall time, first create → last reconciled\t%s\n", secs(wall))
	if wall > 0 {
		fmt.Fprintf(tw, "throughput\t%.1f ksvc/s, %.0f objects/s (%d objects per ksvc)\n",
			float64(done)/wall.Seconds(), float64(done*objectsPerKsvc)/wall.Seconds(), objectsPerKsvc)
	}
	if n > 0 {
		fmt.Fprintf(tw, "object adds+updates watched per ksvc\t%.1f until reconciled, %.1f after settling (+%s)\n",
			float64(total(r.writes1)-total(r.writes0))/float64(n), float64(total(r.writesSettled)-total(r.writes0))/float64(n), secs(r.settledAfter))
		var by []string
		for k := kind(0); k < numKinds; k++ {
			by = append(by, fmt.Sprintf("%s %.1f", kindNames[k], float64(r.writesSettled[k]-r.writes0[k])/float64(n)))
		}
		fmt.Fprintf(tw, "  by kind, settled\t%s\n", strings.Join(by, ", "))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nper stage, time from create (p50 / p95 / p99):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for s := stage(0); s < numStages; s++ {
		var ds []time.Duration
		for _, pr := range r.progress {
			if !pr.seen[s].IsZero() {
				ds = append(ds, pr.seen[s].Sub(pr.created))
			}
		}
		q := percentiles(ds)
		fmt.Fprintf(tw, "  %s\t%d\t%s / %s / %s\n", stageNames[s], len(ds), secs(q[0]), secs(q[1]), secs(q[2]))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nprocesses (RSS from /proc/<pid>/status; CPU = user+sys during the run, first create → last reconciled):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "process\tidle (1 ksvc)\tpeak (VmHWM)\tat completion\tsettled\tCPU\tCPU share\tCPU / ksvc\t\n")
	names := make([]string, 0, len(r.pids))
	for name := range r.pids {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cpu := r.cpu1[name] - r.cpu0[name]
		perKsvc := "-"
		if done > 0 {
			perKsvc = fmt.Sprintf("%.1fms", float64(cpu.Milliseconds())/float64(done))
		}
		share := 0.0
		if elapsed > 0 {
			share = 100 * cpu.Seconds() / elapsed.Seconds() / float64(runtime.NumCPU())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f%%\t%s\t\n", name, mib(r.warmMem[name].RSS), mib(r.settledMem[name].HWM),
			mib(r.doneMem[name].RSS), mib(r.settledMem[name].RSS), secs(cpu), share, perKsvc)
	}
	tw.Flush()
	if len(r.heap) > 0 {
		fmt.Fprintf(w, "controller Go memory when settled (its metrics):")
		for _, k := range []string{"go_heap_alloc", "go_heap_in_use", "go_sys", "go_num_gc"} {
			if v, ok := r.heap[k]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && k != "go_num_gc" {
					v = mib(int64(f))
				}
				fmt.Fprintf(w, " %s=%s", k, v)
			}
		}
		fmt.Fprintln(w)
	}
	ls := r.logStats
	fmt.Fprintf(w, "controller log: %d client-side throttling waits >1s logged (client-go logs one per 10s at most; max %s); %d error lines\n",
		ls.throttled, ls.maxThrottle, ls.errors)
	for _, e := range ls.topErrors {
		fmt.Fprintf(w, "  %s\n", e)
	}

	fmt.Fprintf(w, "\nbaseline — published figures and goals, NOT measured here (upstream Knative cannot run here):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  ksvcs reconciled at scale, controller RSS\tupstream: no published figure\tSkiff goal (DESIGN §5): 500 all reconciled (bar), aim 1000; RSS reported\n")
	fmt.Fprintf(tw, "  ksvc create → Ready\tupstream SLO: 25 s p95 on a cluster\tSkiff goal: ≤2 s p95 local (Ready needs a node; this run measures reconciled, not Ready)\n")
	fmt.Fprintf(tw, "  controller memory\tupstream controller.yaml: requests 100Mi, limits 1000Mi (a budget, not a measurement)\t\n")
	tw.Flush()
}
