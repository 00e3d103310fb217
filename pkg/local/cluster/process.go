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
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one control-plane component run as a child process in its own process
// group, with stdout and stderr appended to a log file.
type process struct {
	name    string
	bin     string
	args    []string
	logPath string
	pidPath string // written when detached, so `skiff down` can find it later

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited (and been reaped)
	err  error         // exit status, valid after done
}

// spawn runs fn on one OS thread that never exits. Children are started with
// Pdeathsig, which the kernel delivers when the *thread* that forked them exits; Go may
// retire idle threads, so all forks happen on this pinned one and the signal only comes
// when the whole test process dies (crash, panic, -timeout, kill -9).
var spawn = func() func(fn func()) {
	var once sync.Once
	ch := make(chan func())
	return func(fn func()) {
		once.Do(func() {
			go func() {
				runtime.LockOSThread() // never unlocked: this goroutine and its thread live forever
				for f := range ch {
					f()
				}
			}()
		})
		done := make(chan struct{})
		ch <- func() { fn(); close(done) }
		<-done
	}
}()

func (p *process) start(detach bool) error {
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening log for %s: %w", p.name, err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n==== %s starting %s at %s\n==== %s %s\n", p.name, KubernetesVersion, time.Now().Format(time.RFC3339),
		p.bin, strings.Join(p.args, " "))

	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if detach {
		// A session of its own: survives this CLI, and Ctrl-C in the terminal is not sent to it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	}
	spawn(func() { err = cmd.Start() })
	if err != nil {
		return fmt.Errorf("starting %s (%s): %w", p.name, p.bin, err)
	}
	p.cmd = cmd
	p.done = make(chan struct{})
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	if p.pidPath != "" {
		if err := writePidFile(p.pidPath, cmd.Process.Pid, p.bin); err != nil {
			return err
		}
	}
	return nil
}

func (p *process) pid() int {
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *process) exited() bool {
	if p.done == nil {
		return true
	}
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	pid := p.pid()
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-p.done
	}
	// Anything the component left in its group (none of ours fork, but be sure).
	syscall.Kill(-pid, syscall.SIGKILL)
	if p.pidPath != "" {
		os.Remove(p.pidPath)
	}
}

// logTail is the end of the process's log, for error messages.
func (p *process) logTail() string {
	return fmt.Sprintf("last lines of %s:\n%s", p.logPath, tail(p.logPath, 20))
}

// pid files: "<pid> <start time in clock ticks>\n<binary>\n". The start time guards
// against killing an unrelated process that reused the pid after a reboot or crash.

func writePidFile(path string, pid int, bin string) error {
	st, err := procStartTime(pid)
	if err != nil {
		return fmt.Errorf("reading start time of %d: %w", pid, err)
	}
	return os.WriteFile(path, []byte(fmt.Sprintf("%d %d\n%s\n", pid, st, bin)), 0o644)
}

type pidFile struct {
	path      string
	pid       int
	startTime uint64
	bin       string
}

func readPidFile(path string) (*pidFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	f := strings.Fields(lines[0])
	if len(f) != 2 || len(lines) != 2 {
		return nil, fmt.Errorf("malformed pid file %s", path)
	}
	pid, err1 := strconv.Atoi(f[0])
	st, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return nil, fmt.Errorf("malformed pid file %s", path)
	}
	return &pidFile{path: path, pid: pid, startTime: st, bin: lines[1]}, nil
}

// alive reports whether the recorded process still runs (zombies count as gone: they
// only wait for their parent to reap them).
func (f *pidFile) alive() bool {
	st, err := procStartTime(f.pid)
	if err != nil || st != f.startTime {
		return false
	}
	state, err := procState(f.pid)
	return err == nil && state != 'Z' && state != 'X'
}

// procStat returns the fields of /proc/<pid>/stat after the command name.
func procStat(pid int) ([]string, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, errors.New("malformed stat")
	}
	return strings.Fields(string(b[i+1:])), nil
}

func procState(pid int) (byte, error) {
	f, err := procStat(pid)
	if err != nil || len(f) < 1 {
		return 0, errors.Join(err, errors.New("no state"))
	}
	return f[0][0], nil
}

func procStartTime(pid int) (uint64, error) {
	f, err := procStat(pid)
	if err != nil {
		return 0, err
	}
	if len(f) < 20 {
		return 0, errors.New("malformed stat")
	}
	return strconv.ParseUint(f[19], 10, 64) // field 22 overall
}

// ProcessRSS returns the resident set size of pid in bytes.
func ProcessRSS(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, errors.New("no VmRSS")
}
