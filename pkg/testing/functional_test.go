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

package testing

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

// The builders' defaults must be valid objects, or every table row built
// from them would test the webhook instead of the reconciler.
func TestBuildersAreValid(t *testing.T) {
	ctx := context.Background()
	rule := netv1alpha1.IngressRule{
		Hosts:      []string{"hello.ns.example.com"},
		Visibility: netv1alpha1.IngressVisibilityExternalIP,
		HTTP: &netv1alpha1.HTTPIngressRuleValue{Paths: []netv1alpha1.HTTPIngressPath{{
			Splits: []netv1alpha1.IngressBackendSplit{{
				IngressBackend: netv1alpha1.IngressBackend{ServiceNamespace: "ns", ServiceName: "hello-00001", ServicePort: intstr.FromInt(80)},
				Percent:        100,
			}},
		}}},
	}
	for name, obj := range map[string]apis.Validatable{
		"PodAutoscaler": PodAutoscaler("ns", "hello-00001", WithLowerScaleBound(1), WithUpperScaleBound(3), WithTargetAnnotation("50")),
		"Metric":        Metric("ns", "hello-00001"),
		"SKS":           SKS("ns", "hello-00001", WithProxyMode, WithNumActivators(3)),
		"Ingress":       Ingress("ns", "hello", WithIngressRules(rule)),
	} {
		if err := obj.Validate(ctx); err != nil {
			t.Errorf("%s built by the default builder is invalid: %v", name, err)
		}
	}
}

func TestPodAutoscalerOptions(t *testing.T) {
	pa := PodAutoscaler("ns", "hello-00001",
		WithHPAClass, WithMetricAnnotation("cpu"), WithPAContainerConcurrency(5),
		WithReachabilityUnreachable, WithProtocolType(networking.ProtocolH2C),
		WithTraffic, WithPASKSReady, WithScaleTargetInitialized,
		WithPAStatusService("hello-00001"), WithPAMetricsService("hello-00001-private"),
		WithScales(2, 1), WithObservedGeneration(1), WithWindowAnnotation("2m"),
		WithTUAnnotation("80"), WithPanicWindowPercentageAnnotation("5"), WithPanicThresholdPercentageAnnotation("300"),
	)
	if pa.Class() != autoscaling.HPA || pa.Metric() != "cpu" {
		t.Errorf("class, metric = %q, %q", pa.Class(), pa.Metric())
	}
	if pa.Spec.ContainerConcurrency != 5 || pa.Spec.Reachability != autoscalingv1alpha1.ReachabilityUnreachable || pa.Spec.ProtocolType != networking.ProtocolH2C {
		t.Errorf("spec = %+v", pa.Spec)
	}
	if !pa.IsReady() {
		t.Error("IsReady() = false after WithTraffic, WithPASKSReady, WithScaleTargetInitialized, WithObservedGeneration(1)")
	}
	if pa.Status.GetDesiredScale() != 2 || pa.Status.GetActualScale() != 1 {
		t.Errorf("scales = %d, %d", pa.Status.GetDesiredScale(), pa.Status.GetActualScale())
	}
	if w, _ := pa.Window(); w != 2*time.Minute {
		t.Errorf("Window() = %v", w)
	}
	if tu, _ := pa.TargetUtilization(); tu != 0.8 {
		t.Errorf("TargetUtilization() = %v", tu)
	}

	inactive := PodAutoscaler("ns", "x", WithNoTraffic("NoTraffic", "gone"))
	if !inactive.Status.IsInactive() || inactive.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionActive).Reason != "NoTraffic" {
		t.Errorf("WithNoTraffic: %+v", inactive.Status.Conditions)
	}
	buffered := PodAutoscaler("ns", "x", WithBufferedTraffic)
	if c := buffered.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionActive); c.Reason != "Queued" || !c.IsUnknown() {
		t.Errorf("WithBufferedTraffic: %+v", c)
	}
	if got := WithDeletionTimestamp(PodAutoscaler("ns", "x")); got.DeletionTimestamp == nil {
		t.Error("WithDeletionTimestamp did not set a timestamp")
	}
}

