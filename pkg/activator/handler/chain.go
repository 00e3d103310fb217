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

	"go.uber.org/zap"
	netprobe "knative.dev/networking/pkg/http/probe"

	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
)

// ChainOptions is what the activator's handler chain is built from.
type ChainOptions struct {
	// PodName is the activator's pod, for metrics.
	PodName string
	// Throttler holds requests until a backend has room.
	Throttler Throttler
	// Transport carries requests to pods; it should be the one the
	// throttler probes with.
	Transport http.RoundTripper
	// UsePassthroughLb routes to pods through the ingress (meshes).
	UsePassthroughLb bool
	// Store provides the tracing and network configuration.
	Store *activatorconfig.Store
	// Reporter counts requests for the autoscaler.
	Reporter *ConcurrencyReporter
	// HealthCheck answers kubelet probes.
	HealthCheck func() error
	Logger      *zap.SugaredLogger
}

// NewChain composes the handler chain cmd/activator serves on its ports
// 8012 and 8013. Innermost first:
//
//	activation (wait for capacity, proxy under the revision's timeouts) →
//	concurrency reporter → tracing → metrics → full duplex → context
//	(which revision) → activator probe → network probe → health
func NewChain(ctx context.Context, o ChainOptions) http.Handler {
	var h http.Handler = New(ctx, o.Throttler, o.Transport, o.UsePassthroughLb, o.Logger)
	h = o.Reporter.Handler(h)
	h = NewTracingHandler(h)
	// Outermost of the request handlers: probes and health checks are not
	// requests to measure.
	h = NewMetricHandler(o.PodName, h)
	h = WrapActivatorHandlerWithFullDuplex(h, o.Logger)
	// Everything inside needs the revision in the context.
	h = NewContextHandler(ctx, h, o.Store)
	h = &ProbeHandler{NextHandler: h}
	h = netprobe.NewHandler(h)
	return &HealthHandler{HealthCheck: o.HealthCheck, NextHandler: h, Logger: o.Logger}
}
