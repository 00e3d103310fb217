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
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/local/hostnet"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

// The test binary doubles as the skiff CLI: tests run it as a separate process, like a
// user would, so `up` really detaches its control plane and exits.
func TestMain(m *testing.M) {
	if os.Getenv("SKIFF_TEST_RUN_CLI") == "1" {
		ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		cancel()
		os.Exit(code)
	}
	// Daemons that `skiff up` leaves behind are re-parented to the nearest subreaper when
	// the CLI exits. Being that subreaper lets gone() reap them after `skiff down` and then
	// check that their pids have really disappeared (some inits never reap orphans).
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "PR_SET_CHILD_SUBREAPER:", err)
		os.Exit(1)
	}
	// A service range of this test binary's own, so the node agents `skiff up` starts here
	// do not collide with a running `skiff up` or other test binaries on the bridge.
	r, err := harness.ClaimServiceRange()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("SKIFF_SERVICE_CIDR", r)
	os.Exit(m.Run())
}

type cli struct {
	t    *testing.T
	home string
}

// newCLI gives a test its own $SKIFF_HOME and makes sure nothing it started outlives it.
func newCLI(t *testing.T) *cli {
	t.Helper()
	// Never trigger the multi-minute cold build from a test.
	if _, err := cluster.FindBinaries(cluster.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	t.Cleanup(func() { // runs before TempDir removal
		stopNodeAgent(home, io.Discard)
		cluster.StopDir(home, 10*time.Second, nil)
	})
	return &cli{t: t, home: home}
}

// run runs `skiff args...` and returns its exit code and combined output.
func (c *cli) run(args ...string) (int, string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SKIFF_TEST_RUN_CLI=1", "SKIFF_HOME="+c.home)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		c.t.Fatalf("skiff %s: %v", strings.Join(args, " "), err)
	}
	return 0, out.String()
}

