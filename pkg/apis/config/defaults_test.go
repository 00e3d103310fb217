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

package config

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	. "knative.dev/pkg/configmap/testing"
	"knative.dev/pkg/ptr"
)

func TestDefaultsConfigurationFromFile(t *testing.T) {
	cm, example := ConfigMapsFromTestFile(t, DefaultsConfigName)

	if _, err := NewDefaultsConfigFromConfigMap(cm); err != nil {
		t.Error("NewDefaultsConfigFromConfigMap(actual) =", err)
	}

	got, err := NewDefaultsConfigFromConfigMap(example)
	if err != nil {
		t.Fatal("NewDefaultsConfigFromConfigMap(example) =", err)
	}
	// The example shows resource values for illustration; by default none
	// are set (Kubernetes' own defaults apply). Check them, then compare
	// everything else with the built-in defaults.
	for name, q := range map[string]*resource.Quantity{
		"revision-cpu-request":               got.RevisionCPURequest,
		"revision-cpu-limit":                 got.RevisionCPULimit,
		"revision-memory-request":            got.RevisionMemoryRequest,
		"revision-memory-limit":              got.RevisionMemoryLimit,
		"revision-ephemeral-storage-request": got.RevisionEphemeralStorageRequest,
		"revision-ephemeral-storage-limit":   got.RevisionEphemeralStorageLimit,
	} {
		if q == nil {
			t.Errorf("example %s was not parsed", name)
		}
	}
	got.RevisionCPULimit, got.RevisionCPURequest = nil, nil
	got.RevisionMemoryLimit, got.RevisionMemoryRequest = nil, nil
	got.RevisionEphemeralStorageLimit, got.RevisionEphemeralStorageRequest = nil, nil
	if diff := cmp.Diff(defaultDefaultsConfig(), got); diff != "" {
		t.Error("Example does not represent default config (-want,+got):\n", diff)
	}
}

// defaultsWith returns the default Defaults changed by f.
func defaultsWith(f func(*Defaults)) *Defaults {
	d := defaultDefaultsConfig()
	f(d)
	return d
}

