/*
Copyright 2025 The Skiff Authors

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

// Package platformtest gives an e2e test binary the whole local platform — the shared
// control plane of package harness, a node agent that publishes LoadBalancer Services on
// 127.0.0.1, and config/ installed and Ready — exactly what `skiff up` brings up:
//
//	func TestMain(m *testing.M) { platformtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		p := platformtest.Get(t)
//		p.AddImage(t, "dev.local/hello-go:serving", "examples/hello-go")
//		resp, _ := http.Get(p.GatewayURL) // the skiff-gateway LoadBalancer Service
//	}
//
// It needs root (network namespaces) and the control-plane cache
// (hack/build-controlplane.sh); without either, every test fails saying so.
package platformtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/skiffhq/skiff/pkg/local/image"
	"github.com/skiffhq/skiff/pkg/local/node"
	"github.com/skiffhq/skiff/pkg/local/platform"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

// GatewayPortEnv overrides the host port the skiff-gateway LoadBalancer Service (port 80)
// is published on; by default a free port is picked, so tests never collide with a
// `skiff up` on 8080.
const GatewayPortEnv = "SKIFF_E2E_GATEWAY_PORT"

// Platform is the running local platform of a test binary.
type Platform struct {
	*harness.Env
	Agent  *node.Agent
	Images *image.Store
	// GatewayPort is the host port LoadBalancer port 80 is published on (127.0.0.1).
	GatewayPort int
	// GatewayURL is http://127.0.0.1:<GatewayPort>.
	GatewayURL string
	// Install is the report of the config/ install; InstallErr its error (components
	// that did not become Ready, diagnosed).
	Install    *platform.Report
	InstallErr error
	// UpTime is the time from the test binary's start to the platform being Ready
	// (control plane, node agent, component builds and rollout).
	UpTime time.Duration

	dir string
}

var shared *Platform

// errNotRoot says why the platform needs root.
var errNotRoot = errors.New("the e2e tests need root: the node agent runs each Pod in its own network, mount and PID " +
	"namespaces on the skiff0 bridge (run them as root, e.g. sudo -E go test ./test/e2e/)")

// Main is harness.Main with Setup, after checking for root first (without root the
// control plane cannot even create its bridge; this says why in one line).
func Main(m *testing.M) {
	if os.Geteuid() != 0 {
		fmt.Fprintf(os.Stderr, "platformtest: %v\n", errNotRoot)
		os.Exit(1)
	}
	harness.Main(m, harness.WithSetup(Setup))
}

// Setup starts the node agent and installs config/ (a harness.WithSetup function).
func Setup(env *harness.Env) (func(), error) {
	if os.Geteuid() != 0 {
		return nil, errNotRoot
	}
	if env.Root == "" {
		return nil, errors.New("cannot find the Skiff source tree (config/, ko:// images): run from the checkout or set SKIFF_SOURCE")
	}
	dir, err := os.MkdirTemp("", "skiff-e2e-")
	if err != nil {
		return nil, err
	}
	cache, err := image.DefaultCacheDir()
	if err != nil {
		return nil, err
	}
	progress := prefixWriter{w: os.Stderr, prefix: "platform: "}
	images := &image.Store{Dir: filepath.Join(dir, "images"), CacheDir: cache, SourceRoot: env.Root, Log: progress}
	port, err := gatewayPort()
	if err != nil {
		return nil, err
	}
	log := zap.NewNop().Sugar()
	if os.Getenv("SKIFF_NODE_DEBUG") != "" {
		l, _ := zap.NewDevelopment()
		log = l.Sugar()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	agent, err := node.Start(ctx, node.Config{
		Dir:                  filepath.Join(dir, "node"),
		RESTConfig:           env.Config,
		Network:              env.Cluster.Network,
		Images:               images,
		PublishLoadBalancers: true,
		LoadBalancerPorts:    map[int32]int32{80: int32(port)},
		BackoffInitial:       200 * time.Millisecond,
		BackoffMax:           5 * time.Second,
		Logger:               log,
	})
	cancel()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the node agent: %w", err)
	}
	p := &Platform{Env: env, Agent: agent, Images: images, GatewayPort: port,
		GatewayURL: "http://127.0.0.1:" + strconv.Itoa(port), dir: dir}
	cleanup := func() {
		agent.Stop(10 * time.Second)
		os.RemoveAll(dir)
	}
	rep, err := platform.Install(context.Background(), platform.Options{
		RESTConfig: env.Config,
		SourceRoot: env.Root,
		Images:     images,
		Out:        progress,
	})
	p.Install, p.InstallErr = rep, err
	if err != nil {
		if rep == nil || rep.Plan == nil {
			cleanup()
			return nil, fmt.Errorf("installing config/: %w", err)
		}
		// Tests that need the failed components fail with this (RequireComponents);
		// the others still run.
		fmt.Fprintf(os.Stderr, "platform: installing config/: %v\n", err)
	}
	p.UpTime = sinceProcessStart()
	fmt.Fprintf(os.Stderr, "platform: up in %.1fs (gateway on %s)\n", p.UpTime.Seconds(), p.GatewayURL)
	shared = p
	return cleanup, nil
}

// Get returns the shared platform; the test fails if Setup did not run.
func Get(t testing.TB) *Platform {
	t.Helper()
	harness.Get(t) // fails with the control plane's start error, if any
	if shared == nil {
		t.Fatal("no local platform: use harness.Main(m, harness.WithSetup(platformtest.Setup))")
	}
	return shared
}

// AddImage maps name to a Go main package directory (relative to the source root) or an
// executable, building it now.
func (p *Platform) AddImage(t testing.TB, name, dir string) *image.Image {
	t.Helper()
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.Root, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	img, err := p.Images.Add(ctx, name, dir)
	if err != nil {
		t.Fatalf("adding image %s: %v", name, err)
	}
	return img
}

// RequireComponents fails the test unless each named Deployment (namespace/name) is
// installed and was Ready, naming the missing ones and why.
func (p *Platform) RequireComponents(t testing.TB, keys ...string) {
	t.Helper()
	ready := map[string]bool{}
	for _, c := range p.Install.Ready {
		ready[c.Key()] = true
	}
	var missing []string
	for _, k := range keys {
		if ready[k] {
			continue
		}
		why := "config/ has no such Deployment yet"
		for _, c := range p.Install.Plan.Components {
			if c.Key() != k {
				continue
			}
			why = "did not become Ready (see below)"
			if c.Problem != "" {
				why = c.Problem
			}
		}
		missing = append(missing, k+": "+why)
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("components this test needs are not Ready:\n  %s", strings.Join(missing, "\n  "))
		if p.InstallErr != nil {
			msg += "\n" + p.InstallErr.Error()
		}
		t.Fatal(msg)
	}
}

// Diagnose describes a Deployment and its Pods with their last log lines (for failure
// messages).
func (p *Platform) Diagnose(namespace, name string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return platform.Diagnose(ctx, p.Kube, namespace, name)
}

func gatewayPort() (int, error) {
	if s := os.Getenv(GatewayPortEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 65535 {
			return 0, fmt.Errorf("%s=%q is not a port", GatewayPortEnv, s)
		}
		return n, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// sinceProcessStart is how long this process has run.
func sinceProcessStart() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	ticks, err := strconv.ParseInt(f[19], 10, 64)
	if err != nil {
		return 0
	}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0
	}
	secs, err := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	if err != nil {
		return 0
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration((secs - float64(ticks)/hz) * float64(time.Second))
}

// prefixWriter prefixes each line.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	lines := strings.SplitAfter(string(b), "\n")
	var sb strings.Builder
	for _, l := range lines {
		if l != "" {
			sb.WriteString(p.prefix + l)
		}
	}
	if _, err := io.WriteString(p.w, sb.String()); err != nil {
		return 0, err
	}
	return len(b), nil
}
