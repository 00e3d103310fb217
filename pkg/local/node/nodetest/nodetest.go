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

// Package nodetest starts a Skiff node agent on the shared control plane of a test
// binary, so its Pods run:
//
//	func TestMain(m *testing.M) { harness.Main(m, harness.WithSetup(nodetest.Setup)) }
//
// Images: ko:// references build from the source tree; others must be added to
// Images() (e.g. nodetest.AddImage(t, "dev.local/hello:test", "testdata/hello")).
package nodetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/skiffhq/skiff/pkg/local/image"
	"github.com/skiffhq/skiff/pkg/local/node"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

var (
	agent  *node.Agent
	images *image.Store
	lbPort int
)

// Options change the agent Setup starts.
type Options struct {
	// PublishLoadBalancers publishes LoadBalancer Services on 127.0.0.1 as `skiff up`
	// does: port 80 on LoadBalancerPort(), other ports and nodePorts as they are.
	PublishLoadBalancers bool
}

// Setup starts the node agent (a harness.WithSetup function).
func Setup(env *harness.Env) (func(), error) { return SetupWith(Options{})(env) }

// SetupWith is Setup with options:
//
//	harness.Main(m, harness.WithSetup(nodetest.SetupWith(nodetest.Options{PublishLoadBalancers: true})))
func SetupWith(o Options) func(*harness.Env) (func(), error) {
	return func(env *harness.Env) (func(), error) { return setup(env, o) }
}

// LoadBalancerPort is the port on 127.0.0.1 where port 80 of LoadBalancer Services (the
// Skiff gateway) is published (Options.PublishLoadBalancers).
func LoadBalancerPort(t testing.TB) int {
	t.Helper()
	Agent(t)
	if lbPort == 0 {
		t.Fatal("LoadBalancer Services are not published: use nodetest.SetupWith(nodetest.Options{PublishLoadBalancers: true})")
	}
	return lbPort
}

func setup(env *harness.Env, o Options) (func(), error) {
	dir, err := os.MkdirTemp("", "skiff-node-")
	if err != nil {
		return nil, err
	}
	cache, err := image.DefaultCacheDir()
	if err != nil {
		return nil, err
	}
	images = &image.Store{Dir: filepath.Join(dir, "images"), CacheDir: cache, SourceRoot: env.Root}
	var log *zap.SugaredLogger
	if os.Getenv("SKIFF_NODE_DEBUG") != "" {
		l, _ := zap.NewDevelopment()
		log = l.Sugar()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := node.Config{
		Dir:            filepath.Join(dir, "node"),
		RESTConfig:     env.Config,
		Network:        env.Cluster.Network,
		ServiceCIDR:    env.Cluster.ServiceCIDR,
		Images:         images,
		BackoffInitial: 200 * time.Millisecond,
		BackoffMax:     5 * time.Second,
		Logger:         log,
	}
	if o.PublishLoadBalancers {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lbPort = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		cfg.PublishLoadBalancers = true
		cfg.LoadBalancerPorts = map[int32]int32{80: int32(lbPort)}
	}
	agent, err = node.Start(ctx, cfg)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the node agent: %w", err)
	}
	return func() {
		agent.Stop(10 * time.Second)
		os.RemoveAll(dir)
	}, nil
}

// Agent is the running node agent.
func Agent(t testing.TB) *node.Agent {
	t.Helper()
	if agent == nil {
		t.Fatal("no node agent: use harness.Main(m, harness.WithSetup(nodetest.Setup))")
	}
	return agent
}

// Images is the agent's image store.
func Images(t testing.TB) *image.Store {
	Agent(t)
	return images
}

// AddImage maps name to a Go main package directory or an executable (built now).
func AddImage(t testing.TB, name, dir string) *image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	img, err := Images(t).Add(ctx, name, dir)
	if err != nil {
		t.Fatalf("adding image %s: %v", name, err)
	}
	return img
}
