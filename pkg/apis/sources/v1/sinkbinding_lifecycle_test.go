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
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/client/injection/ducks/duck/v1/addressable"
	fakedynamicclient "knative.dev/pkg/injection/clients/dynamicclient/fake"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"
)

func TestSinkBindingGetters(t *testing.T) {
	subject := tracker.Reference{APIVersion: "apps/v1", Kind: "Deployment", Name: "app", Namespace: "ns"}
	sb := &SinkBinding{Spec: SinkBindingSpec{BindingSpec: duckv1.BindingSpec{Subject: subject}}}
	if got, want := sb.GetGroupVersionKind().String(), "sources.knative.dev/v1, Kind=SinkBinding"; got != want {
		t.Errorf("GetGroupVersionKind() = %s, want %s", got, want)
	}
	if got := sb.GetSubject(); got != subject {
		t.Errorf("GetSubject() = %v, want %v", got, subject)
	}
	if got := sb.GetBindingStatus(); got != &sb.Status {
		t.Errorf("GetBindingStatus() = %p, want &sb.Status (%p)", got, &sb.Status)
	}
	sb.GetBindingStatus().SetObservedGeneration(4)
	if sb.Status.ObservedGeneration != 4 {
		t.Errorf("SetObservedGeneration(4) left ObservedGeneration = %d", sb.Status.ObservedGeneration)
	}
	sb.Status.InitializeConditions()
	if got := len(sb.GetStatus().Conditions); got != 4 {
		t.Errorf("GetStatus() has %d conditions after InitializeConditions, want 4 (Ready + 3)", got)
	}
}

func TestSinkBindingStatusTransitions(t *testing.T) {
	url := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	happy := func(s *SinkBindingStatus) {
		s.InitializeConditions()
		s.MarkSink(sinkAddr(url))
		s.MarkOIDCIdentityCreatedSucceededWithReason("authentication-oidc feature disabled", "")
		s.MarkOIDCTokenSecretCreatedSuccceededWithReason("authentication-oidc feature disabled", "")
		s.MarkBindingAvailable()
	}
	type want struct {
		ready, sink, identity, secret *condSummary
	}
	tests := []struct {
		name string
		mark func(*SinkBindingStatus)
		want want
	}{{
		name: "initialized",
		mark: func(s *SinkBindingStatus) { s.InitializeConditions() },
		want: want{ready: condUnknown, sink: condUnknown, identity: condUnknown, secret: condUnknown},
	}, {
		name: "sink, oidc disabled, binding available",
		mark: happy,
		want: want{
			ready:    condTrue,
			sink:     condTrue,
			identity: &condSummary{Status: corev1.ConditionTrue, Reason: "authentication-oidc feature disabled"},
			secret:   &condSummary{Status: corev1.ConditionTrue, Reason: "authentication-oidc feature disabled"},
		},
	}, {
		name: "binding unavailable",
		mark: func(s *SinkBindingStatus) {
			happy(s)
			s.MarkBindingUnavailable("SubjectMissing", "deployments.apps \"app\" not found (100% gone)")
		},
		want: want{
			ready:    condFalse("SubjectMissing"),
			sink:     condTrue,
			identity: &condSummary{Status: corev1.ConditionTrue, Reason: "authentication-oidc feature disabled"},
			secret:   &condSummary{Status: corev1.ConditionTrue, Reason: "authentication-oidc feature disabled"},
		},
	}, {
		name: "sink empty",
		mark: func(s *SinkBindingStatus) {
			s.InitializeConditions()
			s.MarkSink(nil)
		},
		want: want{ready: condFalse("SinkEmpty"), sink: condFalse("SinkEmpty"), identity: condUnknown, secret: condUnknown},
	}, {
		name: "oidc identity failed",
		mark: func(s *SinkBindingStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.MarkOIDCIdentityCreatedFailed("NoSA", "")
			s.MarkOIDCTokenSecretCreatedSuccceeded()
		},
		want: want{ready: condFalse("NoSA"), sink: condTrue, identity: condFalse("NoSA"), secret: condTrue},
	}, {
		name: "oidc token secret failed",
		mark: func(s *SinkBindingStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.MarkOIDCIdentityCreatedSucceeded()
			s.MarkOIDCTokenSecretCreatedFailed("NoSecret", "")
		},
		want: want{ready: condFalse("NoSecret"), sink: condTrue, identity: condTrue, secret: condFalse("NoSecret")},
	}, {
		name: "oidc pending",
		mark: func(s *SinkBindingStatus) {
			s.InitializeConditions()
			s.MarkSink(sinkAddr(url))
			s.MarkOIDCIdentityCreatedUnknown("Pending", "")
			s.MarkOIDCTokenSecretCreatedUnknown("Pending", "")
		},
		want: want{ready: condUnknownWith("Pending"), sink: condTrue, identity: condUnknownWith("Pending"), secret: condUnknownWith("Pending")},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &SinkBindingStatus{}
			tc.mark(s)
			got := want{
				ready:    summarize(s.GetCondition(SinkBindingConditionReady)),
				sink:     summarize(s.GetCondition(SinkBindingConditionSinkProvided)),
				identity: summarize(s.GetCondition(SinkBindingConditionOIDCIdentityCreated)),
				secret:   summarize(s.GetCondition(SinkBindingConditionOIDCTokenSecretCreated)),
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Error("conditions (-want, +got):", diff)
			}
			if wantReady := tc.want.ready.Status == corev1.ConditionTrue; s.IsReady() != wantReady {
				t.Errorf("IsReady() = %v, want %v", s.IsReady(), wantReady)
			}
			if got := summarize(s.GetTopLevelCondition()); got.Status != tc.want.ready.Status {
				t.Errorf("GetTopLevelCondition() = %v, want %v", got, tc.want.ready)
			}
		})
	}
}

