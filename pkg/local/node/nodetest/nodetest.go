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
)

// Setup starts the node agent (a harness.WithSetup function).
func Setup(env *harness.Env) (func(), error) {
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
	agent, err = node.Start(ctx, node.Config{
		Dir:            filepath.Join(dir, "node"),
		RESTConfig:     env.Config,
		Network:        env.Cluster.Network,
		Images:         images,
		BackoffInitial: 200 * time.Millisecond,
		BackoffMax:     5 * time.Second,
		Logger:         log,
	})
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
