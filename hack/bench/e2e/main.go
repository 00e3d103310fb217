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

// Command e2e measures `skiff up` with the real CLI: the time to a Ready platform from a
// fresh state directory, the time to resume after `skiff down`, and the platform's
// memory once idle — control plane, node agent and every component Pod — as RSS and
// PSS (RSS counts pages shared between processes once per process; PSS divides them).
// The cold-start and ksvc-create benchmarks live in test/e2e (go test -bench).
//
//	sudo go run ./hack/bench/e2e            # needs root and the control-plane cache
//
// It runs its own `skiff up` (random ports, a free gateway port, a temporary
// $SKIFF_HOME) and stops it at the end. Do not run it beside another `skiff up`: both
// would use the service range 10.96.0.0/17 on the shared bridge.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	settle := flag.Duration("settle", 20*time.Second, "idle time after skiff up before memory is measured")
	keep := flag.Bool("keep", false, "leave the platform running (and its state directory)")
	flag.Parse()
	if err := run(*settle, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench/e2e:", err)
		os.Exit(1)
	}
}

func run(settle time.Duration, keep bool) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (skiff up runs the node agent): sudo go run ./hack/bench/e2e")
	}
	tmp, err := os.MkdirTemp("", "skiff-bench-e2e-")
	if err != nil {
		return err
	}
	skiff := filepath.Join(tmp, "skiff")
	fmt.Println("building skiff")
	if out, err := exec.Command("go", "build", "-o", skiff, "./cmd/skiff").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/skiff: %v\n%s", err, out)
	}
	home := filepath.Join(tmp, "home")
	port, err := freePort()
	if err != nil {
		return err
	}
	env := append(os.Environ(), "SKIFF_HOME="+home)
	cli := func(args ...string) (string, time.Duration, error) {
		cmd := exec.Command(skiff, args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, prefixed{os.Stdout}), io.MultiWriter(&out, prefixed{os.Stdout})
		begin := time.Now()
		err := cmd.Run()
		return out.String(), time.Since(begin), err
	}
	stopped := false
	defer func() {
		if !stopped && !keep {
			cli("down")
		}
		if !keep {
			os.RemoveAll(tmp)
		}
	}()

	upArgs := []string{"up", "--random-ports", "--gateway-port", strconv.Itoa(port)}
	out, fresh, err := cli(upArgs...)
	if err != nil {
		return fmt.Errorf("skiff up: %v", err)
	}
	images := regexp.MustCompile(`\d+ images ready \(\d+ built, \d+ cached\)`).FindString(out)
	fmt.Printf("waiting %s for the platform to idle\n", settle)
	time.Sleep(settle)
	mem, err := measure(home)
	if err != nil {
		return err
	}

	_, down, err := cli("down")
	if err != nil {
		return fmt.Errorf("skiff down: %v", err)
	}
	_, resume, err := cli(upArgs...)
	if err != nil {
		return fmt.Errorf("skiff up (resume): %v", err)
	}
	if !keep {
		if _, _, err := cli("down"); err != nil {
			return fmt.Errorf("skiff down: %v", err)
		}
		stopped = true
	}

	fmt.Println()
	fmt.Println("== skiff up (DESIGN.md §4; control-plane build cached)")
	fmt.Printf("  fresh state directory:   %6.1f s  (%s)\n", fresh.Seconds(), images)
	fmt.Printf("  resume after skiff down: %6.1f s  (etcd data kept, images cached)\n", resume.Seconds())
	fmt.Printf("  skiff down:              %6.1f s\n", down.Seconds())
	fmt.Printf("== memory after %s idle (RSS counts shared pages per process; PSS shares them out)\n", settle)
	fmt.Printf("  %-48s %9s %9s\n", "", "RSS", "PSS")
	var rss, pss int64
	for _, g := range mem {
		fmt.Printf("  %-48s %6d MiB %6d MiB\n", g.name, g.rss>>20, g.pss>>20)
		rss += g.rss
		pss += g.pss
	}
	fmt.Printf("  %-48s %6d MiB %6d MiB\n", "total", rss>>20, pss>>20)
	fmt.Println("  (DESIGN.md §1: the control plane alone idles near 0.5 GB RSS)")
	return nil
}

type group struct {
	name     string
	rss, pss int64
}

// measure sums the memory of the control plane, the node agent and the processes of
// the node's Pods (the agent's descendants), per component.
func measure(home string) ([]group, error) {
	var cp []int
	for _, f := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
		if pid, err := pidFile(filepath.Join(home, "run", f+".pid")); err == nil {
			cp = append(cp, pid)
		}
	}
	node, err := pidFile(filepath.Join(home, "run", "skiff-node.pid"))
	if err != nil {
		return nil, fmt.Errorf("node agent pid: %w", err)
	}
	out := []group{sum("control plane (etcd, apiserver, kcm, scheduler)", cp), sum("node agent", []int{node})}
	byName := map[string][]int{}
	for _, pid := range descendants(node) {
		name, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		n := strings.TrimSpace(string(name))
		byName[n] = append(byName[n], pid)
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	var all []int
	var parts []string
	for _, n := range names {
		all = append(all, byName[n]...)
		g := sum(n, byName[n])
		parts = append(parts, fmt.Sprintf("%s %d", n, g.rss>>20))
	}
	out = append(out, sum(fmt.Sprintf("component Pods (%d processes)", len(all)), all))
	fmt.Printf("component processes (RSS MiB): %s\n", strings.Join(parts, ", "))
	return out, nil
}

func sum(name string, pids []int) group {
	g := group{name: name}
	for _, pid := range pids {
		g.rss += procKB(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:") << 10
		g.pss += procKB(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:") << 10
	}
	return g
}

func procKB(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func pidFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, fmt.Errorf("%s is empty", path)
	}
	return strconv.Atoi(f[0])
}

// descendants lists every process below pid.
func descendants(pid int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// prefixed indents the CLI's output.
type prefixed struct{ w io.Writer }

func (p prefixed) Write(b []byte) (int, error) {
	s := strings.ReplaceAll(strings.TrimRight(string(b), "\n"), "\n", "\n  | ")
	fmt.Fprintf(p.w, "  | %s\n", s)
	return len(b), nil
}
