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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	"github.com/skiffhq/skiff/pkg/autoscaler/config/autoscalerconfig"
)

// conds summarises the status (and reason) of some conditions, "" if absent.
func conds(s interface {
	GetCondition(apis.ConditionType) *apis.Condition
}, types ...apis.ConditionType) map[apis.ConditionType]string {
	out := make(map[apis.ConditionType]string, len(types))
	for _, t := range types {
		c := s.GetCondition(t)
		if c == nil {
			out[t] = ""
			continue
		}
		out[t] = string(c.Status)
		if c.Reason != "" {
			out[t] += "/" + c.Reason
		}
	}
	return out
}

const (
	ready  = PodAutoscalerConditionReady
	active = PodAutoscalerConditionActive
	init_  = PodAutoscalerConditionScaleTargetInitialized
	sks    = apis.ConditionType(PodAutoscalerConditionSKSReady)
)

func TestPodAutoscalerLifecycle(t *testing.T) {
	type want = map[apis.ConditionType]string
	// Each step applies to the status the previous steps left: the life of
	// a revision from creation to scale-to-zero and back.
	steps := []struct {
		name   string
		mark   func(*PodAutoscalerStatus)
		want   want
		states [3]bool // IsActive, IsActivating, IsInactive
	}{{
		name:   "initialized",
		mark:   (*PodAutoscalerStatus).InitializeConditions,
		want:   want{ready: "Unknown", active: "Unknown", init_: "Unknown", sks: "Unknown"},
		states: [3]bool{false, true, false},
	}, {
		name:   "sks not ready",
		mark:   func(s *PodAutoscalerStatus) { s.MarkSKSNotReady("waiting for endpoints") },
		want:   want{ready: "Unknown/NotReady", active: "Unknown", init_: "Unknown", sks: "Unknown/NotReady"},
		states: [3]bool{false, true, false},
	}, {
		name:   "activating",
		mark:   func(s *PodAutoscalerStatus) { s.MarkActivating("Queued", "Requests to the target are being buffered") },
		want:   want{ready: "Unknown/Queued", active: "Unknown/Queued", init_: "Unknown", sks: "Unknown/NotReady"},
		states: [3]bool{false, true, false},
	}, {
		name:   "scale target initialized",
		mark:   (*PodAutoscalerStatus).MarkScaleTargetInitialized,
		want:   want{ready: "Unknown/Queued", active: "Unknown/Queued", init_: "True", sks: "Unknown/NotReady"},
		states: [3]bool{false, true, false},
	}, {
		name:   "active",
		mark:   (*PodAutoscalerStatus).MarkActive,
		want:   want{ready: "Unknown/NotReady", active: "True", init_: "True", sks: "Unknown/NotReady"},
		states: [3]bool{true, false, false},
	}, {
		name:   "sks ready: all ready",
		mark:   (*PodAutoscalerStatus).MarkSKSReady,
		want:   want{ready: "True", active: "True", init_: "True", sks: "True"},
		states: [3]bool{true, false, false},
	}, {
		name:   "scaled to zero",
		mark:   func(s *PodAutoscalerStatus) { s.MarkInactive("NoTraffic", "The target is not receiving traffic.") },
		want:   want{ready: "False/NoTraffic", active: "False/NoTraffic", init_: "True", sks: "True"},
		states: [3]bool{false, false, true},
	}, {
		name:   "activating again",
		mark:   func(s *PodAutoscalerStatus) { s.MarkActivating("Queued", "Requests to the target are being buffered") },
		want:   want{ready: "Unknown/Queued", active: "Unknown/Queued", init_: "True", sks: "True"},
		states: [3]bool{false, true, false},
	}, {
		name:   "active again",
		mark:   (*PodAutoscalerStatus).MarkActive,
		want:   want{ready: "True", active: "True", init_: "True", sks: "True"},
		states: [3]bool{true, false, false},
	}, {
		name:   "resource not owned",
		mark:   func(s *PodAutoscalerStatus) { s.MarkResourceNotOwned("ServerlessService", "hello-00001") },
		want:   want{ready: "False/NotOwned", active: "False/NotOwned", init_: "True", sks: "True"},
		states: [3]bool{false, false, true},
	}, {
		name:   "resource failed creation",
		mark:   func(s *PodAutoscalerStatus) { s.MarkResourceFailedCreation("Metric", "hello-00001") },
		want:   want{ready: "False/FailedCreate", active: "False/FailedCreate", init_: "True", sks: "True"},
		states: [3]bool{false, false, true},
	}}
	status := &PodAutoscalerStatus{}
	for _, step := range steps {
		step.mark(status)
		if diff := cmp.Diff(step.want, conds(status, ready, active, init_, sks)); diff != "" {
			t.Errorf("after %q (-want,+got): %s", step.name, diff)
		}
		got := [3]bool{status.IsActive(), status.IsActivating(), status.IsInactive()}
		if got != step.states {
			t.Errorf("after %q: IsActive/IsActivating/IsInactive = %v, want %v", step.name, got, step.states)
		}
	}
	if got, want := status.GetCondition(active).Message, `Failed to create Metric "hello-00001".`; got != want {
		t.Errorf("FailedCreate message = %q, want %q", got, want)
	}
	if !status.IsScaleTargetInitialized() {
		t.Error("IsScaleTargetInitialized() = false after MarkScaleTargetInitialized")
	}
}

