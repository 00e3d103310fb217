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
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	netheader "knative.dev/networking/pkg/http/header"
)

func TestRequestLogHandler(t *testing.T) {
	rev := &RequestLogRevision{Name: "rev", Namespace: "ns", Service: "svc", Configuration: "cfg", PodName: "pod", PodIP: "10.0.0.1"}
	tests := []struct {
		name         string
		template     string
		probe        bool
		logProbes    bool
		handler      http.HandlerFunc
		want         string
		wantPanic    bool
		wantParseErr bool
	}{{
		name:     "request and response fields",
		template: "{{.Request.Method}} {{.Request.URL.Path}} {{.Response.Code}} {{.Response.Size}} {{.Revision.Namespace}}/{{.Revision.Name}} {{.Revision.PodIP}}",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, "12345")
		},
		want: "GET /path 418 5 ns/rev 10.0.0.1\n",
	}, {
		name:     "implicit 200",
		template: "{{.Response.Code}}\n",
		handler:  func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") },
		want:     "200\n",
	}, {
		name:     "probes are not logged by default",
		template: "{{.Response.Code}}",
		probe:    true,
		handler:  func(http.ResponseWriter, *http.Request) {},
		want:     "",
	}, {
		name:      "probes are logged when enabled",
		template:  "probe {{.Response.Code}}",
		probe:     true,
		logProbes: true,
		handler:   func(http.ResponseWriter, *http.Request) {},
		want:      "probe 200\n",
	}, {
		name:      "a panicking handler is logged as 500",
		template:  "{{.Response.Code}} {{.Response.Size}}",
		handler:   func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "partial"); panic("boom") },
		want:      "500 0\n",
		wantPanic: true,
	}, {
		name:     "a template failing at run time logs a fallback line",
		template: "{{.Request.Nonexistent}}",
		handler:  func(http.ResponseWriter, *http.Request) {},
		want:     "Invalid request log template: method: GET, response code: 200, latency: ",
	}, {
		name:         "invalid template",
		template:     "{{.Request.Method",
		wantParseErr: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			h, err := NewRequestLogHandler(tc.handler, &buf, tc.template, rev, tc.logProbes)
			if tc.wantParseErr {
				if err == nil {
					t.Fatal("NewRequestLogHandler accepted an invalid template")
				}
				return
			}
			if err != nil {
				t.Fatal("NewRequestLogHandler:", err)
			}
			req := httptest.NewRequest(http.MethodGet, "/path", nil)
			if tc.probe {
				req.Header.Set(netheader.ProbeKey, Name)
			}
			func() {
				defer func() {
					if p := recover(); (p != nil) != tc.wantPanic {
						t.Errorf("panic = %v, wantPanic %v", p, tc.wantPanic)
					}
				}()
				h.ServeHTTP(httptest.NewRecorder(), req)
			}()
			got := buf.String()
			if len(got) < len(tc.want) || got[:len(tc.want)] != tc.want || (tc.want == "" && got != "") {
				t.Errorf("log = %q, want prefix %q", got, tc.want)
			}
		})
	}
}
