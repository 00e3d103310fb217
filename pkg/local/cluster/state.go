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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Functions here work from the state directory alone, for a control plane started by
// another process (`skiff up` then `skiff status` / `skiff down`).

// LoadState reads run/state.json of a state directory.
func LoadState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, runDir, stateFile))
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", stateFile, err)
	}
	return &st, nil
}

// ComponentStatus describes one component's process.
type ComponentStatus struct {
	Name    string
	PID     int // 0 if there is no pid file
	Running bool
	RSS     int64 // bytes, when running
	Log     string
}

// Status reports each component of the control plane in dir.
func Status(dir string) []ComponentStatus {
	var out []ComponentStatus
	for _, name := range components {
		cs := ComponentStatus{Name: name, Log: LogPath(dir, name)}
		if pf, err := readPidFile(pidPath(dir, name)); err == nil {
			cs.PID = pf.pid
			cs.Running = pf.alive()
			if cs.Running {
				cs.RSS, _ = ProcessRSS(pf.pid)
			}
		}
		out = append(out, cs)
	}
	return out
}

// Running lists "name (pid N)" for each live component of the control plane in dir.
func Running(dir string) []string {
	var out []string
	for _, s := range Status(dir) {
		if s.Running {
			out = append(out, s.Name+" (pid "+strconv.Itoa(s.PID)+")")
		}
	}
	return out
}

// StopDir stops the control plane recorded in dir's pid files: the apiserver, the
// controller-manager and the scheduler first, etcd last; SIGTERM to each process group,
// SIGKILL after grace. It returns the pids it stopped and removes their pid files.
func StopDir(dir string, grace time.Duration, out io.Writer) ([]int, error) {
	if out == nil {
		out = io.Discard
	}
	var stopped []int
	var errs []error
	stopOne := func(name string) {
		path := pidPath(dir, name)
		pf, err := readPidFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err != nil {
			errs = append(errs, err)
			return
		}
		if !pf.alive() {
			os.Remove(path)
			return
		}
		syscall.Kill(-pf.pid, syscall.SIGTERM)
		deadline := time.Now().Add(grace)
		for pf.alive() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if pf.alive() {
			fmt.Fprintf(out, "  %s (pid %d) did not stop within %s; killing it\n", name, pf.pid, grace)
			syscall.Kill(-pf.pid, syscall.SIGKILL)
			for i := 0; pf.alive() && i < 100; i++ {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if pf.alive() {
			errs = append(errs, fmt.Errorf("%s (pid %d) is still running after SIGKILL", name, pf.pid))
			return
		}
		fmt.Fprintf(out, "  stopped %-24s (pid %d)\n", name, pf.pid)
		stopped = append(stopped, pf.pid)
		os.Remove(path)
	}
	for i := len(components) - 1; i >= 0; i-- {
		stopOne(components[i])
	}
	return stopped, errors.Join(errs...)
}
