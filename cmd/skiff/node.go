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

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/local/hostnet"
	"github.com/skiffhq/skiff/pkg/local/image"
	"github.com/skiffhq/skiff/pkg/local/node"
)

// NodeComponent is the node agent's name in pid files, logs and `skiff status`.
const NodeComponent = "skiff-node"

// geteuid is os.Geteuid, replaceable in tests.
var geteuid = os.Geteuid

// errNeedRoot explains why `skiff up` needs root.
var errNeedRoot = errors.New("skiff up must run as root: the node agent runs each Pod in its own network, mount and PID " +
	"namespaces on the skiff0 bridge; run it with sudo (e.g. sudo -E skiff up, or sudo go run ./cmd/skiff up)")

func nodeDir(home string) string       { return filepath.Join(home, "node") }
func nodePidPath(home string) string   { return filepath.Join(home, "run", NodeComponent+".pid") }
func nodeReadyPath(home string) string { return filepath.Join(home, "run", NodeComponent+".ready") }
func nodeLogPath(home string) string   { return cluster.LogPath(home, NodeComponent) }
func nodePortPath(home string) string  { return filepath.Join(home, "node", "kubelet-port") }

// defaultKubeletPort is the port the node agent used last time (kept, like the control
// plane's ports, so the Node object stays right), else 10250 (any free port with
// --random-ports).
func defaultKubeletPort(random bool) int {
	if h, err := home(); err == nil {
		if b, err := os.ReadFile(nodePortPath(h)); err == nil {
			if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 {
				return p
			}
		}
	}
	if random {
		return 0
	}
	return node.DefaultKubeletPort
}

// imageStore is the image store of a Skiff home: added images are recorded there, builds
// are cached in $SKIFF_CACHE/images.
func imageStore(home string, log io.Writer) (*image.Store, error) {
	cache, err := image.DefaultCacheDir()
	if err != nil {
		return nil, err
	}
	root, _ := cluster.SourceRoot() // without a source tree, ko:// images say so when used
	return &image.Store{Dir: home, CacheDir: cache, SourceRoot: root, Log: log}, nil
}

// imageCmd is `skiff image add|list|rm`.
func imageCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const imageUsage = `Usage:
  skiff image add NAME DIR   map NAME (e.g. dev.local/hello-go:serving) to a Go main package directory
                             (built now with go build, rebuilt when its sources change) or an executable
  skiff image list           list added images
  skiff image rm NAME        forget NAME
ko://<import path> images of the Skiff module need no adding: the node builds them.
`
	if len(args) == 0 {
		fmt.Fprint(stderr, imageUsage)
		return usageError{errors.New("missing image command")}
	}
	home, err := home()
	if err != nil {
		return err
	}
	store, err := imageStore(home, stdout)
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		if len(args) != 3 {
			fmt.Fprint(stderr, imageUsage)
			return usageError{errors.New("image add needs NAME and DIR")}
		}
		begin := time.Now()
		img, err := store.Add(ctx, args[1], args[2])
		if err != nil {
			return err
		}
		how := "executable"
		if img.ID != "" && strings.HasPrefix(img.ID, "sha256:") {
			how = "built"
			if !img.Built {
				how = "cached build"
			}
		}
		fmt.Fprintf(stdout, "Added %s -> %s (%s, %.1fs)\n", image.Normalize(args[1]), img.Binary, how, time.Since(begin).Seconds())
		return nil
	case "list", "ls":
		list, err := store.List()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tKIND\tSOURCE")
		for _, e := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.Kind, e.Path)
		}
		return tw.Flush()
	case "rm", "remove":
		if len(args) != 2 {
			fmt.Fprint(stderr, imageUsage)
			return usageError{errors.New("image rm needs NAME")}
		}
		return store.Remove(args[1])
	}
	fmt.Fprint(stderr, imageUsage)
	return usageError{fmt.Errorf("unknown image command %q", args[0])}
}

