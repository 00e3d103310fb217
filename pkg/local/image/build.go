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

package image

import (
	"bufio"
	"bytes"
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
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// buildFlags are part of the cache key. They leave compilation as `go build ./...`
// does it (no -trimpath, the environment's cgo setting), so the go command's own build
// cache, warm from building or testing the repository, makes an image build a link.
var buildFlags = []string{"-ldflags=-s -w"}

// buildGo builds the main package target ("." or an import path) of the module holding
// dir, unless a build of the same sources is cached.
func (s *Store) buildGo(ctx context.Context, ref, dir, target string) (*Image, error) {
	modRoot, err := findModuleRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", ref, err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("image %s is built from Go sources, which needs the Go toolchain on PATH: %w", ref, err)
	}
	key, err := s.sourceKey(ctx, goBin, modRoot, dir, target)
	if err != nil {
		return nil, fmt.Errorf("image %s: hashing sources: %w", ref, err)
	}
	name := filepath.Base(dir)
	if target != "." {
		name = filepath.Base(target)
	}
	out := filepath.Join(s.CacheDir, key[:32], name)
	img := &Image{Ref: ref, Binary: out, Entrypoint: "/ko-app/" + name, ID: "sha256:" + key}

	l := s.keyLock(key)
	l.Lock()
	defer l.Unlock()
	if _, err := os.Stat(out); err == nil {
		return img, nil
	}
	// Other processes (test binaries, `skiff image add`) may build the same key.
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	lf, err := os.OpenFile(filepath.Join(filepath.Dir(out), ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	defer lf.Close()
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX); err != nil {
		return nil, err
	}
	if _, err := os.Stat(out); err == nil {
		return img, nil
	}

	s.build.Lock()
	defer s.build.Unlock()
	begin := time.Now()
	logw := s.Log
	if logw == nil {
		logw = io.Discard
	}
	fmt.Fprintf(logw, "building image %s (go build %s)\n", ref, target)
	tmp := out + ".tmp"
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", tmp, target)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	if target != "." {
		cmd.Dir = modRoot
	}
	cmd.Env = buildEnv()
	// Cancelling (a deleted Pod, a stopping node) ends the compiler processes too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var outb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outb, &outb
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("building image %s: go build %s in %s: %v\n%s", ref, target, cmd.Dir, err, strings.TrimSpace(outb.String()))
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "built image %s in %.1fs\n", ref, time.Since(begin).Seconds())
	img.Built = true
	return img, nil
}

// buildEnv lets the go command choose vendor mode from the module itself, whatever the
// caller's GOFLAGS say, and builds for this machine (the binary runs over its root).
func buildEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOFLAGS", "GOWORK", "GOOS", "GOARCH":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOWORK=off", "GOFLAGS=-buildvcs=false")
}

func findModuleRoot(dir string) (string, error) {
	d := dir
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s is not inside a Go module (no go.mod found)", dir)
		}
		d = parent
	}
}

func modulePath(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("no module line in %s", gomod)
}

var (
	goVersionOnce sync.Once
	goVersion     string
	goVersionErr  error
)

// sourceKey hashes everything a build of target depends on: the module's own files
// (not vendor/ itself, which vendor/modules.txt pins), the package directory (which may
// be a testdata directory the module walk skips), the Go version and the flags.
func (s *Store) sourceKey(ctx context.Context, goBin, modRoot, dir, target string) (string, error) {
	goVersionOnce.Do(func() {
		b, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION", "GOOS", "GOARCH").Output()
		goVersion, goVersionErr = strings.Join(strings.Fields(string(b)), " "), err
	})
	if goVersionErr != nil {
		return "", fmt.Errorf("go env: %w", goVersionErr)
	}
	h := sha256.New()
	fmt.Fprintf(h, "go %s\nflags %q\ntarget %s\n", goVersion, buildFlags, target)
	rel, _ := filepath.Rel(modRoot, dir)
	fmt.Fprintf(h, "dir %s\n", filepath.ToSlash(rel))
	files, err := moduleFiles(modRoot)
	if err != nil {
		return "", err
	}
	pkgFiles, err := allFiles(dir)
	if err != nil {
		return "", err
	}
	seen := map[string]bool{}
	for _, f := range append(files, pkgFiles...) {
		if seen[f] {
			continue
		}
		seen[f] = true
		sum, err := s.hashes.sum(f)
		if err != nil {
			return "", err
		}
		r, _ := filepath.Rel(modRoot, f)
		fmt.Fprintf(h, "%s %s\n", filepath.ToSlash(r), sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// maxSourceFile skips large files (stray binaries) when hashing a module.
const maxSourceFile = 4 << 20

// moduleFiles lists the files of a module that can affect a build, sorted.
func moduleFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" {
				return filepath.SkipDir
			}
			if name == "vendor" && filepath.Dir(p) == root {
				out = append(out, filepath.Join(p, "modules.txt"))
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module is not part of this one
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > maxSourceFile {
			return nil
		}
		out = append(out, p)
		return nil
	})
	sort.Strings(out)
	return out, err
}

// allFiles lists the regular files under dir (a package directory), sorted.
func allFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && !strings.HasSuffix(d.Name(), "_test.go") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// fileHashCache remembers file hashes by size and modification time, so re-resolving an
// image re-reads only files that changed.
type fileHashCache struct {
	mu sync.Mutex
	m  map[string]fileHash
}

type fileHash struct {
	size  int64
	mtime time.Time
	sum   string
}

func (c *fileHashCache) sum(path string) (string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "missing", nil
	}
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]fileHash{}
	}
	if fh, ok := c.m[path]; ok && fh.size == st.Size() && fh.mtime.Equal(st.ModTime()) {
		c.mu.Unlock()
		return fh.sum, nil
	}
	c.mu.Unlock()
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	c.mu.Lock()
	c.m[path] = fileHash{size: st.Size(), mtime: st.ModTime(), sum: sum}
	c.mu.Unlock()
	return sum, nil
}