func TestNotOwnedMessage(t *testing.T) {
	s := &PodAutoscalerStatus{}
	s.MarkResourceNotOwned("ServerlessService", "hello-00001")
	if got, want := s.GetCondition(active).Message, `There is an existing ServerlessService "hello-00001" that we do not own.`; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

// statusWithActive returns a status whose Active condition has status and
// changed at since.
func statusWithActive(status corev1.ConditionStatus, since time.Time) PodAutoscalerStatus {
	return PodAutoscalerStatus{Status: duckStatus(apis.Condition{
		Type:               active,
		Status:             status,
		LastTransitionTime: apis.VolatileTime{Inner: metav1.NewTime(since)},
	})}
}

func TestTimeInState(t *testing.T) {
	now := time.Now()
	minuteAgo := now.Add(-time.Minute)
	tests := []struct {
		name                  string
		status                PodAutoscalerStatus
		wantInactive, wantAct time.Duration
		canFailAfter30s       bool
	}{{
		name:         "no condition",
		status:       PodAutoscalerStatus{},
		wantInactive: -1, wantAct: -1,
	}, {
		name:         "inactive for a minute",
		status:       statusWithActive(corev1.ConditionFalse, minuteAgo),
		wantInactive: time.Minute, wantAct: -1,
	}, {
		name:         "active for a minute",
		status:       statusWithActive(corev1.ConditionTrue, minuteAgo),
		wantInactive: -1, wantAct: time.Minute,
	}, {
		name:         "activating for a minute",
		status:       statusWithActive(corev1.ConditionUnknown, minuteAgo),
		wantInactive: -1, wantAct: -1,
		canFailAfter30s: true,
	}, {
		name:         "activating for a second",
		status:       statusWithActive(corev1.ConditionUnknown, now.Add(-time.Second)),
		wantInactive: -1, wantAct: -1,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.status.InactiveFor(now); got != tc.wantInactive {
				t.Errorf("InactiveFor() = %v, want %v", got, tc.wantInactive)
			}
			if got := tc.status.ActiveFor(now); got != tc.wantAct {
				t.Errorf("ActiveFor() = %v, want %v", got, tc.wantAct)
			}
			if got := tc.status.CanFailActivation(now, 30*time.Second); got != tc.canFailAfter30s {
				t.Errorf("CanFailActivation(30s) = %v, want %v", got, tc.canFailAfter30s)
			}
		})
	}
}

