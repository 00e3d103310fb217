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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// checkValidation compares the error-level diagnostics of got with want.
func checkValidation(t *testing.T, got, want *apis.FieldError) {
	t.Helper()
	if diff := cmp.Diff(want.Error(), got.Filter(apis.ErrorLevel).Error()); diff != "" {
		t.Errorf("Validate (-want, +got):\n%s", diff)
	}
}

// A revision spec that validates, with the secure settings that avoid
// warnings.
func goodSpec() RevisionSpec {
	return RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox"}}}}
}

func goodTemplate(name string) RevisionTemplateSpec {
	return RevisionTemplateSpec{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: goodSpec()}
}

func allTraffic() []TrafficTarget {
	return []TrafficTarget{{LatestRevision: ptr.Bool(true), Percent: ptr.Int64(100)}}
}

func TestTrafficTargetValidation(t *testing.T) {
	inSpec := apis.WithinSpec(context.Background())
	inStatus := apis.WithinStatus(context.Background())
	inService := WithDefaultConfigurationName(inSpec)

	tests := []struct {
		name string
		ctx  context.Context
		tt   TrafficTarget
		want *apis.FieldError
	}{{
		name: "revision in spec",
		ctx:  inSpec,
		tt:   TrafficTarget{RevisionName: "foo-00001", Percent: ptr.Int64(100)},
	}, {
		name: "configuration in spec",
		ctx:  inSpec,
		tt:   TrafficTarget{ConfigurationName: "foo", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(100)},
	}, {
		name: "tagged revision in status",
		ctx:  inStatus,
		tt:   TrafficTarget{Tag: "v1", RevisionName: "foo-00001", Percent: ptr.Int64(100), URL: apis.HTTP("v1-foo.default.example.com")},
	}, {
		name: "both names",
		ctx:  inSpec,
		tt:   TrafficTarget{RevisionName: "r", ConfigurationName: "c"},
		want: apis.ErrMultipleOneOf("revisionName", "configurationName"),
	}, {
		name: "neither name",
		ctx:  inSpec,
		tt:   TrafficTarget{Percent: ptr.Int64(100)},
		want: apis.ErrMissingOneOf("revisionName", "configurationName"),
	}, {
		name: "neither name in a service is the default configuration",
		ctx:  inService,
		tt:   TrafficTarget{Percent: ptr.Int64(100)},
	}, {
		name: "configuration name in a service",
		ctx:  inService,
		tt:   TrafficTarget{ConfigurationName: "other"},
		want: apis.ErrDisallowedFields("configurationName"),
	}, {
		name: "status needs a revision",
		ctx:  inStatus,
		tt:   TrafficTarget{ConfigurationName: "c"},
		want: apis.ErrMissingField("revisionName"),
	}, {
		name: "bad revision name",
		ctx:  inSpec,
		tt:   TrafficTarget{RevisionName: "b@d"},
		want: apis.ErrInvalidKeyName("b@d", "revisionName",
			"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
	}, {
		name: "bad configuration name",
		ctx:  inSpec,
		tt:   TrafficTarget{ConfigurationName: "b@d"},
		want: apis.ErrInvalidKeyName("b@d", "configurationName",
			"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
	}, {
		name: "percent out of range",
		ctx:  inSpec,
		tt:   TrafficTarget{RevisionName: "r", Percent: ptr.Int64(101)},
		want: apis.ErrOutOfBoundsValue(101, 0, 100, "percent"),
	}, {
		name: "negative percent",
		ctx:  inSpec,
		tt:   TrafficTarget{RevisionName: "r", Percent: ptr.Int64(-1)},
		want: apis.ErrOutOfBoundsValue(-1, 0, 100, "percent"),
	}, {
		name: "latestRevision true with a revision",
		ctx:  inSpec,
		tt:   TrafficTarget{RevisionName: "r", LatestRevision: ptr.Bool(true)},
		want: apis.ErrGeneric(`may not set revisionName "r" when latestRevision is true`, "latestRevision"),
	}, {
		name: "latestRevision false without a revision",
		ctx:  inSpec,
		tt:   TrafficTarget{ConfigurationName: "c", LatestRevision: ptr.Bool(false)},
		want: apis.ErrGeneric(`may not set revisionName "" when latestRevision is false`, "latestRevision"),
	}, {
		name: "latestRevision is not checked in status",
		ctx:  inStatus,
		tt:   TrafficTarget{RevisionName: "r", LatestRevision: ptr.Bool(true)},
	}, {
		name: "url in spec",
		ctx:  inSpec,
		tt:   TrafficTarget{Tag: "t", RevisionName: "r", URL: apis.HTTP("t.example.com")},
		want: apis.ErrDisallowedFields("url"),
	}, {
		name: "url without tag in status",
		ctx:  inStatus,
		tt:   TrafficTarget{RevisionName: "r", URL: apis.HTTP("t.example.com")},
		want: apis.ErrDisallowedFields("url"),
	}, {
		name: "tag without url in status",
		ctx:  inStatus,
		tt:   TrafficTarget{Tag: "t", RevisionName: "r"},
		want: apis.ErrMissingField("url"),
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			checkValidation(t, test.tt.Validate(test.ctx), test.want)
		})
	}
}

func TestRouteValidation(t *testing.T) {
	tests := []struct {
		name string
		r    *Route
		want *apis.FieldError
	}{{
		name: "valid split with tags",
		r: &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Spec: RouteSpec{Traffic: []TrafficTarget{
			{Tag: "current", RevisionName: "r-00001", Percent: ptr.Int64(90)},
			{Tag: "latest", ConfigurationName: "c", Percent: ptr.Int64(10)},
			{Tag: "candidate", RevisionName: "r-00002", Percent: ptr.Int64(0)},
		}}},
	}, {
		name: "percents do not sum to 100",
		r: &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Spec: RouteSpec{Traffic: []TrafficTarget{
			{RevisionName: "a", Percent: ptr.Int64(50)},
			{RevisionName: "b", Percent: ptr.Int64(49)},
		}}},
		want: &apis.FieldError{Message: "Traffic targets sum to 99, want 100", Paths: []string{"spec.traffic"}},
	}, {
		name: "no traffic at all",
		r:    &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}},
		want: &apis.FieldError{Message: "Traffic targets sum to 0, want 100", Paths: []string{"spec.traffic"}},
	}, {
		name: "duplicate tags",
		r: &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Spec: RouteSpec{Traffic: []TrafficTarget{
			{Tag: "same", RevisionName: "a", Percent: ptr.Int64(50)},
			{Tag: "same", RevisionName: "b", Percent: ptr.Int64(50)},
		}}},
		want: &apis.FieldError{Message: `Multiple definitions for "same"`, Paths: []string{"spec.traffic[1].tag", "spec.traffic[0].tag"}},
	}, {
		name: "tag is not a DNS label",
		r: &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Spec: RouteSpec{Traffic: []TrafficTarget{
			{Tag: "Not_A_Label", RevisionName: "a", Percent: ptr.Int64(100)},
		}}},
		want: apis.ErrInvalidArrayValue(
			"not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]",
			"spec.traffic.tag", 0),
	}, {
		name: "target errors carry the index",
		r: &Route{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Spec: RouteSpec{Traffic: []TrafficTarget{
			{RevisionName: "a", Percent: ptr.Int64(100)},
			{Percent: ptr.Int64(0)},
		}}},
		want: apis.ErrMissingOneOf("spec.traffic[1].revisionName", "spec.traffic[1].configurationName"),
	}, {
		name: "bad name",
		r: &Route{ObjectMeta: metav1.ObjectMeta{Name: "Bad"}, Spec: RouteSpec{Traffic: []TrafficTarget{
			{RevisionName: "a", Percent: ptr.Int64(100)},
		}}},
		want: &apis.FieldError{
			Message: "not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]",
			Paths:   []string{"metadata.name"},
		},
	}, {
		name: "autoscaling annotation on a route",
		r: &Route{
			ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "1"}},
			Spec:       RouteSpec{Traffic: []TrafficTarget{{RevisionName: "a", Percent: ptr.Int64(100)}}},
		},
		want: apis.ErrInvalidKeyName(autoscaling.MinScaleAnnotationKey, "metadata.annotations",
			`autoscaling annotations must be put under "spec.template.metadata.annotations" to work`),
	}, {
		name: "bad rollout duration",
		r: &Route{
			ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: map[string]string{serving.RolloutDurationKey: "-1s"}},
			Spec:       RouteSpec{Traffic: []TrafficTarget{{RevisionName: "a", Percent: ptr.Int64(100)}}},
		},
		want: &apis.FieldError{Message: "rollout-duration=-1s must be positive", Paths: []string{"metadata.annotations." + serving.RolloutDurationKey}},
	}, {
		name: "service label without the service as owner",
		r: &Route{
			ObjectMeta: metav1.ObjectMeta{Name: "r", Labels: map[string]string{serving.ServiceLabelKey: "svc"}},
			Spec:       RouteSpec{Traffic: []TrafficTarget{{RevisionName: "a", Percent: ptr.Int64(100)}}},
		},
		want: apis.ErrMissingField("metadata.labels." + serving.ServiceLabelKey),
	}, {
		name: "service label with the service as owner",
		r: &Route{
			ObjectMeta: metav1.ObjectMeta{
				Name:            "r",
				Labels:          map[string]string{serving.ServiceLabelKey: "svc"},
				OwnerReferences: []metav1.OwnerReference{{Kind: "Service", Name: "svc"}},
			},
			Spec: RouteSpec{Traffic: []TrafficTarget{{RevisionName: "a", Percent: ptr.Int64(100)}}},
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			checkValidation(t, test.r.Validate(context.Background()), test.want)
		})
	}
}

