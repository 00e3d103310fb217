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

package inprocess

import (
	"testing"
)

// BenchmarkBroker measures ingress -> channel (durable) -> filter ->
// subscriber on loopback: go test -bench Broker -benchtime 20000x
// ./pkg/broker/inprocess. Upstream's InMemoryChannel broker is published
// at ~1.2k-1.5k events/s (it cannot run here).
func BenchmarkBroker(b *testing.B) {
	p, err := Start(Options{Dir: b.TempDir(), Metrics: true})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := RunLoad(p, LoadOptions{Events: 2000}); err != nil {
		b.Fatalf("warmup: %v", err)
	}
	b.ResetTimer()
	res, err := RunLoad(p, LoadOptions{Events: max(b.N, 1000)})
	b.StopTimer()
	if err != nil {
		b.Fatalf("%v: %s", err, res)
	}
	b.ReportMetric(res.EventsPerSec, "events/s")
	b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(res.Lost), "lost")
	b.ReportMetric(float64(res.CPUPerEvent.Microseconds()), "cpu-us/event")
	b.Logf("%s; upstream IMC broker: ~%s events/s (published figure)", res, UpstreamIMCEventsPerSecond)
}
