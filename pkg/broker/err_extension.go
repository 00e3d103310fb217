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

package broker

import (
	"knative.dev/pkg/apis"
)

// ErrExtensionInfo is the JSON body broker-filter returns when the trigger's
// subscriber failed, so the channel dispatcher can name the real subscriber
// (not broker-filter) in the dead-lettered event's knativeerrordest.
type ErrExtensionInfo struct {
	ErrDestination  *apis.URL `json:"errdestination"`
	ErrResponseBody []byte    `json:"errresponsebody"`
}
