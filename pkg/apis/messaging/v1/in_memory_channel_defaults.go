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
	"context"

	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/messaging"
)

// SetDefaults sets the subscribable duck version annotation and defaults
// the delivery spec.
func (imc *InMemoryChannel) SetDefaults(ctx context.Context) {
	// Declare the duck version we store subscribers in, so readers of the
	// Subscribable duck know which shape to expect.
	if imc.Annotations == nil {
		imc.Annotations = make(map[string]string)
	}
	if _, ok := imc.Annotations[messaging.SubscribableDuckVersionAnnotation]; !ok {
		imc.Annotations[messaging.SubscribableDuckVersionAnnotation] = "v1"
	}

	imc.Spec.SetDefaults(apis.WithinParent(ctx, imc.ObjectMeta))
}

// SetDefaults defaults the delivery spec (dead letter sink namespace).
func (imcs *InMemoryChannelSpec) SetDefaults(ctx context.Context) {
	imcs.Delivery.SetDefaults(ctx)
}
