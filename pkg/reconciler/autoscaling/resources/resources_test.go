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

package resources

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	pkgnet "github.com/skiffhq/skiff/pkg/apis/networking"
	nv1a1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	asconfig "github.com/skiffhq/skiff/pkg/autoscaler/config"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"

	. "github.com/skiffhq/skiff/pkg/testing"
)

func defaultConfig(t *testing.T) *autoscalerconfig.Config {
	t.Helper()
	c, err := asconfig.NewConfigFromMap(nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pa(opts ...PodAutoscalerOption) *autoscalingv1alpha1.PodAutoscaler {
	return PodAutoscaler("test-ns", "test-pa", append([]PodAutoscalerOption{func(p *autoscalingv1alpha1.PodAutoscaler) {
		p.Labels = map[string]string{"serving.knative.dev/revision": "test-pa"}
	}}, opts...)...)
}

func TestResolveMetricTarget(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pa         *autoscalingv1alpha1.PodAutoscaler
		cfg        func(*autoscalerconfig.Config)
		wantTarget float64
		wantTotal  float64
	}{{
		name:       "defaults: 70% of 100",
		pa:         pa(),
		wantTarget: 70,
		wantTotal:  100,
	}, {
		name: "default target and utilization from config",
		pa:   pa(),
		cfg: func(c *autoscalerconfig.Config) {
			c.ContainerConcurrencyTargetFraction, c.ContainerConcurrencyTargetDefault = 0.3, 2
		},
		wantTarget: 0.6,
		wantTotal:  2,
	}, {
		name:       "container concurrency 12, utilization annotation 75%",
		pa:         pa(WithPAContainerConcurrency(12), WithTUAnnotation("75")),
		wantTarget: 9,
		wantTotal:  12,
	}, {
		name:       "container concurrency 10",
		pa:         pa(WithPAContainerConcurrency(10)),
		wantTarget: 7,
		wantTotal:  10,
	}, {
		name:       "tiny target is raised to the minimum",
		pa:         pa(WithTargetAnnotation("1")),
		cfg:        func(c *autoscalerconfig.Config) { c.ContainerConcurrencyTargetFraction = 0.001 },
		wantTarget: autoscaling.TargetMin,
		wantTotal:  1,
	}, {
		name:       "target annotation below container concurrency",
		pa:         pa(WithPAContainerConcurrency(10), WithTargetAnnotation("1")),
		wantTarget: 0.7,
		wantTotal:  1,
	}, {
		name:       "target annotation above container concurrency is capped by it",
		pa:         pa(WithPAContainerConcurrency(1), WithTargetAnnotation("10")),
		wantTarget: 0.7,
		wantTotal:  1,
	}, {
		name:       "target annotation above the default",
		pa:         pa(WithTargetAnnotation("500")),
		wantTarget: 350,
		wantTotal:  500,
	}, {
		name:       "RPS defaults",
		pa:         pa(WithMetricAnnotation(autoscaling.RPS), WithPAContainerConcurrency(1)),
		wantTarget: 140,
		wantTotal:  200,
	}, {
		name:       "RPS target annotation is not capped by container concurrency",
		pa:         pa(WithMetricAnnotation(autoscaling.RPS), WithPAContainerConcurrency(1), WithTargetAnnotation("300")),
		wantTarget: 210,
		wantTotal:  300,
	}, {
		name:       "RPS utilization annotation",
		pa:         pa(WithMetricAnnotation(autoscaling.RPS), WithTUAnnotation("75")),
		wantTarget: 150,
		wantTotal:  200,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig(t)
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			gotTarget, gotTotal := ResolveMetricTarget(tc.pa, cfg)
			if math.Abs(gotTarget-tc.wantTarget) > 1e-9 || gotTotal != tc.wantTotal {
				t.Errorf("ResolveMetricTarget() = %v, %v, want %v, %v", gotTarget, gotTotal, tc.wantTarget, tc.wantTotal)
			}
		})
	}
}

func TestMakeSKS(t *testing.T) {
	p := pa(WithProtocolType(pkgnet.ProtocolH2C), WithPAAnnotation("a", "b"))
	got := MakeSKS(p, nv1a1.SKSOperationModeProxy, 3)
	want := &nv1a1.ServerlessService{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "test-ns",
			Name:      "test-pa",
			Labels:    map[string]string{"serving.knative.dev/revision": "test-pa"},
			// All but the metric annotation, which is the Metric's business.
			Annotations:     map[string]string{"a": "b", autoscaling.ClassAnnotationKey: autoscaling.KPA},
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(p)},
		},
		Spec: nv1a1.ServerlessServiceSpec{
			Mode:          nv1a1.SKSOperationModeProxy,
			ObjectRef:     corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "test-pa-deployment"},
			ProtocolType:  pkgnet.ProtocolH2C,
			NumActivators: 3,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("MakeSKS (-want,+got):", diff)
	}
}

func TestMakeMetric(t *testing.T) {
	for _, tc := range []struct {
		name                string
		pa                  *autoscalingv1alpha1.PodAutoscaler
		cfg                 func(*autoscalerconfig.Config)
		wantStable, wantPan time.Duration
	}{{
		name:       "defaults: 60s stable, 10% panic",
		pa:         pa(),
		wantStable: time.Minute,
		wantPan:    6 * time.Second,
	}, {
		name:       "window annotation",
		pa:         pa(WithWindowAnnotation("10m")),
		wantStable: 10 * time.Minute,
		wantPan:    time.Minute,
	}, {
		name:       "panic window percentage annotation",
		pa:         pa(WithPanicWindowPercentageAnnotation("50")),
		wantStable: time.Minute,
		wantPan:    30 * time.Second,
	}, {
		name:       "panic window rounded to the second",
		pa:         pa(WithWindowAnnotation("65s")),
		wantStable: 65 * time.Second,
		wantPan:    7 * time.Second,
	}, {
		name:       "panic window no shorter than a bucket",
		pa:         pa(WithWindowAnnotation("6s"), WithPanicWindowPercentageAnnotation("1")),
		wantStable: 6 * time.Second,
		wantPan:    time.Second,
	}, {
		name:       "config windows",
		pa:         pa(),
		cfg:        func(c *autoscalerconfig.Config) { c.StableWindow, c.PanicWindowPercentage = 2*time.Minute, 20 },
		wantStable: 2 * time.Minute,
		wantPan:    24 * time.Second,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig(t)
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			got := MakeMetric(tc.pa, "test-pa-private", cfg)
			want := autoscalingv1alpha1.MetricSpec{StableWindow: tc.wantStable, PanicWindow: tc.wantPan, ScrapeTarget: "test-pa-private"}
			if diff := cmp.Diff(want, got.Spec); diff != "" {
				t.Error("spec (-want,+got):", diff)
			}
			if got.Name != "test-pa" || got.Namespace != "test-ns" || !metav1.IsControlledBy(got, tc.pa) {
				t.Errorf("metadata = %+v", got.ObjectMeta)
			}
			if diff := cmp.Diff(tc.pa.Annotations, got.Annotations); diff != "" {
				t.Error("annotations are not the PA's (-want,+got):", diff)
			}
		})
	}
}
