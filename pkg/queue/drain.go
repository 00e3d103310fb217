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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	netheader "knative.dev/networking/pkg/http/header"
)

// DefaultDrainQuietPeriod is how long Drain waits after the last request, as
// upstream's queue-proxy (drainSleepDuration): time for the networking layer
// to stop sending traffic to a terminating pod.
const DefaultDrainQuietPeriod = 30 * time.Second

// Drainer is the outermost handler of the serving port. Like knative.dev/pkg
// network/handlers.Drainer it answers probes itself and, once told to Drain,
// fails them so the pod leaves the load balancers while requests still flow;
// Drain returns after QuietPeriod without requests. It also counts requests
// in flight, so shutdown can wait for the ones an HTTP server does not track
// (h2c streams and websockets ride hijacked connections).
//
// Probe dispatch, in order:
//   - `K-Network-Probe: queue`, kubelet probes (User-Agent kube-probe/... or
//     K-Kubelet-Probe) and HealthCheckUAPrefixes: HealthCheck (503 while
//     draining);
//   - `K-Network-Probe: probe`: the networking layer's probe, answered with
//     its K-Network-Hash (503 while draining);
//   - everything else goes to Inner.
//
// The hot path is a few header map lookups and atomic operations.
type Drainer struct {
	// HealthCheck answers readiness probes until the drain starts; nil
	// answers 200.
	HealthCheck http.HandlerFunc

	// Inner is the handler for actual requests.
	Inner http.Handler

	// QuietPeriod is the time without requests after which Drain returns;
	// DefaultDrainQuietPeriod if zero.
	QuietPeriod time.Duration

	// HealthCheckUAPrefixes are user agent prefixes whose requests are
	// health checks (the activator's and autoscaler's probes).
	HealthCheckUAPrefixes []string

	draining    atomic.Bool
	lastRequest atomic.Int64 // UnixNano of the last request since draining
	inFlight    atomic.Int64

	mu      sync.Mutex
	drainCh chan struct{} // closed when the drain completed (or was reset)
	resetCh chan struct{}
}

var _ http.Handler = (*Drainer)(nil)

// ServeHTTP implements http.Handler.
func (d *Drainer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	probe := first(r.Header, netheader.ProbeKey)
	switch {
	case probe == Name || d.isHealthCheck(r):
		if d.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
		} else if d.HealthCheck != nil {
			d.HealthCheck(w, r)
		} else {
			w.WriteHeader(http.StatusOK)
		}
		return
	case probe == netheader.ProbeValue:
		if d.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
		} else {
			serveKProbe(w, r)
		}
		return
	}

	if d.draining.Load() {
		d.lastRequest.Store(time.Now().UnixNano())
	}
	d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	d.Inner.ServeHTTP(w, r)
}

func (d *Drainer) isHealthCheck(r *http.Request) bool {
	if netheader.IsKubeletProbe(r) {
		return true
	}
	if len(d.HealthCheckUAPrefixes) == 0 {
		return false
	}
	ua := first(r.Header, netheader.UserAgentKey)
	for _, p := range d.HealthCheckUAPrefixes {
		if strings.HasPrefix(ua, p) {
			return true
		}
	}
	return false
}

// serveKProbe answers the networking layer's probe by echoing its hash.
func serveKProbe(w http.ResponseWriter, r *http.Request) {
	hh := first(r.Header, netheader.HashKey)
	if hh == "" {
		http.Error(w, "a probe request must contain a non-empty "+netheader.HashKey+" header", http.StatusBadRequest)
		return
	}
	w.Header().Set(netheader.HashKey, hh)
	w.WriteHeader(http.StatusOK)
}

// Draining reports whether Drain was called (and not Reset).
func (d *Drainer) Draining() bool {
	return d.draining.Load()
}

// InFlight is the number of requests being served by Inner.
func (d *Drainer) InFlight() int64 {
	return d.inFlight.Load()
}

// Drain starts failing probes and blocks until QuietPeriod has passed
// without a request. Concurrent callers wait for the same drain.
func (d *Drainer) Drain() {
	d.mu.Lock()
	if d.drainCh == nil {
		quiet := d.QuietPeriod
		if quiet <= 0 {
			quiet = DefaultDrainQuietPeriod
		}
		d.drainCh = make(chan struct{})
		d.resetCh = make(chan struct{})
		d.lastRequest.Store(time.Now().UnixNano())
		d.draining.Store(true)
		go d.waitQuiet(quiet, d.drainCh, d.resetCh)
	}
	ch := d.drainCh
	d.mu.Unlock()
	<-ch
}

func (d *Drainer) waitQuiet(quiet time.Duration, drainCh, resetCh chan struct{}) {
	defer close(drainCh)
	timer := time.NewTimer(quiet)
	defer timer.Stop()
	for {
		select {
		case <-resetCh:
			return
		case <-timer.C:
		}
		// Requests may have arrived since the timer was set: wait until
		// QuietPeriod after the latest of them.
		left := time.Until(time.Unix(0, d.lastRequest.Load()).Add(quiet))
		if left <= 0 {
			return
		}
		timer.Reset(left)
	}
}

// Reset interrupts a Drain (its callers return) and serves probes normally
// again. Used when the user container, not the pod, is being restarted.
func (d *Drainer) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.resetCh != nil {
		close(d.resetCh)
	}
	d.resetCh, d.drainCh = nil, nil
	d.draining.Store(false)
}

// WaitForInFlight blocks until no request is being served or ctx ends.
func (d *Drainer) WaitForInFlight(ctx context.Context) error {
	const poll = 10 * time.Millisecond
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for d.inFlight.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
	return nil
}