func TestRouteUpdateAnnotations(t *testing.T) {
	const u1, u2 = "alice", "bob"
	traffic := func(rev string) RouteSpec {
		return RouteSpec{Traffic: []TrafficTarget{{RevisionName: rev, Percent: ptr.Int64(100)}}}
	}
	annos := func(creator, updater string) map[string]string {
		return map[string]string{serving.CreatorAnnotation: creator, serving.UpdaterAnnotation: updater}
	}
	tests := []struct {
		name     string
		old, new *Route
		want     *apis.FieldError
	}{{
		name: "creator changed",
		old:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u1, u1)}, Spec: traffic("a")},
		new:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u2, u1)}, Spec: traffic("a")},
		want: &apis.FieldError{Message: "annotation value is immutable", Paths: []string{"metadata.annotations." + serving.CreatorAnnotation}},
	}, {
		name: "lastModifier changed without a spec change",
		old:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u1, u1)}, Spec: traffic("a")},
		new:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u1, u2)}, Spec: traffic("a")},
		want: apis.ErrInvalidValue(u2, "metadata.annotations."+serving.UpdaterAnnotation),
	}, {
		name: "lastModifier changed with a spec change",
		old:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u1, u1)}, Spec: traffic("a")},
		new:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u1, u2)}, Spec: traffic("b")},
	}, {
		name: "owned by a service: not checked",
		old:  &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u1, u1)}, Spec: traffic("a")},
		new: &Route{ObjectMeta: metav1.ObjectMeta{Name: "r", Annotations: annos(u2, u2),
			OwnerReferences: []metav1.OwnerReference{{Kind: "Service", Name: "svc"}}}, Spec: traffic("a")},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := apis.WithinUpdate(context.Background(), test.old)
			checkValidation(t, test.new.Validate(ctx), test.want)
		})
	}
}

