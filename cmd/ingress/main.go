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

// Command ingress is the Skiff gateway: it serves the KIngresses of class
// skiff.ingress.networking.knative.dev on its external and internal
// listeners and runs their reconciler (see pkg/reconciler/ingress/skiff).
package main

import (
	"flag"

	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/ingress/gateway"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/skiff"
)

func main() {
	var o skiff.Options
	flag.StringVar(&o.Serve.ExternalAddress, "external-address", ":8080", "address of the external listener (ExternalIP rules; the skiff-gateway Service)")
	flag.StringVar(&o.Serve.InternalAddress, "internal-address", ":8081", "address of the internal listener (ClusterLocal and ExternalIP rules; skiff-gateway-internal)")
	flag.StringVar(&o.Serve.AdminAddress, "admin-address", ":8090", "address serving /ready, /healthz and /ingresses")
	flag.DurationVar(&o.Serve.DrainTimeout, "drain-timeout", gateway.DefaultDrainTimeout, "how long to keep serving after SIGTERM, with /ready failing")
	flag.DurationVar(&o.Gateway.Timeout, "request-timeout", 0, "bound on a whole request, 0 for none (queue-proxy enforces revision timeouts)")

	// The admin listener answers the probes (ready once the KIngresses
	// existing at start are served), so sharedmain's are off.
	ctx := sharedmain.WithHealthProbesDisabled(signals.NewContext())
	cfg := injection.ParseAndGetRESTConfigOrDie() // parses the flags above
	sharedmain.MainWithConfig(skiff.WithOptions(ctx, o), "skiff-gateway", cfg, skiff.NewController)
}
