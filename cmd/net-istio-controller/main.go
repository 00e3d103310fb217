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

// Command net-istio-controller runs the KIngress reconciler of class
// istio.ingress.networking.knative.dev: KIngress -> Istio VirtualServices
// (see pkg/reconciler/ingress/istio). Deployed from config/istio/.
package main

import (
	"log"
	"time"

	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio"
)

func main() {
	ctx := signals.NewContext()
	cfg := injection.ParseAndGetRESTConfigOrDie()
	// Installed everywhere with config/, useful only with Istio: wait for
	// it, healthy, on sharedmain's probes port.
	if err := istio.WaitForIstio(ctx, cfg, ":8080", 30*time.Second); err != nil {
		log.Fatal("Waiting for Istio: ", err)
	}
	sharedmain.MainWithConfig(ctx, "net-istio-controller", cfg, istio.NewController)
}
