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

// Package sources holds functional-option builders for the
// sources.knative.dev/v1 kinds (PingSource, ApiServerSource,
// ContainerSource, SinkBinding), so that reconciler table rows stay short:
//
//	NewPingSource("ns", "ping", WithPingSourceSpec(spec),
//		WithInitPingSourceConditions, WithPingSourceDeployed, ...)
//
// Status options go through the API's Mark… methods, never set conditions
// by hand, so they produce what a reconciler produces.
package sources

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// OIDCFeatureDisabledReason is the reason reconcilers give the
// OIDCIdentityCreated (and OIDCTokenSecretCreated) conditions when OIDC
// authentication is off, as upstream: "<flag name> feature disabled".
const OIDCFeatureDisabledReason = "authentication-oidc feature disabled"

// deletionTime is the fixed deletion timestamp of the …Deleted options.
var deletionTime = metav1.Unix(1e9, 0)

// availableDeployment is a Deployment whose Available condition is True.
func availableDeployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "any", Namespace: "any"},
		Status: appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{{
			Type:   appsv1.DeploymentAvailable,
			Status: corev1.ConditionTrue,
		}}},
	}
}

// unavailableDeployment is a Deployment named name with no Available
// condition yet (just created).
func unavailableDeployment(name string) *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "any"}}
}
