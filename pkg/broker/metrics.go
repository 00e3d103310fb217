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

package broker

import (
	"go.opencensus.io/tag"
	"knative.dev/pkg/metrics/metricskey"
)

const (
	// EventArrivalTime is the extension the ingress sets (RFC 3339) so the
	// filter can report the time from arrival to dispatch.
	EventArrivalTime = "knativearrivaltime"

	// LabelUniqueName is the label for the unique name per stats_reporter instance.
	LabelUniqueName = "unique_name"
	// LabelContainerName is the label for the immutable name of the container.
	LabelContainerName = metricskey.ContainerName

	// Metric label names shared with upstream's pkg/metrics.
	LabelTriggerName       = "trigger_name"
	LabelBrokerName        = "broker_name"
	LabelEventType         = "event_type"
	LabelEventScheme       = "event_scheme"
	LabelFilterType        = "filter_type"
	LabelResponseCode      = metricskey.LabelResponseCode
	LabelResponseCodeClass = metricskey.LabelResponseCodeClass
	LabelNamespaceName     = metricskey.LabelNamespaceName

	// ResourceTypeKnativeTrigger and ResourceTypeKnativeBroker are the
	// OpenCensus resource types the filter and ingress report under.
	ResourceTypeKnativeTrigger = "knative_trigger"
	ResourceTypeKnativeBroker  = "knative_broker"
)

var (
	// ContainerTagKey tags a measurement with the container name.
	ContainerTagKey = tag.MustNewKey(LabelContainerName)
	// UniqueTagKey tags a measurement with the reporter's unique name.
	UniqueTagKey = tag.MustNewKey(LabelUniqueName)
)
