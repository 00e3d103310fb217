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
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/sources"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// ApiServerSourceOption enables further configuration of an ApiServerSource.
type ApiServerSourceOption func(*v1.ApiServerSource)

// NewApiServerSource creates an ApiServerSource with the options applied,
// then defaulted as the webhook would.
func NewApiServerSource(name, namespace string, o ...ApiServerSourceOption) *v1.ApiServerSource {
	s := &v1.ApiServerSource{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
	}
	for _, opt := range o {
		opt(s)
	}
	s.SetDefaults(context.Background())
	return s
}

// WithApiServerSourceUID sets the UID.
func WithApiServerSourceUID(uid string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.UID = types.UID(uid)
	}
}

// WithApiServerSourceSpec sets the spec.
func WithApiServerSourceSpec(spec v1.ApiServerSourceSpec) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Spec = spec
	}
}

// WithApiServerSourceNamespaceSelector sets spec.namespaceSelector.
func WithApiServerSourceNamespaceSelector(sel metav1.LabelSelector) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Spec.NamespaceSelector = &sel
	}
}

// WithApiServerSourceObjectMetaGeneration sets metadata.generation.
func WithApiServerSourceObjectMetaGeneration(generation int64) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Generation = generation
	}
}

// WithApiServerSourceStatusObservedGeneration sets status.observedGeneration.
func WithApiServerSourceStatusObservedGeneration(generation int64) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.ObservedGeneration = generation
	}
}

// WithApiServerSourceStatusNamespaces sets status.namespaces.
func WithApiServerSourceStatusNamespaces(namespaces []string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.Namespaces = namespaces
	}
}

// WithApiServerSourceFinalizers sets the finalizers.
func WithApiServerSourceFinalizers(finalizers ...string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Finalizers = finalizers
	}
}

// WithApiServerSourceDeleted sets a deletion timestamp.
func WithApiServerSourceDeleted(s *v1.ApiServerSource) {
	t := deletionTime
	s.SetDeletionTimestamp(&t)
}

// WithInitApiServerSourceConditions initializes the conditions to Unknown.
func WithInitApiServerSourceConditions(s *v1.ApiServerSource) {
	s.Status.InitializeConditions()
}

// WithApiServerSourceSinkNotFound marks the sink as not found.
func WithApiServerSourceSinkNotFound(s *v1.ApiServerSource) {
	s.Status.MarkNoSink("NotFound", "")
}

// WithApiServerSourceSink marks the sink as resolved to uri.
func WithApiServerSourceSink(uri *apis.URL) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.MarkSink(&duckv1.Addressable{URL: uri})
	}
}

// WithApiServerSourceSinkAddressable marks the sink as resolved to addr.
func WithApiServerSourceSinkAddressable(addr *duckv1.Addressable) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.MarkSink(addr)
	}
}

// WithApiServerSourceDeployed marks the adapter deployment available.
func WithApiServerSourceDeployed(s *v1.ApiServerSource) {
	s.Status.PropagateDeploymentAvailability(availableDeployment())
}

// WithApiServerSourceDeploymentUnavailable marks the adapter deployment
// (named name) as not yet available.
func WithApiServerSourceDeploymentUnavailable(name string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.PropagateDeploymentAvailability(unavailableDeployment(name))
	}
}

// WithApiServerSourceSufficientPermissions marks SufficientPermissions True.
func WithApiServerSourceSufficientPermissions(s *v1.ApiServerSource) {
	s.Status.MarkSufficientPermissions()
}

// WithApiServerSourceNoSufficientPermissions marks SufficientPermissions
// False with the given reason and message.
func WithApiServerSourceNoSufficientPermissions(reason, message string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.MarkNoSufficientPermissions(reason, "%s", message)
	}
}

// WithApiServerSourceReferenceModeEventTypes sets the ceAttributes of a
// source in Reference mode, all with the given CloudEvent source.
func WithApiServerSourceReferenceModeEventTypes(source string) ApiServerSourceOption {
	return withApiServerSourceEventTypes(sources.ApiServerSourceEventReferenceModeTypes, source)
}

// WithApiServerSourceResourceModeEventTypes sets the ceAttributes of a
// source in Resource mode, all with the given CloudEvent source.
func WithApiServerSourceResourceModeEventTypes(source string) ApiServerSourceOption {
	return withApiServerSourceEventTypes(sources.ApiServerSourceEventResourceModeTypes, source)
}

func withApiServerSourceEventTypes(eventTypes []string, source string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		attrs := make([]duckv1.CloudEventAttributes, 0, len(eventTypes))
		for _, t := range eventTypes {
			attrs = append(attrs, duckv1.CloudEventAttributes{Type: t, Source: source})
		}
		s.Status.CloudEventAttributes = attrs
	}
}

// WithApiServerSourceOIDCIdentityCreatedSucceeded marks OIDCIdentityCreated True.
func WithApiServerSourceOIDCIdentityCreatedSucceeded() ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.MarkOIDCIdentityCreatedSucceeded()
	}
}

// WithApiServerSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled
// marks OIDCIdentityCreated True because OIDC authentication is off.
func WithApiServerSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled() ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.MarkOIDCIdentityCreatedSucceededWithReason(OIDCFeatureDisabledReason, "")
	}
}

// WithApiServerSourceOIDCIdentityCreatedFailed marks OIDCIdentityCreated False.
func WithApiServerSourceOIDCIdentityCreatedFailed(reason, message string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		s.Status.MarkOIDCIdentityCreatedFailed(reason, "%s", message)
	}
}

// WithApiServerSourceOIDCServiceAccountName sets status.auth.serviceAccountName.
func WithApiServerSourceOIDCServiceAccountName(name string) ApiServerSourceOption {
	return func(s *v1.ApiServerSource) {
		if s.Status.Auth == nil {
			s.Status.Auth = &duckv1.AuthStatus{}
		}
		s.Status.Auth.ServiceAccountName = &name
	}
}
