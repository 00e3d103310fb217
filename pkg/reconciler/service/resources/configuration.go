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

// Package resources builds the Configuration and Route a Service owns.
package resources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/kmap"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/labeler"
	"github.com/skiffhq/skiff/pkg/reconciler/service/resources/names"
)

// MakeConfiguration creates the Configuration of a new Service.
func MakeConfiguration(service *v1.Service) *v1.Configuration {
	return MakeConfigurationFromExisting(service, &v1.Configuration{})
}

// MakeConfigurationFromExisting creates the desired Configuration of a
// Service: the Service's spec and labels (plus serving.knative.dev/service
// and serviceUID), its annotations but kubectl's last-applied and the
// rollout duration (which belongs to the Route), owned by the Service.
//
// The routes annotation lists the Service's Route from the start (so the
// first Revision is born active, and the labeler never flips it), keeping
// any other route that the labeler recorded on existing.
func MakeConfigurationFromExisting(service *v1.Service, existing *v1.Configuration) *v1.Configuration {
	labels := map[string]string{
		serving.ServiceLabelKey:    service.Name,
		serving.ServiceUIDLabelKey: string(service.ObjectMeta.UID),
	}

	exclude := append([]string{corev1.LastAppliedConfigAnnotation}, serving.RolloutDurationAnnotation...)
	anns := kmap.ExcludeKeyList(service.GetAnnotations(), exclude)

	set := labeler.GetListAnnValue(existing.Annotations, serving.RoutesAnnotationKey)
	set.Insert(names.Route(service))
	anns[serving.RoutesAnnotationKey] = joinSorted(set.UnsortedList())

	return &v1.Configuration{
		ObjectMeta: metav1.ObjectMeta{
			Name:      names.Configuration(service),
			Namespace: service.Namespace,
			OwnerReferences: []metav1.OwnerReference{
				*kmeta.NewControllerRef(service),
			},
			Labels:      kmeta.UnionMaps(service.GetLabels(), labels),
			Annotations: anns,
		},
		Spec: *service.Spec.ConfigurationSpec.DeepCopy(),
	}
}
