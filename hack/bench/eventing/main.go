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

// Command eventing benchmarks Skiff's broker data plane on loopback:
// events/s ingress -> channel (durable, group-committed) -> filter ->
// subscriber, end-to-end p50/p99 latency and events lost, printed beside
// the published upstream InMemoryChannel figure (upstream cannot run here).
//
//	go run ./hack/bench/eventing -events 50000 -concurrency 128
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/skiffhq/skiff/pkg/broker/inprocess"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

func main() {
	events := flag.Int("events", 50000, "events to send")
	concurrency := flag.Int("concurrency", 128, "concurrent senders")
	payload := flag.Int("payload", 64, "event data bytes")
	extra := flag.Int("extra-triggers", 0, "additional non-matching triggers on the broker")
	warmup := flag.Int("warmup", 5000, "events sent first and not measured")
	metrics := flag.Bool("metrics", true, "record OpenCensus metrics as the binaries do")
	dir := flag.String("dir", "", "event log directory (default: a temporary directory)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured run to this file")
	memprofile := flag.String("memprofile", "", "write an allocation profile of the measured run to this file")
	flag.Parse()
	// As the data-plane binaries do (GOGC from the environment wins).
	kncloudevents.TuneGC()

	logDir := *dir
	if logDir == "" {
		d, err := os.MkdirTemp("", "skiff-bench-eventing-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		logDir = d
	}
	p, err := inprocess.Start(inprocess.Options{Dir: logDir, Metrics: *metrics})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	if *warmup > 0 {
		if _, err := inprocess.RunLoad(p, inprocess.LoadOptions{Events: *warmup, Concurrency: *concurrency, PayloadBytes: *payload}); err != nil {
			log.Fatalf("warmup: %v", err)
		}
	}
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
	opts := inprocess.LoadOptions{Events: *events, Concurrency: *concurrency, PayloadBytes: *payload, ExtraTriggers: *extra}
	if *memprofile != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			f, err := os.Create(*memprofile)
			if err != nil {
				log.Fatal(err)
			}
			defer f.Close()
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				log.Fatal(err)
			}
		}()
	}
	base, baseErr := inprocess.RunBaseline(opts)
	if baseErr != nil {
		log.Fatalf("baseline: %v", baseErr)
	}
	res, err := inprocess.RunLoad(p, opts)
	fmt.Printf("Skiff broker (ingress -> IMC with durable log -> filter -> subscriber), GOMAXPROCS=%d, one process on loopback:\n", runtime.GOMAXPROCS(0))
	fmt.Printf("  %s\n", res)
	fmt.Printf("  events lost: %d (must be 0)\n", res.Lost)
	fmt.Printf("  CPU per event %v (load generator and subscriber included): %.0f events/s on 2 fully available cores\n",
		res.CPUPerEvent, 2*res.EventsPerCoreSecond())
	fmt.Printf("Baseline, same load straight to the subscriber (no broker), same process:\n  %s\n", base)
	brokerCPU := res.CPUPerEvent - base.CPUPerEvent
	fmt.Printf("  broker's own CPU per event %v (%.1fx the baseline exchange): %.0f events/s on 2 cores with the sender and receiver elsewhere\n",
		brokerCPU, float64(res.CPUPerEvent)/float64(max(base.CPUPerEvent, 1)), 2*float64(time.Second)/float64(max(brokerCPU, 1)))
	fmt.Printf("Upstream Knative IMC broker: ~%s events/s (published figure; upstream cannot run here)\n", inprocess.UpstreamIMCEventsPerSecond)
	fmt.Printf("Ratio: %.1fx the upper published figure (1.5k events/s)\n", res.EventsPerSec/1500)
	if err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}