func TestRevisionValidation(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		r    *Revision
		want *apis.FieldError
	}{{
		name: "valid",
		r:    &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: goodSpec()},
	}, {
		name: "spec errors name the path",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: RevisionSpec{PodSpec: corev1.PodSpec{
			Containers: []corev1.Container{{Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8012}}}},
		}}},
		want: apis.ErrInvalidValue("8012 is a reserved port", "spec.containers[0].ports.containerPort",
			"8012 is a reserved port, please use a different value"),
	}, {
		name: "container concurrency out of bounds",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: func() RevisionSpec {
			s := goodSpec()
			s.ContainerConcurrency = ptr.Int64(-1)
			return s
		}()},
		want: apis.ErrOutOfBoundsValue(-1, 0, config.DefaultMaxRevisionContainerConcurrency, "spec.containerConcurrency"),
	}, {
		name: "container concurrency zero when disallowed",
		ctx:  withConfig(func(c *config.Config) { c.Defaults.AllowContainerConcurrencyZero = false }),
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: func() RevisionSpec {
			s := goodSpec()
			s.ContainerConcurrency = ptr.Int64(0)
			return s
		}()},
		want: apis.ErrOutOfBoundsValue(0, 1, config.DefaultMaxRevisionContainerConcurrency, "spec.containerConcurrency"),
	}, {
		name: "timeout above the max",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: func() RevisionSpec {
			s := goodSpec()
			s.TimeoutSeconds = ptr.Int64(6000)
			return s
		}()},
		want: apis.ErrOutOfBoundsValue(6000, 0, config.DefaultMaxRevisionTimeoutSeconds, "spec.timeoutSeconds"),
	}, {
		name: "negative timeout",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: func() RevisionSpec {
			s := goodSpec()
			s.TimeoutSeconds = ptr.Int64(-1)
			return s
		}()},
		want: apis.ErrOutOfBoundsValue(-1, 0, config.DefaultMaxRevisionTimeoutSeconds, "spec.timeoutSeconds"),
	}, {
		name: "valid autoscaling annotation",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev",
			Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "2"}}, Spec: goodSpec()},
	}, {
		name: "invalid autoscaling annotation",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev",
			Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "lots"}}, Spec: goodSpec()},
		want: apis.ErrInvalidValue("lots", "metadata.annotations."+autoscaling.MinScaleAnnotationKey),
	}, {
		name: "configuration label without the configuration as owner",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev",
			Labels: map[string]string{serving.ConfigurationLabelKey: "cfg"}}, Spec: goodSpec()},
		want: apis.ErrMissingField("metadata.labels." + serving.ConfigurationLabelKey),
	}, {
		name: "configuration label with the configuration as owner",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev",
			Labels:          map[string]string{serving.ConfigurationLabelKey: "cfg"},
			OwnerReferences: []metav1.OwnerReference{{Kind: "Configuration", Name: "cfg"}}}, Spec: goodSpec()},
	}, {
		name: "configuration label with another owner",
		r: &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev",
			Labels:          map[string]string{serving.ConfigurationLabelKey: "cfg"},
			OwnerReferences: []metav1.OwnerReference{{Kind: "Configuration", Name: "other"}}}, Spec: goodSpec()},
		want: apis.ErrMissingField("metadata.labels." + serving.ConfigurationLabelKey),
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			checkValidation(t, test.r.Validate(ctx), test.want)
		})
	}
}

