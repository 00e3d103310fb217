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

package gc

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	. "knative.dev/pkg/configmap/testing"
	logtesting "knative.dev/pkg/logging/testing"
)

func TestOurConfig(t *testing.T) {
	actual, example := ConfigMapsFromTestFile(t, ConfigName)
	withDefaults := func(f func(*Config)) *Config {
		c := defaultConfig()
		f(c)
		return c
	}
	for _, tt := range []struct {
		name string
		fail bool
		want *Config
		data map[string]string
	}{{
		name: "shipped config",
		want: defaultConfig(),
		data: actual.Data,
	}, {
		name: "shipped example",
		want: defaultConfig(),
		data: example.Data,
	}, {
		name: "with value overrides",
		want: &Config{
			RetainSinceCreateTime:     17 * time.Hour,
			RetainSinceLastActiveTime: 16 * time.Hour,
			MinNonActiveRevisions:     5,
			MaxNonActiveRevisions:     500,
		},
		data: map[string]string{
			"retain-since-create-time":      "17h",
			"retain-since-last-active-time": "16h",
			"min-non-active-revisions":      "5",
			"max-non-active-revisions":      "500",
		},
	}, {
		name: "negative min-non-active is rejected",
		fail: true,
		data: map[string]string{"min-non-active-revisions": "-1"},
	}, {
		name: "negative max-non-active is rejected, only 'disabled' disables",
		fail: true,
		data: map[string]string{"max-non-active-revisions": "-1"},
	}, {
		name: "max-non-active above maxint64 is rejected",
		fail: true,
		data: map[string]string{"max-non-active-revisions": strconv.FormatUint(math.MaxUint64, 10)},
	}, {
		name: "max below min is rejected",
		fail: true,
		data: map[string]string{
			"min-non-active-revisions": "20",
			"max-non-active-revisions": "10",
		},
	}, {
		name: "min above a disabled max is fine",
		want: withDefaults(func(c *Config) {
			c.MinNonActiveRevisions = 2000
			c.MaxNonActiveRevisions = Disabled
		}),
		data: map[string]string{
			"min-non-active-revisions": "2000",
			"max-non-active-revisions": "disabled",
		},
	}, {
		name: "min-non-active not a number",
		fail: true,
		data: map[string]string{"min-non-active-revisions": "few"},
	}, {
		name: "unparsable create duration",
		fail: true,
		data: map[string]string{"retain-since-create-time": "invalid"},
	}, {
		name: "negative create duration",
		fail: true,
		data: map[string]string{"retain-since-create-time": "-1h"},
	}, {
		name: "negative last-active duration",
		fail: true,
		data: map[string]string{"retain-since-last-active-time": "-1h"},
	}, {
		name: "create time disabled",
		want: withDefaults(func(c *Config) { c.RetainSinceCreateTime = time.Duration(Disabled) }),
		data: map[string]string{"retain-since-create-time": "disabled"},
	}, {
		name: "last-active time disabled, any case",
		want: withDefaults(func(c *Config) { c.RetainSinceLastActiveTime = time.Duration(Disabled) }),
		data: map[string]string{"retain-since-last-active-time": "Disabled"},
	}, {
		name: "max-non-active unparsable",
		fail: true,
		data: map[string]string{"max-non-active-revisions": "invalid"},
	}, {
		name: "max-non-active disabled",
		want: withDefaults(func(c *Config) { c.MaxNonActiveRevisions = Disabled }),
		data: map[string]string{"max-non-active-revisions": "disabled"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewConfigFromConfigMapFunc(logtesting.TestContextWithLogger(t))(
				&corev1.ConfigMap{Data: tt.data})
			if tt.fail != (err != nil) {
				t.Fatalf("error = %v, want failure: %v", err, tt.fail)
			}
			if !cmp.Equal(tt.want, got) {
				t.Error("GC config (-want, +got):", cmp.Diff(tt.want, got))
			}
		})
	}
}

func TestDeepCopyIsIndependent(t *testing.T) {
	c := defaultConfig()
	cp := c.DeepCopy()
	cp.MaxNonActiveRevisions = 1
	if c.MaxNonActiveRevisions != 1000 {
		t.Errorf("changing the copy changed the original: %+v", c)
	}
	if (*Config)(nil).DeepCopy() != nil {
		t.Error("DeepCopy of nil is not nil")
	}
}
