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
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	. "knative.dev/pkg/configmap/testing"
)

func TestFeaturesConfigurationFromFile(t *testing.T) {
	cm, example := ConfigMapsFromTestFile(t, FeaturesConfigName)

	if _, err := NewFeaturesConfigFromConfigMap(cm); err != nil {
		t.Error("NewFeaturesConfigFromConfigMap(actual) =", err)
	}
	got, err := NewFeaturesConfigFromConfigMap(example)
	if err != nil {
		t.Fatal("NewFeaturesConfigFromConfigMap(example) =", err)
	}
	if diff := cmp.Diff(defaultFeaturesConfig(), got); diff != "" {
		t.Error("Example does not represent default config (-want,+got):\n", diff)
	}
}

// featureKeys maps every config-features key to the Features field it sets.
var featureKeys = map[string]string{
	"autodetect-http2":                           "AutoDetectHTTP2",
	"multi-container":                            "MultiContainer",
	"multi-container-probing":                    "MultiContainerProbing",
	"queueproxy.mount-podinfo":                   "QueueProxyMountPodInfo",
	"queueproxy.resource-defaults":               "QueueProxyResourceDefaults",
	"secure-pod-defaults":                        "SecurePodDefaults",
	"tag-header-based-routing":                   "TagHeaderBasedRouting",
	"kubernetes.podspec-persistent-volume-write": "PodSpecPersistentVolumeWrite",
	FeatureContainerSpecAddCapabilities:          "ContainerSpecAddCapabilities",
	FeaturePodSpecAffinity:                       "PodSpecAffinity",
	FeaturePodSpecDNSConfig:                      "PodSpecDNSConfig",
	FeaturePodSpecDNSPolicy:                      "PodSpecDNSPolicy",
	FeaturePodSpecDryRun:                         "PodSpecDryRun",
	FeaturePodSpecEmptyDir:                       "PodSpecVolumesEmptyDir",
	FeaturePodSpecFieldRef:                       "PodSpecFieldRef",
	FeaturePodSpecHostAliases:                    "PodSpecHostAliases",
	FeaturePodSpecHostIPC:                        "PodSpecHostIPC",
	FeaturePodSpecHostNetwork:                    "PodSpecHostNetwork",
	FeaturePodSpecHostPID:                        "PodSpecHostPID",
	FeaturePodSpecHostPath:                       "PodSpecVolumesHostPath",
	FeaturePodSpecInitContainers:                 "PodSpecInitContainers",
	FeaturePodSpecNodeSelector:                   "PodSpecNodeSelector",
	FeaturePodSpecPVClaim:                        "PodSpecPersistentVolumeClaim",
	FeaturePodSpecPriorityClassName:              "PodSpecPriorityClassName",
	FeaturePodSpecRuntimeClassName:               "PodSpecRuntimeClassName",
	FeaturePodSpecSchedulerName:                  "PodSpecSchedulerName",
	FeaturePodSpecSecurityContext:                "PodSpecSecurityContext",
	FeaturePodSpecShareProcessNamespace:          "PodSpecShareProcessNamespace",
	FeaturePodSpecTolerations:                    "PodSpecTolerations",
	FeaturePodSpecTopologySpreadConstraints:      "PodSpecTopologySpreadConstraints",
}

func TestEveryFeatureHasAKey(t *testing.T) {
	fields := map[string]bool{}
	for _, f := range featureKeys {
		fields[f] = true
	}
	typ := reflect.TypeOf(Features{})
	for i := 0; i < typ.NumField(); i++ {
		if !fields[typ.Field(i).Name] {
			t.Errorf("Features.%s is not set by any config-features key", typ.Field(i).Name)
		}
	}
}

func TestFeaturesConfiguration(t *testing.T) {
	for key, field := range featureKeys {
		for _, tc := range []struct {
			value string
			want  Flag
		}{
			{"Enabled", Enabled},
			{"enabled", Enabled},
			{"ALLOWED", Allowed},
			{"Disabled", Disabled},
			{"disabled", Disabled},
		} {
			t.Run(key+"="+tc.value, func(t *testing.T) {
				data := map[string]string{key: tc.value}
				got, err := NewFeaturesConfigFromConfigMap(&corev1.ConfigMap{Data: data})
				if err != nil {
					t.Fatal("NewFeaturesConfigFromConfigMap() =", err)
				}
				want := defaultFeaturesConfig()
				reflect.ValueOf(want).Elem().FieldByName(field).SetString(string(tc.want))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Error("NewFeaturesConfigFromConfigMap (-want,+got):\n", diff)
				}
				fromMap, err := NewFeaturesConfigFromMap(data)
				if err != nil {
					t.Fatal("NewFeaturesConfigFromMap() =", err)
				}
				if diff := cmp.Diff(got, fromMap); diff != "" {
					t.Error("FromMap and FromConfigMap differ (-cm,+map):\n", diff)
				}
			})
		}
	}
}

func TestFeaturesUnknownValueKeepsDefault(t *testing.T) {
	got, err := NewFeaturesConfigFromMap(map[string]string{
		"multi-container":                       "nope",
		FeaturePodSpecEmptyDir:                  "maybe",
		FeaturePodSpecAffinity:                  "",
		"some-key-skiff-does-not-know":          "Enabled",
		FeaturePodSpecTopologySpreadConstraints: "enabled",
	})
	if err != nil {
		t.Fatal("NewFeaturesConfigFromMap() =", err)
	}
	want := defaultFeaturesConfig()
	want.PodSpecTopologySpreadConstraints = Enabled
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("NewFeaturesConfigFromMap (-want,+got):\n", diff)
	}
}
