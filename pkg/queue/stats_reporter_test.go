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

package queue

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	clocktest "k8s.io/utils/clock/testing"
	netstats "knative.dev/networking/pkg/http/stats"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

const pod = "hello-00001-deployment-abc"

type ev struct {
	at  time.Duration // since start
	typ netstats.ReqEventType
}

func in(at time.Duration) ev         { return ev{at, netstats.ReqIn} }
func out(at time.Duration) ev        { return ev{at, netstats.ReqOut} }
func proxiedIn(at time.Duration) ev  { return ev{at, netstats.ProxiedIn} }
func proxiedOut(at time.Duration) ev { return ev{at, netstats.ProxiedOut} }

const ms = time.Millisecond

func TestStatsReportingAveragesConcurrency(t *testing.T) {
	tests := []struct {
		name     string
		events   []ev
		reportAt []time.Duration
		want     []metrics.Stat // PodName, ProcessUptime and Timestamp are checked separately
	}{{
		name:     "idle pod",
		reportAt: []time.Duration{1000 * ms},
		want:     []metrics.Stat{{}},
	}, {
		name:     "one request for the whole period",
		events:   []ev{in(0), out(1000 * ms)},
		reportAt: []time.Duration{1000 * ms},
		want:     []metrics.Stat{{AverageConcurrentRequests: 1, RequestCount: 1}},
	}, {
		name:     "two sequential half-second requests average to one",
		events:   []ev{in(0), out(500 * ms), in(500 * ms), out(1000 * ms)},
		reportAt: []time.Duration{1000 * ms},
		want:     []metrics.Stat{{AverageConcurrentRequests: 1, RequestCount: 2}},
	}, {
		name:     "two overlapping requests",
		events:   []ev{in(0), in(0), out(1000 * ms), out(1000 * ms)},
		reportAt: []time.Duration{1000 * ms},
		want:     []metrics.Stat{{AverageConcurrentRequests: 2, RequestCount: 2}},
	}, {
		name:     "ten 100ms requests one after another",
		events:   sequential(10, 100*ms),
		reportAt: []time.Duration{1000 * ms},
		want:     []metrics.Stat{{AverageConcurrentRequests: 1, RequestCount: 10}},
	}, {
		name:     "short burst: concurrency 4 for 250ms",
		events:   []ev{in(0), in(0), in(0), in(0), out(250 * ms), out(250 * ms), out(250 * ms), out(250 * ms)},
		reportAt: []time.Duration{1000 * ms},
		want:     []metrics.Stat{{AverageConcurrentRequests: 1, RequestCount: 4}},
	}, {
		name:     "request spanning two periods counts once, concurrency in both",
		events:   []ev{in(500 * ms), out(2000 * ms)},
		reportAt: []time.Duration{1000 * ms, 2000 * ms, 3000 * ms},
		want: []metrics.Stat{
			{AverageConcurrentRequests: 0.5, RequestCount: 1},
			{AverageConcurrentRequests: 1},
			{},
		},
	}, {
		name:     "proxied requests are part of the totals",
		events:   []ev{proxiedIn(0), in(0), out(500 * ms), proxiedOut(1000 * ms)},
		reportAt: []time.Duration{1000 * ms},
		want: []metrics.Stat{{
			AverageConcurrentRequests:        1.5,
			AverageProxiedConcurrentRequests: 1,
			RequestCount:                     2,
			ProxiedRequestCount:              1,
		}},
	}, {
		name:     "a late tick divides counts by the real period",
		events:   []ev{in(0), out(500 * ms), in(500 * ms), out(1000 * ms), in(1000 * ms), out(1500 * ms), in(1500 * ms), out(2000 * ms)},
		reportAt: []time.Duration{2000 * ms},
		want:     []metrics.Stat{{AverageConcurrentRequests: 1, RequestCount: 2}},
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := clocktest.NewFakeClock(start)
			stats := netstats.NewRequestStats(start)
			reporter := NewProtobufStatsReporter(pod, time.Second)
			reporter.startTime, reporter.lastReport, reporter.now = start, start, clock.Now

			events := tc.events
			for i, at := range tc.reportAt {
				for len(events) > 0 && events[0].at <= at {
					clock.SetTime(start.Add(events[0].at))
					stats.HandleEvent(netstats.ReqEvent{Time: clock.Now(), Type: events[0].typ})
					events = events[1:]
				}
				clock.SetTime(start.Add(at))
				reporter.Report(stats.Report(clock.Now()))

				got := reporter.Stat()
				if got.PodName != pod {
					t.Errorf("report %d: PodName = %q, want %q", i, got.PodName, pod)
				}
				if want := at.Seconds(); got.ProcessUptime != want {
					t.Errorf("report %d: ProcessUptime = %v, want %v", i, got.ProcessUptime, want)
				}
				if want := clock.Now().Unix(); got.Timestamp != want {
					t.Errorf("report %d: Timestamp = %v, want %v", i, got.Timestamp, want)
				}
				if !cmp.Equal(got, tc.want[i], cmpopts.IgnoreFields(metrics.Stat{}, "PodName", "ProcessUptime", "Timestamp"), cmpopts.EquateApprox(0, 1e-9)) {
					t.Errorf("report %d (-got,+want): %s", i, cmp.Diff(got, tc.want[i], cmpopts.IgnoreFields(metrics.Stat{}, "PodName", "ProcessUptime", "Timestamp")))
				}
			}
		})
	}
}

