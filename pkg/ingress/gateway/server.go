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

package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
)

// DefaultDrainTimeout is how long a gateway pod keeps serving after it is
// told to stop: long enough for the Endpoints update to reach kube-proxy
// and load balancers.
const DefaultDrainTimeout = 15 * time.Second

// ServeConfig says where the gateway listens.
type ServeConfig struct {
	// ExternalAddress serves ExternalIP rules (":8080" in a pod, the
	// target of the skiff-gateway Service).
	ExternalAddress string
	// InternalAddress serves ClusterLocal and ExternalIP rules (":8081",
	// the target of skiff-gateway-internal).
	InternalAddress string
	// AdminAddress serves /ready, /healthz and /ingresses (":8090").
	AdminAddress string
	// ExternalListener, InternalListener and AdminListener, when set, are
	// used instead of listening on the addresses (tests pick free ports).
	ExternalListener, InternalListener, AdminListener net.Listener
	// DrainTimeout is how long the listeners keep serving after ctx ends,
	// with /ready failing, so load balancers stop sending first.
	DrainTimeout time.Duration
}

// NewServer returns an HTTP server for handler speaking HTTP/1.1 and h2c.
func NewServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           h2c.NewHandler(handler, &http2.Server{}),
		ReadHeaderTimeout: time.Minute,
		IdleTimeout:       5 * time.Minute,
	}
}

// AdminHandler serves the gateway's readiness (/ready: 200 once SetReady
// was called, 503 while draining), liveness (/healthz) and what it serves
// (/ingresses, JSON).
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if !g.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/ingresses", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(g.List())
	})
	return mux
}

// Run listens on the configured addresses and serves until ctx is done,
// then fails readiness, drains for DrainTimeout and shuts down gracefully.
// Empty addresses are not served.
func (g *Gateway) Run(ctx context.Context, cfg ServeConfig) error {
	type srv struct {
		name string
		s    *http.Server
		l    net.Listener
	}
	var servers []srv
	for _, c := range []struct {
		name, addr string
		l          net.Listener
		h          http.Handler
	}{
		{"external", cfg.ExternalAddress, cfg.ExternalListener, g.Handler(External)},
		{"internal", cfg.InternalAddress, cfg.InternalListener, g.Handler(Internal)},
		{"admin", cfg.AdminAddress, cfg.AdminListener, g.AdminHandler()},
	} {
		if c.l != nil {
			servers = append(servers, srv{name: c.name, s: NewServer(c.h), l: c.l})
			continue
		}
		if c.addr == "" {
			continue
		}
		l, err := net.Listen("tcp", c.addr)
		if err != nil {
			for _, s := range servers {
				s.l.Close()
			}
			return fmt.Errorf("listening on %s for the %s listener: %w", c.addr, c.name, err)
		}
		servers = append(servers, srv{name: c.name, s: NewServer(c.h), l: l})
	}

	errCh := make(chan error, len(servers))
	for _, s := range servers {
		g.logger.Infow("Gateway listening", zap.String("listener", s.name), zap.String("address", s.l.Addr().String()))
		go func() {
			if err := s.s.Serve(s.l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errCh <- fmt.Errorf("%s listener: %w", s.name, err)
			}
		}()
	}

	var err error
	select {
	case <-ctx.Done():
	case err = <-errCh:
	}
	g.SetReady(false)
	if err == nil && cfg.DrainTimeout > 0 {
		g.logger.Infow("Draining", zap.Duration("for", cfg.DrainTimeout))
		time.Sleep(cfg.DrainTimeout)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, s := range servers {
		if serr := s.s.Shutdown(shutdownCtx); serr != nil {
			err = errors.Join(err, fmt.Errorf("shutting down the %s listener: %w", s.name, serr))
		}
	}
	return err
}
