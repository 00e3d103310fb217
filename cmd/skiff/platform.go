/*
Copyright 2025 The Skiff Authors

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

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/local/platform"
)

// GatewayPortEnv sets the default of `skiff up --gateway-port`.
const GatewayPortEnv = "SKIFF_GATEWAY_PORT"

// gatewayPortDefault is $SKIFF_GATEWAY_PORT, else defaultGatewayPort.
func gatewayPortDefault() int {
	if s := os.Getenv(GatewayPortEnv); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65536 {
			return n
		}
		fmt.Fprintf(os.Stderr, "skiff: ignoring %s=%q (not a port)\n", GatewayPortEnv, s)
	}
	return defaultGatewayPort
}

// installPlatform applies config/ as on a cluster and waits until every component runs
// on the node (platform.Install): component images are built first, with progress, into
// the cache the node agent resolves them from.
func installPlatform(ctx context.Context, home, kubeconfigPath, configDir string, gatewayPort int, out io.Writer) error {
	cfg, err := cluster.RESTConfigFromKubeconfig(kubeconfigPath)
	if err != nil {
		return err
	}
	store, err := imageStore(home, io.Discard) // Install prints one line per build
	if err != nil {
		return err
	}
	if configDir == "" && store.SourceRoot == "" {
		return fmt.Errorf("cannot find the Skiff source tree for config/ and ko:// images (run from a checkout, set SKIFF_SOURCE, " +
			"or pass --config DIR, or --no-config)")
	}
	rep, err := platform.Install(ctx, platform.Options{RESTConfig: cfg, ConfigDir: configDir, SourceRoot: store.SourceRoot,
		Images: store, Out: out})
	if err != nil {
		return fmt.Errorf("%w\nThe control plane and the node are running; fix the component and run skiff up again "+
			"(its logs: skiff kubectl logs -n NAMESPACE deploy/NAME)", err)
	}
	if len(rep.Warnings()) > 0 {
		fmt.Fprintf(out, "%d warning(s) above: those components are not running.\n", len(rep.Warnings()))
	}
	fmt.Fprintf(out, "\nThe Skiff gateway (LoadBalancer Service knative-serving/skiff-gateway, port 80) is on http://127.0.0.1:%d\n"+
		"Try the seed's sample:\n"+
		"  skiff image add dev.local/hello-go:serving examples/hello-go\n"+
		"  skiff kubectl apply -f examples/hello-go/service.yaml\n"+
		"  skiff kubectl wait ksvc/hello-go --for=condition=Ready\n"+
		"  curl -H 'Host: hello-go.default.example.com' http://127.0.0.1:%d\n", gatewayPort, gatewayPort)
	return nil
}
