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

// Package attributes holds the CloudEvents extension attributes that
// Knative adds to an event sent to a dead-letter sink.
package attributes

import (
	"encoding/base64"

	"github.com/cloudevents/sdk-go/v2/event"
)

const (
	// KnativeErrorDestExtensionKey names the destination that failed.
	KnativeErrorDestExtensionKey = "knativeerrordest"
	// KnativeErrorCodeExtensionKey holds the last HTTP status code.
	KnativeErrorCodeExtensionKey = "knativeerrorcode"
	// KnativeErrorDataExtensionKey holds the base64 of the last response body.
	KnativeErrorDataExtensionKey = "knativeerrordata"
	// KnativeErrorDataExtensionMaxLength bounds knativeerrordata, in
	// characters of base64.
	KnativeErrorDataExtensionMaxLength = 1024
)

// EncodeErrorData base64-encodes a response body and truncates the result to
// KnativeErrorDataExtensionMaxLength characters, as upstream does.
func EncodeErrorData(body []byte) string {
	s := base64.StdEncoding.EncodeToString(body)
	if len(s) > KnativeErrorDataExtensionMaxLength {
		s = s[:KnativeErrorDataExtensionMaxLength]
	}
	return s
}

// SetKnativeErrorExtensions adds knativeerrordest, knativeerrorcode and
// knativeerrordata to e. data must already be encoded (EncodeErrorData); it
// is truncated to the maximum length here too, so callers cannot exceed it.
func SetKnativeErrorExtensions(e *event.Event, destination string, code int, data string) {
	if len(data) > KnativeErrorDataExtensionMaxLength {
		data = data[:KnativeErrorDataExtensionMaxLength]
	}
	e.SetExtension(KnativeErrorDestExtensionKey, destination)
	e.SetExtension(KnativeErrorCodeExtensionKey, code)
	e.SetExtension(KnativeErrorDataExtensionKey, data)
}
