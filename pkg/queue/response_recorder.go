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

package queue

import (
	"bufio"
	"net"
	"net/http"
)

// ResponseRecorder is an http.ResponseWriter that captures the response code
// and size, for request metrics and the request log.
type ResponseRecorder struct {
	ResponseCode int
	ResponseSize int

	writer      http.ResponseWriter
	wroteHeader bool
	hijacked    bool
}

var (
	_ http.Flusher  = (*ResponseRecorder)(nil)
	_ http.Hijacker = (*ResponseRecorder)(nil)
)

// NewResponseRecorder creates an http.ResponseWriter that captures the
// response code (responseCode until one is written) and size.
func NewResponseRecorder(w http.ResponseWriter, responseCode int) *ResponseRecorder {
	return &ResponseRecorder{writer: w, ResponseCode: responseCode}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (rr *ResponseRecorder) Unwrap() http.ResponseWriter {
	return rr.writer
}

// Flush flushes the buffered response to the client.
func (rr *ResponseRecorder) Flush() {
	rr.FlushError() //nolint:errcheck // http.Flusher has no error
}

// FlushError flushes and reports failures, for http.ResponseController.
func (rr *ResponseRecorder) FlushError() error {
	return http.NewResponseController(rr.writer).Flush()
}

// Hijack hands the connection over for protocol upgrades (websockets).
func (rr *ResponseRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(rr.writer).Hijack()
	if err == nil {
		rr.hijacked = true
		rr.ResponseCode = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// Header returns the header map that will be sent by WriteHeader.
func (rr *ResponseRecorder) Header() http.Header {
	return rr.writer.Header()
}

// Write writes the data to the connection as part of an HTTP reply.
func (rr *ResponseRecorder) Write(p []byte) (int, error) {
	rr.wroteHeader = true
	rr.ResponseSize += len(p)
	return rr.writer.Write(p)
}

// WriteHeader sends an HTTP response header with the provided status code.
func (rr *ResponseRecorder) WriteHeader(code int) {
	if rr.wroteHeader || rr.hijacked {
		return
	}
	rr.writer.WriteHeader(code)
	if code >= 200 {
		rr.wroteHeader = true
		rr.ResponseCode = code
	}
}
