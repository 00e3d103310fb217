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
	"k8s.io/apimachinery/pkg/api/resource"
)

// resourceBoundary is the minimum and maximum resource allowed for a type of
// queue-proxy resource computed as a percentage of the user container's.
type resourceBoundary struct {
	min resource.Quantity
	max resource.Quantity
}

var (
	queueContainerRequestCPU    = resourceBoundary{min: resource.MustParse("25m"), max: resource.MustParse("100m")}
	queueContainerLimitCPU      = resourceBoundary{min: resource.MustParse("40m"), max: resource.MustParse("500m")}
	queueContainerRequestMemory = resourceBoundary{min: resource.MustParse("50Mi"), max: resource.MustParse("200Mi")}
	queueContainerLimitMemory   = resourceBoundary{min: resource.MustParse("200Mi"), max: resource.MustParse("500Mi")}
)

func (boundary *resourceBoundary) applyBoundary(resource resource.Quantity) resource.Quantity {
	if resource.Cmp(boundary.min) == -1 {
		resource = boundary.min
	} else if resource.Cmp(boundary.max) == 1 {
		resource = boundary.max
	}
	return resource
}
