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
	"fmt"

	"knative.dev/pkg/apis"
)

// v1 is the hub version of these kinds; the conversion methods exist so the
// conversion webhook can treat them as apis.Convertible.

// ConvertTo implements apis.Convertible.
func (source *Channel) ConvertTo(_ context.Context, sink apis.Convertible) error {
	return fmt.Errorf("v1 is the highest known version, got: %T", sink)
}

// ConvertFrom implements apis.Convertible.
func (sink *Channel) ConvertFrom(_ context.Context, source apis.Convertible) error {
	return fmt.Errorf("v1 is the highest known version, got: %T", source)
}

// ConvertTo implements apis.Convertible.
func (source *InMemoryChannel) ConvertTo(_ context.Context, sink apis.Convertible) error {
	return fmt.Errorf("v1 is the highest known version, got: %T", sink)
}

// ConvertFrom implements apis.Convertible.
func (sink *InMemoryChannel) ConvertFrom(_ context.Context, source apis.Convertible) error {
	return fmt.Errorf("v1 is the highest known version, got: %T", source)
}

// ConvertTo implements apis.Convertible.
func (source *Subscription) ConvertTo(_ context.Context, sink apis.Convertible) error {
	return fmt.Errorf("v1 is the highest known version, got: %T", sink)
}

// ConvertFrom implements apis.Convertible.
func (sink *Subscription) ConvertFrom(_ context.Context, source apis.Convertible) error {
	return fmt.Errorf("v1 is the highest known version, got: %T", source)
}