func TestDefaultsConfiguration(t *testing.T) {
	oneTwoThree := resource.MustParse("123m")
	twoGi := resource.MustParse("2Gi")

	tests := []struct {
		name    string
		data    map[string]string
		want    *Defaults
		wantErr string
	}{{
		name: "default configuration",
		data: map[string]string{},
		want: defaultDefaultsConfig(),
	}, {
		name: "specified values",
		data: map[string]string{
			"revision-timeout-seconds":                "123",
			"max-revision-timeout-seconds":            "456",
			"revision-response-start-timeout-seconds": "60",
			"revision-idle-timeout-seconds":           "123",
			"revision-cpu-request":                    "123m",
			"revision-memory-limit":                   "2Gi",
			"container-concurrency":                   "7",
			"container-concurrency-max-limit":         "1984",
			"container-name-template":                 "{{.Name}}",
			"init-container-name-template":            "{{.Name}}-init",
			"allow-container-concurrency-zero":        "false",
			"enable-service-links":                    "true",
		},
		want: &Defaults{
			RevisionTimeoutSeconds:              123,
			MaxRevisionTimeoutSeconds:           456,
			RevisionResponseStartTimeoutSeconds: 60,
			RevisionIdleTimeoutSeconds:          123,
			ContainerConcurrency:                7,
			ContainerConcurrencyMaxLimit:        1984,
			RevisionCPURequest:                  &oneTwoThree,
			RevisionMemoryLimit:                 &twoGi,
			UserContainerNameTemplate:           mustParseTemplate("{{.Name}}"),
			InitContainerNameTemplate:           mustParseTemplate("{{.Name}}-init"),
			EnableServiceLinks:                  ptr.Bool(true),
		},
	}, {
		name: "service links false, case-insensitive",
		data: map[string]string{"enable-service-links": "FALSE"},
		want: defaultsWith(func(d *Defaults) { d.EnableServiceLinks = ptr.Bool(false) }),
	}, {
		name: "service links default leaves it to kubernetes",
		data: map[string]string{"enable-service-links": "default"},
		want: defaultsWith(func(d *Defaults) { d.EnableServiceLinks = nil }),
	}, {
		name: "response start timeout follows revision-timeout-seconds",
		data: map[string]string{"revision-timeout-seconds": "200"},
		want: defaultsWith(func(d *Defaults) {
			d.RevisionTimeoutSeconds = 200
			d.RevisionResponseStartTimeoutSeconds = 200
		}),
	}, {
		name: "response start timeout 0 is allowed",
		data: map[string]string{"revision-response-start-timeout-seconds": "0"},
		want: defaultsWith(func(d *Defaults) { d.RevisionResponseStartTimeoutSeconds = 0 }),
	}, {
		name: "container concurrency zero disallowed",
		data: map[string]string{"allow-container-concurrency-zero": "false"},
		want: defaultsWith(func(d *Defaults) { d.AllowContainerConcurrencyZero = false }),
	}, {
		name:    "invalid allow container concurrency zero flag value",
		data:    map[string]string{"allow-container-concurrency-zero": "invalid"},
		wantErr: `parsing config-defaults: strconv.ParseBool: parsing "invalid"`,
	}, {
		name:    "bad revision timeout",
		data:    map[string]string{"revision-timeout-seconds": "asdf"},
		wantErr: "revision-timeout-seconds",
	}, {
		name:    "bad max revision timeout",
		data:    map[string]string{"max-revision-timeout-seconds": "asdf"},
		wantErr: "max-revision-timeout-seconds",
	}, {
		name:    "bad revision idle timeout",
		data:    map[string]string{"revision-idle-timeout-seconds": "asdf"},
		wantErr: "revision-idle-timeout-seconds",
	}, {
		name:    "bad response start timeout",
		data:    map[string]string{"revision-response-start-timeout-seconds": "asdf"},
		wantErr: "revision-response-start-timeout-seconds",
	}, {
		name:    "name template refers to a missing field",
		data:    map[string]string{"container-name-template": "{{.NAme}}"},
		wantErr: "error executing template",
	}, {
		name:    "init name template refers to a missing field",
		data:    map[string]string{"init-container-name-template": "{{.NAme}}"},
		wantErr: "error executing template",
	}, {
		name:    "name template does not parse",
		data:    map[string]string{"container-name-template": "{{animals-being-bros]]"},
		wantErr: "container-name-template",
	}, {
		name:    "bad resource",
		data:    map[string]string{"revision-cpu-request": "bad"},
		wantErr: "revision-cpu-request",
	}, {
		name: "revision timeout bigger than max timeout",
		data: map[string]string{
			"revision-timeout-seconds":     "456",
			"max-revision-timeout-seconds": "123",
		},
		wantErr: "revision-timeout-seconds (456) cannot be greater than max-revision-timeout-seconds (123)",
	}, {
		name: "response start timeout bigger than revision timeout",
		data: map[string]string{
			"revision-timeout-seconds":                "123",
			"revision-response-start-timeout-seconds": "456",
		},
		wantErr: "revision-response-start-timeout-seconds (456) cannot be greater than revision-timeout-seconds (123)",
	}, {
		name: "idle timeout bigger than revision timeout",
		data: map[string]string{
			"revision-timeout-seconds":      "123",
			"revision-idle-timeout-seconds": "456",
		},
		wantErr: "revision-idle-timeout-seconds (456) cannot be greater than revision-timeout-seconds (123)",
	}, {
		name:    "container-concurrency above the default max limit",
		data:    map[string]string{"container-concurrency": "2000"},
		wantErr: "expected 0 <= 2000 <= 1000: container-concurrency",
	}, {
		name: "container-concurrency above the configured max limit",
		data: map[string]string{
			"container-concurrency":           "11",
			"container-concurrency-max-limit": "10",
		},
		wantErr: "expected 0 <= 11 <= 10: container-concurrency",
	}, {
		name:    "negative container-concurrency",
		data:    map[string]string{"container-concurrency": "-1"},
		wantErr: "expected 0 <= -1 <= 1000: container-concurrency",
	}, {
		name:    "container-concurrency-max-limit below one",
		data:    map[string]string{"container-concurrency-max-limit": "0"},
		wantErr: "container-concurrency-max-limit",
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fromCM, err := NewDefaultsConfigFromConfigMap(&corev1.ConfigMap{Data: tt.data})
			checkErr(t, err, tt.wantErr)
			if diff := cmp.Diff(tt.want, fromCM); diff != "" {
				t.Error("NewDefaultsConfigFromConfigMap (-want,+got):\n", diff)
			}

			fromMap, err := NewDefaultsConfigFromMap(tt.data)
			checkErr(t, err, tt.wantErr)
			if diff := cmp.Diff(tt.want, fromMap); diff != "" {
				t.Error("NewDefaultsConfigFromMap (-want,+got):\n", diff)
			}
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatal("unexpected error:", err)
	case want != "" && err == nil:
		t.Fatalf("got no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error = %q, want it to contain %q", err, want)
	}
}

func TestContainerNameTemplating(t *testing.T) {
	tests := []struct {
		name     string
		template string
		want     string
	}{{
		name:     "name",
		template: "{{.Name}}",
		want:     "i-am-groot",
	}, {
		name:     "namespace",
		template: "{{.Namespace}}-of-the-galaxy",
		want:     "guardians-of-the-galaxy",
	}, {
		name:     "constant",
		template: "user-container",
		want:     "user-container",
	}}

	ctx := apis.WithinParent(context.Background(), metav1.ObjectMeta{
		Name:      "i-am-groot",
		Namespace: "guardians",
	})
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			def, err := NewDefaultsConfigFromMap(map[string]string{
				"container-name-template":      test.template,
				"init-container-name-template": test.template + "-init",
			})
			if err != nil {
				t.Fatal("NewDefaultsConfigFromMap() =", err)
			}
			if got := def.UserContainerName(ctx); got != test.want {
				t.Errorf("UserContainerName() = %q, want %q", got, test.want)
			}
			if got, want := def.InitContainerName(ctx), test.want+"-init"; got != want {
				t.Errorf("InitContainerName() = %q, want %q", got, want)
			}
		})
	}
}

func TestObjectMetaTemplate(t *testing.T) {
	a := mustParseTemplate("{{.Name}}")
	if !a.Equal(*mustParseTemplate("{{.Name}}")) {
		t.Error("identical templates are not Equal")
	}
	if !a.Equal(*mustParseTemplate("abc")) {
		t.Error("templates rendering the same name for name abc should be Equal")
	}
	if a.Equal(*mustParseTemplate("{{.Name}}-x")) {
		t.Error("templates rendering different names are Equal")
	}

	c := a.DeepCopy()
	if c.Template == a.Template {
		t.Error("DeepCopy shares the underlying template")
	}
	if !c.Equal(*a) {
		t.Error("DeepCopy is not Equal to the original")
	}

	d := defaultDefaultsConfig()
	dc := d.DeepCopy()
	if diff := cmp.Diff(d, dc); diff != "" {
		t.Error("Defaults.DeepCopy differs (-orig,+copy):\n", diff)
	}
	if dc.UserContainerNameTemplate == d.UserContainerNameTemplate {
		t.Error("Defaults.DeepCopy shares the name template")
	}
}
