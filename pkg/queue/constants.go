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

package queue

//nolint:gosec // Volume Mount Points and Filenames
const (
	// Name is the name of the component, and the value of the
	// K-Network-Probe header that asks queue-proxy for its readiness.
	Name = "queue"

	// RequestQueueDrainPath specifies the path to wait until the proxy
	// server is shut down. Any subsequent calls to this endpoint after
	// the server has finished shutting down it will return immediately.
	// Main usage is to delay the termination of user-container until all
	// accepted requests have been processed.
	RequestQueueDrainPath = "/wait-for-drain"

	// RequestQueueDrainAliasPath is a shorter alias of RequestQueueDrainPath.
	RequestQueueDrainAliasPath = "/drain"

	// RequestQueueHealthPath on the admin port answers like a readiness
	// probe on the serving port, for probes that cannot set headers.
	RequestQueueHealthPath = "/health"

	// CertDirectory is the name of the directory path where certificates are stored.
	CertDirectory = "/var/lib/knative/certs"

	// PodInfoDirectory is the name of the directory path where podinfo are stored.
	PodInfoDirectory = "/etc/podinfo"

	// TokenDirectory is the name of the directory path where tokens are stored.
	TokenDirectory = "/var/run/secrets/tokens"

	// PodInfoAnnotationsFilename is the file name of the annotations in PodInfoDirectory.
	PodInfoAnnotationsFilename = "annotations"
)

// Ports queue-proxy listens on, as upstream's pkg/networking constants.
const (
	// BackendHTTPPort is the serving port for HTTP/1 (and h2c) traffic.
	BackendHTTPPort = 8012

	// BackendHTTP2Port is the serving port used for h2c revisions.
	BackendHTTP2Port = 8013

	// BackendHTTPSPort is the serving port for TLS traffic.
	BackendHTTPSPort = 8112

	// QueueAdminPort serves the drain endpoint.
	QueueAdminPort = 8022

	// AutoscalingQueueMetricsPort serves the Stat scraped by the autoscaler.
	AutoscalingQueueMetricsPort = 9090

	// UserQueueMetricsPort serves request metrics for users (Prometheus).
	UserQueueMetricsPort = 9091

	// ProfilingPort serves pprof when profiling is enabled.
	ProfilingPort = 8008
)

// Headers the activator adds to identify the revision; they are removed
// before the request reaches the user container.
const (
	// RevisionHeaderName is the header key for revision name.
	RevisionHeaderName = "Knative-Serving-Revision"

	// RevisionHeaderNamespace is the header key for revision's namespace.
	RevisionHeaderNamespace = "Knative-Serving-Namespace"

	// ActivatorName is the value of K-Proxy-Request on requests the
	// activator forwarded; they count as "proxied" in the Stat.
	ActivatorName = "activator"
)

// RevisionHeaders are the headers the activator uses to identify the
// revision. They are removed before reaching the user container.
var RevisionHeaders = []string{RevisionHeaderName, RevisionHeaderNamespace}