func TestSinkBindingMarkBindingUnavailableKeepsMessageVerbatim(t *testing.T) {
	s := &SinkBindingStatus{}
	s.InitializeConditions()
	s.MarkBindingUnavailable("Reason", "100% broken")
	if got := s.GetCondition(apis.ConditionReady).Message; got != "100% broken" {
		t.Errorf("Ready message = %q, want %q", got, "100% broken")
	}
}

// withPod builds the PodSpecable view of a subject with one init container
// and two containers; user env, mounts and volumes must survive Do and Undo.
func withPod(mutate ...func(*corev1.PodSpec)) *duckv1.WithPod {
	spec := corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init", Image: "init"}},
		Containers: []corev1.Container{{
			Name:         "user",
			Image:        "user",
			Env:          []corev1.EnvVar{{Name: "KEEP", Value: "me"}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
		}, {
			Name:  "sidecar",
			Image: "sidecar",
		}},
		Volumes: []corev1.Volume{{Name: "data"}},
	}
	for _, m := range mutate {
		m(&spec)
	}
	return &duckv1.WithPod{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "ns"},
		Spec:       duckv1.WithPodSpec{Template: duckv1.PodSpecable{Spec: spec}},
	}
}

func TestSinkBindingDoUndo(t *testing.T) {
	sinkURL := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	ca := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
	secret := "bind-oidc-token"
	sinkEnv := func(ceOverrides string) []corev1.EnvVar {
		return []corev1.EnvVar{{Name: "K_SINK", Value: sinkURL.String()}, {Name: "K_CE_OVERRIDES", Value: ceOverrides}}
	}
	oidcMount := corev1.VolumeMount{Name: "oidc-token", MountPath: "/oidc"}

	tests := []struct {
		name string
		sb   *SinkBinding
		ctx  context.Context
		in   *duckv1.WithPod
		want *duckv1.WithPod
	}{{
		name: "sink uri from context, no overrides",
		sb:   &SinkBinding{Spec: SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}}},
		ctx:  WithSinkURI(logtesting.TestContextWithLogger(t), sinkURL),
		in:   withPod(),
		want: withPod(func(s *corev1.PodSpec) {
			s.InitContainers[0].Env = sinkEnv("")
			s.Containers[0].Env = append(s.Containers[0].Env, sinkEnv("")...)
			s.Containers[1].Env = sinkEnv("")
		}),
	}, {
		name: "ceOverrides as JSON",
		sb: &SinkBinding{Spec: SinkBindingSpec{SourceSpec: duckv1.SourceSpec{
			Sink:                refSink("ns"),
			CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"foo": "bar"}},
		}}},
		ctx: WithSinkURI(logtesting.TestContextWithLogger(t), sinkURL),
		in:  withPod(),
		want: withPod(func(s *corev1.PodSpec) {
			co := `{"extensions":{"foo":"bar"}}`
			s.InitContainers[0].Env = sinkEnv(co)
			s.Containers[0].Env = append(s.Containers[0].Env, sinkEnv(co)...)
			s.Containers[1].Env = sinkEnv(co)
		}),
	}, {
		name: "stale binding values are replaced, not duplicated",
		sb:   &SinkBinding{Spec: SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}}},
		ctx:  WithSinkURI(logtesting.TestContextWithLogger(t), sinkURL),
		in: withPod(func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{
				{Name: "K_SINK", Value: "http://old/"}, {Name: "KEEP", Value: "me"},
				{Name: "K_CE_OVERRIDES", Value: "{}"}, {Name: "K_CA_CERTS", Value: "old"},
			}
		}),
		want: withPod(func(s *corev1.PodSpec) {
			s.InitContainers[0].Env = sinkEnv("")
			s.Containers[0].Env = append(s.Containers[0].Env, sinkEnv("")...)
			s.Containers[1].Env = sinkEnv("")
		}),
	}, {
		name: "CA certs of the destination go into K_CA_CERTS",
		sb:   &SinkBinding{Spec: SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: duckv1.Destination{URI: sinkURL, CACerts: &ca}}}},
		ctx:  WithSinkURI(logtesting.TestContextWithLogger(t), sinkURL),
		in:   withPod(),
		want: withPod(func(s *corev1.PodSpec) {
			env := []corev1.EnvVar{{Name: "K_SINK", Value: sinkURL.String()}, {Name: "K_CA_CERTS", Value: ca}, {Name: "K_CE_OVERRIDES"}}
			s.InitContainers[0].Env = env
			s.Containers[0].Env = append(s.Containers[0].Env, env...)
			s.Containers[1].Env = env
		}),
	}, {
		name: "OIDC token secret is mounted",
		sb: &SinkBinding{
			Spec:   SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}},
			Status: SinkBindingStatus{OIDCTokenSecretName: &secret},
		},
		ctx: WithSinkURI(logtesting.TestContextWithLogger(t), sinkURL),
		in:  withPod(),
		want: withPod(func(s *corev1.PodSpec) {
			s.InitContainers[0].Env = sinkEnv("")
			s.Containers[0].Env = append(s.Containers[0].Env, sinkEnv("")...)
			s.Containers[1].Env = sinkEnv("")
			s.InitContainers[0].VolumeMounts = []corev1.VolumeMount{oidcMount}
			s.Containers[0].VolumeMounts = append(s.Containers[0].VolumeMounts, oidcMount)
			s.Containers[1].VolumeMounts = []corev1.VolumeMount{oidcMount}
			s.Volumes = append(s.Volumes, corev1.Volume{
				Name: "oidc-token",
				VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					Sources: []corev1.VolumeProjection{{Secret: &corev1.SecretProjection{
						LocalObjectReference: corev1.LocalObjectReference{Name: secret},
					}}},
				}},
			})
		}),
	}, {
		name: "no sink in context: subject left unbound",
		sb:   &SinkBinding{Spec: SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}}},
		ctx:  logtesting.TestContextWithLogger(t),
		in: withPod(func(s *corev1.PodSpec) {
			s.Containers[1].Env = sinkEnv("")
		}),
		want: withPod(),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := tc.in.DeepCopy()
			got := tc.in
			tc.sb.Do(tc.ctx, got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Error("Do (-want, +got):", diff)
			}

			// Undo removes exactly what Do added.
			tc.sb.Undo(tc.ctx, got)
			want := orig
			tc.sb.Undo(tc.ctx, want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Error("Undo after Do (-want, +got):", diff)
			}
			if diff := cmp.Diff(withPod(), got); diff != "" {
				t.Error("Undo left binding traces (-want, +got):", diff)
			}
		})
	}
}