func sequential(n int, each time.Duration) []ev {
	var evs []ev
	for i := range n {
		evs = append(evs, in(time.Duration(i)*each), out(time.Duration(i+1)*each))
	}
	return evs
}

func TestStatsHandlerServesBothEncodings(t *testing.T) {
	reporter := NewProtobufStatsReporter(pod, time.Second, WithRevisionLabels("ns", "cfg", "rev"))

	// Before the first report the Stat still names the pod.
	initial := scrape(t, reporter, "application/protobuf")
	if stat, err := metrics.DecodeStat([]byte(initial)); err != nil || stat != (metrics.Stat{PodName: pod}) {
		t.Errorf("initial Stat = %+v, %v; want only the pod name", stat, err)
	}

	reporter.Report(netstats.RequestStatsReport{AverageConcurrency: 2.5, RequestCount: 7, ProxiedRequestCount: 3, AverageProxiedConcurrency: 1})
	want := reporter.Stat()
	body := scrape(t, reporter, "application/protobuf")
	got, err := metrics.DecodeStat([]byte(body))
	if err != nil {
		t.Fatal("DecodeStat:", err)
	}
	if got != want || got.AverageConcurrentRequests != 2.5 {
		t.Errorf("scraped Stat = %+v, want %+v", got, want)
	}

	text := scrape(t, reporter, "")
	for _, line := range []string{
		`queue_average_concurrent_requests{destination_configuration="cfg",destination_namespace="ns",destination_pod="` + pod + `",destination_revision="rev"} 2.5`,
		`queue_average_proxied_concurrent_requests{destination_configuration="cfg",destination_namespace="ns",destination_pod="` + pod + `",destination_revision="rev"} 1`,
		"# TYPE queue_requests_per_second gauge",
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("text rendering lacks %q:\n%s", line, text)
		}
	}
}

func scrape(t *testing.T, h http.Handler, accept string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	NewStatsHandler(h).ServeHTTP(rec, req)
	ct := rec.Header().Get("Content-Type")
	if accept == "application/protobuf" && ct != "application/protobuf" {
		t.Errorf("Content-Type = %q, want application/protobuf", ct)
	}
	if accept == "" && !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func BenchmarkStatsScrape(b *testing.B) {
	reporter := NewProtobufStatsReporter(pod, time.Second)
	reporter.Report(netstats.RequestStatsReport{AverageConcurrency: 2.5, RequestCount: 7})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "application/protobuf")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		reporter.ServeHTTP(w, req)
	}
}

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
