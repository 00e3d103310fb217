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
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	netheader "knative.dev/networking/pkg/http/header"
	netstats "knative.dev/networking/pkg/http/stats"
)

func TestProxyHandlerQueueFull(t *testing.T) {
	breaker := NewBreaker(BreakerParams{QueueDepth: 1, MaxConcurrency: 1, InitialCapacity: 1})
	release := make(chan struct{})
	h := ProxyHandler(breaker, netstats.NewRequestStats(time.Now()), false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		<-release
	}))
	for range 2 { // one runs, one waits
		go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	waitInFlight(t, breaker, 2)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	close(release)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
	if want := "pending request queue full: containerConcurrency is 1 and 1 requests are already queued"; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("body = %q, want it to contain %q", rec.Body.String(), want)
	}
}

func TestProxyHandlerCancelledWhileQueued(t *testing.T) {
	breaker := NewBreaker(BreakerParams{QueueDepth: 10, MaxConcurrency: 1, InitialCapacity: 0})
	h := ProxyHandler(breaker, netstats.NewRequestStats(time.Now()), false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("request ran without capacity")
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
}

func TestProxyHandlerStatsAndHost(t *testing.T) {
	tests := []struct {
		name        string
		headers     map[string]string
		wantCount   float64
		wantProxied float64
		wantHost    string
	}{{
		name:      "direct request",
		wantCount: 1,
		wantHost:  "example.com",
	}, {
		name:        "request through the activator",
		headers:     map[string]string{netheader.ProxyKey: ActivatorName},
		wantCount:   1,
		wantProxied: 1,
		wantHost:    "example.com",
	}, {
		name:        "activator restores the original host",
		headers:     map[string]string{netheader.ProxyKey: ActivatorName, netheader.OriginalHostKey: "hello.default.example.com"},
		wantCount:   1,
		wantProxied: 1,
		wantHost:    "hello.default.example.com",
	}, {
		name:     "kubelet probes are not counted",
		headers:  map[string]string{netheader.UserAgentKey: netheader.KubeProbeUAPrefix + "1.33"},
		wantHost: "example.com",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			stats := netstats.NewRequestStats(start)
			var gotHost, gotOriginal string
			h := ProxyHandler(nil, stats, false, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				gotHost, gotOriginal = r.Host, r.Header.Get(netheader.OriginalHostKey)
			}))
			req := httptest.NewRequest(http.MethodGet, "http://example.com/", nil)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			report := stats.Report(time.Now())
			if report.RequestCount != tc.wantCount || report.ProxiedRequestCount != tc.wantProxied {
				t.Errorf("counts = %v/%v, want %v/%v", report.RequestCount, report.ProxiedRequestCount, tc.wantCount, tc.wantProxied)
			}
			if gotHost != tc.wantHost || gotOriginal != "" {
				t.Errorf("host = %q (K-Original-Host %q), want %q and no header", gotHost, gotOriginal, tc.wantHost)
			}
		})
	}
}

func BenchmarkProxyHandler(b *testing.B) {
	stats := netstats.NewRequestStats(time.Now())
	for _, tc := range []struct {
		name    string
		breaker *Breaker
	}{
		{"no breaker", nil},
		{"breaker", NewBreaker(BreakerParams{QueueDepth: 1000, MaxConcurrency: 100, InitialCapacity: 100})},
	} {
		h := ProxyHandler(tc.breaker, stats, false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		w := &discardWriter{h: http.Header{}}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				h.ServeHTTP(w, req)
			}
		})
	}
}
