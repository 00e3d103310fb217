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
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrStart is returned (wrapped) when the container could not be set up or its command
// could not be executed; the message says why (as a container runtime's StartError).
var ErrStart = errors.New("container start failed")

// Process is a running (or finished) container.
type Process struct {
	// Pid is the container's PID 1 as seen from the host.
	Pid int
	// Started is when its command was executed.
	Started time.Time

	cmd      *exec.Cmd
	done     chan struct{}
	exitCode int
	signaled syscall.Signal
	finished time.Time
}

// spawn runs fn on one OS thread that lives as long as the process: a child's
// parent-death signal fires when the thread that forked it exits, and Go may otherwise
// end the thread that happened to start a container.
var spawn = func() func(fn func()) {
	var once sync.Once
	ch := make(chan func())
	return func(fn func()) {
		once.Do(func() {
			go func() {
				runtime.LockOSThread() // never unlocked
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

// Start sets the container up and executes its command, with stdout and stderr
// connected to the given files (nil: /dev/null). It returns once the command runs, or
// with an ErrStart error saying why it could not be started.
func Start(spec Spec, stdout, stderr *os.File) (*Process, error) {
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating container directory: %w", err)
	}
	specR, specW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer specR.Close()
	statusR, statusW, err := os.Pipe()
	if err != nil {
		specW.Close()
		return nil, err
	}
	defer statusR.Close()

	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{InitArg},
		Env:        []string{},
		Stdout:     stdout,
		Stderr:     stderr,
		ExtraFiles: []*os.File{specR, statusW},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC,
			Pdeathsig:  syscall.SIGKILL,
		},
	}
	if stdout == nil {
		cmd.Stdout = io.Discard
	}
	if stderr == nil {
		cmd.Stderr = io.Discard
	}
	spawn(func() { err = cmd.Start() })
	statusW.Close()
	if err != nil {
		specW.Close()
		return nil, fmt.Errorf("%w: starting the container init process: %v", ErrStart, err)
	}
	p := &Process{Pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		p.finished = time.Now()
		p.exitCode = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.signaled = ws.Signal()
				p.exitCode = 128 + int(ws.Signal())
			} else {
				p.exitCode = ee.ExitCode()
			}
		} else if err != nil {
			p.exitCode = 128
		}
		close(p.done)
	}()

	werr := json.NewEncoder(specW).Encode(spec)
	specW.Close()
	// The status pipe closes on a successful exec; anything written to it is why setup
	// or exec failed.
	msg, _ := io.ReadAll(statusR)
	p.Started = time.Now()
	if len(msg) > 0 || werr != nil {
		p.Kill()
		<-p.done
		if len(msg) == 0 {
			msg = []byte(werr.Error())
		}
		return nil, fmt.Errorf("%w: %s", ErrStart, strings.TrimSpace(string(msg)))
	}
	return p, nil
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitCode is the exit status (128+signal if killed by a signal); valid after Done.
func (p *Process) ExitCode() int { return p.exitCode }

// Signaled is the signal that killed the process (0 if it exited); valid after Done.
func (p *Process) Signaled() syscall.Signal { return p.signaled }

// Finished is when the process exited; valid after Done.
func (p *Process) Finished() time.Time { return p.finished }

// Signal sends sig to the container's PID 1. As in any container, PID 1 only receives
// signals it handles (SIGKILL always works).
func (p *Process) Signal(sig syscall.Signal) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	return p.cmd.Process.Signal(sig)
}

// Kill sends SIGKILL; the kernel then ends every process of the container's PID
// namespace.
func (p *Process) Kill() { p.Signal(syscall.SIGKILL) }

// Stop sends SIGTERM, waits up to grace, then SIGKILL, and waits for the exit.
func (p *Process) Stop(grace time.Duration) {
	p.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return
	case <-t.C:
	}
	p.Kill()
	<-p.done
}

// Cleanup removes the container's private directory (its copy-on-write layer). The
// overlay was mounted only in the container's own mount namespace, which ended with it.
func Cleanup(spec Spec) error {
	if spec.Dir == "" {
		return nil
	}
	return os.RemoveAll(spec.Dir)
}
