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
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/tracker"
)

const (
	// SinkEnvName is the env var holding the resolved sink URL.
	SinkEnvName = "K_SINK"
	// CACertsEnvName is the env var holding the sink's CA certificates (PEM),
	// set only when the sink has some.
	CACertsEnvName = "K_CA_CERTS"
	// CEOverridesEnvName is the env var holding the JSON form of
	// spec.ceOverrides (empty when there are none).
	CEOverridesEnvName = "K_CE_OVERRIDES"

	// oidcTokenVolumeName is the projected volume holding the OIDC token
	// secret, mounted at oidcTokenMountPath.
	oidcTokenVolumeName = "oidc-token"
	oidcTokenMountPath  = "/oidc"
)

var sbCondSet = apis.NewLivingConditionSet(
	SinkBindingConditionSinkProvided,
	SinkBindingConditionOIDCIdentityCreated,
	SinkBindingConditionOIDCTokenSecretCreated,
)

// errNoSinkSource says that Do was given neither a sink URI nor a resolver.
var errNoSinkSource = errors.New("no sink URI or URI resolver associated with the context")

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*SinkBinding) GetConditionSet() apis.ConditionSet {
	return sbCondSet
}

// GetGroupVersionKind returns the GroupVersionKind.
func (*SinkBinding) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("SinkBinding")
}

// GetUntypedSpec implements apis.HasSpec.
func (s *SinkBinding) GetUntypedSpec() interface{} {
	return s.Spec
}

// GetSubject implements psbinding.Bindable.
func (s *SinkBinding) GetSubject() tracker.Reference {
	return s.Spec.Subject
}

// GetBindingStatus implements psbinding.Bindable.
func (s *SinkBinding) GetBindingStatus() duck.BindableStatus {
	return &s.Status
}

// GetCondition returns the condition currently associated with the given type, or nil.
func (s *SinkBindingStatus) GetCondition(t apis.ConditionType) *apis.Condition {
	return sbCondSet.Manage(s).GetCondition(t)
}

// GetTopLevelCondition returns the top level condition.
func (s *SinkBindingStatus) GetTopLevelCondition() *apis.Condition {
	return sbCondSet.Manage(s).GetTopLevelCondition()
}

// IsReady returns true if the resource is ready overall.
func (s *SinkBindingStatus) IsReady() bool {
	return sbCondSet.Manage(s).IsHappy()
}

// SetObservedGeneration implements psbinding.BindableStatus.
func (s *SinkBindingStatus) SetObservedGeneration(gen int64) {
	s.ObservedGeneration = gen
}

// InitializeConditions populates the SinkBindingStatus's conditions field
// with all of its conditions configured to Unknown.
func (s *SinkBindingStatus) InitializeConditions() {
	sbCondSet.Manage(s).InitializeConditions()
}

// MarkBindingUnavailable marks the SinkBinding's Ready condition to False with
// the provided reason and message.
func (s *SinkBindingStatus) MarkBindingUnavailable(reason, message string) {
	sbCondSet.Manage(s).MarkFalse(SinkBindingConditionReady, reason, "%s", message)
}

// MarkBindingAvailable marks the SinkBinding's Ready condition to True.
func (s *SinkBindingStatus) MarkBindingAvailable() {
	sbCondSet.Manage(s).MarkTrue(SinkBindingConditionReady)
}

// MarkSink records the resolved sink address and sets SinkProvided; a nil
// address sets SinkProvided False with reason SinkEmpty.
func (s *SinkBindingStatus) MarkSink(addr *duckv1.Addressable) {
	markSink(sbCondSet.Manage(s), SinkBindingConditionSinkProvided, &s.SourceStatus, addr)
}

// MarkOIDCIdentityCreatedSucceeded sets OIDCIdentityCreated True.
func (s *SinkBindingStatus) MarkOIDCIdentityCreatedSucceeded() {
	sbCondSet.Manage(s).MarkTrue(SinkBindingConditionOIDCIdentityCreated)
}

