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

package deployment

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/ptr"
	"sigs.k8s.io/yaml"

	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func quantity(val string) *resource.Quantity {
	r := resource.MustParse(val)
	return &r
}

// withDefaults returns the default config changed by f.
func withDefaults(f func(*Config)) *Config {
	c := defaultConfig()
	f(c)
	return c
}

func TestShippedConfigMap(t *testing.T) {
	var found bool
	for _, cm := range configmaps.Shipped(t, "core/configmaps") {
		if cm.Name != ConfigName {
			continue
		}
		found = true
		got, err := NewConfigFromConfigMap(cm)
		if err != nil {
			t.Fatal("NewConfigFromConfigMap(shipped) =", err)
		}
		if diff := cmp.Diff(defaultConfig(), got); diff != "" {
			t.Error("shipped config-deployment differs from the defaults (-want,+got):", diff)
		}

		// The example block documents the defaults, apart from the values it
		// shows for fields whose default is to inherit Kubernetes'.
		example, err := NewConfigFromMap(exampleData(t, cm.Data[configmap.ExampleKey]))
		if err != nil {
			t.Fatal("NewConfigFromMap(example) =", err)
		}
		example.QueueSidecarCPULimit = nil
		example.QueueSidecarMemoryRequest, example.QueueSidecarMemoryLimit = nil, nil
		example.QueueSidecarEphemeralStorageRequest, example.QueueSidecarEphemeralStorageLimit = nil, nil
		if diff := cmp.Diff(defaultConfig(), example); diff != "" {
			t.Error("_example does not match the defaults (-want,+got):", diff)
		}
	}
	if !found {
		t.Fatalf("no %s among the shipped ConfigMaps", ConfigName)
	}
}

// exampleData parses the uncommented lines of an _example block.
func exampleData(t *testing.T, example string) map[string]string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(example, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	data := map[string]string{}
	if err := yaml.Unmarshal([]byte(strings.Join(lines, "\n")), &data); err != nil {
		t.Fatal("parsing _example:", err)
	}
	return data
}