func TestRevisionImmutableSpec(t *testing.T) {
	old := &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: goodSpec()}

	t.Run("metadata may change", func(t *testing.T) {
		nu := old.DeepCopy()
		nu.Labels = map[string]string{"foo": "bar"}
		checkValidation(t, nu.Validate(apis.WithinUpdate(context.Background(), old)), nil)
	})

	t.Run("spec may not", func(t *testing.T) {
		nu := old.DeepCopy()
		nu.Spec.Containers[0].Image = "helloworld"
		got := nu.Validate(apis.WithinUpdate(context.Background(), old))
		if got == nil {
			t.Fatal("Validate() = nil, want an immutability error")
		}
		if got.Message != "Immutable fields changed (-old +new)" || len(got.Paths) != 1 || got.Paths[0] != "spec" {
			t.Errorf("Validate() = %v, want Immutable fields changed at spec", got)
		}
		if !strings.Contains(got.Details, "busybox") || !strings.Contains(got.Details, "helloworld") {
			t.Errorf("details %q do not show the diff", got.Details)
		}
	})

	t.Run("an invalid spec that does not change is not re-validated", func(t *testing.T) {
		bad := &Revision{ObjectMeta: metav1.ObjectMeta{Name: "rev"}, Spec: RevisionSpec{
			TimeoutSeconds: ptr.Int64(100000),
			PodSpec:        goodSpec().PodSpec,
		}}
		checkValidation(t, bad.DeepCopy().Validate(apis.WithinUpdate(context.Background(), bad)), nil)
	})
}

