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
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/tracker"

	"github.com/skiffhq/skiff/pkg/apis/sources"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

var sinkURL = &apis.URL{Scheme: "http", Host: "sink.ns.svc.cluster.local", Path: "/"}

func sinkRef() duckv1.Destination {
	return duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "display"}}
}

func readyStatus(t *testing.T, c *apis.Condition) corev1.ConditionStatus {
	t.Helper()
	if c == nil {
		return ""
	}
	return c.Status
}

func TestPingSourceBuilders(t *testing.T) {
	tests := []struct {
		name       string
		src        *v1.PingSource
		wantReady  corev1.ConditionStatus
		wantReason string
	}{{
		name:      "ready",
		src:       NewPingSource("ping", "ns", WithPingSourceSpec(v1.PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: sinkRef()}}), WithInitPingSourceConditions, WithPingSourceSink(&duckv1.Addressable{URL: sinkURL}), WithPingSourceDeployed, WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled()),
		wantReady: corev1.ConditionTrue,
	}, {
		name:       "sink not found",
		src:        NewPingSource("ping", "ns", WithInitPingSourceConditions, WithPingSourceDeployed, WithPingSourceSinkNotFound),
		wantReady:  corev1.ConditionFalse,
		wantReason: "NotFound",
	}, {
		name:       "deployment not available yet",
		src:        NewPingSource("ping", "ns", WithInitPingSourceConditions, WithPingSourceSink(&duckv1.Addressable{URL: sinkURL}), WithPingSourceDeploymentUnavailable("pingsource-mt-adapter")),
		wantReady:  corev1.ConditionUnknown,
		wantReason: "DeploymentUnavailable",
	}, {
		name:       "oidc failed",
		src:        NewPingSource("ping", "ns", WithInitPingSourceConditions, WithPingSourceSink(&duckv1.Addressable{URL: sinkURL}), WithPingSourceDeployed, WithPingSourceOIDCIdentityCreatedFailed("NoSA", "boom")),
		wantReady:  corev1.ConditionFalse,
		wantReason: "NoSA",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ready := tc.src.Status.GetCondition(apis.ConditionReady)
			if got := readyStatus(t, ready); got != tc.wantReady {
				t.Fatalf("Ready = %v, want %v", ready, tc.wantReady)
			}
			if tc.wantReason != "" && ready.Reason != tc.wantReason {
				t.Errorf("Ready reason = %q, want %q", ready.Reason, tc.wantReason)
			}
		})
	}

	src := NewPingSource("ping", "ns",
		WithPingSourceUID("uid"), WithPingSourceObjectMetaGeneration(3), WithPingSourceStatusObservedGeneration(2),
		WithPingSourceFinalizers("pingsources.sources.knative.dev"), WithPingSourceDeleted,
		WithPingSourceCloudEventAttributes, WithPingSourceOIDCServiceAccountName("oidc-sa"),
		WithPingSourceSpec(v1.PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: sinkRef()}}))
	if src.UID != "uid" || src.Generation != 3 || src.Status.ObservedGeneration != 2 ||
		src.DeletionTimestamp == nil || len(src.Finalizers) != 1 || *src.Status.Auth.ServiceAccountName != "oidc-sa" {
		t.Errorf("metadata/status options not applied: %+v", src)
	}
	// NewPingSource defaults like the webhook: schedule and sink namespace.
	if src.Spec.Schedule != "* * * * *" || src.Spec.Sink.Ref.Namespace != "ns" {
		t.Errorf("NewPingSource did not default: schedule %q, sink namespace %q", src.Spec.Schedule, src.Spec.Sink.Ref.Namespace)
	}
	want := []duckv1.CloudEventAttributes{{Type: "dev.knative.sources.ping", Source: "/apis/v1/namespaces/ns/pingsources/ping"}}
	if diff := cmp.Diff(want, src.Status.CloudEventAttributes); diff != "" {
		t.Error("ceAttributes (-want, +got):", diff)
	}
}