// nodeCmd is `skiff node run`: the node agent in the foreground. `skiff up` starts it
// detached; it is a command of its own so it can also be run and debugged by hand.
func nodeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprintln(stderr, "Usage: skiff node run [flags]   (run the node agent in the foreground; skiff up starts it)")
		return usageError{errors.New("unknown node command")}
	}
	fs := flag.NewFlagSet("node run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kubeletPort := fs.Int("kubelet-port", node.DefaultKubeletPort, "kubelet API port on the bridge address (0: any free port)")
	gatewayPort := fs.Int("gateway-port", defaultGatewayPort, "host port on 127.0.0.1 for LoadBalancer Services' port 80")
	publish := fs.Bool("publish", true, "publish LoadBalancer and NodePort Services on 127.0.0.1")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if geteuid() != 0 {
		return errNeedRoot
	}
	home, err := home()
	if err != nil {
		return err
	}
	rc, err := cluster.RESTConfigFromKubeconfig(cluster.KubeconfigPath(home))
	if err != nil {
		return fmt.Errorf("%w (start the control plane first: skiff up)", err)
	}
	nw, err := hostnet.Ensure(hostnet.DefaultConfig())
	if err != nil {
		return err
	}
	logger := newLogger(stderr)
	store, err := imageStore(home, logWriter{logger})
	if err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer cancel()
	startCtx, startCancel := context.WithTimeout(ctx, 2*time.Minute)
	defer startCancel()
	os.Remove(nodeReadyPath(home))
	a, err := node.Start(startCtx, node.Config{
		Dir:                  nodeDir(home),
		RESTConfig:           rc,
		Network:              nw,
		Images:               store,
		KubeletPort:          *kubeletPort,
		PublishLoadBalancers: *publish,
		LoadBalancerPorts:    map[int32]int32{80: int32(*gatewayPort)},
		Logger:               logger,
	})
	if err != nil {
		return err
	}
	os.WriteFile(nodeReadyPath(home), []byte(fmt.Sprintf("%d %s\n", a.KubeletPort(), a.ClusterDNS())), 0o644)
	os.WriteFile(nodePortPath(home), []byte(fmt.Sprintf("%d\n", a.KubeletPort())), 0o644)
	fmt.Fprintf(stdout, "node %s ready (kubelet API %s:%d, cluster DNS %s)\n", a.Name(), nw.HostIP, a.KubeletPort(), a.ClusterDNS())
	<-ctx.Done()
	logger.Info("stopping: terminating pods")
	a.Stop(nodeStopGrace)
	os.Remove(nodeReadyPath(home))
	logger.Info("stopped")
	return nil
}

// nodeStopGrace bounds the graceful termination of all Pods when the agent stops.
const nodeStopGrace = 10 * time.Second

// defaultGatewayPort is where `skiff up` publishes the Skiff gateway (LoadBalancer port
// 80) on 127.0.0.1.
const defaultGatewayPort = 8080

func newLogger(w io.Writer) *zap.SugaredLogger {
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(w), zap.InfoLevel)
	return zap.New(core).Sugar().Named(NodeComponent)
}

type logWriter struct{ l *zap.SugaredLogger }

func (w logWriter) Write(b []byte) (int, error) {
	w.l.Info(strings.TrimSpace(string(b)))
	return len(b), nil
}

// nodeOptions are the `skiff up` flags passed on to the node agent.
type nodeOptions struct {
	kubeletPort int
	gatewayPort int
}

// nodeInfo is what a ready node agent reports.
type nodeInfo struct {
	pid         int
	kubeletPort int
	clusterDNS  string
}

func readNodeInfo(home string, pid int) nodeInfo {
	info := nodeInfo{pid: pid}
	b, _ := os.ReadFile(nodeReadyPath(home))
	fmt.Sscan(string(b), &info.kubeletPort, &info.clusterDNS)
	return info
}

