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
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestForwardedShimHandler(t *testing.T) {
	tests := []struct {
		name               string
		xff, xfh, xfp, fwd string
		want               string
	}{
		{name: "multiple xff", xff: "127.0.0.1, ::1", xfh: "h", xfp: "p", want: `for=127.0.0.1;host=h;proto=p, for="[::1]"`},
		{name: "single xff", xff: "127.0.0.1", xfh: "h", xfp: "p", want: "for=127.0.0.1;host=h;proto=p"},
		{name: "multiple xff, no xfh, no xfp", xff: "127.0.0.1, ::1", want: `for=127.0.0.1, for="[::1]"`},
		{name: "multiple xff, no xfh", xff: "127.0.0.1, ::1", xfp: "p", want: `for=127.0.0.1;proto=p, for="[::1]"`},
		{name: "multiple xff, no xfp", xff: "127.0.0.1, ::1", xfh: "h", want: `for=127.0.0.1;host=h, for="[::1]"`},
		{name: "only xfh", xfh: "h", want: "host=h"},
		{name: "only xfp", xfp: "p", want: "proto=p"},
		{name: "only xfp and xfh", xfh: "h", xfp: "p", want: "host=h;proto=p"},
		{name: "broken for", xff: ",,,", want: "for=, for=, for="},
		{name: "trailing comma adds no node", xff: "10.0.0.1,", want: "for=10.0.0.1"},
		{name: "existing fwd is kept", xff: "127.0.0.1, ::1", xfh: "h", xfp: "p", fwd: "for=a, for=b", want: "for=a, for=b"},
		{name: "no xf* headers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for k, v := range map[string]string{"X-Forwarded-For": tc.xff, "X-Forwarded-Host": tc.xfh, "X-Forwarded-Proto": tc.xfp, "Forwarded": tc.fwd} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			var got string
			ForwardedShimHandler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				got = r.Header.Get("Forwarded")
			})).ServeHTTP(httptest.NewRecorder(), req)
			if got != tc.want {
				t.Errorf("Forwarded = %q, want %q", got, tc.want)
			}
		})
	}
}

func BenchmarkForwardedShimHandler(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		generateForwarded("127.0.0.1,127.0.0.2,::1", "http", "localhost")
	}
}
