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

package kncloudevents

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

// DefaultMaxEventBytes bounds a request body Skiff's receivers accept.
const DefaultMaxEventBytes = 4 << 20

// ReadEvent parses and validates the CloudEvent in req (binary or
// structured mode), limiting the body to maxBytes (0: no limit). On failure
// it returns the status to answer (400 or 413) and an error whose text is the
// reason given to the client.
func ReadEvent(req *http.Request, maxBytes int64) (*event.Event, int, error) {
	if maxBytes > 0 {
		if req.ContentLength > maxBytes {
			return nil, http.StatusRequestEntityTooLarge,
				fmt.Errorf("event of %d bytes exceeds the limit of %d bytes", req.ContentLength, maxBytes)
		}
		req.Body = http.MaxBytesReader(nil, req.Body, maxBytes)
	}
	msg := cehttp.NewMessageFromHttpRequest(req)
	defer msg.Finish(nil)
	if msg.ReadEncoding() == binding.EncodingUnknown {
		if v := req.Header.Get("Ce-Specversion"); v != "" {
			return nil, http.StatusBadRequest, fmt.Errorf("malformed CloudEvent: unsupported specversion %q", v)
		}
		return nil, http.StatusBadRequest, errors.New("request is not a CloudEvent: no ce-specversion header and no CloudEvents content type")
	}
	ev, err := binding.ToEvent(req.Context(), msg)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("event exceeds the limit of %d bytes", maxBytes)
		}
		return nil, http.StatusBadRequest, fmt.Errorf("malformed CloudEvent: %w", err)
	}
	if err := ev.Validate(); err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("invalid CloudEvent: %w", err)
	}
	return ev, 0, nil
}