func TestNewConfigFromMap(t *testing.T) {
	for _, tt := range []struct {
		name    string
		data    map[string]string
		want    *Config
		wantErr string
	}{{
		name: "empty map gives the defaults, with Skiff's queue-proxy",
		data: map[string]string{},
		want: withDefaults(func(c *Config) {
			c.QueueSidecarImage = "ko://github.com/skiffhq/skiff/cmd/queue"
		}),
	}, {
		name: "default skipped registries",
		data: map[string]string{},
		want: withDefaults(func(c *Config) {
			c.RegistriesSkippingTagResolving = sets.New("kind.local", "ko.local", "dev.local")
		}),
	}, {
		name:    "explicitly empty queue-proxy image",
		data:    map[string]string{QueueSidecarImageKey: ""},
		wantErr: "queue-sidecar-image cannot be empty",
	}, {
		name: "custom queue-proxy image",
		data: map[string]string{QueueSidecarImageKey: "example.com/queue:v1"},
		want: withDefaults(func(c *Config) { c.QueueSidecarImage = "example.com/queue:v1" }),
	}, {
		name: "affinity type set to the default",
		data: map[string]string{defaultAffinityTypeKey: string(PreferSpreadRevisionOverNodes)},
		want: defaultConfig(),
	}, {
		name: "affinity type none",
		data: map[string]string{defaultAffinityTypeKey: string(None)},
		want: withDefaults(func(c *Config) { c.DefaultAffinityType = None }),
	}, {
		name:    "empty affinity type",
		data:    map[string]string{defaultAffinityTypeKey: ""},
		wantErr: `unsupported default-affinity-type value: ""`,
	}, {
		name:    "unknown affinity type",
		data:    map[string]string{defaultAffinityTypeKey: "coconut"},
		wantErr: `unsupported default-affinity-type value: "coconut"`,
	}, {
		name: "registries and token audiences with empty entries",
		data: map[string]string{
			queueSidecarTokenAudiencesKey:     "bar,foo,boo-srv",
			registriesSkippingTagResolvingKey: "ko.local,,",
		},
		want: withDefaults(func(c *Config) {
			c.RegistriesSkippingTagResolving = sets.New("ko.local", "")
			c.QueueSidecarTokenAudiences = sets.New("foo", "bar", "boo-srv")
		}),
	}, {
		name: "progress deadline",
		data: map[string]string{ProgressDeadlineKey: "444s"},
		want: withDefaults(func(c *Config) { c.ProgressDeadline = 444 * time.Second }),
	}, {
		name: "digest resolution timeout",
		data: map[string]string{digestResolutionTimeoutKey: "60s"},
		want: withDefaults(func(c *Config) { c.DigestResolutionTimeout = time.Minute }),
	}, {
		name: "queue sidecar requests and limits",
		data: map[string]string{
			queueSidecarCPURequestKey:              "123m",
			queueSidecarMemoryRequestKey:           "456M",
			queueSidecarEphemeralStorageRequestKey: "789m",
			queueSidecarCPULimitKey:                "987M",
			queueSidecarMemoryLimitKey:             "654m",
			queueSidecarEphemeralStorageLimitKey:   "321M",
		},
		want: withDefaults(func(c *Config) {
			c.QueueSidecarCPURequest = quantity("123m")
			c.QueueSidecarMemoryRequest = quantity("456M")
			c.QueueSidecarEphemeralStorageRequest = quantity("789m")
			c.QueueSidecarCPULimit = quantity("987M")
			c.QueueSidecarMemoryLimit = quantity("654m")
			c.QueueSidecarEphemeralStorageLimit = quantity("321M")
		}),
	}, {
		name:    "bad quantity",
		data:    map[string]string{queueSidecarCPURequestKey: "lots"},
		wantErr: "failed to parse",
	}, {
		name:    "negative digest resolution timeout",
		data:    map[string]string{digestResolutionTimeoutKey: "-1s"},
		wantErr: "digest-resolution-timeout cannot be a non-positive duration, was -1s",
	}, {
		name:    "progress deadline not a duration",
		data:    map[string]string{ProgressDeadlineKey: "not-a-duration"},
		wantErr: "failed to parse",
	}, {
		name:    "negative progress deadline",
		data:    map[string]string{ProgressDeadlineKey: "-21s"},
		wantErr: "progress-deadline cannot be a non-positive duration, was -21s",
	}, {
		name:    "zero progress deadline",
		data:    map[string]string{ProgressDeadlineKey: "0ms"},
		wantErr: "progress-deadline cannot be a non-positive duration, was 0s",
	}, {
		name:    "progress deadline not whole seconds",
		data:    map[string]string{ProgressDeadlineKey: "1982ms"},
		wantErr: "progress-deadline must be rounded to a whole second, was: 1.982s",
	}, {
		name: "legacy keys",
		data: map[string]string{
			"queueSidecarImage":                   "1",
			"progressDeadline":                    "2s",
			"digestResolutionTimeout":             "3s",
			"registriesSkippingTagResolving":      "4",
			"queueSidecarCPURequest":              "5m",
			"queueSidecarCPULimit":                "6m",
			"queueSidecarMemoryRequest":           "7M",
			"queueSidecarMemoryLimit":             "8M",
			"queueSidecarEphemeralStorageRequest": "9M",
			"queueSidecarEphemeralStorageLimit":   "10M",
		},
		want: withDefaults(func(c *Config) {
			c.QueueSidecarImage = "1"
			c.ProgressDeadline = 2 * time.Second
			c.DigestResolutionTimeout = 3 * time.Second
			c.RegistriesSkippingTagResolving = sets.New("4")
			c.QueueSidecarCPURequest = quantity("5m")
			c.QueueSidecarCPULimit = quantity("6m")
			c.QueueSidecarMemoryRequest = quantity("7M")
			c.QueueSidecarMemoryLimit = quantity("8M")
			c.QueueSidecarEphemeralStorageRequest = quantity("9M")
			c.QueueSidecarEphemeralStorageLimit = quantity("10M")
		}),
	}, {
		name: "current keys win over legacy keys",
		data: map[string]string{
			"queueSidecarImage":               "1",
			"progressDeadline":                "2s",
			"registriesSkippingTagResolving":  "4",
			QueueSidecarImageKey:              "12",
			ProgressDeadlineKey:               "13s",
			registriesSkippingTagResolvingKey: "15",
		},
		want: withDefaults(func(c *Config) {
			c.QueueSidecarImage = "12"
			c.ProgressDeadline = 13 * time.Second
			c.RegistriesSkippingTagResolving = sets.New("15")
		}),
	}, {
		name: "runtime class names with wildcard and selectors",
		data: map[string]string{RuntimeClassNameKey: "---\ngvisor: {}\nkata:\n  selector:\n    some: value-here\n"},
		want: withDefaults(func(c *Config) {
			c.RuntimeClassNames = map[string]RuntimeClassNameLabelSelector{
				"gvisor": {},
				"kata":   {Selector: map[string]string{"some": "value-here"}},
			}
		}),
	}, {
		name:    "runtime class name with a bad label selector",
		data:    map[string]string{RuntimeClassNameKey: "kata:\n  selector:\n    \"-a\": \" a  a \"\n"},
		wantErr: "runtime-class-name kata selector invalid",
	}, {
		name:    "runtime class names not YAML",
		data:    map[string]string{RuntimeClassNameKey: ` ???; 231424 `},
		wantErr: "runtime-class-name cannot be parsed",
	}, {
		name:    "runtime class name not a DNS subdomain",
		data:    map[string]string{RuntimeClassNameKey: "A_b: {}"},
		wantErr: "runtime-class-name A_b selector not valid DNSSubdomain",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewConfigFromMap(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewConfigFromMap() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("NewConfigFromMap() =", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error("Config mismatch (-want,+got):", diff)
			}
		})
	}
}

