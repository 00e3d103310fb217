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

package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// File descriptors the parent hands the init process.
const (
	specFD   = 3 // the JSON Spec, read to EOF
	statusFD = 4 // an error message if setup fails; closed by a successful exec
)

func init() {
	if len(os.Args) > 0 && os.Args[0] == InitArg {
		// Everything below runs on the main thread, locked: the network namespace is
		// joined by this thread only, and the exec from it carries it over.
		runtime.LockOSThread()
		containerInit()
	}
}

// containerInit never returns: it execs the container's command or exits.
func containerInit() {
	status := os.NewFile(statusFD, "status")
	unix.CloseOnExec(statusFD)
	fail := func(format string, args ...any) {
		fmt.Fprintf(status, format, args...)
		os.Exit(127)
	}
	var spec Spec
	if err := json.NewDecoder(os.NewFile(specFD, "spec")).Decode(&spec); err != nil {
		fail("reading the container spec: %v", err)
	}
	unix.Close(specFD)
	if err := setup(&spec); err != nil {
		fail("%v", err)
	}
	path, err := lookPath(spec.Args[0], spec.Env)
	if err != nil {
		fail("%v", err)
	}
	closeExtraFDs()
	err = unix.Exec(path, spec.Args, spec.Env)
	fail("exec %q: %v", spec.Args[0], err)
}

func setup(spec *Spec) error {
	if len(spec.Args) == 0 {
		return errors.New("no command given")
	}
	if spec.NetNS != "" {
		fd, err := unix.Open(spec.NetNS, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("opening network namespace: %w", err)
		}
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("joining network namespace: %w", err)
		}
		unix.Close(fd)
	}
	if err := setupRoot(spec); err != nil {
		return err
	}
	if spec.Hostname != "" {
		if err := unix.Sethostname([]byte(spec.Hostname)); err != nil {
			return fmt.Errorf("setting hostname: %w", err)
		}
	}
	if spec.WorkingDir != "" {
		// As container runtimes do, a missing working directory is created (in the
		// container's own layer).
		os.MkdirAll(spec.WorkingDir, 0o755)
	}
	if err := setCredentials(spec); err != nil {
		return err
	}
	// Changing credentials cleared the parent-death signal: set it again, so the
	// container dies with the agent that started it.
	unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
	wd := spec.WorkingDir
	if wd == "" {
		wd = "/"
	}
	if err := os.Chdir(wd); err != nil {
		return fmt.Errorf("changing to working directory %q: %w", wd, err)
	}
	return nil
}

const oldRoot = "/.skiff-oldroot"

func setupRoot(spec *Spec) error {
	// Nothing done here may propagate back to the host.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	upper, work, root := filepath.Join(spec.Dir, "upper"), filepath.Join(spec.Dir, "work"), filepath.Join(spec.Dir, "rootfs")
	for _, d := range []string{upper, work, root} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// The host's root filesystem (without the file systems mounted on it) is the lower,
	// read-only layer; all writes land in the container's upper directory.
	opts := "lowerdir=/,upperdir=" + escapeOpt(upper) + ",workdir=" + escapeOpt(work)
	if err := unix.Mount("overlay", root, "overlay", 0, opts); err != nil {
		// The directory's file system cannot hold an upper layer (it is itself an
		// overlay, as in a container): keep the layer in memory instead, in a tmpfs of
		// this mount namespace that ends with the container.
		mem := filepath.Join(spec.Dir, "mem")
		if merr := os.MkdirAll(mem, 0o755); merr != nil {
			return merr
		}
		if merr := unix.Mount("tmpfs", mem, "tmpfs", 0, "mode=755"); merr != nil {
			return fmt.Errorf("mounting the root filesystem (overlay %s): %w", opts, err)
		}
		upper, work = filepath.Join(mem, "upper"), filepath.Join(mem, "work")
		os.MkdirAll(upper, 0o755)
		os.MkdirAll(work, 0o755)
		opts2 := "lowerdir=/,upperdir=" + escapeOpt(upper) + ",workdir=" + escapeOpt(work)
		if err2 := unix.Mount("overlay", root, "overlay", 0, opts2); err2 != nil {
			return fmt.Errorf("mounting the root filesystem (overlay %s: %v; in memory: %w)", opts, err, err2)
		}
	}
	if err := os.MkdirAll(root+oldRoot, 0o700); err != nil {
		return err
	}
	if err := unix.PivotRoot(root, root+oldRoot); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	// From here on paths resolve inside the container, so symbolic links in mount
	// targets (such as /var/run -> /run) stay inside it too; host paths are reached
	// through the old root until it is detached.
	if err := mountSystem(); err != nil {
		return err
	}
	mounts := append([]Mount(nil), spec.Mounts...)
	sort.SliceStable(mounts, func(i, j int) bool { return depth(mounts[i].Target) < depth(mounts[j].Target) })
	for _, m := range mounts {
		if err := bind(oldRoot+m.Source, m.Target, m.ReadOnly); err != nil {
			return err
		}
	}
	if err := unix.Unmount(oldRoot, unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host root: %w", err)
	}
	os.Remove(oldRoot)
	if spec.ReadOnlyRoot {
		for _, p := range []string{"/", "/tmp"} {
			if err := remountRO(p); err != nil && p == "/" {
				return err
			}
		}
	}
	return nil
}

