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
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// run starts a shell script as a container and returns its output and exit code.
func run(t *testing.T, spec Spec, script string) (string, int) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	spec.Args = []string{"/bin/sh", "-c", script}
	if spec.Dir == "" {
		spec.Dir = filepath.Join(t.TempDir(), "ctr")
	}
	p, err := Start(spec, w, w)
	w.Close()
	if err != nil {
		r.Close()
		t.Fatalf("Start: %v", err)
	}
	out, _ := io.ReadAll(r)
	r.Close()
	select {
	case <-p.Done():
	case <-time.After(20 * time.Second):
		p.Kill()
		t.Fatal("container did not exit")
	}
	Cleanup(spec)
	return strings.TrimSpace(string(out)), p.ExitCode()
}

func TestContainer(t *testing.T) {
	vol := t.TempDir()
	os.WriteFile(filepath.Join(vol, "greeting"), []byte("hi from a volume"), 0o644)
	hostFile := "/etc/skiff-container-test"
	os.Remove(hostFile)

	tests := []struct {
		name     string
		spec     Spec
		script   string
		want     string
		wantCode int
	}{{
		name:   "hostname and pid 1",
		spec:   Spec{Hostname: "my-pod"},
		script: `echo "$(hostname) $$"`,
		want:   "my-pod 1",
	}, {
		name:   "environment and working directory",
		spec:   Spec{Env: []string{"GREETING=hello", "PATH=/usr/bin:/bin"}, WorkingDir: "/etc"},
		script: `echo "$GREETING $(pwd)"`,
		want:   "hello /etc",
	}, {
		name:   "missing working directory is created",
		spec:   Spec{WorkingDir: "/srv/skiff-app"},
		script: `pwd`,
		want:   "/srv/skiff-app",
	}, {
		name:   "volume mounted at its path, read-only when asked",
		spec:   Spec{Mounts: []Mount{{Source: vol, Target: "/var/run/data", ReadOnly: true}}},
		script: `cat /var/run/data/greeting; echo; touch /var/run/data/x 2>/dev/null && echo writable || echo read-only`,
		want:   "hi from a volume\nread-only",
	}, {
		name:   "writes to the root stay in the container",
		spec:   Spec{},
		script: `echo changed > ` + hostFile + ` && cat ` + hostFile,
		want:   "changed",
	}, {
		name:   "read-only root filesystem",
		spec:   Spec{ReadOnlyRoot: true},
		script: `touch /etc/x 2>/dev/null && echo writable || echo read-only; touch /tmp/x 2>/dev/null && echo tmp-writable || echo tmp-read-only`,
		want:   "read-only\ntmp-read-only",
	}, {
		name:   "user and group",
		spec:   Spec{UID: 65532, GID: 65533, Groups: []uint32{65534}},
		script: `id -u; id -g; id -G`,
		want:   "65532\n65533\n65533 65534",
	}, {
		name:   "own pid namespace: only the container's processes",
		spec:   Spec{},
		script: `set -- /proc/[0-9]*; echo $#`,
		want:   "1",
	}, {
		name:   "dev basics",
		spec:   Spec{},
		script: `echo x > /dev/null && head -c 4 /dev/zero | wc -c && test -c /dev/urandom && echo ok`,
		want:   "4\nok",
	}, {
		name:     "exit code",
		spec:     Spec{},
		script:   `exit 3`,
		wantCode: 3,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, code := run(t, tc.spec, tc.script)
			if got != tc.want || code != tc.wantCode {
				t.Errorf("output %q, exit %d; want %q, exit %d", got, code, tc.want, tc.wantCode)
			}
		})
	}
	if _, err := os.Stat(hostFile); err == nil {
		os.Remove(hostFile)
		t.Errorf("a container's write reached the host's %s", hostFile)
	}
}

func TestStartError(t *testing.T) {
	_, err := Start(Spec{Dir: filepath.Join(t.TempDir(), "c"), Args: []string{"no-such-command"}}, nil, nil)
	if !errors.Is(err, ErrStart) || !strings.Contains(err.Error(), "executable file not found") {
		t.Errorf("Start = %v, want ErrStart saying the executable is not found", err)
	}
	_, err = Start(Spec{Dir: filepath.Join(t.TempDir(), "c"), Args: []string{"/bin/true"}, WorkingDir: "/etc/hostname"}, nil, nil)
	if !errors.Is(err, ErrStart) || !strings.Contains(err.Error(), "working directory") {
		t.Errorf("Start = %v, want ErrStart about the working directory (a file)", err)
	}
}

func TestStop(t *testing.T) {
	// A shell as PID 1 ignores SIGTERM without a trap: Stop falls back to SIGKILL.
	p, err := Start(Spec{Dir: filepath.Join(t.TempDir(), "c"), Args: []string{"/bin/sh", "-c", "sleep 60 & wait"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	p.Stop(300 * time.Millisecond)
	if p.Signaled() != syscall.SIGKILL || time.Since(begin) < 300*time.Millisecond {
		t.Errorf("untrapped SIGTERM: signal %v after %s; want SIGKILL after the grace period", p.Signaled(), time.Since(begin))
	}
	// With a trap it exits on SIGTERM.
	p, err = Start(Spec{Dir: filepath.Join(t.TempDir(), "c"), Args: []string{"/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.05; done"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the shell install its trap
	begin = time.Now()
	p.Stop(10 * time.Second)
	if p.ExitCode() != 0 || time.Since(begin) > 5*time.Second {
		t.Errorf("trapped SIGTERM: exit %d after %s; want 0 promptly", p.ExitCode(), time.Since(begin))
	}
}
