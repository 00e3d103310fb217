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

package kncloudevents

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"knative.dev/pkg/network"
	"knative.dev/pkg/network/handlers"
)

const (
	// DefaultShutdownTimeout bounds the wait for requests in progress when
	// a receiver stops.
	DefaultShutdownTimeout = time.Minute
	// DefaultDrainQuietPeriod is how long readiness probes fail before the
	// listener closes, so load balancers stop sending first.
	DefaultDrainQuietPeriod = network.DefaultDrainTimeout
)

// HTTPEventReceiver serves a data-plane handler, answering kubelet and
// Knative probes with ready() (200, or 503 while not ready or draining), and
// drains gracefully when its context ends.
type HTTPEventReceiver struct {
	Addr        string
	Handler     http.Handler
	Ready       func() bool
	QuietPeriod time.Duration

	listener net.Listener
}

// NewHTTPEventReceiver returns a receiver on :port.
func NewHTTPEventReceiver(port int, handler http.Handler, ready func() bool) *HTTPEventReceiver {
	return &HTTPEventReceiver{
		Addr:        fmt.Sprintf(":%d", port),
		Handler:     handler,
		Ready:       ready,
		QuietPeriod: DefaultDrainQuietPeriod,
	}
}

// Listen opens the listening socket (StartListen does it when needed).
func (r *HTTPEventReceiver) Listen() error {
	if r.listener != nil {
		return nil
	}
	ln, err := net.Listen("tcp", r.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", r.Addr, err)
	}
	r.listener = ln
	return nil
}

// GetAddr returns the listening address once Listen succeeded.
func (r *HTTPEventReceiver) GetAddr() string {
	if r.listener == nil {
		return ""
	}
	return r.listener.Addr().String()
}

// StartListen serves until ctx ends, then fails readiness for the quiet
// period and shuts down, waiting up to DefaultShutdownTimeout.
func (r *HTTPEventReceiver) StartListen(ctx context.Context) error {
	if err := r.Listen(); err != nil {
		return err
	}
	drainer := &handlers.Drainer{
		Inner:       r.Handler,
		QuietPeriod: r.QuietPeriod,
		HealthCheck: func(w http.ResponseWriter, _ *http.Request) {
			if r.Ready != nil && !r.Ready() {
				http.Error(w, "not ready", http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		},
	}
	srv := &http.Server{
		Handler:           drainer,
		ReadHeaderTimeout: 30 * time.Second,
		// Events are small; a slow client must not hold a connection.
		ReadTimeout: 10 * time.Minute,
	}
	errCh := make(chan error, 1)
	go func() { errCh <- srv.Serve(r.listener) }()
	select {
	case err := <-errCh:
		return err
	case <-ctx.Done():
	}
	drainer.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errCh; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
