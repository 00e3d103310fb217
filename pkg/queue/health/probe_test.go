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
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
	"google.golang.org/grpc"
	grpchealth "google.golang.org/grpc/health/grpc_health_v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	netheader "knative.dev/networking/pkg/http/header"
)

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestTCPProbe(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()

	if err := TCPProbe(TCPProbeConfigOptions{Address: srv.Listener.Addr().String(), SocketTimeout: time.Second}); err != nil {
		t.Error("TCPProbe of a listening port:", err)
	}
	if err := TCPProbe(TCPProbeConfigOptions{Address: freeAddr(t), SocketTimeout: time.Second}); err == nil {
		t.Error("TCPProbe of a closed port succeeded")
	}
}

func httpAction(t *testing.T, rawURL, path string, headers ...corev1.HTTPHeader) *corev1.HTTPGetAction {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(u.Host)
	return &corev1.HTTPGetAction{
		Host:        host,
		Port:        intstr.Parse(port),
		Path:        path,
		Scheme:      corev1.URIScheme(strings.ToUpper(u.Scheme)),
		HTTPHeaders: headers,
	}
}

func TestHTTPProbe(t *testing.T) {
	var (
		mu                                 sync.Mutex
		gotUA, gotHeader, gotPath, gotHost string
	)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gotUA, gotHeader, gotPath, gotHost = r.UserAgent(), r.Header.Get("X-Probe"), r.URL.Path, r.Host
		mu.Unlock()
		switch r.URL.Path {
		case "/ready", "/redirect":
			if r.URL.Path == "/redirect" {
				w.WriteHeader(http.StatusFound)
			}
		case "/slow":
			time.Sleep(200 * time.Millisecond)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	tlsSrv := httptest.NewTLSServer(app)
	defer tlsSrv.Close()

	tests := []struct {
		name    string
		action  *corev1.HTTPGetAction
		timeout time.Duration
		wantErr string
	}{
		{name: "ready", action: httpAction(t, srv.URL, "/ready")},
		{name: "3xx counts as ready", action: httpAction(t, srv.URL, "/redirect")},
		{name: "path without leading slash", action: httpAction(t, srv.URL, "ready")},
		{name: "https, certificate not verified", action: httpAction(t, tlsSrv.URL, "/ready")},
		{name: "not ready", action: httpAction(t, srv.URL, "/notready"), wantErr: "status code: 503"},
		{name: "timeout", action: httpAction(t, srv.URL, "/slow"), timeout: 20 * time.Millisecond, wantErr: "deadline exceeded"},
		{name: "nothing listening", action: httpAction(t, "http://"+freeAddr(t), "/"), wantErr: "connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			timeout := tc.timeout
			if timeout == 0 {
				timeout = time.Second
			}
			err := HTTPProbe(HTTPProbeConfigOptions{Timeout: timeout, HTTPGetAction: tc.action, MaxProtoMajor: 1, KubeMajor: "1", KubeMinor: "33"})
			if tc.wantErr == "" && err != nil {
				t.Fatal("HTTPProbe:", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("HTTPProbe error = %v, want containing %q", err, tc.wantErr)
			}
		})
	}

	// The probe looks like the kubelet's and carries the probe's headers.
	err := HTTPProbe(HTTPProbeConfigOptions{
		Timeout:       time.Second,
		HTTPGetAction: httpAction(t, srv.URL, "/ready", corev1.HTTPHeader{Name: "X-Probe", Value: "yes"}, corev1.HTTPHeader{Name: "Host", Value: "app.example.com"}),
		MaxProtoMajor: 1, KubeMajor: "1", KubeMinor: "33",
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if gotUA != netheader.KubeProbeUAPrefix+"1/33" || gotHeader != "yes" || gotPath != "/ready" || gotHost != "app.example.com" {
		t.Errorf("request seen: UA %q, X-Probe %q, path %q, host %q", gotUA, gotHeader, gotPath, gotHost)
	}
}

func TestHTTPProbeAutoDetectsH2C(t *testing.T) {
	var (
		mu     sync.Mutex
		protos = map[string][]string{}
	)
	record := func(server string) http.Handler {
		return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			protos[server] = append(protos[server], r.Method+" "+r.Proto)
		})
	}
	h1 := httptest.NewServer(record("h1"))
	defer h1.Close()
	h2 := httptest.NewServer(h2c.NewHandler(record("h2"), &http2.Server{}))
	defer h2.Close()

	for _, srv := range []*httptest.Server{h1, h2} {
		if err := HTTPProbe(HTTPProbeConfigOptions{Timeout: time.Second, HTTPGetAction: httpAction(t, srv.URL, "/"), MaxProtoMajor: 0}); err != nil {
			t.Fatal("HTTPProbe:", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// HTTP/1-only: the upgrade request's answer is the probe result.
	if got := strings.Join(protos["h1"], ","); got != "OPTIONS HTTP/1.1" {
		t.Errorf("HTTP/1 server saw %q, want only the upgrade request", got)
	}
	// h2c: upgraded, then probed with GET over HTTP/2.
	if got := protos["h2"]; !slices.Contains(got, "GET HTTP/2.0") {
		t.Errorf("h2c server saw %q, want a GET over HTTP/2.0", got)
	}
}

type healthServer struct {
	grpchealth.UnimplementedHealthServer
	status grpchealth.HealthCheckResponse_ServingStatus
}

func (h *healthServer) Check(context.Context, *grpchealth.HealthCheckRequest) (*grpchealth.HealthCheckResponse, error) {
	return &grpchealth.HealthCheckResponse{Status: h.status}, nil
}

func TestGRPCProbe(t *testing.T) {
	tests := []struct {
		name    string
		status  grpchealth.HealthCheckResponse_ServingStatus
		wantErr string
	}{
		{name: "serving", status: grpchealth.HealthCheckResponse_SERVING},
		{name: "not serving", status: grpchealth.HealthCheckResponse_NOT_SERVING, wantErr: "service unhealthy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			s := grpc.NewServer()
			grpchealth.RegisterHealthServer(s, &healthServer{status: tc.status})
			go s.Serve(ln)
			defer s.Stop()

			err = GRPCProbe(GRPCProbeConfigOptions{
				Timeout:    time.Second,
				GRPCAction: &corev1.GRPCAction{Port: int32(ln.Addr().(*net.TCPAddr).Port)},
			})
			if tc.wantErr == "" && err != nil {
				t.Fatal("GRPCProbe:", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("GRPCProbe error = %v, want containing %q", err, tc.wantErr)
			}
		})
	}
}
