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

package handler

import (
	"net/http"
	"strings"

	"go.uber.org/zap"
	"knative.dev/pkg/tracing"

	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
)

// NewTracingHandler wraps next in tracing.HTTPSpanMiddleware, bypassed
// entirely while tracing is off.
func NewTracingHandler(next http.Handler) http.HandlerFunc {
	traced := tracing.HTTPSpanMiddleware(next)
	return func(w http.ResponseWriter, r *http.Request) {
		if !activatorconfig.FromContext(r.Context()).TracingEnabled() {
			next.ServeHTTP(w, r)
			return
		}
		traced.ServeHTTP(w, r)
	}
}

// WrapActivatorHandlerWithFullDuplex enables HTTP/1 full duplex for
// revisions annotated features.knative.dev/http-full-duplex: Enabled, so a
// handler can write the response while still reading the request.
func WrapActivatorHandlerWithFullDuplex(h http.Handler, logger *zap.SugaredLogger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(RevAnnotation(r.Context(), apiconfig.AllowHTTPFullDuplexFeatureKey), "Enabled") {
			if err := http.NewResponseController(w).EnableFullDuplex(); err != nil {
				logger.Errorw("Unable to enable full duplex", zap.Error(err))
			}
		}
		h.ServeHTTP(w, r)
	}
}
