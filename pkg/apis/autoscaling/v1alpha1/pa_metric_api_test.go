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

package v1alpha1

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

func TestRegister(t *testing.T) {
	if got, want := Kind("PodAutoscaler").String(), "PodAutoscaler.autoscaling.internal.knative.dev"; got != want {
		t.Errorf("Kind() = %s, want %s", got, want)
	}
	if got, want := Resource("metrics").String(), "metrics.autoscaling.internal.knative.dev"; got != want {
		t.Errorf("Resource() = %s, want %s", got, want)
	}
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal("AddToScheme() =", err)
	}
	for _, kind := range []string{"PodAutoscaler", "PodAutoscalerList", "Metric", "MetricList"} {
		if !scheme.Recognizes(SchemeGroupVersion.WithKind(kind)) {
			t.Errorf("scheme does not recognize %s", kind)
		}
	}
	if got := (&PodAutoscaler{}).GetGroupVersionKind(); got != SchemeGroupVersion.WithKind("PodAutoscaler") {
		t.Errorf("PodAutoscaler GVK = %v", got)
	}
	if got := (&Metric{}).GetGroupVersionKind(); got != SchemeGroupVersion.WithKind("Metric") {
		t.Errorf("Metric GVK = %v", got)
	}
}

func TestDuckTypes(t *testing.T) {
	for _, obj := range []interface{}{&PodAutoscaler{}, &Metric{}} {
		if err := duck.VerifyType(obj, &duckv1.Conditions{}); err != nil {
			t.Errorf("VerifyType(%T, Conditions) = %v", obj, err)
		}
	}
	// A Deployment must be a PodScalable, or the KPA could not read it.
	if err := duck.VerifyType(&appsv1.Deployment{}, &PodScalable{}); err != nil {
		t.Error("VerifyType(Deployment, PodScalable) =", err)
	}
	pa := &PodAutoscaler{}
	pa.GetStatus().ObservedGeneration = 3
	m := &Metric{}
	m.GetStatus().ObservedGeneration = 4
	if pa.Status.ObservedGeneration != 3 || m.Status.ObservedGeneration != 4 {
		t.Error("GetStatus() does not point into the object")
	}
	if got := pa.GetConditionSet().GetTopLevelConditionType(); got != apis.ConditionReady {
		t.Errorf("top-level condition = %v", got)
	}
}

func validPA() *PodAutoscaler {
	return &PodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "hello-00001"},
		Spec: PodAutoscalerSpec{
			ScaleTargetRef: corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "hello-00001-deployment"},
			ProtocolType:   networking.ProtocolHTTP1,
		},
	}
}

func TestPodAutoscalerValidation(t *testing.T) {
	tests := []struct {
		name string
		pa   func(*PodAutoscaler)
		ctx  func(context.Context) context.Context
		want *apis.FieldError
	}{{
		name: "valid",
	}, {
		name: "valid with annotations and concurrency",
		pa: func(pa *PodAutoscaler) {
			pa.Annotations = map[string]string{
				autoscaling.MinScaleAnnotationKey: "1",
				autoscaling.MaxScaleAnnotationKey: "3",
				autoscaling.MetricAnnotationKey:   autoscaling.RPS,
			}
			pa.Spec.ContainerConcurrency = 10
			pa.Spec.ProtocolType = networking.ProtocolH2C
		},
	}, {
		name: "empty spec",
		pa:   func(pa *PodAutoscaler) { pa.Spec = PodAutoscalerSpec{} },
		want: apis.ErrMissingField("spec"),
	}, {
		name: "bad protocol",
		pa:   func(pa *PodAutoscaler) { pa.Spec.ProtocolType = "WebSocket" },
		want: apis.ErrInvalidValue("WebSocket", "spec.protocolType"),
	}, {
		name: "missing protocol",
		pa:   func(pa *PodAutoscaler) { pa.Spec.ProtocolType = "" },
		want: apis.ErrMissingField("spec.protocolType"),
	}, {
		name: "bad min-scale annotation",
		pa:   func(pa *PodAutoscaler) { pa.Annotations = map[string]string{autoscaling.MinScaleAnnotationKey: "FOO"} },
		want: apis.ErrInvalidValue("FOO", "metadata.annotations."+autoscaling.MinScaleAnnotationKey),
	}, {
		name: "initial scale 0 rejected by default config",
		pa: func(pa *PodAutoscaler) {
			pa.Annotations = map[string]string{autoscaling.InitialScaleAnnotationKey: "0"}
		},
		want: apis.ErrInvalidValue("0", "metadata.annotations."+autoscaling.InitialScaleAnnotationKey+"=0 not allowed by cluster"),
	}, {
		name: "initial scale 0 allowed by config-autoscaler in context",
		pa: func(pa *PodAutoscaler) {
			pa.Annotations = map[string]string{autoscaling.InitialScaleAnnotationKey: "0"}
		},
		ctx: func(ctx context.Context) context.Context {
			return config.ToContext(ctx, &config.Config{Autoscaler: &autoscalerconfig.Config{
				AllowZeroInitialScale: true, PodAutoscalerClass: autoscaling.KPA,
			}})
		},
	}, {
		name: "negative container concurrency",
		pa:   func(pa *PodAutoscaler) { pa.Spec.ContainerConcurrency = -1 },
		want: apis.ErrOutOfBoundsValue(-1, 0, config.DefaultMaxRevisionContainerConcurrency, "spec.containerConcurrency"),
	}, {
		name: "scale target without kind, with namespace",
		pa: func(pa *PodAutoscaler) {
			pa.Spec.ScaleTargetRef.Kind = ""
			pa.Spec.ScaleTargetRef.Namespace = "other"
		},
		want: apis.ErrDisallowedFields("spec.scaleTargetRef.namespace").Also(apis.ErrMissingField("spec.scaleTargetRef.kind")),
	}, {
		name: "metadata and spec errors together",
		pa: func(pa *PodAutoscaler) {
			pa.Annotations = map[string]string{autoscaling.WindowAnnotationKey: "1s"}
			pa.Spec.ProtocolType = "grpc"
		},
		want: apis.ErrOutOfBoundsValue("1s", autoscaling.WindowMin, autoscaling.WindowMax, "metadata.annotations."+autoscaling.WindowAnnotationKey).
			Also(apis.ErrInvalidValue("grpc", "spec.protocolType")),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pa := validPA()
			if tc.pa != nil {
				tc.pa(pa)
			}
			ctx := context.Background()
			if tc.ctx != nil {
				ctx = tc.ctx(ctx)
			}
			got := pa.Validate(ctx)
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want,+got):", diff)
			}
		})
	}
}

func TestPodAutoscalerDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]string
		cfg  *autoscalerconfig.Config
		want map[string]string
	}{{
		name: "nothing set: KPA and concurrency",
		want: map[string]string{
			autoscaling.ClassAnnotationKey:  autoscaling.KPA,
			autoscaling.MetricAnnotationKey: autoscaling.Concurrency,
		},
	}, {
		name: "HPA class gets cpu",
		in:   map[string]string{autoscaling.ClassAnnotationKey: autoscaling.HPA},
		want: map[string]string{
			autoscaling.ClassAnnotationKey:  autoscaling.HPA,
			autoscaling.MetricAnnotationKey: autoscaling.CPU,
		},
	}, {
		name: "unknown class gets an empty metric",
		in:   map[string]string{autoscaling.ClassAnnotationKey: "other.example.com"},
		want: map[string]string{
			autoscaling.ClassAnnotationKey:  "other.example.com",
			autoscaling.MetricAnnotationKey: "",
		},
	}, {
		name: "metric is kept",
		in:   map[string]string{autoscaling.MetricAnnotationKey: autoscaling.RPS},
		want: map[string]string{
			autoscaling.ClassAnnotationKey:  autoscaling.KPA,
			autoscaling.MetricAnnotationKey: autoscaling.RPS,
		},
	}, {
		name: "cluster default class from config-autoscaler",
		cfg:  &autoscalerconfig.Config{PodAutoscalerClass: autoscaling.HPA},
		in:   map[string]string{"other": "kept"},
		want: map[string]string{
			"other":                         "kept",
			autoscaling.ClassAnnotationKey:  autoscaling.HPA,
			autoscaling.MetricAnnotationKey: autoscaling.CPU,
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.cfg != nil {
				ctx = config.ToContext(ctx, &config.Config{Autoscaler: tc.cfg})
			}
			pa := validPA()
			pa.Annotations = tc.in
			want := pa.DeepCopy()
			want.Annotations = tc.want
			pa.SetDefaults(ctx)
			if diff := cmp.Diff(want, pa); diff != "" {
				t.Error("SetDefaults (-want,+got):", diff)
			}
		})
	}
}

func TestMetricValidation(t *testing.T) {
	tests := []struct {
		name string
		m    *Metric
		want *apis.FieldError
	}{{
		name: "valid",
		m: &Metric{
			ObjectMeta: metav1.ObjectMeta{Name: "hello-00001"},
			Spec:       MetricSpec{StableWindow: 60e9, PanicWindow: 6e9, ScrapeTarget: "hello-00001-private"},
		},
	}, {
		name: "empty spec",
		m:    &Metric{ObjectMeta: metav1.ObjectMeta{Name: "hello-00001"}},
		want: apis.ErrMissingField("spec"),
	}, {
		name: "bad annotation",
		m: &Metric{
			ObjectMeta: metav1.ObjectMeta{Name: "hello-00001", Annotations: map[string]string{
				autoscaling.MetricAggregationAlgorithmKey: "median",
				autoscaling.ClassAnnotationKey:            autoscaling.KPA,
			}},
			Spec: MetricSpec{ScrapeTarget: "x"},
		},
		want: apis.ErrInvalidValue("median", "metadata.annotations."+autoscaling.MetricAggregationAlgorithmKey),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.m.Validate(context.Background())
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("Validate (-want,+got):", diff)
			}
		})
	}
}

func TestMetricDefaults(t *testing.T) {
	m := &Metric{Spec: MetricSpec{ScrapeTarget: "x"}}
	want := m.DeepCopy()
	m.SetDefaults(context.Background())
	if diff := cmp.Diff(want, m); diff != "" {
		t.Error("SetDefaults changed the Metric (-want,+got):", diff)
	}
}