func TestDeepCopyIsIndependent(t *testing.T) {
	orig := withDefaults(func(c *Config) {
		c.RuntimeClassNames = map[string]RuntimeClassNameLabelSelector{"kata": {Selector: map[string]string{"a": "b"}}}
	})
	cp := orig.DeepCopy()
	cp.RegistriesSkippingTagResolving.Insert("example.com")
	cp.RuntimeClassNames["kata"].Selector["a"] = "c"
	cp.QueueSidecarCPURequest.Add(resource.MustParse("1"))
	if orig.RegistriesSkippingTagResolving.Has("example.com") || orig.RuntimeClassNames["kata"].Selector["a"] != "b" ||
		!orig.QueueSidecarCPURequest.Equal(QueueSidecarCPURequestDefault) {
		t.Error("DeepCopy shares state with the original")
	}
}

func TestPodRuntimeClassName(t *testing.T) {
	three := map[string]RuntimeClassNameLabelSelector{
		"one":   {},
		"two":   {Selector: map[string]string{"needs-two": "yes"}},
		"three": {Selector: map[string]string{"needs-two": "yes", "needs-three": "yes"}},
	}
	for _, tt := range []struct {
		name    string
		labels  map[string]string
		classes map[string]RuntimeClassNameLabelSelector
		want    *string
	}{{
		name: "no classes",
	}, {
		name:    "wildcard",
		classes: map[string]RuntimeClassNameLabelSelector{"gvisor": {}},
		want:    ptr.String("gvisor"),
	}, {
		name:    "most specific match wins (one label)",
		labels:  map[string]string{"needs-two": "yes"},
		classes: three,
		want:    ptr.String("two"),
	}, {
		name:    "most specific match wins (two labels)",
		labels:  map[string]string{"needs-two": "yes", "needs-three": "yes"},
		classes: three,
		want:    ptr.String("three"),
	}, {
		name:    "label selector beats wildcard",
		labels:  map[string]string{"very-cool": "indeed"},
		classes: map[string]RuntimeClassNameLabelSelector{"gvisor": {}, "kata": {Selector: map[string]string{"very-cool": "indeed"}}},
		want:    ptr.String("kata"),
	}, {
		name:    "empty class name means the default runtime",
		classes: map[string]RuntimeClassNameLabelSelector{"": {}, "kata": {Selector: map[string]string{"very-cool": "indeed"}}},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			c := withDefaults(func(c *Config) { c.RuntimeClassNames = tt.classes })
			if diff := cmp.Diff(tt.want, c.PodRuntimeClassName(tt.labels)); diff != "" {
				t.Error("PodRuntimeClassName() (-want,+got):", diff)
			}
		})
	}
}
