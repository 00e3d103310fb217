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

package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/queue"
)

// TestHTTPScrapeClientAgainstQueueProxy scrapes the queue-proxy's own stats
// handler over loopback HTTP.
func TestHTTPScrapeClientAgainstQueueProxy(t *testing.T) {
	reporter := queue.NewProtobufStatsReporter("hello-00001-deployment-abc", time.Second)
	srv := httptest.NewServer(queue.NewStatsHandler(reporter))
	defer srv.Close()

	c := metrics.NewHTTPScrapeClient(srv.Client())
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	got, err := c.Do(req)
	if err != nil {
		t.Fatal("Do:", err)
	}
	if got.PodName != "hello-00001-deployment-abc" {
		t.Errorf("PodName = %q, want the queue-proxy's pod", got.PodName)
	}
}
