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

// Package health probes the user container (TCP, HTTP and gRPC probes, as
// the kubelet would) and answers queue-proxy's own readiness probes.
package health

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/sys/unix"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	grpchealth "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	corev1 "k8s.io/api/core/v1"

	netheader "knative.dev/networking/pkg/http/header"
)

// HTTPProbeConfigOptions holds the HTTP probe config options.
type HTTPProbeConfigOptions struct {
	Timeout time.Duration
	*corev1.HTTPGetAction
	KubeMajor string
	KubeMinor string
	// MaxProtoMajor is the HTTP version to probe with: 1 or 2 (h2c); 0
	// detects it first with an h2c upgrade request.
	MaxProtoMajor int
}

// TCPProbeConfigOptions holds the TCP probe config options.
type TCPProbeConfigOptions struct {
	SocketTimeout time.Duration
	Address       string
}

// GRPCProbeConfigOptions holds the gRPC probe config options.
type GRPCProbeConfigOptions struct {
	Timeout time.Duration
	*corev1.GRPCAction
	KubeMajor string
	KubeMinor string
}

// dialer closes probe sockets with RST (linger 0) instead of leaving them in
// TIME_WAIT: aggressive probing opens hundreds of short connections.
var dialer = &net.Dialer{
	Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptLinger(int(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
		})
		if err != nil {
			return err
		}
		return serr
	},
}

// TCPProbe checks that a TCP socket to the address can be opened.
func TCPProbe(config TCPProbeConfigOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), config.SocketTimeout)
	defer cancel()
	conn, err := dialer.DialContext(ctx, "tcp", config.Address)
	if err != nil {
		return fmt.Errorf("tcp probe of %s: %w", config.Address, err)
	}
	return conn.Close()
}

// Probe transports are shared so that frequent probing does not build a
// transport per attempt; keep-alives are off, as the kubelet's, so every
// probe sees the container's current listener.
var (
	http1Transport = &http.Transport{
		DialContext:       dialer.DialContext,
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // the kubelet does not verify probes either
		ForceAttemptHTTP2: false,
	}
	h2cTransport = &http2.Transport{
		AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}
)

func probeURL(config HTTPProbeConfigOptions) (*url.URL, error) {
	host := config.Host
	if host == "" {
		host = "127.0.0.1"
	}
	scheme := strings.ToLower(string(config.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	return url.Parse(scheme + "://" + net.JoinHostPort(host, config.Port.String()) + "/" + strings.TrimPrefix(config.Path, "/"))
}

func userAgent(major, minor string) string {
	return netheader.KubeProbeUAPrefix + major + "/" + minor
}

// http2UpgradeProbe asks the container to upgrade to h2c and returns the
// highest HTTP major version it supports (0 if it is not ready).
func http2UpgradeProbe(config HTTPProbeConfigOptions) (int, error) {
	u, err := probeURL(config)
	if err != nil {
		return 0, fmt.Errorf("error constructing probe url: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), config.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, u.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("error constructing probe request: %w", err)
	}
	// The three headers an upgrade needs (RFC 7540 section 3.2).
	req.Header.Set("Connection", "Upgrade, HTTP2-Settings")
	req.Header.Set("Upgrade", "h2c")
	req.Header.Set("HTTP2-Settings", "")
	req.Header.Set(netheader.UserAgentKey, userAgent(config.KubeMajor, config.KubeMinor))
	res, err := http1Transport.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusSwitchingProtocols && res.Header.Get("Upgrade") == "h2c":
		return 2, nil
	case isHTTPProbeReady(res):
		return 1, nil
	default:
		return 0, fmt.Errorf("HTTP probe did not respond Ready, got status code: %d", res.StatusCode)
	}
}

// HTTPProbe checks that the container answers the probe's GET with a 2xx or
// 3xx status.
func HTTPProbe(config HTTPProbeConfigOptions) error {
	if config.MaxProtoMajor == 0 {
		maxProto, err := http2UpgradeProbe(config)
		if err != nil {
			return fmt.Errorf("failed to run HTTP2 upgrade probe with error: %w", err)
		}
		if maxProto == 1 {
			return nil
		}
		config.MaxProtoMajor = maxProto
	}
	u, err := probeURL(config)
	if err != nil {
		return fmt.Errorf("error constructing probe url: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), config.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("error constructing probe request: %w", err)
	}
	req.Header.Set(netheader.UserAgentKey, userAgent(config.KubeMajor, config.KubeMinor))
	for _, h := range config.HTTPHeaders {
		req.Header.Add(h.Name, h.Value)
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
	}
	var rt http.RoundTripper = http1Transport
	if config.MaxProtoMajor == 2 {
		rt = h2cTransport
	}
	res, err := rt.RoundTrip(req)
	if err != nil {
		return err
	}
	// Read the body (bounded) so the container sees a complete exchange.
	io.Copy(io.Discard, io.LimitReader(res.Body, 10*1024)) //nolint:errcheck // the status decides
	res.Body.Close()
	if !isHTTPProbeReady(res) {
		return fmt.Errorf("HTTP probe did not respond Ready, got status code: %d", res.StatusCode)
	}
	return nil
}

// isHTTPProbeReady checks whether we received a successful Response: a
// status code between 200 and 399, as the kubelet.
func isHTTPProbeReady(res *http.Response) bool {
	return res.StatusCode >= 200 && res.StatusCode < 400
}

// GRPCProbe checks that the container's gRPC health service reports SERVING.
func GRPCProbe(config GRPCProbeConfigOptions) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(config.Port)))
	conn, err := grpc.NewClient(addr,
		grpc.WithUserAgent(userAgent(config.KubeMajor, config.KubeMinor)),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, "tcp", addr)
		}),
	)
	if err != nil {
		return fmt.Errorf("failed to connect service at %q: %w", addr, err)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), config.Timeout)
	defer cancel()
	service := ""
	if config.Service != nil {
		service = *config.Service
	}
	resp, err := grpchealth.NewHealthClient(conn).Check(ctx, &grpchealth.HealthCheckRequest{Service: service})
	if err != nil {
		if stat, ok := status.FromError(err); ok {
			switch stat.Code() {
			case codes.Unimplemented:
				return fmt.Errorf("this server does not implement the grpc health protocol (grpc.health.v1.Health): %w", err)
			case codes.DeadlineExceeded:
				return fmt.Errorf("health rpc did not complete within %v: %w", config.Timeout, err)
			}
		}
		return fmt.Errorf("health rpc probe failed: %w", err)
	}
	if resp.GetStatus() != grpchealth.HealthCheckResponse_SERVING {
		return fmt.Errorf("service unhealthy (responded with %q)", resp.GetStatus().String())
	}
	return nil
}
