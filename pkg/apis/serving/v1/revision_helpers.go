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

package v1

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/kmeta"

	net "github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

const (
	// DefaultUserPort is the port the user container serves on when it
	// declares none.
	DefaultUserPort = 8080

	// UserPortName is the name of the serving port on the Deployment and Pod
	// of a Revision, whatever name (if any) the user gave it.
	UserPortName = "user-port"

	// QueueAdminPortName is the name of queue-proxy's health check and
	// lifecycle hook port.
	QueueAdminPortName = "http-queueadm"

	// AutoscalingQueueMetricsPortName is the name of queue-proxy's port for
	// metrics scraped by the autoscaler.
	AutoscalingQueueMetricsPortName = "http-autometric"

	// UserQueueMetricsPortName is the name of queue-proxy's port for
	// metrics meant for end users.
	UserQueueMetricsPortName = "http-usermetric"
)

// RoutingState is the state of a revision with regard to serving a route.
type RoutingState string

const (
	// RoutingStateUnset is the empty value for routing state, this state is unexpected.
	RoutingStateUnset RoutingState = ""

	// RoutingStatePending is the state of a revision after creation, before
	// its routing state is known. Garbage collection treats it like active.
	RoutingStatePending RoutingState = "pending"

	// RoutingStateActive is the state of a revision a Route references.
	RoutingStateActive RoutingState = "active"

	// RoutingStateReserve is the state of a revision no Route references any
	// more; it is scaled down but can quickly be made active again.
	RoutingStateReserve RoutingState = "reserve"
)

// GetContainer returns the serving container: the only container, or the
// one with ports (validation guarantees there is exactly one). Never nil;
// without containers it returns an empty one.
// Note: keep GetSidecarContainers in step with this function.
func (rs *RevisionSpec) GetContainer() *corev1.Container {
	switch {
	case len(rs.Containers) == 1:
		return &rs.Containers[0]
	case len(rs.Containers) > 1:
		for i := range rs.Containers {
			if len(rs.Containers[i].Ports) != 0 {
				return &rs.Containers[i]
			}
		}
	}
	// Unreachable after validation; eases testing.
	return &corev1.Container{}
}

// GetSidecarContainers returns every container but the serving one (see
// GetContainer).
func (rs *RevisionSpec) GetSidecarContainers() []*corev1.Container {
	sidecars := []*corev1.Container{}
	if len(rs.Containers) == 1 {
		return sidecars
	}
	for i, c := range rs.Containers {
		if len(c.Ports) == 0 {
			sidecars = append(sidecars, &rs.Containers[i])
		}
	}
	return sidecars
}

// SetRoutingState sets the routingState label, and the routingStateModified
// annotation to tm when the state changes (or was never stamped).
func (r *Revision) SetRoutingState(state RoutingState, tm time.Time) {
	stateStr := string(state)
	if t := r.Annotations[serving.RoutingStateModifiedAnnotationKey]; t != "" &&
		r.Labels[serving.RoutingStateLabelKey] == stateStr {
		return // Unchanged: keep the original timestamp.
	}

	r.Labels = kmeta.UnionMaps(r.Labels,
		map[string]string{serving.RoutingStateLabelKey: stateStr})
	r.Annotations = kmeta.UnionMaps(r.Annotations,
		map[string]string{serving.RoutingStateModifiedAnnotationKey: RoutingStateModifiedString(tm)})
}

// RoutingStateModifiedString formats t for the routingStateModified annotation.
func RoutingStateModifiedString(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// GetRoutingState returns the routingState label.
func (r *Revision) GetRoutingState() RoutingState {
	return RoutingState(r.Labels[serving.RoutingStateLabelKey])
}

// GetRoutingStateModified returns the routingStateModified annotation, or
// the zero time when it is missing or malformed.
func (r *Revision) GetRoutingStateModified() time.Time {
	val := r.Annotations[serving.RoutingStateModifiedAnnotationKey]
	if val == "" {
		return time.Time{}
	}
	parsed, err := time.Parse(time.RFC3339, val)
	if err != nil {
		return time.Time{}
	}
	return parsed
}

// GetProtocol returns the application protocol: h2c when the serving port
// is named "h2c", http1 otherwise.
func (r *Revision) GetProtocol() net.ProtocolType {
	ports := r.Spec.GetContainer().Ports
	if len(ports) > 0 && ports[0].Name == string(net.ProtocolH2C) {
		return net.ProtocolH2C
	}
	return net.ProtocolHTTP1
}

// IsActivationRequired returns true if the revision is not Active, so
// requests must go through the activator.
func (rs *RevisionStatus) IsActivationRequired() bool {
	c := revisionCondSet.Manage(rs).GetCondition(RevisionConditionActive)
	return c != nil && c.Status != corev1.ConditionTrue
}