func TestPodAutoscalerIsReady(t *testing.T) {
	readyStatus := func(gen int64) PodAutoscalerStatus {
		s := PodAutoscalerStatus{}
		s.MarkActive()
		s.MarkSKSReady()
		s.MarkScaleTargetInitialized()
		s.ObservedGeneration = gen
		return s
	}
	tests := []struct {
		name string
		pa   PodAutoscaler
		want bool
	}{{
		name: "empty",
	}, {
		name: "ready and observed",
		pa:   PodAutoscaler{ObjectMeta: metav1.ObjectMeta{Generation: 1}, Status: readyStatus(1)},
		want: true,
	}, {
		name: "ready but a newer generation",
		pa:   PodAutoscaler{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Status: readyStatus(1)},
	}, {
		name: "not ready",
		pa: PodAutoscaler{ObjectMeta: metav1.ObjectMeta{Generation: 1}, Status: func() PodAutoscalerStatus {
			s := readyStatus(1)
			s.MarkSKSNotReady("gone")
			return s
		}()},
	}}
	for _, tc := range tests {
		if got := tc.pa.IsReady(); got != tc.want {
			t.Errorf("%s: IsReady() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestScaleStatus(t *testing.T) {
	s := &PodAutoscalerStatus{}
	if got := s.GetDesiredScale(); got != -1 {
		t.Errorf("GetDesiredScale() unset = %d, want -1", got)
	}
	if got := s.GetActualScale(); got != -1 {
		t.Errorf("GetActualScale() unset = %d, want -1", got)
	}
	desired, actual := int32(3), int32(0)
	s.DesiredScale, s.ActualScale = &desired, &actual
	if got := s.GetDesiredScale(); got != 3 {
		t.Errorf("GetDesiredScale() = %d, want 3", got)
	}
	if got := s.GetActualScale(); got != 0 {
		t.Errorf("GetActualScale() = %d, want 0", got)
	}
}

func paWith(anns map[string]string) *PodAutoscaler {
	return &PodAutoscaler{ObjectMeta: metav1.ObjectMeta{Annotations: anns}}
}

func TestClassAndMetric(t *testing.T) {
	tests := []struct {
		name       string
		anns       map[string]string
		wantClass  string
		wantMetric string
	}{
		{"nothing", nil, autoscaling.KPA, autoscaling.Concurrency},
		{"hpa", map[string]string{autoscaling.ClassAnnotationKey: autoscaling.HPA}, autoscaling.HPA, autoscaling.CPU},
		{"hpa memory", map[string]string{autoscaling.ClassAnnotationKey: autoscaling.HPA, autoscaling.MetricAnnotationKey: autoscaling.Memory}, autoscaling.HPA, autoscaling.Memory},
		{"kpa rps", map[string]string{autoscaling.MetricAnnotationKey: autoscaling.RPS}, autoscaling.KPA, autoscaling.RPS},
		{"custom class", map[string]string{autoscaling.ClassAnnotationKey: "yolo.sandwich.com"}, "yolo.sandwich.com", ""},
	}
	for _, tc := range tests {
		pa := paWith(tc.anns)
		if got := pa.Class(); got != tc.wantClass {
			t.Errorf("%s: Class() = %q, want %q", tc.name, got, tc.wantClass)
		}
		if got := pa.Metric(); got != tc.wantMetric {
			t.Errorf("%s: Metric() = %q, want %q", tc.name, got, tc.wantMetric)
		}
	}
}

func TestAnnotationReaders(t *testing.T) {
	type result struct {
		V  any
		OK bool
	}
	r := func(v any, ok bool) result { return result{v, ok} }
	tests := []struct {
		name string
		anns map[string]string
		read func(*PodAutoscaler) result
		want result
	}{
		{"target set", map[string]string{autoscaling.TargetAnnotationKey: "1.5"},
			func(pa *PodAutoscaler) result { return r(pa.Target()) }, r(1.5, true)},
		{"target absent", nil,
			func(pa *PodAutoscaler) result { return r(pa.Target()) }, r(0.0, false)},
		{"target invalid", map[string]string{autoscaling.TargetAnnotationKey: "many"},
			func(pa *PodAutoscaler) result { return r(pa.Target()) }, r(0.0, false)},
		{"target utilization is a fraction", map[string]string{autoscaling.TargetUtilizationPercentageKey: "85"},
			func(pa *PodAutoscaler) result { return r(pa.TargetUtilization()) }, r(0.85, true)},
		{"target utilization legacy key", map[string]string{autoscaling.GroupName + "/targetUtilizationPercentage": "50"},
			func(pa *PodAutoscaler) result { return r(pa.TargetUtilization()) }, r(0.5, true)},
		{"target utilization invalid", map[string]string{autoscaling.TargetUtilizationPercentageKey: "x"},
			func(pa *PodAutoscaler) result { return r(pa.TargetUtilization()) }, r(0.0, false)},
		{"tbc unlimited", map[string]string{autoscaling.TargetBurstCapacityKey: "-1"},
			func(pa *PodAutoscaler) result { return r(pa.TargetBC()) }, r(-1.0, true)},
		{"tbc legacy key", map[string]string{autoscaling.GroupName + "/targetBurstCapacity": "20"},
			func(pa *PodAutoscaler) result { return r(pa.TargetBC()) }, r(20.0, true)},
		{"window", map[string]string{autoscaling.WindowAnnotationKey: "2m"},
			func(pa *PodAutoscaler) result { return r(pa.Window()) }, r(2*time.Minute, true)},
		{"window invalid", map[string]string{autoscaling.WindowAnnotationKey: "soon"},
			func(pa *PodAutoscaler) result { return r(pa.Window()) }, r(time.Duration(0), false)},
		{"panic window percentage", map[string]string{autoscaling.PanicWindowPercentageAnnotationKey: "5.5"},
			func(pa *PodAutoscaler) result { return r(pa.PanicWindowPercentage()) }, r(5.5, true)},
		{"panic threshold legacy key", map[string]string{autoscaling.GroupName + "/panicThresholdPercentage": "150"},
			func(pa *PodAutoscaler) result { return r(pa.PanicThresholdPercentage()) }, r(150.0, true)},
		{"scale down delay", map[string]string{autoscaling.ScaleDownDelayAnnotationKey: "30s"},
			func(pa *PodAutoscaler) result { return r(pa.ScaleDownDelay()) }, r(30*time.Second, true)},
		{"pod retention", map[string]string{autoscaling.ScaleToZeroPodRetentionPeriodKey: "1m5s"},
			func(pa *PodAutoscaler) result { return r(pa.ScaleToZeroPodRetention()) }, r(65*time.Second, true)},
		{"progress deadline", map[string]string{serving.ProgressDeadlineAnnotationKey: "10m"},
			func(pa *PodAutoscaler) result { return r(pa.ProgressDeadline()) }, r(10*time.Minute, true)},
		{"initial scale", map[string]string{autoscaling.InitialScaleAnnotationKey: "3"},
			func(pa *PodAutoscaler) result { return r(pa.InitialScale()) }, r(int32(3), true)},
		{"initial scale legacy key", map[string]string{autoscaling.GroupName + "/initialScale": "0"},
			func(pa *PodAutoscaler) result { return r(pa.InitialScale()) }, r(int32(0), true)},
		{"initial scale overflow", map[string]string{autoscaling.InitialScaleAnnotationKey: "4294967296"},
			func(pa *PodAutoscaler) result { return r(pa.InitialScale()) }, r(int32(2147483647), false)},
		{"activation scale", map[string]string{autoscaling.ActivationScaleKey: "2"},
			func(pa *PodAutoscaler) result { return r(pa.ActivationScale()) }, r(int32(2), true)},
		{"activation scale absent", nil,
			func(pa *PodAutoscaler) result { return r(pa.ActivationScale()) }, r(int32(0), false)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.read(paWith(tc.anns))
			if got.OK != tc.want.OK || (got.OK && got.V != tc.want.V) {
				t.Errorf("got (%v, %v), want (%v, %v)", got.V, got.OK, tc.want.V, tc.want.OK)
			}
		})
	}
}

func TestScaleBounds(t *testing.T) {
	cfg := func(minScale, maxScale int32) *autoscalerconfig.Config {
		return &autoscalerconfig.Config{MinScale: minScale, MaxScale: maxScale}
	}
	tests := []struct {
		name             string
		anns             map[string]string
		reachability     ReachabilityType
		cfg              *autoscalerconfig.Config
		wantMin, wantMax int32
	}{{
		name: "nothing set: unbounded",
		cfg:  cfg(0, 0),
	}, {
		name:    "config defaults",
		cfg:     cfg(2, 10),
		wantMin: 2, wantMax: 10,
	}, {
		name:    "annotations win over config",
		anns:    map[string]string{autoscaling.MinScaleAnnotationKey: "1", autoscaling.MaxScaleAnnotationKey: "5"},
		cfg:     cfg(2, 10),
		wantMin: 1, wantMax: 5,
	}, {
		name:    "legacy keys",
		anns:    map[string]string{autoscaling.GroupName + "/minScale": "3", autoscaling.GroupName + "/maxScale": "4"},
		cfg:     cfg(0, 0),
		wantMin: 3, wantMax: 4,
	}, {
		name:         "unreachable ignores min from annotation and config",
		anns:         map[string]string{autoscaling.MinScaleAnnotationKey: "1", autoscaling.MaxScaleAnnotationKey: "5"},
		reachability: ReachabilityUnreachable,
		cfg:          cfg(2, 10),
		wantMin:      0, wantMax: 5,
	}, {
		name:         "reachable keeps min",
		anns:         map[string]string{autoscaling.MinScaleAnnotationKey: "1"},
		reachability: ReachabilityReachable,
		cfg:          cfg(0, 0),
		wantMin:      1,
	}, {
		name:    "invalid annotations fall back to config",
		anns:    map[string]string{autoscaling.MinScaleAnnotationKey: "x", autoscaling.MaxScaleAnnotationKey: "y"},
		cfg:     cfg(2, 10),
		wantMin: 2, wantMax: 10,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pa := paWith(tc.anns)
			pa.Spec.Reachability = tc.reachability
			gotMin, gotMax := pa.ScaleBounds(tc.cfg)
			if gotMin != tc.wantMin || gotMax != tc.wantMax {
				t.Errorf("ScaleBounds() = (%d, %d), want (%d, %d)", gotMin, gotMax, tc.wantMin, tc.wantMax)
			}
		})
	}
}

func TestMetricLifecycle(t *testing.T) {
	steps := []struct {
		name string
		mark func(*MetricStatus)
		want string
	}{
		{"initialized", (*MetricStatus).InitializeConditions, "Unknown"},
		{"not ready", func(s *MetricStatus) { s.MarkMetricNotReady("NoScrape", "not yet") }, "Unknown/NoScrape"},
		{"ready", (*MetricStatus).MarkMetricReady, "True"},
		{"failed", func(s *MetricStatus) { s.MarkMetricFailed("CollectionFailed", "boom") }, "False/CollectionFailed"},
		{"ready again", (*MetricStatus).MarkMetricReady, "True"},
	}
	status := &MetricStatus{}
	for _, step := range steps {
		step.mark(status)
		if got := conds(status, MetricConditionReady)[MetricConditionReady]; got != step.want {
			t.Errorf("after %q: Ready = %q, want %q", step.name, got, step.want)
		}
	}
	status.ObservedGeneration = 1
	if !(&Metric{ObjectMeta: metav1.ObjectMeta{Generation: 1}, Status: *status}).IsReady() {
		t.Error("IsReady() = false for a ready, observed Metric")
	}
	if (&Metric{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Status: *status}).IsReady() {
		t.Error("IsReady() = true for a stale generation")
	}
}

func TestMetricAggregationAlgorithm(t *testing.T) {
	for _, tc := range []struct {
		anns map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{autoscaling.MetricAggregationAlgorithmKey: autoscaling.MetricAggregationAlgorithmLinear}, "linear"},
		{map[string]string{autoscaling.MetricAggregationAlgorithmKey: "weightedExponential"}, "weighted-exponential"},
		{map[string]string{autoscaling.GroupName + "/metricAggregationAlgorithm": "weighted-exponential"}, "weighted-exponential"},
	} {
		m := &Metric{ObjectMeta: metav1.ObjectMeta{Annotations: tc.anns}}
		if got := m.AggregationAlgorithm(); got != tc.want {
			t.Errorf("AggregationAlgorithm() with %v = %q, want %q", tc.anns, got, tc.want)
		}
	}
}

func duckStatus(conds ...apis.Condition) duckv1.Status {
	return duckv1.Status{Conditions: conds}
}