// escapeOpt escapes the separators of overlayfs mount options in a path.
func escapeOpt(p string) string {
	return strings.NewReplacer(`\`, `\\`, `,`, `\,`, `:`, `\:`).Replace(p)
}

func depth(p string) int { return strings.Count(filepath.Clean(p), "/") }

func remountRO(p string) error {
	if err := unix.Mount("", p, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("making %s read-only: %w", p, err)
	}
	return nil
}

// bind mounts the host path src (already prefixed with the old root) at target.
func bind(src, target string, ro bool) error {
	st, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("mount source for %s: %w", target, err)
	}
	if st.IsDir() {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return fmt.Errorf("creating mount point %s: %w", target, err)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("creating mount point %s: %w", target, err)
		}
		if _, err := os.Lstat(target); err != nil {
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return fmt.Errorf("creating mount point %s: %w", target, err)
			}
			f.Close()
		}
	}
	if err := unix.Mount(src, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("mounting %s at %s: %w", strings.TrimPrefix(src, oldRoot), target, err)
	}
	if ro {
		return remountRO(target)
	}
	return nil
}

// mountSystem mounts /proc (of the new PID namespace), /sys read-only, a minimal /dev
// and an empty /run.
func mountSystem() error {
	type mnt struct {
		src, target, fstype string
		flags               uintptr
		data                string
		optional            bool
	}
	const common = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	for _, m := range []mnt{
		{"proc", "/proc", "proc", common, "", false},
		{"sysfs", "/sys", "sysfs", common | unix.MS_RDONLY, "", true},
		{"tmpfs", "/dev", "tmpfs", unix.MS_NOSUID | unix.MS_STRICTATIME, "mode=755,size=65536k", false},
		{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", true},
		{"shm", "/dev/shm", "tmpfs", common, "mode=1777,size=65536k", false},
		{"mqueue", "/dev/mqueue", "mqueue", common, "", true},
		{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=755,size=65536k", false},
	} {
		if err := os.MkdirAll(m.target, 0o755); err != nil && !m.optional {
			return fmt.Errorf("creating %s: %w", m.target, err)
		}
		if err := unix.Mount(m.src, m.target, m.fstype, m.flags, m.data); err != nil && !m.optional {
			return fmt.Errorf("mounting %s at %s: %w", m.fstype, m.target, err)
		}
	}
	for _, d := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		if err := bind(oldRoot+"/dev/"+d, "/dev/"+d, false); err != nil {
			return err
		}
	}
	for link, to := range map[string]string{
		"/dev/ptmx": "pts/ptmx", "/dev/fd": "/proc/self/fd", "/dev/stdin": "/proc/self/fd/0",
		"/dev/stdout": "/proc/self/fd/1", "/dev/stderr": "/proc/self/fd/2", "/dev/core": "/proc/kcore",
	} {
		if err := os.Symlink(to, link); err != nil {
			return fmt.Errorf("creating %s: %w", link, err)
		}
	}
	return nil
}

func setCredentials(spec *Spec) error {
	if spec.NoNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("setting no_new_privs: %w", err)
		}
	}
	if spec.UID == 0 {
		caps := spec.Capabilities
		if caps == nil {
			caps = DefaultCapabilities
		}
		keep := map[int]bool{}
		for _, c := range caps {
			if n, ok := capNames[c]; ok {
				keep[n] = true
			}
		}
		for c := 0; c <= unix.CAP_LAST_CAP; c++ {
			if keep[c] {
				continue
			}
			// EINVAL: the running kernel does not know this capability.
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && !errors.Is(err, unix.EINVAL) {
				return fmt.Errorf("dropping capability %d: %w", c, err)
			}
		}
	}
	groups := make([]int, 0, len(spec.Groups))
	for _, g := range spec.Groups {
		groups = append(groups, int(g))
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setresgid(int(spec.GID), int(spec.GID), int(spec.GID)); err != nil {
		return fmt.Errorf("setgid %d: %w", spec.GID, err)
	}
	if err := syscall.Setresuid(int(spec.UID), int(spec.UID), int(spec.UID)); err != nil {
		return fmt.Errorf("setuid %d: %w", spec.UID, err)
	}
	return nil
}

// lookPath finds a command the way execvp does, with the container's PATH.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		if err := executable(name); err != nil {
			return "", fmt.Errorf("exec %q: %w", name, err)
		}
		return name, nil
	}
	path := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

func executable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory")
	}
	return unix.Access(p, unix.X_OK)
}

// closeExtraFDs marks every descriptor above stderr close-on-exec, so the container
// inherits only stdin, stdout and stderr.
func closeExtraFDs() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
}