// MarkOIDCIdentityCreatedSucceededWithReason sets OIDCIdentityCreated True
// with a reason, e.g. "authentication-oidc feature disabled".
func (s *SinkBindingStatus) MarkOIDCIdentityCreatedSucceededWithReason(reason, messageFormat string, messageA ...interface{}) {
	sbCondSet.Manage(s).MarkTrueWithReason(SinkBindingConditionOIDCIdentityCreated, reason, messageFormat, messageA...)
}

// MarkOIDCIdentityCreatedFailed sets OIDCIdentityCreated False.
func (s *SinkBindingStatus) MarkOIDCIdentityCreatedFailed(reason, messageFormat string, messageA ...interface{}) {
	sbCondSet.Manage(s).MarkFalse(SinkBindingConditionOIDCIdentityCreated, reason, messageFormat, messageA...)
}

// MarkOIDCIdentityCreatedUnknown sets OIDCIdentityCreated Unknown.
func (s *SinkBindingStatus) MarkOIDCIdentityCreatedUnknown(reason, messageFormat string, messageA ...interface{}) {
	sbCondSet.Manage(s).MarkUnknown(SinkBindingConditionOIDCIdentityCreated, reason, messageFormat, messageA...)
}

// MarkOIDCTokenSecretCreatedSuccceeded sets OIDCTokenSecretCreated True
// (the triple c is upstream's spelling, kept so callers port unchanged).
func (s *SinkBindingStatus) MarkOIDCTokenSecretCreatedSuccceeded() {
	sbCondSet.Manage(s).MarkTrue(SinkBindingConditionOIDCTokenSecretCreated)
}

// MarkOIDCTokenSecretCreatedSuccceededWithReason sets OIDCTokenSecretCreated
// True with a reason, e.g. "authentication-oidc feature disabled".
func (s *SinkBindingStatus) MarkOIDCTokenSecretCreatedSuccceededWithReason(reason, messageFormat string, messageA ...interface{}) {
	sbCondSet.Manage(s).MarkTrueWithReason(SinkBindingConditionOIDCTokenSecretCreated, reason, messageFormat, messageA...)
}

// MarkOIDCTokenSecretCreatedFailed sets OIDCTokenSecretCreated False.
func (s *SinkBindingStatus) MarkOIDCTokenSecretCreatedFailed(reason, messageFormat string, messageA ...interface{}) {
	sbCondSet.Manage(s).MarkFalse(SinkBindingConditionOIDCTokenSecretCreated, reason, messageFormat, messageA...)
}

// MarkOIDCTokenSecretCreatedUnknown sets OIDCTokenSecretCreated Unknown.
func (s *SinkBindingStatus) MarkOIDCTokenSecretCreatedUnknown(reason, messageFormat string, messageA ...interface{}) {
	sbCondSet.Manage(s).MarkUnknown(SinkBindingConditionOIDCTokenSecretCreated, reason, messageFormat, messageA...)
}

// resolveSink returns the sink address Do projects: the URI put on the
// context with WithSinkURI if any (the destination's own CA certificates go
// with it), else what the context's URI resolver makes of spec.sink.
func (s *SinkBinding) resolveSink(ctx context.Context) (*duckv1.Addressable, error) {
	if uri := GetSinkURI(ctx); uri != nil {
		return &duckv1.Addressable{URL: uri, CACerts: s.Spec.Sink.CACerts}, nil
	}
	if r := GetURIResolver(ctx); r != nil {
		addr, err := r.AddressableFromDestinationV1(ctx, s.Spec.Sink, s)
		if err != nil {
			return nil, fmt.Errorf("failed to resolve sink: %w", err)
		}
		return addr, nil
	}
	return nil, errNoSinkSource
}

