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

package sharedmain

import (
	"net/http"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
)

// mainServer serves HTTP/1 and h2c (prior knowledge and Upgrade) on one
// port. The HTTP/2 server is registered with the HTTP/1 one so Shutdown
// also sends GOAWAY on h2c connections.
func mainServer(handler http.Handler) *http.Server {
	h2s := &http2.Server{}
	srv := &http.Server{
		Handler:           h2c.NewHandler(handler, h2s),
		ReadHeaderTimeout: time.Minute, // slowloris protection, as upstream
	}
	// Only fails for a TLSConfig without TLS 1.2+, which we never set here.
	_ = http2.ConfigureServer(srv, h2s)
	return srv
}

func adminServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: time.Minute,
	}
}

func metricsServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: time.Minute,
	}
}
