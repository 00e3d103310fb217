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

// Package adapter is the framework Knative source adapters run on, as
// upstream's knative.dev/eventing/pkg/adapter/v2: the environment contract
// (K_SINK, K_CE_OVERRIDES, NAMESPACE, NAME, K_LOGGING_CONFIG,
// K_METRICS_CONFIG, K_TRACING_CONFIG, K_LEADER_ELECTION_CONFIG,
// K_SINK_TIMEOUT), a CloudEvents client that applies the overrides and
// counts what it sends (OpenCensus event_count / retry_event_count), and
// Main, which wires logging, metrics, tracing, health probes, informers and
// an optional leader-elected controller (multi-tenant adapters such as the
// PingSource adapter) around an Adapter's Start.
package adapter