func TestRevisionTemplateValidation(t *testing.T) {
	parent := func(name, generateName string) context.Context {
		return apis.WithinParent(context.Background(), metav1.ObjectMeta{Name: name, GenerateName: generateName})
	}
	withAnnos := func(annos map[string]string) RevisionTemplateSpec {
		rts := goodTemplate("")
		rts.Annotations = annos
		return rts
	}
	tests := []struct {
		name string
		ctx  context.Context
		rts  RevisionTemplateSpec
		want *apis.FieldError
	}{{
		name: "valid, no name",
		ctx:  parent("foo", ""),
		rts:  goodTemplate(""),
	}, {
		name: "valid BYO name",
		ctx:  parent("foo", ""),
		rts:  goodTemplate("foo-v1"),
	}, {
		name: "BYO name without the parent prefix",
		ctx:  parent("foo", ""),
		rts:  goodTemplate("bar-v1"),
		want: apis.ErrInvalidValue(`"bar-v1" must have prefix "foo-"`, "metadata.name"),
	}, {
		name: "BYO name that is not a DNS-1035 label",
		ctx:  parent("foo", ""),
		rts:  goodTemplate("foo-V1"),
		want: apis.ErrInvalidValue("not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]", "metadata.name"),
	}, {
		name: "BYO name when the parent uses generateName",
		ctx:  parent("", "foo-"),
		rts:  goodTemplate("foo-v1"),
		want: apis.ErrDisallowedFields("metadata.name"),
	}, {
		name: "generateName",
		ctx:  parent("foo", ""),
		rts:  RevisionTemplateSpec{ObjectMeta: metav1.ObjectMeta{GenerateName: "foo-"}, Spec: goodSpec()},
	}, {
		name: "bad generateName",
		ctx:  parent("foo", ""),
		rts:  RevisionTemplateSpec{ObjectMeta: metav1.ObjectMeta{GenerateName: "Foo-"}, Spec: goodSpec()},
		want: apis.ErrInvalidValue("not a DNS 1035 label prefix: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]", "metadata.generateName"),
	}, {
		name: "spec errors name the path",
		ctx:  parent("foo", ""),
		rts:  RevisionTemplateSpec{},
		want: apis.ErrMissingField("spec.containers"),
	}, {
		name: "invalid autoscaling annotation",
		ctx:  parent("foo", ""),
		rts:  withAnnos(map[string]string{autoscaling.MaxScaleAnnotationKey: "-2"}),
		want: apis.ErrOutOfBoundsValue("-2", 0, 2147483647, "metadata.annotations."+autoscaling.MaxScaleAnnotationKey),
	}, {
		name: "queue sidecar resource annotations",
		ctx:  parent("foo", ""),
		rts: withAnnos(map[string]string{
			serving.QueueSidecarCPUResourceRequestAnnotationKey:            "100m",
			serving.QueueSidecarMemoryResourceLimitAnnotationKey:           "lots",
			serving.QueueSidecarResourcePercentageAnnotationKey:            "200",
			serving.QueueSidecarEphemeralStorageResourceLimitAnnotationKey: "1Gi",
		}),
		// As upstream, keys are attached with ViaKey, and the dots in them
		// show up as "annotations.[key]".
		want: apis.ErrInvalidValue("lots", apis.CurrentField).ViaKey(serving.QueueSidecarMemoryResourceLimitAnnotationKey).Also(
			apis.ErrOutOfBoundsValue(200.0, 0.1, 100.0, apis.CurrentField).ViaKey(serving.QueueSidecarResourcePercentageAnnotationKey)).
			ViaField("metadata.annotations"),
	}, {
		name: "progress deadline",
		ctx:  parent("foo", ""),
		rts:  withAnnos(map[string]string{serving.ProgressDeadlineAnnotationKey: "1.5s"}),
		want: &apis.FieldError{
			Message: "progress-deadline=1.5s is not at second precision",
			Paths:   []string{"metadata.annotations." + serving.ProgressDeadlineAnnotationKey},
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			checkValidation(t, test.rts.Validate(test.ctx), test.want)
		})
	}
}

