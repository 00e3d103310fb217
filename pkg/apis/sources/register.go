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

// Package sources holds the constants shared by every version of the
// sources.knative.dev API group.
package sources

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis/duck"
)

const (
	// GroupName is the API group of the event sources.
	GroupName = "sources.knative.dev"

	// SourceDuckLabelKey is the label key on a CRD that says whether the
	// CRD is a Source duck type. Valid values: "true" or "false".
	SourceDuckLabelKey = duck.GroupName + "/source"

	// SourceDuckLabelValue is the label value that marks a CRD as a Source
	// duck type.
	SourceDuckLabelValue = "true"
)

var (
	// ApiServerSourceResource represents a Knative Eventing ApiServerSource.
	ApiServerSourceResource = schema.GroupResource{
		Group:    GroupName,
		Resource: "apiserversources",
	}
	// PingSourceResource represents a Knative Eventing PingSource.
	PingSourceResource = schema.GroupResource{
		Group:    GroupName,
		Resource: "pingsources",
	}
	// SinkBindingResource represents a Knative Eventing SinkBinding.
	SinkBindingResource = schema.GroupResource{
		Group:    GroupName,
		Resource: "sinkbindings",
	}
	// ContainerSourceResource represents a Knative Eventing ContainerSource.
	ContainerSourceResource = schema.GroupResource{
		Group:    GroupName,
		Resource: "containersources",
	}
)
