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

// Command controller is Knative Serving's controller: the service,
// configuration, revision, route, labeler, gc and serverlessservice
// reconcilers, as upstream cmd/controller. The kpa reconciler runs in the
// autoscaler binary, next to the deciders it consults.
package main

import (
	"flag"

	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/reconciler"
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/reconciler/configuration"
	"github.com/skiffhq/skiff/pkg/reconciler/gc"
	"github.com/skiffhq/skiff/pkg/reconciler/labeler"
	"github.com/skiffhq/skiff/pkg/reconciler/revision"
	"github.com/skiffhq/skiff/pkg/reconciler/route"
	"github.com/skiffhq/skiff/pkg/reconciler/serverlessservice"
	"github.com/skiffhq/skiff/pkg/reconciler/service"
)

// The client's rate limits unless flags or the environment set them: what
// Skiff's other clients of the local apiserver use (cluster.RESTConfigFromKubeconfig).
const (
	clientQPS   = 200
	clientBurst = 400
)

var ctors = []injection.ControllerConstructor{
	configuration.NewController,
	labeler.NewController,
	revision.NewController,
	route.NewController,
	service.NewController,
	gc.NewController,
	serverlessservice.NewController,
}

func main() {
	flag.DurationVar(&reconciler.DefaultTimeout,
		"reconciliation-timeout", reconciler.DefaultTimeout,
		"The amount of time to give each reconciliation of a resource to complete before its context is canceled.")

	ctx := signals.NewContext()

	// This parses flags, so the flag above is set once it returns.
	cfg := injection.ParseAndGetRESTConfigOrDie()

	// sharedmain's default client limits, 5 QPS and burst 10 per reconciler
	// (35/70 here), leave a burst of Services waiting on the client's own
	// rate limiter: each costs ~30 API calls, and 500 took 250 s instead of
	// 115 s to reconcile (hack/bench/serving-scale). --kube-api-qps,
	// --kube-api-burst and KUBE_API_QPS/KUBE_API_BURST still win.
	if cfg.QPS == 0 {
		cfg.QPS = clientQPS
	}
	if cfg.Burst == 0 {
		cfg.Burst = clientBurst
	}

	sharedmain.MainWithConfig(ctx, "controller", cfg, ctors...)
}