func TestQueueSidecarPercentageIsDeprecated(t *testing.T) {
	rts := goodTemplate("")
	rts.Annotations = map[string]string{serving.QueueSidecarResourcePercentageAnnotationKey: "20"}
	got := rts.Validate(apis.WithinParent(context.Background(), metav1.ObjectMeta{Name: "foo"}))
	if errs := got.Filter(apis.ErrorLevel); errs != nil {
		t.Fatal("unexpected errors:", errs)
	}
	want := "Queue proxy resource percentage annotation is deprecated. Please use the available annotations to explicitly set resource values per service"
	if w := got.Filter(apis.WarningLevel); w == nil || !strings.Contains(w.Error(), want) {
		t.Errorf("warnings = %v, want one containing %q", w, want)
	}
}

func TestVerifyNameChange(t *testing.T) {
	tests := []struct {
		name     string
		old, new RevisionTemplateSpec
		wantErr  bool
	}{
		{name: "no name, template changes", old: goodTemplate(""), new: func() RevisionTemplateSpec {
			r := goodTemplate("")
			r.Spec.Containers[0].Image = "other"
			return r
		}()},
		{name: "same name, same template", old: goodTemplate("foo-v1"), new: goodTemplate("foo-v1")},
		{name: "new name, new template", old: goodTemplate("foo-v1"), new: func() RevisionTemplateSpec {
			r := goodTemplate("foo-v2")
			r.Spec.Containers[0].Image = "other"
			return r
		}()},
		{name: "same name, new template", old: goodTemplate("foo-v1"), new: func() RevisionTemplateSpec {
			r := goodTemplate("foo-v1")
			r.Spec.Containers[0].Image = "other"
			return r
		}(), wantErr: true},
		{name: "same name, new template annotations", old: goodTemplate("foo-v1"), new: func() RevisionTemplateSpec {
			r := goodTemplate("foo-v1")
			r.Annotations = map[string]string{"a": "b"}
			return r
		}(), wantErr: true},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := test.new.VerifyNameChange(context.Background(), &test.old)
			if !test.wantErr {
				checkValidation(t, got, nil)
				return
			}
			if got == nil || got.Message != "Saw the following changes without a name change (-old +new)" ||
				len(got.Paths) != 1 || got.Paths[0] != "metadata.name" {
				t.Errorf("VerifyNameChange() = %v, want a name change error at metadata.name", got)
			}
		})
	}
}

func TestConfigurationValidation(t *testing.T) {
	tests := []struct {
		name string
		c    *Configuration
		want *apis.FieldError
	}{{
		name: "valid",
		c:    &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Spec: ConfigurationSpec{Template: goodTemplate("")}},
	}, {
		name: "valid BYO name",
		c:    &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Spec: ConfigurationSpec{Template: goodTemplate("cfg-byo")}},
	}, {
		name: "BYO name without prefix",
		c:    &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Spec: ConfigurationSpec{Template: goodTemplate("byo")}},
		want: apis.ErrInvalidValue(`"byo" must have prefix "cfg-"`, "spec.template.metadata.name"),
	}, {
		name: "template errors name the path",
		c: &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox", Name: "queue-proxy"}}}},
		}}},
		want: &apis.FieldError{Message: `"queue-proxy" is a reserved container name`, Paths: []string{"spec.template.spec.containers[0].name"}},
	}, {
		name: "autoscaling annotation on the configuration",
		c: &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "cfg",
			Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "1"}},
			Spec: ConfigurationSpec{Template: goodTemplate("")}},
		want: apis.ErrInvalidKeyName(autoscaling.MinScaleAnnotationKey, "metadata.annotations",
			`autoscaling annotations must be put under "spec.template.metadata.annotations" to work`),
	}, {
		name: "service label without owner",
		c: &Configuration{ObjectMeta: metav1.ObjectMeta{Name: "cfg",
			Labels: map[string]string{serving.ServiceLabelKey: "svc"}},
			Spec: ConfigurationSpec{Template: goodTemplate("")}},
		want: apis.ErrMissingField("metadata.labels." + serving.ServiceLabelKey),
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			checkValidation(t, test.c.Validate(context.Background()), test.want)
		})
	}
}

