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
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"text/template"
	"time"

	netheader "knative.dev/networking/pkg/http/header"
)

// RequestLogRevision provides revision related static information for the
// request log template, as upstream serving's pkg/http.
type RequestLogRevision struct {
	Name          string
	Namespace     string
	Service       string
	Configuration string
	PodName       string
	PodIP         string
}

// RequestLogResponse provides response related information for the template.
type RequestLogResponse struct {
	Code    int
	Size    int
	Latency float64 // seconds
}

// RequestLogTemplateInput is the input of the request log template
// (config-observability logging.request-log-template), so upstream templates
// such as `{"httpRequest": {"requestMethod": "{{.Request.Method}}", ...}}`
// work unchanged.
type RequestLogTemplateInput struct {
	Request  *http.Request
	Response *RequestLogResponse
	Revision *RequestLogRevision
}

// RequestLogHandler writes one line per request, rendered by a template.
type RequestLogHandler struct {
	handler               http.Handler
	writer                io.Writer
	template              *template.Template
	revision              *RequestLogRevision
	enableProbeRequestLog bool
	mu                    sync.Mutex // serialises lines on writer
}

// NewRequestLogHandler creates a handler that logs requests to w with the
// given template; probes are logged only if enableProbeRequestLog.
func NewRequestLogHandler(h http.Handler, w io.Writer, templateStr string, rev *RequestLogRevision, enableProbeRequestLog bool) (*RequestLogHandler, error) {
	if !strings.HasSuffix(templateStr, "\n") {
		templateStr += "\n"
	}
	t, err := template.New("requestLog").Parse(templateStr)
	if err != nil {
		return nil, fmt.Errorf("parsing request log template: %w", err)
	}
	return &RequestLogHandler{
		handler:               h,
		writer:                w,
		template:              t,
		revision:              rev,
		enableProbeRequestLog: enableProbeRequestLog,
	}, nil
}

var logBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ServeHTTP implements http.Handler.
func (h *RequestLogHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rr := NewResponseRecorder(w, http.StatusOK)
	start := time.Now()
	defer func() {
		if !h.enableProbeRequestLog && netheader.IsProbe(r) {
			return
		}
		resp := &RequestLogResponse{Code: rr.ResponseCode, Size: rr.ResponseSize, Latency: time.Since(start).Seconds()}
		err := recover()
		if err != nil {
			resp.Code, resp.Size = http.StatusInternalServerError, 0
		}
		h.write(&RequestLogTemplateInput{Request: r, Response: resp, Revision: h.revision})
		if err != nil {
			panic(err)
		}
	}()
	h.handler.ServeHTTP(rr, r)
}

func (h *RequestLogHandler) write(in *RequestLogTemplateInput) {
	buf := logBufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer logBufPool.Put(buf)
	if err := h.template.Execute(buf, in); err != nil {
		buf.Reset()
		fmt.Fprintf(buf, "Invalid request log template: method: %v, response code: %v, latency: %v, url: %v\n",
			in.Request.Method, in.Response.Code, in.Response.Latency, in.Request.URL)
	}
	h.mu.Lock()
	h.writer.Write(buf.Bytes())
	h.mu.Unlock()
}
