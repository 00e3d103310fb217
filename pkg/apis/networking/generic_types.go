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

package networking

import (
	"context"

	"knative.dev/pkg/apis"
)

// ProtocolType is the application-layer protocol a revision speaks, inferred
// from its container port name (runtime contract: "h2c" or "http1").
type ProtocolType string

const (
	// ProtocolHTTP1 is HTTP/1.1.
	ProtocolHTTP1 ProtocolType = "http1"
	// ProtocolH2C is HTTP/2 over cleartext with prior knowledge.
	ProtocolH2C ProtocolType = "h2c"
)

// Validate checks p is one of the known protocols.
func (p ProtocolType) Validate(context.Context) *apis.FieldError {
	switch p {
	case ProtocolH2C, ProtocolHTTP1:
		return nil
	case "":
		return apis.ErrMissingField(apis.CurrentField)
	}
	return apis.ErrInvalidValue(p, apis.CurrentField)
}
