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

// Package serving holds the serving.knative.dev group-level constants
// (labels, annotations, resources) and the validation and defaulting
// shared by every version of the group: object metadata, the restricted
// PodSpec Knative accepts, and the field masks behind it.
package serving

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/kmap"
)

const (
	// GroupName is the group name for Knative Serving resources, labels and
	// annotations.
	GroupName = "serving.knative.dev"

	// GroupNamePrefix is the prefix of every label and annotation key in the group.
	GroupNamePrefix = GroupName + "/"

	// ConfigurationLabelKey is attached to a Revision to name the
	// Configuration that created it.
	ConfigurationLabelKey = GroupName + "/configuration"

	// RevisionLastPinnedAnnotationKey records when a Route last pinned a Revision.
	RevisionLastPinnedAnnotationKey = GroupName + "/lastPinned"

	// RevisionPreservedAnnotationKey keeps the revision garbage collector
	// from deleting a Revision automatically.
	RevisionPreservedAnnotationKey = GroupName + "/no-gc"

	// RouteLabelKey names the Route that references (or created) the labelled
	// object: Configurations and Revisions used as traffic targets, the
	// Ingress and the placeholder k8s Service the Route creates.
	RouteLabelKey = GroupName + "/route"

	// RoutesAnnotationKey is set on a Revision to the comma separated list
	// of Routes that reference it.
	RoutesAnnotationKey = GroupName + "/routes"

	// RolloutDurationKey is a Route (or Service) annotation holding the
	// duration, a positive Go time.Duration at second precision, over which
	// traffic moves to the latest revision.
	RolloutDurationKey = GroupName + "/rollout-duration"

	// RoutingStateLabelKey is the label holding a Revision's RoutingState.
	RoutingStateLabelKey = GroupName + "/routingState"

	// RoutingStateModifiedAnnotationKey records when RoutingStateLabelKey
	// last changed; revision GC orders by it.
	RoutingStateModifiedAnnotationKey = GroupName + "/routingStateModified"

	// RouteNamespaceLabelKey is attached to an Ingress to name the namespace
	// of the Route that created it.
	RouteNamespaceLabelKey = GroupName + "/routeNamespace"

	// RevisionLabelKey names the Revision that caused a k8s resource to exist.
	RevisionLabelKey = GroupName + "/revision"

	// RevisionUID is the label holding the UID of the owning Revision.
	RevisionUID = GroupName + "/revisionUID"

	// ConfigurationUIDLabelKey is the pod label holding the UID of the
	// Configuration.
	ConfigurationUIDLabelKey = GroupName + "/configurationUID"

	// ServiceUIDLabelKey is the pod label holding the UID of the Knative Service.
	ServiceUIDLabelKey = GroupName + "/serviceUID"

	// ServiceLabelKey is attached to a Route and a Configuration to name the
	// Knative Service that created them.
	ServiceLabelKey = GroupName + "/service"

	// DomainMappingUIDLabelKey is attached to an Ingress created for a
	// DomainMapping. A UID, because mapping names can exceed 63 characters.
	DomainMappingUIDLabelKey = GroupName + "/domainMappingUID"

	// DomainMappingNamespaceLabelKey is attached to an Ingress created for a
	// DomainMapping to name the DomainMapping's namespace.
	DomainMappingNamespaceLabelKey = GroupName + "/domainMappingNamespace"

	// ConfigurationGenerationLabelKey is attached to a Revision and holds the
	// metadata.generation of the Configuration that created it.
	ConfigurationGenerationLabelKey = GroupName + "/configurationGeneration"

	// CreatorAnnotation names the user that created the resource.
	CreatorAnnotation = GroupName + "/creator"

	// UpdaterAnnotation names the user that last changed the resource's spec.
	UpdaterAnnotation = GroupName + "/lastModifier"

	// QueueSidecarResourcePercentageAnnotationKey is the percentage, in
	// [0.1, 100], of the user container's resources given to queue-proxy.
	//
	// Deprecated: set queue-proxy resources explicitly with the
	// QueueSidecar*Resource*AnnotationKey annotations instead.
	QueueSidecarResourcePercentageAnnotationKey = "queue.sidecar." + GroupName + "/resource-percentage"

	// QueueSidecarCPUResourceRequestAnnotationKey is queue-proxy's CPU request.
	QueueSidecarCPUResourceRequestAnnotationKey = "queue.sidecar." + GroupName + "/cpu-resource-request"

	// QueueSidecarCPUResourceLimitAnnotationKey is queue-proxy's CPU limit.
	QueueSidecarCPUResourceLimitAnnotationKey = "queue.sidecar." + GroupName + "/cpu-resource-limit"

	// QueueSidecarMemoryResourceRequestAnnotationKey is queue-proxy's memory request.
	QueueSidecarMemoryResourceRequestAnnotationKey = "queue.sidecar." + GroupName + "/memory-resource-request"

	// QueueSidecarMemoryResourceLimitAnnotationKey is queue-proxy's memory limit.
	QueueSidecarMemoryResourceLimitAnnotationKey = "queue.sidecar." + GroupName + "/memory-resource-limit"

	// QueueSidecarEphemeralStorageResourceRequestAnnotationKey is
	// queue-proxy's ephemeral storage request.
	QueueSidecarEphemeralStorageResourceRequestAnnotationKey = "queue.sidecar." + GroupName + "/ephemeral-storage-resource-request"

	// QueueSidecarEphemeralStorageResourceLimitAnnotationKey is
	// queue-proxy's ephemeral storage limit.
	QueueSidecarEphemeralStorageResourceLimitAnnotationKey = "queue.sidecar." + GroupName + "/ephemeral-storage-resource-limit"

	// VisibilityLabelKey is the label that marks a Route or Service as
	// cluster-local. It is the networking group's visibility label
	// (networking.knative.dev/visibility), which serving shares.
	VisibilityLabelKey = "networking.knative.dev/visibility"

	// VisibilityClusterLocal is the VisibilityLabelKey value that gives a
	// Route/Service a cluster-local domain only.
	VisibilityClusterLocal = "cluster-local"

	// ProgressDeadlineAnnotationKey is the per-revision progress deadline
	// applied to its Deployment.
	ProgressDeadlineAnnotationKey = GroupName + "/progress-deadline"
)

