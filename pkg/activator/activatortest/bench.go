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

package activatortest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// Percentiles of a latency sample.
type Percentiles struct {
	N             int
	P50, P90, P99 time.Duration
	Errors        int
}

func percentiles(d []time.Duration, errs int) Percentiles {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(p float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[min(len(d)-1, int(p*float64(len(d))))]
	}
	return Percentiles{N: len(d), P50: at(0.50), P90: at(0.90), P99: at(0.99), Errors: errs}
}

// Target is one way to send a request, e.g. through the activator.
type Target struct {
	Name string
	// New returns a fresh request.
	New func() *http.Request
}

// NewClient returns a keep-alive client for load tests.
func NewClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 10000
	t.MaxIdleConnsPerHost = 10000
	return &http.Client{Transport: t}
}

// FixedRate sends rate requests per second for d, spread round robin over
// the targets, so they share the same conditions, and returns each
// target's latency percentiles (send to response body read).
func FixedRate(client *http.Client, targets []Target, rate int, d time.Duration) []Percentiles {
	n := int(d.Seconds() * float64(rate))
	interval := time.Second / time.Duration(rate)
	type sample struct {
		target int
		lat    time.Duration
		err    bool
	}
	samples := make([]sample, n)
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	// Enough workers that a slow response does not delay the schedule.
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
					time.Sleep(wait)
				}
				ti := i % len(targets)
				t0 := time.Now()
				resp, err := client.Do(targets[ti].New())
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					err = statusErr(resp)
				}
				samples[i] = sample{target: ti, lat: time.Since(t0), err: err != nil}
			}
		}()
	}
	wg.Wait()
	out := make([]Percentiles, len(targets))
	for ti := range targets {
		var lat []time.Duration
		errs := 0
		for _, s := range samples {
			if s.target != ti {
				continue
			}
			if s.err {
				errs++
				continue
			}
			lat = append(lat, s.lat)
		}
		out[ti] = percentiles(lat, errs)
	}
	return out
}

func statusErr(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// AllocsPerRequest sends n sequential requests to the target and returns
// the heap allocations (objects and bytes) per request of the whole
// process: client, proxies and app.
func AllocsPerRequest(client *http.Client, target Target, n int) (objects, bytes float64, err error) {
	do := func() error {
		resp, err := client.Do(target.New())
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return statusErr(resp)
	}
	// Warm up the connections and caches.
	for range 100 {
		if err := do(); err != nil {
			return 0, 0, err
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		if err := do(); err != nil {
			return 0, 0, err
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), float64(after.TotalAlloc-before.TotalAlloc) / float64(n), nil
}

// ColdStartOptions describe one cold start.
type ColdStartOptions struct {
	// EndpointDelay is when, after the request, the pod's address shows up
	// in the Endpoints (not ready): the scheduler, kubelet and network.
	EndpointDelay time.Duration
	// QueueProxyStartDelay and AppStartDelay are when queue-proxy, then
	// the app, listen, after that.
	QueueProxyStartDelay, AppStartDelay time.Duration
}

// ColdStart sends one request to a new revision with no pods and returns
// the time to the response's first byte, minus the time the pod took to
// appear and start (the activator's share of the cold start).
func ColdStart(p *Platform, client *http.Client, rev string, o ColdStartOptions) (time.Duration, error) {
	if err := p.AddRevision("default", rev, RevisionOptions{}); err != nil {
		return 0, err
	}
	type res struct {
		at  time.Time
		err error
	}
	done := make(chan res, 1)
	t0 := time.Now()
	go func() {
		resp, err := client.Do(p.Request(http.MethodGet, "default", rev, "/"))
		at := time.Now() // response headers: the first byte
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			err = statusErr(resp)
		}
		done <- res{at: at, err: err}
	}()
	time.Sleep(time.Until(t0.Add(o.EndpointDelay)))
	pod, err := StartPod(PodOptions{
		App:                  HelloApp,
		QueueProxyStartDelay: o.QueueProxyStartDelay,
		AppStartDelay:        o.AppStartDelay,
	})
	if err != nil {
		return 0, err
	}
	defer pod.Close()
	if err := p.SetEndpoints("default", rev, nil, []*Pod{pod}); err != nil {
		return 0, err
	}
	r := <-done
	if r.err != nil {
		return 0, r.err
	}
	return r.at.Sub(t0) - o.EndpointDelay - o.QueueProxyStartDelay - o.AppStartDelay, nil
}

// HelloApp is the seed's app.
var HelloApp = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, "hello, world!\n")
})

