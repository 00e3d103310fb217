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

package handler

import (
	"net/http"
	"time"

	pkgmetrics "knative.dev/pkg/metrics"

	"github.com/skiffhq/skiff/pkg/queue"
)

// NewMetricHandler returns a handler that records the request count and
// latency per revision and response code.
func NewMetricHandler(podName string, next http.Handler) *MetricHandler {
	return &MetricHandler{nextHandler: next, contexts: &contextCache{pod: podName}}
}

// MetricHandler records request metrics.
type MetricHandler struct {
	nextHandler http.Handler
	contexts    *contextCache
}

func (h *MetricHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rev := RevisionFrom(r.Context())
	start := time.Now()
	rr := queue.NewResponseRecorder(w, http.StatusOK)
	defer func() {
		code := rr.ResponseCode
		err := recover()
		if err != nil {
			code = http.StatusInternalServerError
		}
		if rev != nil {
			latency := time.Since(start)
			pkgmetrics.RecordBatch(h.contexts.get(rev, code),
				responseTimeInMsecM.M(float64(latency.Milliseconds())), requestCountM.M(1))
		}
		if err != nil {
			panic(err)
		}
	}()
	h.nextHandler.ServeHTTP(rr, r)
}