func TestConfigurationUpdateValidation(t *testing.T) {
	base := func() *Configuration {
		return &Configuration{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg", Annotations: map[string]string{
				serving.CreatorAnnotation: "alice", serving.UpdaterAnnotation: "alice",
			}},
			Spec: ConfigurationSpec{Template: goodTemplate("cfg-byo")},
		}
	}
	const nameChange = "Saw the following changes without a name change (-old +new): spec.template.metadata.name"
	tests := []struct {
		name    string
		mutate  func(*Configuration)
		status  bool
		want    *apis.FieldError
		wantMsg string
	}{{
		name:   "metadata only",
		mutate: func(c *Configuration) { c.Labels = map[string]string{"a": "b"} },
	}, {
		name:    "template changed without a new BYO name",
		mutate:  func(c *Configuration) { c.Spec.Template.Spec.Containers[0].Image = "other" },
		wantMsg: nameChange,
	}, {
		name: "template changed with a new BYO name",
		mutate: func(c *Configuration) {
			c.Spec.Template.Spec.Containers[0].Image = "other"
			c.Spec.Template.Name = "cfg-byo2"
		},
	}, {
		name:   "creator changed",
		mutate: func(c *Configuration) { c.Annotations[serving.CreatorAnnotation] = "bob" },
		want:   &apis.FieldError{Message: "annotation value is immutable", Paths: []string{"metadata.annotations." + serving.CreatorAnnotation}},
	}, {
		name: "creator changed on a service-owned configuration",
		mutate: func(c *Configuration) {
			c.Annotations[serving.CreatorAnnotation] = "bob"
			c.OwnerReferences = []metav1.OwnerReference{{Kind: "Service", Name: "svc"}}
		},
	}, {
		name: "status update skips metadata and spec validation",
		mutate: func(c *Configuration) {
			c.Spec.Template.Spec.TimeoutSeconds = ptr.Int64(100000)
			c.Status.LatestCreatedRevisionName = "cfg-byo"
		},
		status: true,
		// The template change without a name change is still caught.
		wantMsg: nameChange,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			old := base()
			nu := base()
			test.mutate(nu)
			ctx := apis.WithinUpdate(context.Background(), old)
			if test.status {
				ctx = apis.WithinSubResourceUpdate(ctx, old, "status")
			}
			got := nu.Validate(ctx)
			if test.wantMsg != "" {
				// The details hold the diff; compare the rest.
				if errs := got.Filter(apis.ErrorLevel); errs == nil || !strings.HasPrefix(errs.Error(), test.wantMsg) {
					t.Errorf("Validate() = %v, want %q", errs, test.wantMsg)
				}
				return
			}
			checkValidation(t, got, test.want)
		})
	}
}

