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
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"
)

const (
	// DefaultMaxIdleConns and DefaultMaxIdleConnsPerHost keep enough idle
	// keep-alive connections that a burst does not open new sockets: every
	// hop of a broker is a handful of hosts receiving many requests each.
	DefaultMaxIdleConns        = 1000
	DefaultMaxIdleConnsPerHost = 1000
)

// ConnectionArgs tunes the transport's idle pool, as upstream.
type ConnectionArgs struct {
	// MaxIdleConns refers to the max idle connections, as in net/http/transport.
	MaxIdleConns int
	// MaxIdleConnsPerHost refers to the max idle connections per host, as in net/http/transport.
	MaxIdleConnsPerHost int
}

// NewTransport returns the HTTP/1.1 transport Skiff's dispatchers share. One
// transport per process keeps connections pooled across destinations;
// upstream keeps one client per destination, which we do not need without
// per-destination TLS.
func NewTransport(args *ConnectionArgs) *http.Transport {
	t := &http.Transport{
		Proxy: nil, // in-cluster traffic never goes through an HTTP proxy
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          DefaultMaxIdleConns,
		MaxIdleConnsPerHost:   DefaultMaxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		// Events are small: a bigger write buffer only costs memory per conn.
		WriteBufferSize: 16 << 10,
		ReadBufferSize:  16 << 10,
		// No Accept-Encoding: gzip on every event: responses are empty or a
		// small reply event.
		DisableCompression: true,
	}
	if args != nil {
		t.MaxIdleConns = args.MaxIdleConns
		t.MaxIdleConnsPerHost = args.MaxIdleConnsPerHost
	}
	return t
}

// DataPlaneGCPercent is the GOGC the eventing data planes run with unless
// GOGC is set: their live heap is small and churns per event, so the
// default (100) spends a tenth of the CPU on collections for little memory
// saved (measured with hack/bench/eventing).
const DataPlaneGCPercent = 400

// TuneGC applies DataPlaneGCPercent when GOGC is not set in the environment.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DataPlaneGCPercent)
	}
}
