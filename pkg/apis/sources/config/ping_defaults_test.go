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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cmtesting "knative.dev/pkg/configmap/testing"
	"knative.dev/pkg/system"
	_ "knative.dev/pkg/system/testing"
)

// The example shipped in config/ must parse, its checksum annotation must
// match its _example block, and the example's values must be the defaults.
func TestPingDefaultsExampleConfigMap(t *testing.T) {
	actual, example := cmtesting.ConfigMapsFromTestFile(t, PingDefaultsConfigName)
	if actual.Namespace != "knative-eventing" {
		t.Errorf("namespace = %q, want knative-eventing", actual.Namespace)
	}
	for name, cm := range map[string]*corev1.ConfigMap{"actual": actual, "example": example} {
		got, err := NewPingDefaultsConfigFromConfigMap(cm)
		if err != nil {
			t.Fatalf("NewPingDefaultsConfigFromConfigMap(%s) = %v", name, err)
		}
		if got.DataMaxSize != DefaultDataMaxSize {
			t.Errorf("%s DataMaxSize = %d, want %d", name, got.DataMaxSize, DefaultDataMaxSize)
		}
	}
}

func TestPingDefaultsLegacyConfigMap(t *testing.T) {
	_, example := cmtesting.ConfigMapsFromTestFile(t, PingDefaultsConfigName+"-legacy")
	got, err := NewPingDefaultsConfigFromConfigMap(example)
	if err != nil {
		t.Fatal("NewPingDefaultsConfigFromConfigMap(legacy) =", err)
	}
	if got.DataMaxSize != 4096 {
		t.Errorf("DataMaxSize = %d, want 4096", got.DataMaxSize)
	}
}

func TestPingDefaultsConfiguration(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		want    int64
		wantErr bool
	}{{
		name: "empty means no limit",
		data: map[string]string{},
		want: DefaultDataMaxSize,
	}, {
		name: "example block is ignored",
		data: map[string]string{"_example": "data-max-size: 4096"},
		want: DefaultDataMaxSize,
	}, {
		name: "specific data-max-size",
		data: map[string]string{DataMaxSizeKey: "1337"},
		want: 1337,
	}, {
		name: "zero is a real limit",
		data: map[string]string{DataMaxSizeKey: "0"},
		want: 0,
	}, {
		name: "legacy key",
		data: map[string]string{LegacyDataMaxSizeKey: "42"},
		want: 42,
	}, {
		name: "current key wins over legacy key",
		data: map[string]string{LegacyDataMaxSizeKey: "42", DataMaxSizeKey: "7"},
		want: 7,
	}, {
		name: "any negative value means no limit",
		data: map[string]string{DataMaxSizeKey: "-20"},
		want: DefaultDataMaxSize,
	}, {
		name:    "not a number",
		data:    map[string]string{DataMaxSizeKey: "#nothing to see here"},
		wantErr: true,
	}, {
		name:    "legacy key not a number",
		data:    map[string]string{LegacyDataMaxSizeKey: "big"},
		wantErr: true,
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewPingDefaultsConfigFromConfigMap(&corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: PingDefaultsConfigName},
				Data:       tc.data,
			})
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewPingDefaultsConfigFromConfigMap() error = %v, wantErr %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if got.DataMaxSize != tc.want {
				t.Errorf("DataMaxSize = %d, want %d", got.DataMaxSize, tc.want)
			}
		})
	}
}

func TestPingDefaultsDeepCopy(t *testing.T) {
	var nilDefaults *PingDefaults
	if nilDefaults.DeepCopy() != nil {
		t.Error("DeepCopy(nil) != nil")
	}
	orig := &PingDefaults{DataMaxSize: 10}
	cp := orig.DeepCopy()
	cp.DataMaxSize = 20
	if orig.DataMaxSize != 10 {
		t.Errorf("DeepCopy shares state: original changed to %d", orig.DataMaxSize)
	}
}
