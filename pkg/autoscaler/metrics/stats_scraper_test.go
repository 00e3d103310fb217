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

package metrics

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	logtesting "knative.dev/pkg/logging/testing"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	. "github.com/skiffhq/skiff/pkg/testing"
)

const (
	testNamespace = "default"
	testRevision  = "hello-00001"
)

// fakePods lists pod IPs "10.0.0.<i>": old ones first, then young ones.
type fakePods struct {
	old, young int
	err        error
}

func ips(from, n int) []string {
	r := make([]string, n)
	for i := range r {
		r[i] = fmt.Sprintf("10.0.0.%d", from+i)
	}
	return r
}

func (f *fakePods) PodIPsSplitByAge(time.Duration, time.Time) ([]string, []string, error) {
	return ips(0, f.old), ips(f.old, f.young), f.err
}

func (f *fakePods) ReadyCount() (int, error) { return f.old + f.young, f.err }

// podClient answers scrapes of pod "10.0.0.<i>" with the stat or error the
// test gives for that pod, and remembers which pods were scraped.
type podClient struct {
	mu      sync.Mutex
	stat    func(ip string) (Stat, error)
	scraped []string
}

func (c *podClient) Do(req *http.Request) (Stat, error) {
	ip := strings.TrimSuffix(strings.TrimPrefix(req.URL.String(), "http://"), ":9090/metrics")
	c.mu.Lock()
	c.scraped = append(c.scraped, ip)
	c.mu.Unlock()
	return c.stat(ip)
}

// serviceClient answers scrapes of the Service from the pods in turn, as
// the Service would pick them.
type serviceClient struct {
	mu    sync.Mutex
	next  int
	stats []Stat
}

func (c *serviceClient) Do(*http.Request) (Stat, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats[c.next%len(c.stats)]
	c.next++
	return s, nil
}

var (
	errRefused = errors.New("connection refused")
	errMesh    = scrapeError{error: errors.New("503"), mightBeMesh: true}
)

func everyPod(s Stat) func(string) (Stat, error) {
	return func(string) (Stat, error) { return s, nil }
}

func TestScrapePods(t *testing.T) {
	perPod := Stat{AverageConcurrentRequests: 2, AverageProxiedConcurrentRequests: 1, RequestCount: 4, ProxiedRequestCount: 1, ProcessUptime: 100}
	tests := []struct {
		name        string
		pods        *fakePods
		stat        func(ip string) (Stat, error)
		want        Stat
		wantErr     error
		wantScraped int
	}{{
		name: "scaled to zero: nothing to scrape, no error",
		pods: &fakePods{},
		stat: everyPod(perPod),
	}, {
		name:        "three pods: all scraped and summed",
		pods:        &fakePods{old: 3},
		stat:        everyPod(perPod),
		want:        Stat{PodName: scraperPodName, AverageConcurrentRequests: 6, AverageProxiedConcurrentRequests: 3, RequestCount: 12, ProxiedRequestCount: 3},
		wantScraped: 3,
	}, {
		name:        "a hundred pods: a sample of 14 stands for all",
		pods:        &fakePods{old: 100},
		stat:        everyPod(perPod),
		want:        Stat{PodName: scraperPodName, AverageConcurrentRequests: 200, AverageProxiedConcurrentRequests: 100, RequestCount: 400, ProxiedRequestCount: 100},
		wantScraped: 14,
	}, {
		name:        "young pods fill in when there are not enough old ones",
		pods:        &fakePods{old: 1, young: 2},
		stat:        everyPod(perPod),
		want:        Stat{PodName: scraperPodName, AverageConcurrentRequests: 6, AverageProxiedConcurrentRequests: 3, RequestCount: 12, ProxiedRequestCount: 3},
		wantScraped: 3,
	}, {
		name: "a failing pod is replaced by the next one",
		pods: &fakePods{old: 3, young: 1},
		stat: func(ip string) (Stat, error) {
			if ip == "10.0.0.1" {
				return Stat{}, errRefused
			}
			return perPod, nil
		},
		// 4 pods → sample of 4, but only 3 answer: not enough.
		wantErr:     errPodsExhausted,
		wantScraped: 4,
	}, {
		name:        "every pod refusing is an error, not a mesh",
		pods:        &fakePods{old: 2},
		stat:        func(string) (Stat, error) { return Stat{}, errRefused },
		wantErr:     errPodsExhausted,
		wantScraped: 2,
	}, {
		name:        "every pod answering 503 looks like a mesh",
		pods:        &fakePods{old: 2},
		stat:        func(string) (Stat, error) { return Stat{}, errMesh },
		wantErr:     errDirectScrapingNotAvailable,
		wantScraped: 2,
	}, {
		name:    "pods cannot be listed",
		pods:    &fakePods{err: errors.New("lister broke")},
		stat:    everyPod(perPod),
		wantErr: errors.New("lister broke"),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			direct := &podClient{stat: tc.stat}
			s := newServiceScraperWithClient(Metric(testNamespace, testRevision), testRevision, tc.pods,
				false, netcfg.MeshCompatibilityModeDisabled, direct, &serviceClient{}, logtesting.TestLogger(t))
			got, err := s.Scrape(time.Minute)
			if tc.wantErr != nil {
				if err == nil || (!errors.Is(err, tc.wantErr) && err.Error() != tc.wantErr.Error()) {
					t.Fatalf("Scrape error = %v, want %v", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal("Scrape:", err)
			}
			if !statsClose(got, tc.want) {
				t.Errorf("Scrape = %+v, want %+v", got, tc.want)
			}
			if len(direct.scraped) != tc.wantScraped {
				t.Errorf("scraped %d pods (%v), want %d", len(direct.scraped), direct.scraped, tc.wantScraped)
			}
		})
	}
}

func statsClose(a, b Stat) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	return a.PodName == b.PodName && near(a.AverageConcurrentRequests, b.AverageConcurrentRequests) &&
		near(a.AverageProxiedConcurrentRequests, b.AverageProxiedConcurrentRequests) &&
		near(a.RequestCount, b.RequestCount) && near(a.ProxiedRequestCount, b.ProxiedRequestCount)
}

