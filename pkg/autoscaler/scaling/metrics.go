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

package scaling

import (
	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	pkgmetrics "knative.dev/pkg/metrics"
)

// The autoscaler's metrics, as upstream: recorded per revision (the
// knative_revision resource of the decider's reporter context) on every
// decision.
var (
	desiredPodCountM = stats.Int64(
		"desired_pods",
		"Number of pods autoscaler wants to allocate",
		stats.UnitDimensionless)
	excessBurstCapacityM = stats.Float64(
		"excess_burst_capacity",
		"Excess burst capacity overserved over the stable window",
		stats.UnitDimensionless)
	stableRequestConcurrencyM = stats.Float64(
		"stable_request_concurrency",
		"Average of requests count per observed pod over the stable window",
		stats.UnitDimensionless)
	panicRequestConcurrencyM = stats.Float64(
		"panic_request_concurrency",
		"Average of requests count per observed pod over the panic window",
		stats.UnitDimensionless)
	targetRequestConcurrencyM = stats.Float64(
		"target_concurrency_per_pod",
		"The desired number of concurrent requests for each pod",
		stats.UnitDimensionless)
	stableRPSM = stats.Float64(
		"stable_requests_per_second",
		"Average requests-per-second per observed pod over the stable window",
		stats.UnitDimensionless)
	panicRPSM = stats.Float64(
		"panic_requests_per_second",
		"Average requests-per-second per observed pod over the panic window",
		stats.UnitDimensionless)
	targetRPSM = stats.Float64(
		"target_requests_per_second",
		"The desired requests-per-second for each pod",
		stats.UnitDimensionless)
	panicM = stats.Int64(
		"panic_mode",
		"1 if autoscaler is in panic mode, 0 otherwise",
		stats.UnitDimensionless)
)

func init() {
	lastValue := func(m stats.Measure, desc string) *view.View {
		return &view.View{Description: desc, Measure: m, Aggregation: view.LastValue()}
	}
	if err := pkgmetrics.RegisterResourceView(
		lastValue(desiredPodCountM, "Number of pods autoscaler wants to allocate"),
		lastValue(stableRequestConcurrencyM, "Average of requests count over the stable window"),
		lastValue(excessBurstCapacityM, "Current excess burst capacity over average request count over the stable window"),
		lastValue(panicRequestConcurrencyM, "Average of requests count over the panic window"),
		lastValue(targetRequestConcurrencyM, "The desired number of concurrent requests for each pod"),
		lastValue(panicM, "1 if autoscaler is in panic mode, 0 otherwise"),
		lastValue(stableRPSM, "Average requests-per-second over the stable window"),
		lastValue(panicRPSM, "Average requests-per-second over the panic window"),
		lastValue(targetRPSM, "The desired requests-per-second for each pod"),
	); err != nil {
		panic(err)
	}
}
