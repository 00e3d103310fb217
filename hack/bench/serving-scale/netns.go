/*
Copyright 2026 The Skiff Authors

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

// cmd/controller binds :8080 (health probes), :8008 and :9090 on every
// interface, as in its Pod. On a shared machine other local clusters serve
// ClusterIPs on those ports, so the controller runs in a network namespace
// of its own — as in a Pod — holding only loopback. This program re-runs
// itself there (netnsChild) to relay two pathname Unix sockets, which cross
// network namespaces:
//
//	controller → 127.0.0.1:6443 (netns) → api.sock → apiserver (host)
//	bench → metrics.sock → 127.0.0.1:9090 (netns) → controller's metrics
//
// and starts the controller as its own child. The relays cost some CPU in
// both processes; the report shows it.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	netnsChildArg = "__netns-child"
	// netnsAPIPort is where the apiserver appears inside the namespace.
	netnsAPIPort = 6443
	// netnsMetricsPort is cmd/controller's default Prometheus port.
	netnsMetricsPort = 9090
)

// relay accepts on l and copies each connection both ways to a new
// connection from dial, until l is closed.
func relay(l net.Listener, dial func() (net.Conn, error)) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			out, err := dial()
			if err != nil {
				log.Printf("relay %s: %v", l.Addr(), err)
				return
			}
			defer out.Close()
			done := make(chan struct{}, 2)
			go func() { io.Copy(out, in); closeWrite(out); done <- struct{}{} }()
			go func() { io.Copy(in, out); closeWrite(in); done <- struct{}{} }()
			<-done
			<-done
		}()
	}
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
}

// netnsChild runs inside the new network namespace: loopback up, the two
// relays, then the controller (args: api.sock metrics.sock pidfile bin).
func netnsChild(args []string) int {
	fs := flag.NewFlagSet(netnsChildArg, flag.ExitOnError)
	fs.Parse(args)
	if fs.NArg() != 4 {
		log.Printf("%s: want api.sock metrics.sock pidfile binary", netnsChildArg)
		return 2
	}
	apiSock, metricsSock, pidFile, bin := fs.Arg(0), fs.Arg(1), fs.Arg(2), fs.Arg(3)
	if err := loopbackUp(); err != nil {
		log.Printf("bringing lo up: %v", err)
		return 1
	}
	apiL, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(netnsAPIPort)))
	if err != nil {
		log.Print(err)
		return 1
	}
	go relay(apiL, func() (net.Conn, error) { return net.Dial("unix", apiSock) })
	os.Remove(metricsSock)
	metricsL, err := net.Listen("unix", metricsSock)
	if err != nil {
		log.Print(err)
		return 1
	}
	go relay(metricsL, func() (net.Conn, error) {
		return net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(netnsMetricsPort)))
	})

	// Forks from this locked thread, which lives as long as the
	// controller: its Pdeathsig fires only when this process dies.
	runtime.LockOSThread()
	cmd := exec.Command(bin)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Print(err)
		return 1
	}
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		log.Print(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() { cmd.Process.Signal(<-sig) }()
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

// loopbackUp sets IFF_UP on lo: a new network namespace starts with it
// down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS: %w", err)
	}
	return nil
}

// hostPort is the host:port of an https:// URL.
func hostPort(url string) string {
	return strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/")
}