func TestScrapeMeshFallback(t *testing.T) {
	pods := &fakePods{old: 2}
	direct := &podClient{stat: func(string) (Stat, error) { return Stat{}, errMesh }}
	svc := &serviceClient{stats: []Stat{
		{PodName: "a", AverageConcurrentRequests: 1, ProcessUptime: 100},
		{PodName: "a", AverageConcurrentRequests: 1, ProcessUptime: 100}, // the Service picked a again
		{PodName: "b", AverageConcurrentRequests: 3, ProcessUptime: 100},
	}}
	s := newServiceScraperWithClient(Metric(testNamespace, testRevision), testRevision, pods,
		false, netcfg.MeshCompatibilityModeAuto, direct, svc, logtesting.TestLogger(t))

	got, err := s.Scrape(time.Minute)
	if err != nil {
		t.Fatal("Scrape:", err)
	}
	if want := (Stat{PodName: scraperPodName, AverageConcurrentRequests: 4}); !statsClose(got, want) {
		t.Errorf("Scrape = %+v, want %+v", got, want)
	}
	if s.podsAddressable {
		t.Error("pods still considered addressable after the mesh fallback worked")
	}
	// From now on the Service is scraped directly, pods are not tried.
	direct.scraped = nil
	if _, err := s.Scrape(time.Minute); err != nil {
		t.Fatal("second Scrape:", err)
	}
	if len(direct.scraped) != 0 {
		t.Errorf("pods scraped again: %v", direct.scraped)
	}
}

func TestScrapeServiceYoungPods(t *testing.T) {
	// Under a mesh, the Service is scraped. Young pods stand in only when
	// not enough old ones answer.
	svc := &serviceClient{stats: []Stat{
		{PodName: "young", AverageConcurrentRequests: 100, ProcessUptime: 1},
		{PodName: "old1", AverageConcurrentRequests: 2, ProcessUptime: 100},
		{PodName: "old2", AverageConcurrentRequests: 4, ProcessUptime: 100},
	}}
	s := newServiceScraperWithClient(Metric(testNamespace, testRevision), testRevision, &fakePods{old: 2},
		false, netcfg.MeshCompatibilityModeEnabled, nil, svc, logtesting.TestLogger(t))
	got, err := s.Scrape(time.Minute)
	if err != nil {
		t.Fatal("Scrape:", err)
	}
	if want := (Stat{PodName: scraperPodName, AverageConcurrentRequests: 6}); !statsClose(got, want) {
		t.Errorf("Scrape = %+v, want %+v", got, want)
	}
}

func TestURLFromTarget(t *testing.T) {
	if got, want := urlFromTarget("hello-00001-private", "default"), "http://hello-00001-private.default:9090/metrics"; got != want {
		t.Errorf("urlFromTarget = %q, want %q", got, want)
	}
}

func TestHTTPScrapeClientErrors(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantMesh bool
	}{{
		name:     "503 might be a mesh",
		handler:  func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) },
		wantMesh: true,
	}, {
		name:    "404 is not a mesh",
		handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) },
	}, {
		name: "text instead of protobuf",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("queue_requests_per_second 1\n"))
		},
	}, {
		name: "body too large to be a Stat",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/protobuf")
			w.Write(make([]byte, 2*MaxStatSize))
		},
	}, {
		name: "garbage protobuf",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/protobuf")
			w.Write([]byte{0x0a, 0x50})
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			_, err := newHTTPScrapeClient(srv.Client()).Do(req)
			if err == nil {
				t.Fatal("Do succeeded")
			}
			if got := isPotentialMeshError(err); got != tc.wantMesh {
				t.Errorf("isPotentialMeshError(%v) = %v, want %v", err, got, tc.wantMesh)
			}
		})
	}
}
