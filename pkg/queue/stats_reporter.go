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
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	netheader "knative.dev/networking/pkg/http/header"
	netstats "knative.dev/networking/pkg/http/stats"
)

// ProtobufStatsReporter keeps the latest Stat of this pod and serves it to the
// autoscaler's scraper. Report renders the Stat once per reporting period
// into both encodings, so a scrape is a single Write with no allocation.
type ProtobufStatsReporter struct {
	startTime time.Time
	podName   string
	// period is the nominal reporting period, used if no time passed since
	// the previous report.
	period     time.Duration
	lastReport time.Time
	labels     string // Prometheus labels, rendered once
	now        func() time.Time

	current atomic.Pointer[renderedStat]
}

type renderedStat struct {
	stat  metrics.Stat
	proto []byte
	text  []byte
}

// StatsReporterOption customises a ProtobufStatsReporter.
type StatsReporterOption func(*ProtobufStatsReporter)

// WithRevisionLabels adds the revision's identity as labels of the
// Prometheus text rendering, as upstream's former Prometheus reporter did.
func WithRevisionLabels(namespace, configuration, revision string) StatsReporterOption {
	return func(r *ProtobufStatsReporter) {
		r.labels = `{destination_configuration="` + escapeLabel(configuration) +
			`",destination_namespace="` + escapeLabel(namespace) +
			`",destination_pod="` + escapeLabel(r.podName) +
			`",destination_revision="` + escapeLabel(revision) + `"}`
	}
}

// NewProtobufStatsReporter creates a reporter for the given pod, reporting
// every reportingPeriod.
func NewProtobufStatsReporter(pod string, reportingPeriod time.Duration, opts ...StatsReporterOption) *ProtobufStatsReporter {
	start := time.Now()
	r := &ProtobufStatsReporter{
		startTime:  start,
		lastReport: start,
		podName:    pod,
		period:     reportingPeriod,
		labels:     `{destination_pod="` + escapeLabel(pod) + `"}`,
		now:        time.Now,
	}
	for _, o := range opts {
		o(r)
	}
	// Serve an empty Stat with the pod name until the first report, so an
	// early scrape still identifies the pod.
	r.store(metrics.Stat{PodName: pod})
	return r
}

// Report turns the request statistics of one period into the Stat served
// from now on. Counts become rates per second over the time since the
// previous report (upstream divides by the nominal period), so a tick that
// comes late under load does not inflate the rate. Report is called from
// one goroutine (the reporting ticker).
func (r *ProtobufStatsReporter) Report(stats netstats.RequestStatsReport) {
	now := r.now()
	secs := now.Sub(r.lastReport).Seconds()
	if secs <= 0 {
		secs = r.period.Seconds()
	}
	r.lastReport = now
	stat := metrics.Stat{
		PodName:                          r.podName,
		AverageConcurrentRequests:        stats.AverageConcurrency,
		AverageProxiedConcurrentRequests: stats.AverageProxiedConcurrency,
		RequestCount:                     stats.RequestCount / secs,
		ProxiedRequestCount:              stats.ProxiedRequestCount / secs,
		ProcessUptime:                    now.Sub(r.startTime).Seconds(),
		Timestamp:                        now.Unix(),
	}
	r.store(stat)
}

// Stat returns the Stat currently served.
func (r *ProtobufStatsReporter) Stat() metrics.Stat {
	return r.current.Load().stat
}

func (r *ProtobufStatsReporter) store(stat metrics.Stat) {
	text := make([]byte, 0, 1024)
	for _, m := range []struct {
		name, help string
		value      float64
	}{
		{"queue_requests_per_second", "Number of requests received per second over the last reporting period.", stat.RequestCount},
		{"queue_proxied_operations_per_second", "Number of proxied requests received per second over the last reporting period.", stat.ProxiedRequestCount},
		{"queue_average_concurrent_requests", "Average number of requests in flight over the last reporting period.", stat.AverageConcurrentRequests},
		{"queue_average_proxied_concurrent_requests", "Average number of proxied requests in flight over the last reporting period.", stat.AverageProxiedConcurrentRequests},
		{"process_uptime", "The number of seconds that the process has been up.", stat.ProcessUptime},
	} {
		text = append(text, "# HELP "+m.name+" "+m.help+"\n# TYPE "+m.name+" gauge\n"+m.name+r.labels+" "...)
		text = strconv.AppendFloat(text, m.value, 'g', -1, 64)
		text = append(text, '\n')
	}
	r.current.Store(&renderedStat{
		stat:  stat,
		proto: metrics.EncodeStat(stat),
		text:  text,
	})
}

// ServeHTTP serves the Stat: protobuf when the client accepts it (the
// autoscaler sends "Accept: application/protobuf"), else Prometheus text for
// humans.
func (r *ProtobufStatsReporter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	cur := r.current.Load()
	// Header values are shared, read-only slices: a scrape allocates nothing.
	if accepts(req, netheader.ProtobufMIMEType) {
		w.Header()["Content-Type"] = protobufContentType
		w.Write(cur.proto)
		return
	}
	w.Header()["Content-Type"] = textContentType
	w.Write(cur.text)
}

var (
	protobufContentType = []string{netheader.ProtobufMIMEType}
	textContentType     = []string{"text/plain; version=0.0.4; charset=utf-8"}
)

// NewStatsHandler returns the handler of the autoscaling metrics endpoint.
func NewStatsHandler(reporter http.Handler) http.Handler {
	return reporter
}

func accepts(r *http.Request, mime string) bool {
	for _, v := range r.Header["Accept"] {
		if strings.Contains(v, mime) {
			return true
		}
	}
	return false
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(v string) string {
	return labelEscaper.Replace(v)
}
