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

package cluster

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// Versions of the pinned control plane (hack/controlplane/go.mod).
const (
	KubernetesVersion = "v1.33.13"
	EtcdVersion       = "v3.5.21"
)

// Binary names in the control-plane cache.
const (
	Etcd              = "etcd"
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
	Kubectl           = "kubectl"
)

// ModuleDir is where the control-plane module lives, relative to the repository root.
const ModuleDir = "hack/controlplane"

// buildTargets maps each binary to the package built from the control-plane module.
var buildTargets = []struct{ name, pkg string }{
	{APIServer, "k8s.io/kubernetes/cmd/kube-apiserver"},
	{ControllerManager, "k8s.io/kubernetes/cmd/kube-controller-manager"},
	{Scheduler, "k8s.io/kubernetes/cmd/kube-scheduler"},
	{Kubectl, "k8s.io/kubernetes/cmd/kubectl"},
	{Etcd, "./cmd/etcd"},
}

// ldflags stamps versions the way Kubernetes' hack/lib/version.sh does, so
// `kubectl version` and /version report v1.33.13 rather than v0.0.0-master.
func ldflags() string {
	major, minor := "1", "33"
	var b strings.Builder
	b.WriteString("-s -w")
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		for _, kv := range [][2]string{{"gitVersion", KubernetesVersion}, {"gitMajor", major}, {"gitMinor", minor}, {"gitTreeState", "clean"}} {
			fmt.Fprintf(&b, " -X %s.%s=%s", pkg, kv[0], kv[1])
		}
	}
	return b.String()
}

// ErrNotBuilt is returned (wrapped) by FindBinaries when the cache has no usable build.
var ErrNotBuilt = errors.New("control-plane binaries are not built")

// Binaries is a directory holding the control-plane executables.
type Binaries struct {
	Dir string
}

// Path returns the path of the named binary (one of the constants above).
func (b Binaries) Path(name string) string { return filepath.Join(b.Dir, name) }

// CacheDir is where the control plane is built: $SKIFF_CACHE (default: the user cache
// directory's "skiff", usually ~/.cache/skiff) plus a directory named by version.
func CacheDir() (string, error) {
	root := os.Getenv("SKIFF_CACHE")
	if root == "" {
		uc, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("finding a cache directory (set SKIFF_CACHE): %w", err)
		}
		root = filepath.Join(uc, "skiff")
	}
	return filepath.Join(root, "controlplane-"+KubernetesVersion+"-etcd-"+EtcdVersion), nil
}

