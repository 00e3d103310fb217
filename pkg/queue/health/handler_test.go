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

package health

import (
	"net/http"
	"net/http/httptest"
	"testing"

	netheader "knative.dev/networking/pkg/http/header"
)

func TestProbeHandler(t *testing.T) {
	tests := []struct {
		name     string
		header   string
		prober   func() bool
		want     int
		wantBody string
	}{
		{name: "ready", header: "queue", prober: func() bool { return true }, want: http.StatusOK, wantBody: "queue"},
		{name: "kubelet probe without header", prober: func() bool { return true }, want: http.StatusOK, wantBody: "queue"},
		{name: "not ready", header: "queue", prober: func() bool { return false }, want: http.StatusServiceUnavailable, wantBody: "container not ready\n"},
		{name: "unexpected probe value", header: "activator", prober: func() bool { return true }, want: http.StatusBadRequest, wantBody: "unexpected probe header value: activator\n"},
		{name: "no prober", header: "queue", want: http.StatusInternalServerError, wantBody: "no probe\n"},
	}
	for _, tc := range tests {
		for _, tracing := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				if tc.header != "" {
					req.Header.Set(netheader.ProbeKey, tc.header)
				}
				rec := httptest.NewRecorder()
				ProbeHandler(tc.prober, tracing)(rec, req)
				if rec.Code != tc.want || rec.Body.String() != tc.wantBody {
					t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tc.want, tc.wantBody)
				}
			})
		}
	}
}