var (
	// ServicesResource represents a Knative Service.
	ServicesResource = schema.GroupResource{Group: GroupName, Resource: "services"}

	// ConfigurationsResource represents a Knative Configuration.
	ConfigurationsResource = schema.GroupResource{Group: GroupName, Resource: "configurations"}

	// RevisionsResource represents a Knative Revision.
	RevisionsResource = schema.GroupResource{Group: GroupName, Resource: "revisions"}

	// RoutesResource represents a Knative Route.
	RoutesResource = schema.GroupResource{Group: GroupName, Resource: "routes"}
)

// Annotation lookups that accept deprecated spellings: the first key wins.
var (
	RolloutDurationAnnotation = kmap.KeyPriority{
		RolloutDurationKey,
		GroupName + "/rolloutDuration",
	}
	QueueSidecarResourcePercentageAnnotation = kmap.KeyPriority{
		QueueSidecarResourcePercentageAnnotationKey,
		"queue.sidecar." + GroupName + "/resourcePercentage",
	}
	QueueSidecarCPUResourceRequestAnnotation = kmap.KeyPriority{
		QueueSidecarCPUResourceRequestAnnotationKey,
	}
	QueueSidecarCPUResourceLimitAnnotation = kmap.KeyPriority{
		QueueSidecarCPUResourceLimitAnnotationKey,
	}
	QueueSidecarMemoryResourceRequestAnnotation = kmap.KeyPriority{
		QueueSidecarMemoryResourceRequestAnnotationKey,
	}
	QueueSidecarMemoryResourceLimitAnnotation = kmap.KeyPriority{
		QueueSidecarMemoryResourceLimitAnnotationKey,
	}
	QueueSidecarEphemeralStorageResourceRequestAnnotation = kmap.KeyPriority{
		QueueSidecarEphemeralStorageResourceRequestAnnotationKey,
	}
	QueueSidecarEphemeralStorageResourceLimitAnnotation = kmap.KeyPriority{
		QueueSidecarEphemeralStorageResourceLimitAnnotationKey,
	}
	ProgressDeadlineAnnotation = kmap.KeyPriority{
		ProgressDeadlineAnnotationKey,
	}
)
