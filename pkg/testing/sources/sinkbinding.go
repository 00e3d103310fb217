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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/tracker"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// SinkBindingOption enables further configuration of a SinkBinding.
type SinkBindingOption func(*v1.SinkBinding)

// NewSinkBinding creates a SinkBinding with the options applied. As
// upstream, it is not defaulted: the ContainerSource reconciler creates
// SinkBindings exactly as given, and rows compare against that.
func NewSinkBinding(name, namespace string, o ...SinkBindingOption) *v1.SinkBinding {
	sb := &v1.SinkBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
	}
	for _, opt := range o {
		opt(sb)
	}
	return sb
}

// WithSubject assigns the subject of the SinkBinding.
func WithSubject(subject tracker.Reference) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Spec.Subject = subject
	}
}

// WithSink assigns the sink of the SinkBinding.
func WithSink(sink duckv1.Destination) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Spec.Sink = sink
	}
}

// WithCloudEventOverrides assigns the ceOverrides of the SinkBinding.
func WithCloudEventOverrides(overrides duckv1.CloudEventOverrides) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Spec.CloudEventOverrides = &overrides
	}
}

// WithSinkBindingUID sets the UID.
func WithSinkBindingUID(uid types.UID) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.UID = uid
	}
}

// WithSinkBindingLabels sets the labels.
func WithSinkBindingLabels(labels map[string]string) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Labels = labels
	}
}

// WithSinkBindingOwnerReferences sets the owner references (a
// ContainerSource's SinkBinding is owned by it).
func WithSinkBindingOwnerReferences(refs ...metav1.OwnerReference) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.OwnerReferences = refs
	}
}

// WithSinkBindingGeneration sets metadata.generation.
func WithSinkBindingGeneration(generation int64) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Generation = generation
	}
}

// WithSinkBindingObservedGeneration sets status.observedGeneration.
func WithSinkBindingObservedGeneration(generation int64) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Status.ObservedGeneration = generation
	}
}

// WithSinkBindingFinalizers sets the finalizers.
func WithSinkBindingFinalizers(finalizers ...string) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Finalizers = finalizers
	}
}

// WithSinkBindingDeleted sets a deletion timestamp.
func WithSinkBindingDeleted(sb *v1.SinkBinding) {
	t := deletionTime
	sb.SetDeletionTimestamp(&t)
}

// WithInitSinkBindingConditions initializes the conditions to Unknown.
func WithInitSinkBindingConditions(sb *v1.SinkBinding) {
	sb.Status.InitializeConditions()
}

// WithSinkBindingSink marks the sink as resolved to uri.
func WithSinkBindingSink(uri *apis.URL) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Status.MarkSink(&duckv1.Addressable{URL: uri})
	}
}

// WithSinkBindingSinkAddressable marks the sink as resolved to addr.
func WithSinkBindingSinkAddressable(addr *duckv1.Addressable) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Status.MarkSink(addr)
	}
}

// WithSinkBindingOIDCFeatureDisabled marks both OIDC conditions True
// because OIDC authentication is off, as the reconciler does by default.
func WithSinkBindingOIDCFeatureDisabled(sb *v1.SinkBinding) {
	sb.Status.MarkOIDCIdentityCreatedSucceededWithReason(OIDCFeatureDisabledReason, "")
	sb.Status.MarkOIDCTokenSecretCreatedSuccceededWithReason(OIDCFeatureDisabledReason, "")
}

// WithSinkBindingOIDCTokenSecretName sets status.oidcTokenSecretName.
func WithSinkBindingOIDCTokenSecretName(name string) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Status.OIDCTokenSecretName = &name
	}
}

// WithSinkBindingAvailable marks the binding available (Ready True once the
// other conditions are).
func WithSinkBindingAvailable(sb *v1.SinkBinding) {
	sb.Status.MarkBindingAvailable()
}

// WithSinkBindingUnavailable marks the binding unavailable.
func WithSinkBindingUnavailable(reason, message string) SinkBindingOption {
	return func(sb *v1.SinkBinding) {
		sb.Status.MarkBindingUnavailable(reason, message)
	}
}
