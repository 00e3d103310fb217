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

package istio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"go.uber.org/zap"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"knative.dev/pkg/logging"
)

// IstioGroupVersion is the API the reconciler needs served.
const IstioGroupVersion = "networking.istio.io/v1beta1"

// WaitForIstio blocks until the API server serves Istio's VirtualServices
// and Gateways, so the controller's informers can sync; meanwhile it
// answers health probes on probesAddr (200: waiting is healthy), so
// config/istio can be applied to a cluster without Istio and nothing
// fails. It returns once the API is served (the probes listener closed,
// free for the controller's own) or ctx is done.
func WaitForIstio(ctx context.Context, cfg *rest.Config, probesAddr string, period time.Duration) error {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return fmt.Errorf("creating a discovery client: %w", err)
	}
	served := func() bool {
		rl, err := dc.ServerResourcesForGroupVersion(IstioGroupVersion)
		if err != nil {
			return false
		}
		var names []string
		for _, r := range rl.APIResources {
			names = append(names, r.Name)
		}
		return slices.Contains(names, "virtualservices") && slices.Contains(names, "gateways")
	}
	if served() {
		return nil
	}

	logger := logging.FromContext(ctx)
	logger.Infow("Istio is not installed; waiting for its API", zap.String("groupVersion", IstioGroupVersion))
	l, err := net.Listen("tcp", probesAddr)
	if err != nil {
		return fmt.Errorf("listening for probes on %s: %w", probesAddr, err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintln(w, "waiting for Istio")
		}),
		ReadHeaderTimeout: time.Minute,
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Errorw("Probes server", zap.Error(err))
		}
	}()
	defer srv.Close()

	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if served() {
				logger.Info("Istio API found; starting")
				return nil
			}
		}
	}
}