// startNodeAgent starts `skiff node run` detached (it outlives `skiff up`, like the
// control plane) and waits until it has registered the node.
func startNodeAgent(ctx context.Context, home string, opts nodeOptions, out io.Writer) (nodeInfo, error) {
	if pid, ok := nodeAgentPID(home); ok {
		fmt.Fprintf(out, "  %-24s already running (pid %d)\n", NodeComponent, pid)
		return readNodeInfo(home, pid), nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nodeInfo{}, err
	}
	for _, d := range []string{filepath.Dir(nodePidPath(home)), filepath.Dir(nodeLogPath(home))} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nodeInfo{}, err
		}
	}
	logf, err := os.OpenFile(nodeLogPath(home), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nodeInfo{}, err
	}
	defer logf.Close()
	os.Remove(nodeReadyPath(home))
	begin := time.Now()
	cmd := exec.Command(exe, "node", "run", "--kubelet-port", strconv.Itoa(opts.kubeletPort),
		"--gateway-port", strconv.Itoa(opts.gatewayPort))
	cmd.Env = append(os.Environ(), "SKIFF_HOME="+home)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nodeInfo{}, fmt.Errorf("starting the node agent: %w", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	st, err := procStartTime(pid)
	if err == nil {
		err = os.WriteFile(nodePidPath(home), []byte(fmt.Sprintf("%d %d\n%s\n", pid, st, exe)), 0o644)
	}
	if err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
		return nodeInfo{}, fmt.Errorf("recording the node agent's pid: %w", err)
	}
	deadline := time.After(3 * time.Minute)
	for {
		if _, err := os.Stat(nodeReadyPath(home)); err == nil {
			fmt.Fprintf(out, "  %-24s ready in %4.1fs (pid %d)\n", NodeComponent, time.Since(begin).Seconds(), pid)
			return readNodeInfo(home, pid), nil
		}
		select {
		case err := <-exited:
			os.Remove(nodePidPath(home))
			return nodeInfo{}, fmt.Errorf("the node agent exited (%v); last lines of %s:\n%s", err, nodeLogPath(home), tailFile(nodeLogPath(home), 15))
		case <-deadline:
			return nodeInfo{pid: pid}, fmt.Errorf("the node agent did not become ready in 3 minutes; see %s", nodeLogPath(home))
		case <-ctx.Done():
			return nodeInfo{pid: pid}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// nodeAgentPID returns the pid of a running node agent of home.
func nodeAgentPID(home string) (int, bool) {
	b, err := os.ReadFile(nodePidPath(home))
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pid, err1 := strconv.Atoi(f[0])
	st, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	if cur, err := procStartTime(pid); err != nil || cur != st {
		return 0, false
	}
	if state, _ := procState(pid); state == 'Z' || state == 'X' {
		return 0, false
	}
	return pid, true
}

// stopNodeAgent stops the node agent (it terminates its Pods first) and waits for it.
func stopNodeAgent(home string, out io.Writer) (int, error) {
	pid, ok := nodeAgentPID(home)
	if !ok {
		os.Remove(nodePidPath(home))
		return 0, nil
	}
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(nodeStopGrace + 15*time.Second)
	for time.Now().Before(deadline) {
		if _, alive := nodeAgentPID(home); !alive {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, alive := nodeAgentPID(home); alive {
		fmt.Fprintf(out, "  %s (pid %d) did not stop in time; killing it\n", NodeComponent, pid)
		syscall.Kill(pid, syscall.SIGKILL)
		for i := 0; i < 100; i++ {
			if _, alive := nodeAgentPID(home); !alive {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if _, alive := nodeAgentPID(home); alive {
		return 0, fmt.Errorf("%s (pid %d) is still running after SIGKILL", NodeComponent, pid)
	}
	os.Remove(nodePidPath(home))
	fmt.Fprintf(out, "  stopped %-24s (pid %d)\n", NodeComponent, pid)
	return pid, nil
}

func procStat(pid int) ([]string, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, errors.New("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return nil, errors.New("malformed stat")
	}
	return f, nil
}

func procStartTime(pid int) (uint64, error) {
	f, err := procStat(pid)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(f[19], 10, 64)
}

func procState(pid int) (byte, error) {
	f, err := procStat(pid)
	if err != nil {
		return 0, err
	}
	return f[0][0], nil
}

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}
