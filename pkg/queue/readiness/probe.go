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

// Package readiness decides whether the user container is ready by running
// the user's readiness probe(s) from queue-proxy.
package readiness

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"

	"github.com/skiffhq/skiff/pkg/queue/health"
)

const (
	// aggressiveProbeTimeout bounds one attempt of an aggressive probe; the
	// container is on loopback, so a healthy one answers far sooner.
	aggressiveProbeTimeout = 100 * time.Millisecond

	// PollTimeout is how long an aggressive probe keeps retrying before
	// reporting not-ready, as upstream.
	PollTimeout = 10 * time.Second

	// retryInterval is the pause between aggressive attempts. Upstream waits
	// 50 ms; a refused loopback connection costs microseconds, so Skiff
	// retries every 10 ms and a fresh pod is ready ≤10 ms after its app
	// starts listening.
	retryInterval = 10 * time.Millisecond
)

// Probe runs the readiness probes of a pod's containers. Concurrent callers
// of ProbeContainer share one run (kubelet, activator and the start-up probe
// often ask at once), so the container sees one probe at a time.
type Probe struct {
	probes []*wrappedProbe
	logger *zap.SugaredLogger

	mu sync.Mutex
	gv *gateValue // non-nil while a run is in progress
}

type wrappedProbe struct {
	*corev1.Probe
	count           int32 // consecutive successes
	pollTimeout     time.Duration
	retryInterval   time.Duration
	autoDetectHTTP2 bool
}

// gateValue is a write-once boolean that readers wait for.
type gateValue struct {
	broadcast chan struct{}
	result    bool
}

// Option customises a Probe.
type Option func(*Probe)

// WithLogger sets the logger for probe failures (default: none).
func WithLogger(l *zap.SugaredLogger) Option {
	return func(p *Probe) { p.logger = l }
}

// WithHTTP2AutoDetection probes HTTP containers with h2c if they support it.
func WithHTTP2AutoDetection() Option {
	return func(p *Probe) {
		for _, w := range p.probes {
			w.autoDetectHTTP2 = true
		}
	}
}

// WithPollTimeout changes how long aggressive probes retry (for tests).
func WithPollTimeout(d time.Duration) Option {
	return func(p *Probe) {
		for _, w := range p.probes {
			w.pollTimeout = d
		}
	}
}

// NewProbe returns a Probe running the given probes.
func NewProbe(probes []*corev1.Probe, opts ...Option) *Probe {
	p := &Probe{logger: zap.NewNop().Sugar()}
	for _, cp := range probes {
		p.probes = append(p.probes, &wrappedProbe{
			Probe:         cp,
			pollTimeout:   PollTimeout,
			retryInterval: retryInterval,
		})
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// NewProbeWithHTTP2AutoDetection returns a Probe that detects whether HTTP
// containers speak h2c.
func NewProbeWithHTTP2AutoDetection(probes []*corev1.Probe, opts ...Option) *Probe {
	return NewProbe(probes, append(opts, WithHTTP2AutoDetection())...)
}

// shouldProbeAggressively: a probe without a period (Knative's default) is
// retried quickly until it passes or PollTimeout expires, instead of being
// tried once per kubelet period.
func (p *wrappedProbe) shouldProbeAggressively() bool {
	return p.PeriodSeconds == 0
}

// ProbeContainer runs the probes and reports whether all of them passed.
func (p *Probe) ProbeContainer() bool {
	p.mu.Lock()
	if gv := p.gv; gv != nil {
		p.mu.Unlock()
		<-gv.broadcast
		return gv.result
	}
	gv := &gateValue{broadcast: make(chan struct{})}
	p.gv = gv
	p.mu.Unlock()

	gv.result = p.probeContainerImpl()
	p.mu.Lock()
	p.gv = nil
	p.mu.Unlock()
	close(gv.broadcast)
	return gv.result
}

func (p *Probe) probeContainerImpl() bool {
	if len(p.probes) == 1 {
		// The common case runs on the caller's goroutine.
		if err := p.probes[0].probe(); err != nil {
			p.logger.Warnw("Readiness probe failed", zap.Error(err))
			return false
		}
		return true
	}
	errs := make([]error, len(p.probes))
	var wg sync.WaitGroup
	for i, wp := range p.probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = wp.probe()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		p.logger.Warnw("Readiness probe failed", zap.Error(err))
		return false
	}
	return true
}

func (p *wrappedProbe) probe() error {
	switch {
	case p.HTTPGet != nil:
		return p.httpProbe()
	case p.TCPSocket != nil:
		return p.tcpProbe()
	case p.GRPC != nil:
		return p.grpcProbe()
	case p.Exec != nil:
		// The revision reconciler turns exec probes into TCP probes for
		// queue-proxy; the exec probe itself runs in the user container.
		return errors.New("exec probe not supported")
	default:
		return errors.New("no probe found")
	}
}

func (p *wrappedProbe) doProbe(probe func(time.Duration) error) error {
	if !p.shouldProbeAggressively() {
		timeout := time.Duration(p.TimeoutSeconds) * time.Second
		if timeout <= 0 {
			timeout = time.Second
		}
		return probe(timeout)
	}

	deadline := time.Now().Add(p.pollTimeout)
	var (
		failCount int
		lastErr   error
	)
	for {
		if err := probe(aggressiveProbeTimeout); err != nil {
			// Failures are expected while the container starts; only the
			// last one is reported, and only if the probe never passes.
			p.count = 0
			lastErr = err
			failCount++
		} else {
			p.count++
			if p.count >= p.SuccessThreshold {
				return nil
			}
		}
		if time.Now().Add(p.retryInterval).After(deadline) {
			break
		}
		time.Sleep(p.retryInterval)
	}
	if lastErr == nil {
		return fmt.Errorf("aggressive probe did not reach %d consecutive successes within %v", p.SuccessThreshold, p.pollTimeout)
	}
	return fmt.Errorf("aggressive probe failed %d times within %v: %w", failCount, p.pollTimeout, lastErr)
}

func (p *wrappedProbe) tcpProbe() error {
	config := health.TCPProbeConfigOptions{
		Address: p.TCPSocket.Host + ":" + p.TCPSocket.Port.String(),
	}
	if p.TCPSocket.Host == "" {
		config.Address = "127.0.0.1:" + p.TCPSocket.Port.String()
	}
	return p.doProbe(func(to time.Duration) error {
		config.SocketTimeout = to
		return health.TCPProbe(config)
	})
}

func (p *wrappedProbe) httpProbe() error {
	config := health.HTTPProbeConfigOptions{
		HTTPGetAction: p.HTTPGet,
		MaxProtoMajor: 1,
	}
	if p.autoDetectHTTP2 {
		config.MaxProtoMajor = 0
	}
	return p.doProbe(func(to time.Duration) error {
		config.Timeout = to
		return health.HTTPProbe(config)
	})
}

func (p *wrappedProbe) grpcProbe() error {
	config := health.GRPCProbeConfigOptions{GRPCAction: p.GRPC}
	return p.doProbe(func(to time.Duration) error {
		config.Timeout = to
		return health.GRPCProbe(config)
	})
}
