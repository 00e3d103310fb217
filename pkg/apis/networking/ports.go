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

package networking

// Ports and port names of the Services Knative creates (revision Services,
// activator Service, gateways).
const (
	// ServiceHTTPPort is the Service port for HTTP/1 traffic.
	ServiceHTTPPort = 80

	// ServiceHTTP2Port is the Service port for HTTP/2 (h2c) traffic.
	ServiceHTTP2Port = 81

	// ServiceHTTPSPort is the Service port for HTTPS traffic.
	ServiceHTTPSPort = 443

	// ServicePortNameHTTP1 names the HTTP/1.1 Service port.
	ServicePortNameHTTP1 = "http"

	// ServicePortNameH2C names the HTTP/2 Service port.
	ServicePortNameH2C = "http2"

	// ServicePortNameHTTPS names the HTTPS Service port.
	ServicePortNameHTTPS = "https"
)

// AppProtocolH2C is the standard appProtocol value for h2c (KEP-3726). A
// variable because Service ports take a *string.
var AppProtocolH2C = "kubernetes.io/h2c"

// ServicePortName returns the Service port name for the protocol.
func ServicePortName(proto ProtocolType) string {
	if proto == ProtocolH2C {
		return ServicePortNameH2C
	}
	return ServicePortNameHTTP1
}

// ServicePort returns the Service port number for the protocol.
func ServicePort(proto ProtocolType) int {
	if proto == ProtocolH2C {
		return ServiceHTTP2Port
	}
	return ServiceHTTPPort
}

// AppProtocol returns the appProtocol for the protocol, nil for HTTP/1.
func AppProtocol(proto ProtocolType) *string {
	if proto == ProtocolH2C {
		return &AppProtocolH2C
	}
	return nil
}