func TestServiceValidation(t *testing.T) {
	svc := func(mutate func(*Service)) *Service {
		s := &Service{
			ObjectMeta: metav1.ObjectMeta{Name: "svc"},
			Spec: ServiceSpec{
				ConfigurationSpec: ConfigurationSpec{Template: goodTemplate("")},
				RouteSpec:         RouteSpec{Traffic: allTraffic()},
			},
		}
		if mutate != nil {
			mutate(s)
		}
		return s
	}
	tests := []struct {
		name string
		s    *Service
		want *apis.FieldError
	}{{
		name: "valid run latest",
		s:    svc(nil),
	}, {
		name: "valid pinned to a BYO revision",
		s: svc(func(s *Service) {
			s.Spec.Template.Name = "svc-byo"
			s.Spec.Traffic = []TrafficTarget{{RevisionName: "svc-byo", Percent: ptr.Int64(100)}}
		}),
	}, {
		name: "valid split with tags",
		s: svc(func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{
				{Tag: "current", RevisionName: "svc-00001", Percent: ptr.Int64(75)},
				{Tag: "latest", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(25)},
			}
		}),
	}, {
		name: "traffic does not sum to 100",
		s: svc(func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{
				{RevisionName: "svc-00001", Percent: ptr.Int64(75)},
				{LatestRevision: ptr.Bool(true), Percent: ptr.Int64(24)},
			}
		}),
		want: &apis.FieldError{Message: "Traffic targets sum to 99, want 100", Paths: []string{"spec.traffic"}},
	}, {
		name: "configuration name in traffic",
		s: svc(func(s *Service) {
			s.Spec.Traffic = []TrafficTarget{{ConfigurationName: "other", Percent: ptr.Int64(100)}}
		}),
		want: apis.ErrDisallowedFields("spec.traffic[0].configurationName"),
	}, {
		name: "template errors name the path",
		s: svc(func(s *Service) {
			s.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "K_SERVICE", Value: "x"}}
		}),
		want: &apis.FieldError{
			Message: `"K_SERVICE" is a reserved environment variable`,
			Paths:   []string{"spec.template.spec.containers[0].env[0].name"},
		},
	}, {
		name: "BYO name uses the service as prefix",
		s:    svc(func(s *Service) { s.Spec.Template.Name = "other-byo" }),
		want: apis.ErrInvalidValue(`"other-byo" must have prefix "svc-"`, "spec.template.metadata.name"),
	}, {
		name: "autoscaling annotation on the service",
		s: svc(func(s *Service) {
			s.Annotations = map[string]string{autoscaling.ClassAnnotationKey: autoscaling.KPA}
		}),
		want: apis.ErrInvalidKeyName(autoscaling.ClassAnnotationKey, "metadata.annotations",
			`autoscaling annotations must be put under "spec.template.metadata.annotations" to work`),
	}, {
		name: "autoscaling annotation on the template",
		s: svc(func(s *Service) {
			s.Spec.Template.Annotations = map[string]string{autoscaling.ClassAnnotationKey: autoscaling.KPA}
		}),
	}, {
		name: "bad rollout duration",
		s: svc(func(s *Service) {
			s.Annotations = map[string]string{serving.RolloutDurationKey: "1h1ms"}
		}),
		want: &apis.FieldError{
			Message: "rollout-duration=1h1ms is not at second precision",
			Paths:   []string{"metadata.annotations." + serving.RolloutDurationKey},
		},
	}, {
		name: "bad name",
		s:    svc(func(s *Service) { s.Name = "1svc" }),
		want: &apis.FieldError{
			Message: "not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]",
			Paths:   []string{"metadata.name"},
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			checkValidation(t, test.s.Validate(context.Background()), test.want)
		})
	}
}

func TestServiceUpdateValidation(t *testing.T) {
	base := func() *Service {
		return &Service{
			ObjectMeta: metav1.ObjectMeta{Name: "svc", Annotations: map[string]string{
				serving.CreatorAnnotation: "alice", serving.UpdaterAnnotation: "alice",
			}},
			Spec: ServiceSpec{
				ConfigurationSpec: ConfigurationSpec{Template: goodTemplate("svc-byo")},
				RouteSpec:         RouteSpec{Traffic: allTraffic()},
			},
		}
	}
	tests := []struct {
		name    string
		mutate  func(*Service)
		status  bool
		want    *apis.FieldError
		wantMsg string
	}{{
		name:   "traffic change keeps the BYO name",
		mutate: func(s *Service) { s.Spec.Traffic = []TrafficTarget{{RevisionName: "svc-byo", Percent: ptr.Int64(100)}} },
	}, {
		name:    "template change without a new BYO name",
		mutate:  func(s *Service) { s.Spec.Template.Spec.Containers[0].Image = "other" },
		wantMsg: "Saw the following changes without a name change (-old +new): spec.template.metadata.name",
	}, {
		name: "lastModifier changed without a spec change",
		mutate: func(s *Service) {
			s.Annotations[serving.UpdaterAnnotation] = "bob"
		},
		want: apis.ErrInvalidValue("bob", "metadata.annotations."+serving.UpdaterAnnotation),
	}, {
		name: "status update skips spec validation",
		mutate: func(s *Service) {
			s.Status.ObservedGeneration = 3
		},
		status: true,
	}, {
		name: "status update with a spec that no longer validates",
		mutate: func(s *Service) {
			s.Spec.Traffic = nil
		},
		status: true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			old := base()
			nu := base()
			test.mutate(nu)
			ctx := apis.WithinUpdate(context.Background(), old)
			if test.status {
				ctx = apis.WithinSubResourceUpdate(ctx, old, "status")
			}
			got := nu.Validate(ctx)
			if test.wantMsg != "" {
				if errs := got.Filter(apis.ErrorLevel); errs == nil || !strings.HasPrefix(errs.Error(), test.wantMsg) {
					t.Errorf("Validate() = %v, want %q", errs, test.wantMsg)
				}
				return
			}
			checkValidation(t, got, test.want)
		})
	}
}
