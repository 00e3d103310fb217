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

// Command apiserver-receive-adapter is the receive adapter of one
// ApiServerSource: it runs as the ServiceAccount the source names, watches
// the source's resources and sends their changes to its sink.
package main

import (
	"knative.dev/pkg/signals"

	"github.com/skiffhq/skiff/pkg/adapter/apiserver"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
)

const component = "apiserversource"

func main() {
	ctx := adapter.WithInjectorEnabled(signals.NewContext())
	adapter.MainWithContext(ctx, component, apiserver.NewEnvConfig, apiserver.NewAdapter)
}