// Do marks the sink it projected on the status, so a reconciler that calls
// Do sees the resolved address.
func TestSinkBindingDoMarksSink(t *testing.T) {
	sinkURL := mustParseURL(t, "http://sink.ns.svc.cluster.local/")
	sb := &SinkBinding{Spec: SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}}}
	sb.Status.InitializeConditions()
	sb.Do(WithSinkURI(context.Background(), sinkURL), withPod())
	if sb.Status.SinkURI.String() != sinkURL.String() {
		t.Errorf("SinkURI = %v, want %v", sb.Status.SinkURI, sinkURL)
	}
	if c := sb.Status.GetCondition(SinkBindingConditionSinkProvided); c == nil || c.Status != corev1.ConditionTrue {
		t.Errorf("SinkProvided = %v, want True", c)
	}
}

// resolverContext returns a context carrying a URI resolver whose only ref
// resolver answers for the "event-display" Knative Service (sink/err); URI
// destinations need no lookups.
func resolverContext(t *testing.T, sink *apis.URL, err error) context.Context {
	t.Helper()
	ctx, _ := fakedynamicclient.With(logtesting.TestContextWithLogger(t), runtime.NewScheme())
	ctx = addressable.WithDuck(ctx)
	trk := tracker.New(func(types.NamespacedName) {}, time.Minute)
	r := resolver.NewURIResolverFromTracker(ctx, trk, func(_ context.Context, ref *corev1.ObjectReference) (bool, *apis.URL, error) {
		if ref.Name != "event-display" {
			return false, nil, nil
		}
		return true, sink, err
	})
	return WithURIResolver(ctx, r)
}