func TestSKSOptions(t *testing.T) {
	sks := SKS("ns", "hello-00001", WithSKSReady, WithDeployRef("hello-00001-deployment"), WithActivatorEndpoints)
	want := netv1alpha1.ServerlessServiceStatus{ServiceName: "hello-00001", PrivateServiceName: "hello-00001-private"}
	if sks.Status.ServiceName != want.ServiceName || sks.Status.PrivateServiceName != want.PrivateServiceName {
		t.Errorf("service names = %q, %q", sks.Status.ServiceName, sks.Status.PrivateServiceName)
	}
	if sks.Spec.ObjectRef.Name != "hello-00001-deployment" {
		t.Errorf("objectRef = %+v", sks.Spec.ObjectRef)
	}
	if !sks.Status.GetCondition(netv1alpha1.ServerlessServiceConditionReady).IsTrue() {
		t.Error("WithSKSReady did not make the SKS ready")
	}
	if !sks.Status.GetCondition(netv1alpha1.ActivatorEndpointsPopulated).IsTrue() {
		t.Error("WithActivatorEndpoints did not mark the activator in path")
	}
	notReady := SKS("ns", "x", WithSKSNotReady("NoEndpoints"))
	if c := notReady.Status.GetCondition(netv1alpha1.ServerlessServiceConditionReady); !c.IsUnknown() || c.Reason != "NoEndpoints" {
		t.Errorf("WithSKSNotReady: %+v", c)
	}
}

func TestIngressOptions(t *testing.T) {
	ing := Ingress("ns", "hello",
		WithIngressClass("istio.ingress.networking.knative.dev"),
		WithIngressRules(netv1alpha1.IngressRule{}), WithHosts(0, "a.example.com"),
		WithIngressGeneration(2), WithIngressObservedGeneration(2),
		WithNetworkConfigured, WithLoadBalancerReady("pub.svc", "priv.svc"),
	)
	if got := networking.GetIngressClass(ing.Annotations); got != "istio.ingress.networking.knative.dev" {
		t.Errorf("class = %q", got)
	}
	if diff := cmp.Diff([]string{"a.example.com"}, ing.Spec.Rules[0].Hosts); diff != "" {
		t.Error("hosts (-want,+got):", diff)
	}
	if !ing.IsReady() {
		t.Error("IsReady() = false after WithNetworkConfigured and WithLoadBalancerReady")
	}
	if ing.Status.PrivateLoadBalancer.Ingress[0].DomainInternal != "priv.svc" {
		t.Errorf("private LB = %+v", ing.Status.PrivateLoadBalancer)
	}
	failed := Ingress("ns", "hello", WithLoadbalancerFailed("Boom", "gateway down"))
	if c := failed.Status.GetCondition(netv1alpha1.IngressConditionLoadBalancerReady); !c.IsFalse() || c.Reason != "Boom" {
		t.Errorf("WithLoadbalancerFailed: %+v", c)
	}
	if got := networking.GetIngressClass(Ingress("ns", "x").Annotations); got != "skiff.ingress.networking.knative.dev" {
		t.Errorf("default class = %q", got)
	}
}

func TestMetricOptions(t *testing.T) {
	m := Metric("ns", "hello-00001", WithMetricWindows(time.Minute, 3*time.Second), WithScrapeTarget("svc"), WithMetricReady)
	if m.Spec.StableWindow != time.Minute || m.Spec.PanicWindow != 3*time.Second || m.Spec.ScrapeTarget != "svc" {
		t.Errorf("spec = %+v", m.Spec)
	}
	if !m.Status.GetCondition(autoscalingv1alpha1.MetricConditionReady).IsTrue() {
		t.Error("WithMetricReady did not mark the Metric ready")
	}
	if got := Metric("ns", "hello-00001").Spec.ScrapeTarget; got != "hello-00001-private" {
		t.Errorf("default scrape target = %q", got)
	}
}

func TestK8sOptions(t *testing.T) {
	svc := &corev1.Service{}
	WithExternalName("skiff-gateway-internal.knative-serving.svc.cluster.local")(svc)
	if svc.Spec.ExternalName == "" || len(svc.Spec.Ports) != 1 || *svc.Spec.Ports[0].AppProtocol != "kubernetes.io/h2c" {
		t.Errorf("WithExternalName: %+v", svc.Spec)
	}
	pod := &corev1.Pod{}
	WithPodCondition(corev1.PodReady, corev1.ConditionFalse, "a")(pod)
	WithPodCondition(corev1.PodReady, corev1.ConditionTrue, "b")(pod)
	if len(pod.Status.Conditions) != 1 || pod.Status.Conditions[0].Status != corev1.ConditionTrue || pod.Status.Conditions[0].Reason != "b" {
		t.Errorf("WithPodCondition did not update in place: %+v", pod.Status.Conditions)
	}
}
