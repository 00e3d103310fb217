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

// Command skiff runs Skiff locally: a real Kubernetes control plane on this machine
// (no Docker) with Skiff's config/ installed.
//
//	skiff up                  start (or resume) the control plane under $SKIFF_HOME and apply config/
//	skiff down                stop every process `up` started (state is kept)
//	skiff status              show the components, their pids and memory
//	skiff kubeconfig          print the admin kubeconfig path (--print: its content)
//	skiff kubectl ARGS...     run kubectl against the local cluster
//	skiff build-controlplane  build the control-plane binaries into the cache
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}
