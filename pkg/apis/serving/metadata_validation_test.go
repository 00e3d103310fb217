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

package serving

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	"github.com/skiffhq/skiff/pkg/apis/config"
)

func TestValidateObjectMetadata(t *testing.T) {
	tests := []struct {
		name            string
		meta            metav1.Object
		allowAutoscaler bool
		want            *apis.FieldError
	}{{
		name: "valid",
		meta: &metav1.ObjectMeta{Name: "valid", Annotations: map[string]string{"foo": "bar"}},
	}, {
		name: "missing name and generateName",
		meta: &metav1.ObjectMeta{},
		want: &apis.FieldError{Message: "name or generateName is required", Paths: []string{"name"}},
	}, {
		name: "invalid name",
		meta: &metav1.ObjectMeta{Name: "Bad_Name"},
		want: &apis.FieldError{
			Message: "not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]",
			Paths:   []string{"name"},
		},
	}, {
		name: "autoscaling annotation where it does nothing",
		meta: &metav1.ObjectMeta{Name: "svc", Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "1"}},
		want: apis.ErrInvalidKeyName(autoscaling.MinScaleAnnotationKey, "annotations",
			`autoscaling annotations must be put under "spec.template.metadata.annotations" to work`),
	}, {
		name:            "valid autoscaling annotation on a revision",
		meta:            &metav1.ObjectMeta{Name: "rev", Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "1"}},
		allowAutoscaler: true,
	}, {
		name:            "invalid autoscaling annotation on a revision",
		meta:            &metav1.ObjectMeta{Name: "rev", Annotations: map[string]string{autoscaling.MinScaleAnnotationKey: "many"}},
		allowAutoscaler: true,
		want:            apis.ErrInvalidValue("many", "annotations."+autoscaling.MinScaleAnnotationKey),
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := ValidateObjectMetadata(context.Background(), test.meta, test.allowAutoscaler)
			if diff := cmp.Diff(test.want.Error(), got.Error()); diff != "" {
				t.Errorf("ValidateObjectMetadata (-want, +got):\n%s", diff)
			}
		})
	}
}

func TestValidateRolloutDurationAnnotation(t *testing.T) {
	tests := []struct {
		name  string
		annos map[string]string
		want  *apis.FieldError
	}{{
		name: "none",
	}, {
		name:  "valid",
		annos: map[string]string{RolloutDurationKey: "2m"},
	}, {
		name:  "valid under the old key",
		annos: map[string]string{GroupName + "/rolloutDuration": "200s"},
	}, {
		name:  "zero",
		annos: map[string]string{RolloutDurationKey: "0s"},
	}, {
		name:  "not a duration",
		annos: map[string]string{RolloutDurationKey: "soon"},
		want:  apis.ErrInvalidValue("soon", RolloutDurationKey),
	}, {
		name:  "below a second",
		annos: map[string]string{RolloutDurationKey: "1500ms"},
		want: &apis.FieldError{
			Message: "rollout-duration=1500ms is not at second precision",
			Paths:   []string{RolloutDurationKey},
		},
	}, {
		name:  "negative, under the old key",
		annos: map[string]string{GroupName + "/rolloutDuration": "-1m"},
		want: &apis.FieldError{
			Message: "rollout-duration=-1m must be positive",
			Paths:   []string{GroupName + "/rolloutDuration"},
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := ValidateRolloutDurationAnnotation(test.annos)
			if diff := cmp.Diff(test.want.Error(), got.Error()); diff != "" {
				t.Errorf("ValidateRolloutDurationAnnotation (-want, +got):\n%s", diff)
			}
		})
	}
}

