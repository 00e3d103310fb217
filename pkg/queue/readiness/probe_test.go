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

package readiness

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func tcpProbe(port int, period int32) *corev1.Probe {
	return &corev1.Probe{
		PeriodSeconds:    period,
		TimeoutSeconds:   1,
		SuccessThreshold: 1,
		ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{
			Host: "127.0.0.1",
			Port: intstr.FromInt32(int32(port)),
		}},
	}
}

func httpProbe(srv *httptest.Server, path string, period, threshold int32) *corev1.Probe {
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return &corev1.Probe{
		PeriodSeconds:    period,
		TimeoutSeconds:   1,
		SuccessThreshold: threshold,
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Host:   "127.0.0.1",
			Port:   intstr.Parse(port),
			Path:   path,
			Scheme: corev1.URISchemeHTTP,
		}},
	}
}

// countingServer answers 200 on /ok and 503 elsewhere, counting requests.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path != "/ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestProbeContainer(t *testing.T) {
	srv, _ := countingServer(t)
	listening := httptest.NewServer(http.NotFoundHandler())
	defer listening.Close()
	listeningPort := listening.Listener.Addr().(*net.TCPAddr).Port
	closedPort := freePort(t)

	tests := []struct {
		name   string
		probes []*corev1.Probe
		want   bool
	}{
		{name: "tcp, listening", probes: []*corev1.Probe{tcpProbe(listeningPort, 1)}, want: true},
		{name: "tcp, nothing listening", probes: []*corev1.Probe{tcpProbe(closedPort, 1)}},
		{name: "tcp aggressive, listening", probes: []*corev1.Probe{tcpProbe(listeningPort, 0)}, want: true},
		{name: "tcp aggressive, nothing listening until the poll timeout", probes: []*corev1.Probe{tcpProbe(closedPort, 0)}},
		{name: "http ready", probes: []*corev1.Probe{httpProbe(srv, "/ok", 1, 1)}, want: true},
		{name: "http not ready", probes: []*corev1.Probe{httpProbe(srv, "/fail", 1, 1)}},
		{name: "http aggressive, threshold 3", probes: []*corev1.Probe{httpProbe(srv, "/ok", 0, 3)}, want: true},
		{name: "all containers ready", probes: []*corev1.Probe{httpProbe(srv, "/ok", 0, 1), tcpProbe(listeningPort, 0)}, want: true},
		{name: "one of two containers not ready", probes: []*corev1.Probe{httpProbe(srv, "/ok", 0, 1), httpProbe(srv, "/fail", 1, 1)}},
		{name: "exec probes are not run by queue-proxy", probes: []*corev1.Probe{{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{}}, PeriodSeconds: 1}}},
		{name: "probe without handler", probes: []*corev1.Probe{{PeriodSeconds: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewProbe(tc.probes, WithPollTimeout(100*time.Millisecond))
			if got := p.ProbeContainer(); got != tc.want {
				t.Errorf("ProbeContainer = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAggressiveProbeReadyAsSoonAsTheAppListens(t *testing.T) {
	port := freePort(t)
	p := NewProbe([]*corev1.Probe{tcpProbe(port, 0)})
	result := make(chan bool)
	go func() { result <- p.ProbeContainer() }()

	// The app comes up while the probe polls.
	time.Sleep(50 * time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if !<-result {
		t.Error("ProbeContainer = false, want true once the app listens")
	}
}

func TestAggressiveProbeNeedsConsecutiveSuccesses(t *testing.T) {
	// Fails, succeeds, fails, then succeeds for good: with threshold 2 the
	// early single success must not count.
	var n atomic.Int32
	answers := []int{503, 200, 503, 200, 200}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(answers) {
			w.WriteHeader(answers[i])
		}
	}))
	defer srv.Close()
	p := NewProbe([]*corev1.Probe{httpProbe(srv, "/", 0, 2)})
	if !p.ProbeContainer() {
		t.Fatal("ProbeContainer = false")
	}
	if got := n.Load(); got != 5 {
		t.Errorf("probe requests = %d, want 5 (stop at the second consecutive success)", got)
	}
}

func TestConcurrentCallersShareOneRun(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		n.Add(1)
		<-release
	}))
	defer srv.Close()
	p := NewProbe([]*corev1.Probe{httpProbe(srv, "/", 1, 1)})

	const callers = 10
	var wg sync.WaitGroup
	results := make(chan bool, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- p.ProbeContainer()
		}()
	}
	for n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the other callers attach
	close(release)
	wg.Wait()
	close(results)
	for ok := range results {
		if !ok {
			t.Error("a caller got false")
		}
	}
	if got := n.Load(); got >= callers {
		t.Errorf("container probed %d times for %d concurrent callers, want fewer", got, callers)
	}
}