func TestSinkBindingDoWithResolver(t *testing.T) {
	svcURL := mustParseURL(t, "http://event-display.ns.svc.cluster.local/")
	uri := mustParseURL(t, "https://example.com/events")
	tests := []struct {
		name    string
		ctx     context.Context
		sink    duckv1.Destination
		wantEnv []corev1.EnvVar // nil: not bound
	}{{
		name:    "ref resolved",
		ctx:     resolverContext(t, svcURL, nil),
		sink:    refSink("ns"),
		wantEnv: []corev1.EnvVar{{Name: "K_SINK", Value: svcURL.String()}, {Name: "K_CE_OVERRIDES"}},
	}, {
		name:    "absolute uri",
		ctx:     resolverContext(t, nil, nil),
		sink:    duckv1.Destination{URI: uri},
		wantEnv: []corev1.EnvVar{{Name: "K_SINK", Value: uri.String()}, {Name: "K_CE_OVERRIDES"}},
	}, {
		name: "ref does not resolve",
		ctx:  resolverContext(t, nil, errors.New("not addressable")),
		sink: refSink("ns"),
	}, {
		name:    "sink uri in context wins over the resolver",
		ctx:     WithSinkURI(resolverContext(t, svcURL, nil), uri),
		sink:    refSink("ns"),
		wantEnv: []corev1.EnvVar{{Name: "K_SINK", Value: uri.String()}, {Name: "K_CE_OVERRIDES"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb := &SinkBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "bind", Namespace: "ns"},
				Spec:       SinkBindingSpec{SourceSpec: duckv1.SourceSpec{Sink: tc.sink}},
			}
			ps := withPod(func(s *corev1.PodSpec) {
				s.Containers[1].Env = []corev1.EnvVar{{Name: "K_SINK", Value: "http://stale/"}}
			})
			sb.Do(tc.ctx, ps)
			if diff := cmp.Diff(tc.wantEnv, ps.Spec.Template.Spec.Containers[1].Env); diff != "" {
				t.Error("sidecar env after Do (-want, +got):", diff)
			}
		})
	}
}

func TestSinkBindingContext(t *testing.T) {
	ctx := context.Background()
	if GetSinkURI(ctx) != nil || GetURIResolver(ctx) != nil {
		t.Fatal("empty context carries a sink URI or resolver")
	}
	u := mustParseURL(t, "http://x/")
	if got := GetSinkURI(WithSinkURI(ctx, u)); got != u {
		t.Errorf("GetSinkURI(WithSinkURI(u)) = %v, want %v", got, u)
	}
	r := &resolver.URIResolver{}
	if got := GetURIResolver(WithURIResolver(ctx, r)); got != r {
		t.Errorf("GetURIResolver(WithURIResolver(r)) = %p, want %p", got, r)
	}
}