func TestValidateProgressDeadlineAnnotation(t *testing.T) {
	for _, test := range []struct {
		value string
		want  *apis.FieldError
	}{
		{"", nil},
		{"10m", nil},
		{"nope", apis.ErrInvalidValue("nope", ProgressDeadlineAnnotationKey)},
		{"1.5s", &apis.FieldError{Message: "progress-deadline=1.5s is not at second precision", Paths: []string{ProgressDeadlineAnnotationKey}}},
		{"-3s", &apis.FieldError{Message: "progress-deadline=-3s must be positive", Paths: []string{ProgressDeadlineAnnotationKey}}},
	} {
		got := ValidateProgressDeadlineAnnotation(map[string]string{ProgressDeadlineAnnotationKey: test.value})
		if diff := cmp.Diff(test.want.Error(), got.Error()); diff != "" {
			t.Errorf("ValidateProgressDeadlineAnnotation(%q) (-want, +got):\n%s", test.value, diff)
		}
	}
}

func TestValidateContainerConcurrency(t *testing.T) {
	noZero := func() context.Context {
		cfg := config.FromContextOrDefaults(context.Background())
		cfg.Defaults.AllowContainerConcurrencyZero = false
		cfg.Defaults.ContainerConcurrencyMaxLimit = 50
		return config.ToContext(context.Background(), cfg)
	}()
	tests := []struct {
		name string
		ctx  context.Context
		cc   *int64
		want *apis.FieldError
	}{
		{name: "unset"},
		{name: "zero means unbounded", cc: ptr.Int64(0)},
		{name: "max", cc: ptr.Int64(1000)},
		{name: "above max", cc: ptr.Int64(1001), want: apis.ErrOutOfBoundsValue(1001, 0, 1000, apis.CurrentField)},
		{name: "negative", cc: ptr.Int64(-1), want: apis.ErrOutOfBoundsValue(-1, 0, 1000, apis.CurrentField)},
		{name: "zero not allowed", ctx: noZero, cc: ptr.Int64(0), want: apis.ErrOutOfBoundsValue(0, 1, 50, apis.CurrentField)},
		{name: "above configured max", ctx: noZero, cc: ptr.Int64(51), want: apis.ErrOutOfBoundsValue(51, 1, 50, apis.CurrentField)},
		{name: "within configured bounds", ctx: noZero, cc: ptr.Int64(1)},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := ValidateContainerConcurrency(ctx, test.cc)
			if diff := cmp.Diff(test.want.Error(), got.Error()); diff != "" {
				t.Errorf("ValidateContainerConcurrency (-want, +got):\n%s", diff)
			}
		})
	}
}

type withMeta struct {
	metav1.ObjectMeta
	Spec string
}

func TestSetUserInfo(t *testing.T) {
	const (
		alice = "alice@example.com"
		bob   = "bob@example.com"
	)
	tests := []struct {
		name     string
		ctx      context.Context
		old, new string
		annos    map[string]string
		want     map[string]string
	}{{
		name: "no user info",
		ctx:  context.Background(),
		want: nil,
	}, {
		name: "create",
		ctx:  apis.WithUserInfo(context.Background(), &authenticationv1.UserInfo{Username: alice}),
		want: map[string]string{CreatorAnnotation: alice, UpdaterAnnotation: alice},
	}, {
		name:  "update that changes the spec",
		ctx:   apis.WithinUpdate(apis.WithUserInfo(context.Background(), &authenticationv1.UserInfo{Username: bob}), nil),
		old:   "a",
		new:   "b",
		annos: map[string]string{CreatorAnnotation: alice, UpdaterAnnotation: alice},
		want:  map[string]string{CreatorAnnotation: alice, UpdaterAnnotation: bob},
	}, {
		name:  "update that keeps the spec",
		ctx:   apis.WithinUpdate(apis.WithUserInfo(context.Background(), &authenticationv1.UserInfo{Username: bob}), nil),
		old:   "a",
		new:   "a",
		annos: map[string]string{CreatorAnnotation: alice, UpdaterAnnotation: alice},
		want:  map[string]string{CreatorAnnotation: alice, UpdaterAnnotation: alice},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			obj := &withMeta{ObjectMeta: metav1.ObjectMeta{Annotations: test.annos}, Spec: test.new}
			SetUserInfo(test.ctx, test.old, test.new, obj)
			if diff := cmp.Diff(test.want, obj.Annotations); diff != "" {
				t.Errorf("annotations (-want, +got):\n%s", diff)
			}
		})
	}
}