// HeldMemory is the memory of requests held while a revision has no pods.
type HeldMemory struct {
	Held, Refused       int
	HeapPerReq          float64
	StackPerReq         float64
	GoroutinesPerReq    float64
	TotalHeap, TotalStk uint64
}

// Holder is something that holds requests: the activator for a revision
// without pods, or a bare net/http server blocking them (the baseline:
// what any Go server pays to hold a request).
type Holder struct {
	// URL to send the requests to, with the revision headers below.
	URL, Revision string
	// Held returns how many requests are held.
	Held func() int
	// Release lets the held requests finish.
	Release func() error
	close   func()
}

// Close stops a bare holder.
func (h *Holder) Close() {
	if h.close != nil {
		h.close()
	}
}

// NewHolder returns the activator as a Holder for rev, or with a nil
// Platform a bare net/http server.
func NewHolder(p *Platform, rev string) (*Holder, error) {
	if p != nil {
		if err := p.AddRevision("default", rev, RevisionOptions{}); err != nil {
			return nil, err
		}
		return &Holder{
			URL: p.URL, Revision: rev,
			Held: func() int {
				_, w := p.Throttler.QueueStats(types.NamespacedName{Namespace: "default", Name: rev})
				return w
			},
			Release: func() error {
				pod, err := StartPod(PodOptions{App: HelloApp})
				if err != nil {
					return err
				}
				// Left running: the caller's Platform goes first.
				return p.SetEndpoints("default", rev, []*Pod{pod}, nil)
			},
		}, nil
	}
	var count atomic.Int64
	gate := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		count.Add(1)
		<-gate
		io.WriteString(w, "hello, world!\n")
	}), ReadHeaderTimeout: time.Minute}
	go srv.Serve(ln)
	var once sync.Once
	return &Holder{
		URL: "http://" + ln.Addr().String(), Revision: rev,
		Held:    func() int { return int(count.Load()) },
		Release: func() error { once.Do(func() { close(gate) }); return nil },
		close:   func() { srv.Close() },
	}, nil
}

// SendHeld sends n requests to the holder, each on its own connection
// (closed once answered, so a refused request leaves nothing behind), and
// returns a function counting the refused ones (503) and one waiting for
// all the answers.
func SendHeld(url, rev string, n int) (refused func() int, wait func()) {
	client := NewClient()
	client.Transport.(*http.Transport).DisableKeepAlives = true
	var r atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Knative-Serving-Namespace", "default")
			req.Header.Set("Knative-Serving-Revision", rev)
			resp, err := client.Do(req)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				r.Add(1)
			}
		}()
	}
	return func() int { return int(r.Load()) }, wg.Wait
}

// MeasureHeld measures this process's memory growth while the holder holds
// the requests start sends: call it with start sending from this process
// (the client's memory then counts too) or from another one (then it is the
// holder's alone). refused tells how many were turned away.
func MeasureHeld(h *Holder, n int, start func(), refused func() int) (HeldMemory, error) {
	runtime.GC()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()
	start()
	deadline := time.Now().Add(2 * time.Minute)
	for h.Held()+refused() < n {
		if time.Now().After(deadline) {
			return HeldMemory{}, fmt.Errorf("only %d held and %d refused of %d", h.Held(), refused(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Let the refused requests' connections close.
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	g1 := runtime.NumGoroutine()
	m := HeldMemory{Held: h.Held(), Refused: refused()}
	m.TotalHeap = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	m.TotalStk = after.StackInuse - min(after.StackInuse, before.StackInuse)
	if m.Held > 0 {
		m.HeapPerReq = float64(m.TotalHeap) / float64(m.Held)
		m.StackPerReq = float64(m.TotalStk) / float64(m.Held)
		m.GoroutinesPerReq = float64(g1-g0) / float64(m.Held)
	}
	return m, nil
}

// HoldRequests measures HeldMemory for n requests sent from this process
// to the Platform (or, if p is nil, to a bare net/http server), then
// releases them.
func HoldRequests(p *Platform, rev string, n int) (HeldMemory, error) {
	h, err := NewHolder(p, rev)
	if err != nil {
		return HeldMemory{}, err
	}
	defer h.Close()
	var refused func() int
	var wait func()
	m, err := MeasureHeld(h, n, func() { refused, wait = SendHeld(h.URL, rev, n) }, func() int {
		if refused == nil {
			return 0
		}
		return refused()
	})
	if err != nil {
		return m, err
	}
	if err := h.Release(); err != nil {
		return m, err
	}
	wait()
	return m, nil
}
