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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// PingSourceOption enables further configuration of a PingSource.
type PingSourceOption func(*v1.PingSource)

// NewPingSource creates a PingSource with the options applied, then
// defaulted as the webhook would.
func NewPingSource(name, namespace string, o ...PingSourceOption) *v1.PingSource {
	s := &v1.PingSource{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
	}
	for _, opt := range o {
		opt(s)
	}
	s.SetDefaults(context.Background())
	return s
}

// WithPingSourceUID sets the UID.
func WithPingSourceUID(uid string) PingSourceOption {
	return func(s *v1.PingSource) {
		s.UID = types.UID(uid)
	}
}

// WithPingSourceSpec sets the spec.
func WithPingSourceSpec(spec v1.PingSourceSpec) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Spec = spec
	}
}

// WithPingSourceObjectMetaGeneration sets metadata.generation.
func WithPingSourceObjectMetaGeneration(generation int64) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Generation = generation
	}
}

// WithPingSourceStatusObservedGeneration sets status.observedGeneration.
func WithPingSourceStatusObservedGeneration(generation int64) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Status.ObservedGeneration = generation
	}
}

// WithPingSourceFinalizers sets the finalizers.
func WithPingSourceFinalizers(finalizers ...string) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Finalizers = finalizers
	}
}

// WithPingSourceDeleted sets a deletion timestamp.
func WithPingSourceDeleted(s *v1.PingSource) {
	t := deletionTime
	s.SetDeletionTimestamp(&t)
}

// WithInitPingSourceConditions initializes the conditions to Unknown.
func WithInitPingSourceConditions(s *v1.PingSource) {
	s.Status.InitializeConditions()
}

// WithPingSourceSinkNotFound marks the sink as not found.
func WithPingSourceSinkNotFound(s *v1.PingSource) {
	s.Status.MarkNoSink("NotFound", "")
}

// WithPingSourceSink marks the sink as resolved to addr.
func WithPingSourceSink(addr *duckv1.Addressable) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Status.MarkSink(addr)
	}
}

// WithPingSourceDeployed marks the adapter deployment available.
func WithPingSourceDeployed(s *v1.PingSource) {
	s.Status.PropagateDeploymentAvailability(availableDeployment())
}

// WithPingSourceDeploymentUnavailable marks the adapter deployment (named
// name) as not yet available.
func WithPingSourceDeploymentUnavailable(name string) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Status.PropagateDeploymentAvailability(unavailableDeployment(name))
	}
}

// WithPingSourceCloudEventAttributes sets the ceAttributes a PingSource
// advertises: type dev.knative.sources.ping, its own source.
func WithPingSourceCloudEventAttributes(s *v1.PingSource) {
	s.Status.CloudEventAttributes = []duckv1.CloudEventAttributes{{
		Type:   v1.PingSourceEventType,
		Source: v1.PingSourceSource(s.Namespace, s.Name),
	}}
}

// WithPingSourceOIDCIdentityCreatedSucceeded marks OIDCIdentityCreated True.
func WithPingSourceOIDCIdentityCreatedSucceeded() PingSourceOption {
	return func(s *v1.PingSource) {
		s.Status.MarkOIDCIdentityCreatedSucceeded()
	}
}

// WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled marks
// OIDCIdentityCreated True because OIDC authentication is off.
func WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled() PingSourceOption {
	return func(s *v1.PingSource) {
		s.Status.MarkOIDCIdentityCreatedSucceededWithReason(OIDCFeatureDisabledReason, "")
	}
}

// WithPingSourceOIDCIdentityCreatedFailed marks OIDCIdentityCreated False.
func WithPingSourceOIDCIdentityCreatedFailed(reason, message string) PingSourceOption {
	return func(s *v1.PingSource) {
		s.Status.MarkOIDCIdentityCreatedFailed(reason, "%s", message)
	}
}

// WithPingSourceOIDCServiceAccountName sets status.auth.serviceAccountName.
func WithPingSourceOIDCServiceAccountName(name string) PingSourceOption {
	return func(s *v1.PingSource) {
		if s.Status.Auth == nil {
			s.Status.Auth = &duckv1.AuthStatus{}
		}
		s.Status.Auth.ServiceAccountName = &name
	}
}
