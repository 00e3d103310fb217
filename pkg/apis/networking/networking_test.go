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

package networking

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
)

func TestProtocolTypeValidate(t *testing.T) {
	for _, tc := range []struct {
		proto ProtocolType
		want  string
	}{
		{ProtocolHTTP1, ""},
		{ProtocolH2C, ""},
		{"", "missing field(s): "},
		{"http2", "invalid value: http2: "},
	} {
		if got := tc.proto.Validate(context.Background()).Error(); got != tc.want {
			t.Errorf("ProtocolType(%q).Validate() = %q, want %q", tc.proto, got, tc.want)
		}
	}
}

func TestPortsForProtocol(t *testing.T) {
	for _, tc := range []struct {
		proto    ProtocolType
		name     string
		port     int
		appProto *string
	}{
		{ProtocolHTTP1, "http", 80, nil},
		{ProtocolH2C, "http2", 81, &AppProtocolH2C},
		{"", "http", 80, nil},
	} {
		if got := ServicePortName(tc.proto); got != tc.name {
			t.Errorf("ServicePortName(%q) = %q, want %q", tc.proto, got, tc.name)
		}
		if got := ServicePort(tc.proto); got != tc.port {
			t.Errorf("ServicePort(%q) = %d, want %d", tc.proto, got, tc.port)
		}
		if got := AppProtocol(tc.proto); !cmp.Equal(got, tc.appProto) {
			t.Errorf("AppProtocol(%q) = %v, want %v", tc.proto, got, tc.appProto)
		}
	}
	if AppProtocolH2C != "kubernetes.io/h2c" {
		t.Errorf("AppProtocolH2C = %q", AppProtocolH2C)
	}
}

func TestValidateAnnotations(t *testing.T) {
	for _, tc := range []struct {
		name string
		anns map[string]string
		want string
	}{{
		name: "nil",
	}, {
		name: "known keys in both spellings",
		anns: map[string]string{
			IngressClassAnnotationKey:             "a",
			IngressClassAnnotationAltKey:          "a",
			CertificateClassAnnotationKey:         "b",
			CertificateClassAnnotationAltKey:      "b",
			DisableAutoTLSAnnotationKey:           "true",
			DisableAutoTLSAnnotationAltKey:        "true",
			HTTPOptionAnnotationKey:               "Enabled",
			HTTPProtocolAnnotationKey:             "Enabled",
			DisableExternalDomainTLSAnnotationKey: "true",
		},
	}, {
		name: "other groups are not ours",
		anns: map[string]string{"serving.knative.dev/creator": "me", "foo": "bar"},
	}, {
		name: "typo in our group",
		anns: map[string]string{PublicGroupName + "/ingres.class": "x"},
		want: "invalid key name \"networking.knative.dev/ingres.class\": ",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidateAnnotations(tc.anns).Error(); got != tc.want {
				t.Errorf("ValidateAnnotations() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValidateAnnotationsFieldPath(t *testing.T) {
	err := ValidateAnnotations(map[string]string{PublicGroupName + "/bogus": "1"}).ViaField("annotations").ViaField("metadata")
	if want := "invalid key name \"networking.knative.dev/bogus\": metadata.annotations"; err.Error() != want {
		t.Errorf("error = %q, want %q", err.Error(), want)
	}
}

func TestAnnotationGetters(t *testing.T) {
	// The canonical spelling wins over the alternative one.
	anns := map[string]string{
		IngressClassAnnotationKey:        "canonical",
		IngressClassAnnotationAltKey:     "alt",
		CertificateClassAnnotationAltKey: "cert-alt",
		HTTPProtocolAnnotationKey:        "Redirected",
		DisableAutoTLSAnnotationAltKey:   "true",
	}
	for name, tc := range map[string]struct{ got, want string }{
		"ingress class":     {GetIngressClass(anns), "canonical"},
		"certificate class": {GetCertificateClass(anns), "cert-alt"},
		"http protocol":     {GetHTTPProtocol(anns), "Redirected"},
		"disable tls":       {GetDisableExternalDomainTLS(anns), "true"},
		"deprecated alias":  {GetDisableAutoTLS(anns), "true"},
		"unset":             {GetIngressClass(nil), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", name, tc.got, tc.want)
		}
	}
}

func TestValidateNamespacedObjectReference(t *testing.T) {
	tests := []struct {
		name string
		r    *corev1.ObjectReference
		want *apis.FieldError
	}{{
		name: "nil",
	}, {
		name: "all good",
		r:    &corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "rev-deployment"},
	}, {
		name: "missing everything",
		r:    &corev1.ObjectReference{},
		want: apis.ErrMissingField("apiVersion").Also(apis.ErrMissingField("kind")).Also(apis.ErrMissingField("name")),
	}, {
		name: "bad api version",
		r:    &corev1.ObjectReference{APIVersion: "/v1", Kind: "Bar", Name: "foo"},
		want: apis.ErrInvalidValue("prefix part must be non-empty", "apiVersion"),
	}, {
		name: "bad kind",
		r:    &corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Bad Kind", Name: "foo"},
		want: apis.ErrInvalidValue("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')", "kind"),
	}, {
		name: "bad name",
		r:    &corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Bar", Name: "Bad_Name"},
		want: apis.ErrInvalidValue("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')", "name"),
	}, {
		name: "disallowed fields",
		r: &corev1.ObjectReference{
			APIVersion: "apps/v1", Kind: "Deployment", Name: "foo",
			Namespace: "other", FieldPath: "spec", ResourceVersion: "1", UID: "abc",
		},
		want: apis.ErrDisallowedFields("namespace", "fieldPath", "resourceVersion", "uid"),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidateNamespacedObjectReference(tc.r)
			if diff := cmp.Diff(tc.want.Error(), got.Error()); diff != "" {
				t.Error("ValidateNamespacedObjectReference (-want, +got):", diff)
			}
		})
	}
}
