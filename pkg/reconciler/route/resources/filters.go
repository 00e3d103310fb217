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

package resources

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// IsClusterLocalService returns whether a Service is labelled cluster-local.
func IsClusterLocalService(svc *corev1.Service) bool {
	return svc.GetLabels()[networking.VisibilityLabelKey] == serving.VisibilityClusterLocal
}

// ExcludedAnnotations are the Route annotations not copied to the KIngress:
// kubectl's last-applied state, and the dash spellings of the class
// annotations (the KIngress always gets the canonical key).
var ExcludedAnnotations = sets.New[string](
	corev1.LastAppliedConfigAnnotation,
	networking.CertificateClassAnnotationAltKey,
	networking.IngressClassAnnotationAltKey,
)
