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

package sources

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// ContainerSourceOption enables further configuration of a ContainerSource.
type ContainerSourceOption func(*v1.ContainerSource)

// NewContainerSource creates a ContainerSource with the options applied,
// then defaulted as the webhook would.
func NewContainerSource(name, namespace string, o ...ContainerSourceOption) *v1.ContainerSource {
	s := &v1.ContainerSource{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
	}
	for _, opt := range o {
		opt(s)
	}
	s.SetDefaults(context.Background())
	return s
}

// WithContainerSourceUID sets the UID.
func WithContainerSourceUID(uid types.UID) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		s.UID = uid
	}
}

// WithContainerSourceSpec sets the spec.
func WithContainerSourceSpec(spec v1.ContainerSourceSpec) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		s.Spec = spec
	}
}

// WithContainerSourceObjectMetaGeneration sets metadata.generation.
func WithContainerSourceObjectMetaGeneration(generation int64) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		s.Generation = generation
	}
}

// WithContainerSourceStatusObservedGeneration sets status.observedGeneration.
func WithContainerSourceStatusObservedGeneration(generation int64) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		s.Status.ObservedGeneration = generation
	}
}

// WithContainerUnobservedGeneration marks Ready Unknown the way the
// generated reconciler does when it first sees a new generation.
func WithContainerUnobservedGeneration() ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		condSet := s.GetConditionSet()
		condSet.Manage(&s.Status).MarkUnknown(
			condSet.GetTopLevelConditionType(), "NewObservedGenFailure", "unsuccessfully observed a new generation")
	}
}

// WithContainerSourceDeleted sets a deletion timestamp.
func WithContainerSourceDeleted(s *v1.ContainerSource) {
	t := deletionTime
	s.SetDeletionTimestamp(&t)
}

// WithInitContainerSourceConditions initializes the conditions to Unknown.
func WithInitContainerSourceConditions(s *v1.ContainerSource) {
	s.Status.InitializeConditions()
}

// WithContainerSourcePropagateReceiveAdapterStatus propagates the
// Deployment's availability into ReceiveAdapterReady.
func WithContainerSourcePropagateReceiveAdapterStatus(d *appsv1.Deployment) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		s.Status.PropagateReceiveAdapterStatus(d)
	}
}

// WithContainerSourcePropagateSinkbindingStatus propagates the SinkBinding's
// status (sink fields and Ready) into the ContainerSource.
func WithContainerSourcePropagateSinkbindingStatus(status *v1.SinkBindingStatus) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		s.Status.PropagateSinkBindingStatus(status)
	}
}

// WithContainerSourceOIDCServiceAccountName sets status.auth.serviceAccountName.
func WithContainerSourceOIDCServiceAccountName(name string) ContainerSourceOption {
	return func(s *v1.ContainerSource) {
		if s.Status.Auth == nil {
			s.Status.Auth = &duckv1.AuthStatus{}
		}
		s.Status.Auth.ServiceAccountName = &name
	}
}