// SourceRoot finds the Skiff repository root (the directory holding hack/controlplane):
// $SKIFF_SOURCE, else the current directory or one of its parents, else the directory of
// the running executable or one of its parents.
func SourceRoot() (string, error) {
	if d := os.Getenv("SKIFF_SOURCE"); d != "" {
		if isSourceRoot(d) {
			return filepath.Abs(d)
		}
		return "", fmt.Errorf("SKIFF_SOURCE=%s does not contain %s/go.mod", d, ModuleDir)
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		for {
			if isSourceRoot(dir) {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("cannot find the Skiff source tree (a directory with %s/go.mod): run from a checkout or set SKIFF_SOURCE", ModuleDir)
}

func isSourceRoot(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ModuleDir, "go.mod"))
	return err == nil
}

// BuildOptions control EnsureBinaries.
type BuildOptions struct {
	// SourceRoot is the repository root; empty means SourceRoot().
	SourceRoot string
	// CacheDir overrides CacheDir().
	CacheDir string
	// Out receives progress lines; nil discards them.
	Out io.Writer
}

const stampFile = "stamp"

// EnsureBinaries returns the cached control plane, building it first when the cache is
// missing or was built from a different hack/controlplane module. It holds a file lock
// for the whole check-and-build, so parallel callers build at most once; the others wait
// and then reuse the result. This is the one code path behind `skiff up`,
// `skiff build-controlplane` and hack/build-controlplane.sh.
func EnsureBinaries(ctx context.Context, opts BuildOptions) (Binaries, error) {
	return ensureBinaries(ctx, opts, true)
}

// FindBinaries returns the cached control plane without ever building it: tests use it,
// because a cold build takes minutes and belongs in hack/build-controlplane.sh.
func FindBinaries(opts BuildOptions) (Binaries, error) {
	return ensureBinaries(context.Background(), opts, false)
}

func ensureBinaries(ctx context.Context, opts BuildOptions, build bool) (Binaries, error) {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	cache := opts.CacheDir
	if cache == "" {
		var err error
		if cache, err = CacheDir(); err != nil {
			return Binaries{}, err
		}
	}
	src := opts.SourceRoot
	var srcErr error
	if src == "" {
		// Without a source tree (skiff run outside a checkout, a test binary run
		// elsewhere) an existing build is used as is; only building needs the source.
		src, srcErr = SourceRoot()
	}
	bins := Binaries{Dir: filepath.Join(cache, "bin")}

	if err := os.MkdirAll(filepath.Dir(cache), 0o755); err != nil {
		return Binaries{}, fmt.Errorf("creating cache directory: %w", err)
	}
	unlock, err := lockFile(ctx, cache+".lock", out, "another process is building the control plane")
	if err != nil {
		return Binaries{}, err
	}
	defer unlock()

	want := ""
	if src != "" {
		if want, err = moduleStamp(filepath.Join(src, ModuleDir)); err != nil {
			return Binaries{}, err
		}
	}
	have, _ := os.ReadFile(filepath.Join(cache, stampFile))
	complete := len(have) > 0
	for _, t := range buildTargets {
		if _, err := os.Stat(bins.Path(t.name)); err != nil {
			complete = false
		}
	}
	if complete && (want == "" || strings.TrimSpace(string(have)) == want) {
		return bins, nil
	}
	if build && srcErr != nil {
		return Binaries{}, fmt.Errorf("the control plane is not built in %s and cannot be: %w", cache, srcErr)
	}
	if !build {
		why := "missing"
		if complete {
			why = "built from a different " + ModuleDir
		}
		return Binaries{}, fmt.Errorf("%w in %s (%s): run hack/build-controlplane.sh first (a cold build takes about 8 minutes on 2 cores)",
			ErrNotBuilt, cache, why)
	}
	if err := build1(ctx, filepath.Join(src, ModuleDir), cache, out); err != nil {
		return Binaries{}, err
	}
	// Hashed again: with -mod=mod the go command may have completed go.sum.
	if want, err = moduleStamp(filepath.Join(src, ModuleDir)); err != nil {
		return Binaries{}, err
	}
	if err := os.WriteFile(filepath.Join(cache, stampFile), []byte(want+"\n"), 0o644); err != nil {
		return Binaries{}, fmt.Errorf("writing build stamp: %w", err)
	}
	return bins, nil
}

// moduleStamp hashes every file of the control-plane module plus the build flags, so any
// change to what would be built invalidates the cache.
func moduleStamp(dir string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "ldflags %s\n", ldflags())
	for _, t := range buildTargets {
		fmt.Fprintf(h, "target %s %s\n", t.name, t.pkg)
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", dir, err)
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "file %s %d\n", rel, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// buildEnv makes the go command build the control-plane module on its own terms,
// whatever the caller's environment says: no workspace, module mode without vendor/,
// static binaries like Kubernetes' releases.
func buildEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "GOWORK", "CGO_ENABLED", "GO111MODULE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "CGO_ENABLED=0", "GO111MODULE=on")
}

func build1(ctx context.Context, modDir, cache string, out io.Writer) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building the control plane needs the Go toolchain on PATH: %w", err)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", cache, err)
	}
	logPath := filepath.Join(cache, "build.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("creating build log: %w", err)
	}
	defer logf.Close()

	var pkgs []string
	for _, t := range buildTargets {
		pkgs = append(pkgs, t.pkg)
	}
	start := time.Now()
	fmt.Fprintf(out, "Building the control plane (Kubernetes %s, etcd %s) into %s\n", KubernetesVersion, EtcdVersion, cache)
	fmt.Fprintf(out, "  a cold build takes about 8 minutes on 2 cores; later runs reuse it. Log: %s\n", logPath)

	// The package count turns `go build -v` lines into a rough percentage. Packages already
	// in the Go build cache are not printed, so a partly warm build ends early; fine.
	total := 0
	list := exec.CommandContext(ctx, goBin, append([]string{"list", "-deps"}, pkgs...)...)
	list.Dir, list.Env = modDir, buildEnv()
	fmt.Fprintf(logf, "$ (cd %s && go list -deps %s)\n", modDir, strings.Join(pkgs, " "))
	list.Stderr = logf
	if b, err := list.Output(); err == nil {
		total = strings.Count(string(b), "\n")
	} else {
		return fmt.Errorf("resolving the control-plane module failed (%v); see %s", err, logPath)
	}

	tmp := filepath.Join(cache, "bin.tmp")
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	args := append([]string{"build", "-v", "-trimpath", "-ldflags", ldflags(), "-o", tmp + "/"}, pkgs...)
	fmt.Fprintf(logf, "$ (cd %s && go %s)\n", modDir, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir, cmd.Env = modDir, buildEnv()
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var compiled atomic.Int64
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if !strings.ContainsAny(line, " \t:") {
				compiled.Add(1)
			}
		}
		io.Copy(io.Discard, pr)
	}()
	if err := cmd.Start(); err != nil {
		pw.Close()
		return fmt.Errorf("starting go build: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err = <-done:
		case <-tick.C:
			n := compiled.Load()
			el := time.Since(start).Round(time.Second)
			if total > 0 {
				fmt.Fprintf(out, "  [%3d%%] %d/%d packages compiled, %s elapsed (then linking 5 binaries)\n", min(99, int(n*100)/total), n, total, el)
			} else {
				fmt.Fprintf(out, "  %d packages compiled, %s elapsed\n", n, el)
			}
			continue
		}
		break
	}
	pw.Close()
	<-scanned
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("control-plane build interrupted: %w", ctx.Err())
		}
		return fmt.Errorf("building the control plane failed (%v); see the build log %s:\n%s", err, logPath, tail(logPath, 15))
	}
	final := filepath.Join(cache, "bin")
	if err := os.RemoveAll(final); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("installing binaries: %w", err)
	}
	fmt.Fprintf(out, "Control plane built in %s\n", time.Since(start).Round(time.Second))
	fmt.Fprintf(logf, "built in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// tail returns the last n lines of a file, indented, for error messages.
func tail(path string, n int) string {
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
