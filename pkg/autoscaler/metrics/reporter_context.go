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

package metrics

import (
	"context"

	"go.opencensus.io/resource"
	"knative.dev/pkg/metrics/metricskey"
)

// Resource type and labels as upstream serving's pkg/metrics, so dashboards
// built for upstream's autoscaler and activator metrics work unchanged.
const (
	resourceTypeKnativeRevision = "knative_revision"
	labelServiceName            = "service_name"
	labelConfigurationName      = "configuration_name"
	labelRevisionName           = "revision_name"
)

// RevisionContext returns a context whose recordings are attributed to the
// knative_revision resource of the given revision (an empty service name
// becomes "unknown").
func RevisionContext(ns, svc, cfg, rev string) context.Context {
	if svc == "" {
		svc = metricskey.ValueUnknown
	}
	return metricskey.WithResource(context.Background(), resource.Resource{
		Type: resourceTypeKnativeRevision,
		Labels: map[string]string{
			metricskey.LabelNamespaceName: ns,
			labelServiceName:              svc,
			labelConfigurationName:        cfg,
			labelRevisionName:             rev,
		},
	})
}
