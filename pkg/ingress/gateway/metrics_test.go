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
	"net/http"
	"testing"

	"go.opencensus.io/stats/view"
)

func countRows(t *testing.T) map[[3]string]int64 {
	t.Helper()
	rows, err := view.RetrieveData("gateway_request_count")
	if err != nil {
		t.Fatal(err)
	}
	out := map[[3]string]int64{}
	for _, row := range rows {
		tags := map[string]string{}
		for _, tg := range row.Tags {
			tags[tg.Key.Name()] = tg.Value
		}
		out[[3]string{tags["listener"], tags["response_code"], tags["response_code_class"]}] = row.Data.(*view.CountData).Value
	}
	return out
}

func TestRequestMetrics(t *testing.T) {
	tg := newTestGateway(t, Options{})
	b := startBackend(t, "hello", false)
	tg.resolver.setService(revisionService("ns", "hello-00001", false), b)
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))

	before := countRows(t)
	for range 3 {
		get(t, http.DefaultClient, tg.external.URL, "hello.ns.example.com")
	}
	get(t, http.DefaultClient, tg.external.URL, "nope.example.com")
	get(t, http.DefaultClient, tg.internal.URL, "hello.ns")
	after := countRows(t)

	for k, want := range map[[3]string]int64{
		{"external", "200", "2xx"}: 3,
		{"external", "404", "4xx"}: 1,
		{"internal", "200", "2xx"}: 1,
	} {
		if got := after[k] - before[k]; got != want {
			t.Errorf("gateway_request_count%v grew by %d, want %d", k, got, want)
		}
	}
}