// Do implements psbinding.Bindable: it sets K_SINK, K_CA_CERTS (when the
// sink has CA certificates) and K_CE_OVERRIDES on every container and init
// container of the subject's pod template, and mounts the OIDC token secret
// when status names one. Without a resolvable sink the subject is left
// unbound (Undo has run) and the reason is logged.
func (s *SinkBinding) Do(ctx context.Context, ps *duckv1.WithPod) {
	// First undo, so that we can unconditionally append below.
	s.Undo(ctx, ps)

	logger := logging.FromContext(ctx).With(zap.String("sinkbinding", s.Namespace+"/"+s.Name))
	addr, err := s.resolveSink(ctx)
	if err != nil {
		logger.Errorw("Not binding: no sink", zap.Error(err))
		return
	}
	if addr == nil || addr.URL == nil {
		logger.Error("Not binding: sink resolved to an empty address")
		return
	}
	s.Status.MarkSink(addr)

	var ceOverrides string
	if s.Spec.CloudEventOverrides != nil {
		co, err := json.Marshal(s.Spec.CloudEventOverrides)
		if err != nil {
			logger.Errorw("Failed to marshal ceOverrides into JSON; K_CE_OVERRIDES left empty", zap.Error(err))
		} else {
			ceOverrides = string(co)
		}
	}

	env := []corev1.EnvVar{{Name: SinkEnvName, Value: addr.URL.String()}}
	if addr.CACerts != nil {
		env = append(env, corev1.EnvVar{Name: CACertsEnvName, Value: *addr.CACerts})
	}
	env = append(env, corev1.EnvVar{Name: CEOverridesEnvName, Value: ceOverrides})

	spec := &ps.Spec.Template.Spec
	forEachContainer(spec, func(c *corev1.Container) {
		c.Env = append(c.Env, env...)
	})

	if s.Status.OIDCTokenSecretName != nil {
		spec.Volumes = append(spec.Volumes, corev1.Volume{
			Name: oidcTokenVolumeName,
			VolumeSource: corev1.VolumeSource{
				Projected: &corev1.ProjectedVolumeSource{
					Sources: []corev1.VolumeProjection{{
						Secret: &corev1.SecretProjection{
							LocalObjectReference: corev1.LocalObjectReference{Name: *s.Status.OIDCTokenSecretName},
						},
					}},
				},
			},
		})
		forEachContainer(spec, func(c *corev1.Container) {
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: oidcTokenVolumeName, MountPath: oidcTokenMountPath})
		})
	}
}

// Undo implements psbinding.Bindable: it removes everything Do adds and
// leaves every other env var, mount and volume in place.
func (s *SinkBinding) Undo(_ context.Context, ps *duckv1.WithPod) {
	spec := &ps.Spec.Template.Spec
	forEachContainer(spec, func(c *corev1.Container) {
		c.Env = withoutEnv(c.Env, SinkEnvName, CACertsEnvName, CEOverridesEnvName)
		c.VolumeMounts = withoutVolumeMount(c.VolumeMounts, oidcTokenVolumeName)
	})
	spec.Volumes = withoutVolume(spec.Volumes, oidcTokenVolumeName)
}

func forEachContainer(spec *corev1.PodSpec, f func(*corev1.Container)) {
	for i := range spec.InitContainers {
		f(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		f(&spec.Containers[i])
	}
}

// The without* helpers return the list minus the named entries, in order;
// nil when none remain, so that Do then Undo leaves a container that had
// no env (mounts, volumes) exactly as it was. (Plain functions rather than
// one generic: the gengo-based code generators do not handle type
// parameters.)

func withoutEnv(in []corev1.EnvVar, names ...string) []corev1.EnvVar {
	var out []corev1.EnvVar
next:
	for _, ev := range in {
		for _, n := range names {
			if ev.Name == n {
				continue next
			}
		}
		out = append(out, ev)
	}
	return out
}

func withoutVolumeMount(in []corev1.VolumeMount, name string) []corev1.VolumeMount {
	var out []corev1.VolumeMount
	for _, vm := range in {
		if vm.Name != name {
			out = append(out, vm)
		}
	}
	return out
}

func withoutVolume(in []corev1.Volume, name string) []corev1.Volume {
	var out []corev1.Volume
	for _, v := range in {
		if v.Name != name {
			out = append(out, v)
		}
	}
	return out
}
