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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

// deployment returns a Deployment named "adapter" whose Available condition
// has the given status (none at all for "").
func deployment(status corev1.ConditionStatus) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "adapter"}}
	if status != "" {
		d.Status.Conditions = []appsv1.DeploymentCondition{{
			Type:    appsv1.DeploymentAvailable,
			Status:  status,
			Reason:  "MinimumReplicas" + string(status),
			Message: "100% of replicas: " + string(status),
		}}
	}
	return d
}

// condSummary is the part of a condition the lifecycle tables compare.
type condSummary struct {
	Status corev1.ConditionStatus
	Reason string
}

func summarize(c *apis.Condition) *condSummary {
	if c == nil {
		return nil
	}
	return &condSummary{Status: c.Status, Reason: c.Reason}
}

var (
	condTrue    = &condSummary{Status: corev1.ConditionTrue}
	condUnknown = &condSummary{Status: corev1.ConditionUnknown}
)

func condFalse(reason string) *condSummary {
	return &condSummary{Status: corev1.ConditionFalse, Reason: reason}
}

func condUnknownWith(reason string) *condSummary {
	return &condSummary{Status: corev1.ConditionUnknown, Reason: reason}
}

func sinkAddr(url *apis.URL) *duckv1.Addressable {
	ca := "-----BEGIN CERTIFICATE-----"
	aud := "sink-audience"
	return &duckv1.Addressable{URL: url, CACerts: &ca, Audience: &aud}
}