func TestApiServerSourceBuilders(t *testing.T) {
	happy := []ApiServerSourceOption{
		WithInitApiServerSourceConditions, WithApiServerSourceSink(sinkURL), WithApiServerSourceDeployed,
		WithApiServerSourceSufficientPermissions, WithApiServerSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(),
	}
	if src := NewApiServerSource("api", "ns", happy...); !src.Status.IsReady() {
		t.Errorf("happy ApiServerSource not ready: %+v", src.Status)
	}
	src := NewApiServerSource("api", "ns", append(happy, WithApiServerSourceNoSufficientPermissions("InsufficientPermission", "cannot watch"))...)
	if c := src.Status.GetCondition(apis.ConditionReady); c.Status != corev1.ConditionFalse || c.Reason != "InsufficientPermission" || c.Message != "cannot watch" {
		t.Errorf("Ready = %+v, want False/InsufficientPermission/cannot watch", c)
	}
	src = NewApiServerSource("api", "ns", append(happy, WithApiServerSourceDeploymentUnavailable("apiserversource-api-uid"))...)
	if c := src.Status.GetCondition(v1.ApiServerConditionDeployed); c.Status != corev1.ConditionUnknown || c.Reason != "DeploymentUnavailable" {
		t.Errorf("Deployed = %+v, want Unknown/DeploymentUnavailable", c)
	}
	src = NewApiServerSource("api", "ns", WithApiServerSourceSinkNotFound)
	if c := src.Status.GetCondition(v1.ApiServerConditionSinkProvided); c.Status != corev1.ConditionFalse || c.Reason != "NotFound" {
		t.Errorf("SinkProvided = %+v, want False/NotFound", c)
	}

	src = NewApiServerSource("api", "ns",
		WithApiServerSourceUID("uid"), WithApiServerSourceObjectMetaGeneration(2), WithApiServerSourceStatusObservedGeneration(1),
		WithApiServerSourceNamespaceSelector(metav1.LabelSelector{MatchLabels: map[string]string{"env": "test"}}),
		WithApiServerSourceStatusNamespaces([]string{"a", "b"}), WithApiServerSourceFinalizers("f"), WithApiServerSourceDeleted,
		WithApiServerSourceSinkAddressable(&duckv1.Addressable{URL: sinkURL}), WithApiServerSourceOIDCServiceAccountName("sa"))
	if src.UID != "uid" || src.Generation != 2 || src.Status.ObservedGeneration != 1 || src.Spec.NamespaceSelector == nil ||
		len(src.Status.Namespaces) != 2 || len(src.Finalizers) != 1 || src.DeletionTimestamp == nil ||
		src.Status.SinkURI.String() != sinkURL.String() || *src.Status.Auth.ServiceAccountName != "sa" {
		t.Errorf("options not applied: %+v", src)
	}
	// NewApiServerSource defaults like the webhook.
	if src.Spec.EventMode != v1.ReferenceMode || src.Spec.ServiceAccountName != "default" {
		t.Errorf("NewApiServerSource did not default: mode %q, serviceAccountName %q", src.Spec.EventMode, src.Spec.ServiceAccountName)
	}

	for name, tc := range map[string]struct {
		opt   ApiServerSourceOption
		types []string
	}{
		"reference": {WithApiServerSourceReferenceModeEventTypes("https://10.0.0.1:443"), sources.ApiServerSourceEventReferenceModeTypes},
		"resource":  {WithApiServerSourceResourceModeEventTypes("https://10.0.0.1:443"), sources.ApiServerSourceEventResourceModeTypes},
	} {
		src := NewApiServerSource("api", "ns", tc.opt)
		var got []string
		for _, a := range src.Status.CloudEventAttributes {
			if a.Source != "https://10.0.0.1:443" {
				t.Errorf("%s: ceAttribute source = %q", name, a.Source)
			}
			got = append(got, a.Type)
		}
		if diff := cmp.Diff(tc.types, got); diff != "" {
			t.Errorf("%s: ceAttribute types (-want, +got): %s", name, diff)
		}
	}
}

