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
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	netstats "knative.dev/networking/pkg/http/stats"
	rtesting "knative.dev/pkg/reconciler/testing"

	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision/fake"
)

func newTestReporter(t *testing.T) (*ConcurrencyReporter, chan []asmetrics.StatMessage) {
	ctx, _ := rtesting.SetupFakeContext(t)
	statCh := make(chan []asmetrics.StatMessage, 10)
	return NewConcurrencyReporter(ctx, "activator-0", statCh), statCh
}

func TestConcurrencyReporterPokesOnFirstRequest(t *testing.T) {
	cr, statCh := newTestReporter(t)
	now := time.Now()
	key := types.NamespacedName{Namespace: "default", Name: "hello-00001"}

	stat := cr.handleRequestIn(netstats.ReqEvent{Key: key, Type: netstats.ReqIn, Time: now})
	// The very first request is reported at once.
	select {
	case msgs := <-statCh:
		want := asmetrics.StatMessage{Key: key, Stat: asmetrics.Stat{PodName: "activator-0", AverageConcurrentRequests: 1, RequestCount: 1}}
		if len(msgs) != 1 || msgs[0] != want {
			t.Errorf("poke = %+v, want %+v", msgs, want)
		}
	default:
		t.Fatal("first request not reported at once")
	}
	// A second request is not.
	stat2 := cr.handleRequestIn(netstats.ReqEvent{Key: key, Type: netstats.ReqIn, Time: now})
	select {
	case msgs := <-statCh:
		t.Errorf("second request reported at once: %+v", msgs)
	default:
	}

	// The periodic report subtracts the request already reported.
	cr.handleRequestOut(stat, netstats.ReqEvent{Key: key, Type: netstats.ReqOut, Time: now.Add(500 * time.Millisecond)})
	cr.handleRequestOut(stat2, netstats.ReqEvent{Key: key, Type: netstats.ReqOut, Time: now.Add(time.Second)})
	msgs := cr.report(now.Add(time.Second))
	if len(msgs) != 1 {
		t.Fatalf("report = %+v, want one message", msgs)
	}
	// Average concurrency 1.5 over the second, minus the poke's 1; two
	// requests minus the one already reported.
	if got := msgs[0].Stat; got.AverageConcurrentRequests != 0.5 || got.RequestCount != 1 {
		t.Errorf("report stat = %+v, want concurrency 0.5 and 1 request", got)
	}

	// An idle period: reported as zero, then forgotten, so the next
	// request pokes again.
	if msgs := cr.report(now.Add(2 * time.Second)); len(msgs) != 1 || msgs[0].Stat.AverageConcurrentRequests != 0 {
		t.Fatalf("idle report = %+v, want one zero message", msgs)
	}
	if msgs := cr.report(now.Add(3 * time.Second)); len(msgs) != 0 {
		t.Errorf("report after the revision went idle = %+v, want none", msgs)
	}
	cr.handleRequestIn(netstats.ReqEvent{Key: key, Type: netstats.ReqIn, Time: now.Add(4 * time.Second)})
	select {
	case <-statCh:
	default:
		t.Error("first request after idling not reported at once")
	}
}

func TestConcurrencyReporterHandler(t *testing.T) {
	cr, statCh := newTestReporter(t)
	key := types.NamespacedName{Namespace: "default", Name: "hello-00001"}
	var inFlight float64
	h := cr.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		cr.mux.RLock()
		inFlight = float64(cr.stats[key].refs.Load())
		cr.mux.RUnlock()
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	h.ServeHTTP(httptest.NewRecorder(), req.WithContext(WithRevisionAndID(context.Background(), nil, key)))
	if inFlight != 1 {
		t.Errorf("requests in flight during the request = %v, want 1", inFlight)
	}
	<-statCh
	cr.mux.RLock()
	defer cr.mux.RUnlock()
	if refs := cr.stats[key].refs.Load(); refs != 0 {
		t.Errorf("requests in flight after = %d, want 0", refs)
	}
}