func (c *cli) mustRun(args ...string) string {
	c.t.Helper()
	code, out := c.run(args...)
	if code != 0 {
		c.t.Fatalf("skiff %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// gone reports whether pid has exited, reaping it if it is our (adopted) zombie. A
// zombie of another parent also counts as gone: it has released everything.
func gone(pid int) bool {
	var ws unix.WaitStatus
	unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && (f[0] == "Z" || f[0] == "X")
}

// reapedWithin polls until /proc/<pid> is gone, reaping our own zombie.
func reapedWithin(pid int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processesUsing lists live processes whose command line mentions dir.
func processesUsing(dir string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || gone(pid) {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(dir)) {
			out = append(out, fmt.Sprintf("%d %s", pid, bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
		}
	}
	return out
}

func TestUpDownUp(t *testing.T) {
	c := newCLI(t)

	start := time.Now()
	// The CLI's mechanics; the components' rollout (the default wait) is test/e2e's.
	out := c.mustRun("up", "--random-ports", "--wait=false")
	t.Logf("skiff up took %s:\n%s", time.Since(start).Round(100*time.Millisecond), out)
	kubeconfig := filepath.Join(c.home, "kubeconfig")
	for _, want := range []string{"export KUBECONFIG=" + kubeconfig, "Control plane ready at https://10.244.0.1:", "Applied "} {
		if !strings.Contains(out, want) {
			t.Errorf("skiff up output lacks %q", want)
		}
	}
	if files, _ := cluster.ManifestFiles(filepath.Join(mustRoot(t), "config")); len(files) > 0 && strings.Contains(out, "Applied 0 objects") {
		t.Errorf("config/ has %d manifest files but skiff up applied nothing", len(files))
	}

	st := cluster.Status(c.home)
	pids := map[string]int{}
	for _, s := range st {
		if !s.Running {
			t.Fatalf("%s not running after skiff up: %+v", s.Name, s)
		}
		pids[s.Name] = s.PID
	}
	if len(pids) != 4 {
		t.Fatalf("components = %v, want 4", pids)
	}
	status := c.mustRun("status")
	for name, pid := range pids {
		if !strings.Contains(status, name) || !strings.Contains(status, strconv.Itoa(pid)) {
			t.Errorf("skiff status does not show %s with pid %d:\n%s", name, pid, status)
		}
	}
	if got := strings.TrimSpace(c.mustRun("kubeconfig")); got != kubeconfig {
		t.Errorf("skiff kubeconfig = %q, want %q", got, kubeconfig)
	}

	// An object created now must survive down/up (etcd data is kept).
	c.mustRun("kubectl", "create", "configmap", "survivor", "--from-literal=greeting=hello")
	// `up` while up is harmless and starts nothing new.
	c.mustRun("up", "--no-config")
	for _, s := range cluster.Status(c.home) {
		if s.PID != pids[s.Name] {
			t.Errorf("second up replaced %s: pid %d -> %d", s.Name, pids[s.Name], s.PID)
		}
	}
	stateBefore, _ := cluster.LoadState(c.home)

	out = c.mustRun("down")
	if !strings.Contains(out, "Stopped 5 processes") || !strings.Contains(out, "stopped "+NodeComponent) {
		t.Errorf("skiff down output: %s", out)
	}
	for name, pid := range pids {
		if !gone(pid) {
			t.Errorf("%s (pid %d) still running after skiff down", name, pid)
		}
		// A zombie adopted by PID 1 is dead but is reaped whenever PID 1 gets
		// to it (late on this VM's init under load): allow it a bounded wait.
		if !reapedWithin(pid, 30*time.Second) {
			t.Errorf("%s (pid %d) still exists after skiff down (not even a zombie should remain)", name, pid)
		}
	}
	if left := processesUsing(c.home); len(left) > 0 {
		t.Errorf("processes left behind after skiff down:\n%s", strings.Join(left, "\n"))
	}
	if out := c.mustRun("down"); !strings.Contains(out, "Nothing was running") {
		t.Errorf("second skiff down: %s", out)
	}

	c.mustRun("up", "--no-config")
	if got := c.mustRun("kubectl", "get", "configmap", "survivor", "-o", "jsonpath={.data.greeting}"); got != "hello" {
		t.Errorf("configmap after down/up = %q, want hello", got)
	}
	stateAfter, _ := cluster.LoadState(c.home)
	if stateBefore == nil || stateAfter == nil || stateBefore.Ports != stateAfter.Ports {
		t.Errorf("ports changed across down/up: %+v -> %+v (kubeconfigs would break)", stateBefore, stateAfter)
	}
	var newPids []int
	for _, s := range cluster.Status(c.home) {
		newPids = append(newPids, s.PID)
	}
	c.mustRun("down")
	for _, pid := range newPids {
		if !gone(pid) {
			t.Errorf("pid %d still running after the second skiff down", pid)
		}
	}
}

func TestUpPortInUse(t *testing.T) {
	c := newCLI(t)
	// The bridge must exist to bind its address; creating it is idempotent.
	nw, err := hostnet.Ensure(hostnet.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(nw.HostIP.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	code, out := c.run("up", "--random-ports", "--no-config", "--port", strconv.Itoa(port))
	if code == 0 {
		t.Fatalf("skiff up on a taken port succeeded:\n%s", out)
	}
	for _, want := range []string{"port already in use", "kube-apiserver", strconv.Itoa(port), "--port"} {
		if !strings.Contains(out, want) {
			t.Errorf("error output lacks %q:\n%s", want, out)
		}
	}
	if r := cluster.Running(c.home); len(r) > 0 {
		t.Errorf("failed up left processes running: %v", r)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		want     string
	}{
		{nil, 2, "Usage:"},
		{[]string{"help"}, 0, "skiff up"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"up", "--no-such-flag"}, 2, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			code := run(context.Background(), tc.args, &out, &out)
			if code != tc.wantCode || !strings.Contains(out.String(), tc.want) {
				t.Errorf("skiff %v = %d %q, want %d and output containing %q", tc.args, code, out.String(), tc.wantCode, tc.want)
			}
		})
	}
}

func TestStatusAndKubeconfigBeforeUp(t *testing.T) {
	c := &cli{t: t, home: t.TempDir()}
	if out := c.mustRun("status"); !strings.Contains(out, "No control plane has been started") {
		t.Errorf("status before up: %s", out)
	}
	if code, out := c.run("kubeconfig"); code == 0 || !strings.Contains(out, "run skiff up") {
		t.Errorf("kubeconfig before up = %d %s, want an error telling to run skiff up", code, out)
	}
}

func mustRoot(t *testing.T) string {
	t.Helper()
	root, err := cluster.SourceRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