func TestContainerSourceAndSinkBindingBuilders(t *testing.T) {
	subject := tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "heartbeats-deployment", Namespace: "ns"}
	sb := NewSinkBinding("heartbeats-sinkbinding", "ns",
		WithSubject(subject), WithSink(sinkRef()), WithCloudEventOverrides(duckv1.CloudEventOverrides{Extensions: map[string]string{"a": "b"}}),
		WithSinkBindingUID("sb-uid"), WithSinkBindingLabels(map[string]string{"l": "v"}),
		WithSinkBindingOwnerReferences(metav1.OwnerReference{Name: "heartbeats"}),
		WithSinkBindingGeneration(1), WithSinkBindingObservedGeneration(1),
		WithInitSinkBindingConditions, WithSinkBindingSink(sinkURL), WithSinkBindingOIDCFeatureDisabled,
		WithSinkBindingOIDCTokenSecretName("secret"), WithSinkBindingAvailable)
	if !sb.Status.IsReady() {
		t.Fatalf("SinkBinding not ready: %+v", sb.Status)
	}
	if sb.Spec.Subject != subject || sb.Spec.CloudEventOverrides == nil || sb.UID != "sb-uid" || sb.Labels["l"] != "v" ||
		len(sb.OwnerReferences) != 1 || sb.Generation != 1 || sb.Status.ObservedGeneration != 1 || *sb.Status.OIDCTokenSecretName != "secret" {
		t.Errorf("options not applied: %+v", sb)
	}
	// Not defaulted: the sink ref namespace stays empty.
	if sb.Spec.Sink.Ref.Namespace != "" {
		t.Errorf("NewSinkBinding defaulted the sink namespace to %q", sb.Spec.Sink.Ref.Namespace)
	}

	cs := NewContainerSource("heartbeats", "ns",
		WithContainerSourceUID("cs-uid"), WithContainerSourceObjectMetaGeneration(2), WithContainerSourceStatusObservedGeneration(2),
		WithContainerSourceSpec(v1.ContainerSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: sinkRef()},
			Template:   corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Image: "ko://heartbeats"}}}},
		}),
		WithInitContainerSourceConditions,
		WithContainerSourcePropagateSinkbindingStatus(&sb.Status),
		WithContainerSourcePropagateReceiveAdapterStatus(availableDeployment()),
		WithContainerSourceOIDCServiceAccountName("sa"))
	if !cs.Status.IsReady() {
		t.Fatalf("ContainerSource not ready: %+v", cs.Status)
	}
	if cs.Status.SinkURI.String() != sinkURL.String() || cs.Status.ObservedGeneration != 2 || cs.UID != "cs-uid" || *cs.Status.Auth.ServiceAccountName != "sa" {
		t.Errorf("options not applied: %+v", cs)
	}
	if got := cs.Spec.Template.Spec.Containers[0].Name; got != "heartbeats-0" {
		t.Errorf("NewContainerSource did not default the container name: %q", got)
	}

	cs = NewContainerSource("heartbeats", "ns", WithInitContainerSourceConditions,
		WithContainerSourcePropagateSinkbindingStatus(&sb.Status),
		WithContainerSourcePropagateReceiveAdapterStatus(availableDeployment()),
		WithContainerUnobservedGeneration(), WithContainerSourceDeleted)
	if c := cs.Status.GetCondition(apis.ConditionReady); c.Status != corev1.ConditionUnknown || c.Reason != "NewObservedGenFailure" {
		t.Errorf("Ready = %+v, want Unknown/NewObservedGenFailure", c)
	}
	if cs.DeletionTimestamp == nil {
		t.Error("WithContainerSourceDeleted did not set a deletion timestamp")
	}

	unavailable := NewSinkBinding("b", "ns", WithInitSinkBindingConditions, WithSinkBindingUnavailable("NoAddressable", "no"), WithSinkBindingDeleted, WithSinkBindingFinalizers("f"))
	cs = NewContainerSource("heartbeats", "ns", WithInitContainerSourceConditions, WithContainerSourcePropagateSinkbindingStatus(&unavailable.Status))
	if c := cs.Status.GetCondition(v1.ContainerSourceConditionSinkBindingReady); c.Status != corev1.ConditionFalse || c.Reason != "NoAddressable" {
		t.Errorf("SinkBindingReady = %+v, want False/NoAddressable", c)
	}
	if unavailable.DeletionTimestamp == nil || len(unavailable.Finalizers) != 1 {
		t.Errorf("WithSinkBindingDeleted/Finalizers not applied: %+v", unavailable.ObjectMeta)
	}
}
