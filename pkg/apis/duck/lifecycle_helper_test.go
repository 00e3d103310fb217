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

package duck

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestDeploymentIsAvailable(t *testing.T) {
	tests := []struct {
		name   string
		status appsv1.DeploymentStatus
		def    bool
		want   bool
	}{
		{name: "no conditions, default true", def: true, want: true},
		{name: "no conditions, default false", def: false, want: false},
		{name: "available true", def: false, want: true, status: appsv1.DeploymentStatus{
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}},
		}},
		{name: "available false", def: true, want: false, status: appsv1.DeploymentStatus{
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse}},
		}},
		{name: "only progressing", def: true, want: true, status: appsv1.DeploymentStatus{
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DeploymentIsAvailable(&tc.status, tc.def); got != tc.want {
				t.Errorf("DeploymentIsAvailable() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEndpointsAreAvailable(t *testing.T) {
	tests := []struct {
		name string
		ep   corev1.Endpoints
		want bool
	}{
		{name: "no subsets", want: false},
		{name: "only not-ready addresses", want: false, ep: corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
			NotReadyAddresses: []corev1.EndpointAddress{{IP: "127.0.0.1"}},
		}}}},
		{name: "ready address in second subset", want: true, ep: corev1.Endpoints{Subsets: []corev1.EndpointSubset{
			{}, {Addresses: []corev1.EndpointAddress{{IP: "127.0.0.1"}}},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EndpointsAreAvailable(&tc.ep); got != tc.want {
				t.Errorf("EndpointsAreAvailable() = %v, want %v", got, tc.want)
			}
		})
	}
}
