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

// Package hostnet sets up the host side of Skiff's local network (DESIGN §4 "Host
// networking"): a bridge (skiff0) holding the host end of the pod CIDR, and a blackhole
// route for the service CIDR so no cluster address is ever routed off the machine.
//
// Setup is idempotent and serialised with a machine-wide file lock, because several
// control planes (one per test binary, plus `skiff up`) share the same bridge.
package hostnet

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/netlink"
)

const (
	// DefaultBridge is the bridge every local Pod network namespace is attached to.
	DefaultBridge = "skiff0"
	// DefaultHostCIDR is the bridge's host address and the pod CIDR it serves.
	DefaultHostCIDR = "10.244.0.1/24"
	// DefaultServiceCIDR is the service-cluster-ip-range; it is blackholed on the host.
	DefaultServiceCIDR = "10.96.0.0/16"
)

// ErrNotRoot is returned (wrapped) when the network has to be changed without the
// privileges to do so.
var ErrNotRoot = errors.New("root (CAP_NET_ADMIN) is needed")

// Config names the bridge and address ranges.
type Config struct {
	// Bridge is the bridge device name (at most 15 bytes).
	Bridge string
	// HostCIDR is the host address on the bridge with the pod CIDR's prefix length.
	HostCIDR string
	// ServiceCIDR is routed to a blackhole.
	ServiceCIDR string
	// LockFile serialises setup between processes; empty means the default.
	LockFile string
}

// DefaultConfig is skiff0 with 10.244.0.1/24 and a blackhole for 10.96.0.0/16.
func DefaultConfig() Config {
	return Config{Bridge: DefaultBridge, HostCIDR: DefaultHostCIDR, ServiceCIDR: DefaultServiceCIDR}
}

// Network is the host network as set up by Ensure.
type Network struct {
	// Bridge is the bridge device name.
	Bridge string
	// HostIP is the host's address on the bridge; host components that Pods or the
	// apiserver must reach listen here.
	HostIP net.IP
	// PodCIDR is the bridge's subnet.
	PodCIDR *net.IPNet
	// ServiceCIDR is the blackholed service range.
	ServiceCIDR *net.IPNet
}

// Parse validates the configuration without touching the host.
func (c Config) Parse() (*Network, error) {
	if c.Bridge == "" || len(c.Bridge) > unix.IFNAMSIZ-1 {
		return nil, fmt.Errorf("bridge name %q must be 1 to %d bytes", c.Bridge, unix.IFNAMSIZ-1)
	}
	hostIP, podNet, err := net.ParseCIDR(c.HostCIDR)
	if err != nil || hostIP.To4() == nil {
		return nil, fmt.Errorf("host CIDR %q is not an IPv4 CIDR such as %s", c.HostCIDR, DefaultHostCIDR)
	}
	if hostIP.Equal(podNet.IP) {
		return nil, fmt.Errorf("host CIDR %q must name a host address, not the network", c.HostCIDR)
	}
	svcIP, svcNet, err := net.ParseCIDR(c.ServiceCIDR)
	if err != nil || svcIP.To4() == nil {
		return nil, fmt.Errorf("service CIDR %q is not an IPv4 CIDR such as %s", c.ServiceCIDR, DefaultServiceCIDR)
	}
	if !svcIP.Equal(svcNet.IP) {
		return nil, fmt.Errorf("service CIDR %q has host bits set (network is %s)", c.ServiceCIDR, svcNet)
	}
	if podNet.Contains(svcNet.IP) || svcNet.Contains(podNet.IP) {
		return nil, fmt.Errorf("pod CIDR %s and service CIDR %s overlap", podNet, svcNet)
	}
	return &Network{Bridge: c.Bridge, HostIP: hostIP.To4(), PodCIDR: podNet, ServiceCIDR: svcNet}, nil
}

// Ensure makes sure the bridge exists, is up, holds the host address, and that the service
// CIDR is blackholed. When everything is already in place it changes nothing, so it needs
// no privileges; otherwise it needs root and says so.
func Ensure(cfg Config) (*Network, error) {
	nw, err := cfg.Parse()
	if err != nil {
		return nil, err
	}
	unlock, err := lock(cfg.lockFile())
	if err != nil {
		return nil, err
	}
	defer unlock()

	if err := ensure(nw); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			return nil, fmt.Errorf("setting up bridge %s (%s) and blackhole route %s: %w; run as root (e.g. sudo), or "+
				"have root create it once: the bridge persists until reboot: %v", nw.Bridge, cfg.HostCIDR, nw.ServiceCIDR, ErrNotRoot, err)
		}
		return nil, err
	}
	return nw, nil
}

func ensure(nw *Network) error {
	var conn *netlink.Conn
	dial := func() (*netlink.Conn, error) {
		if conn != nil {
			return conn, nil
		}
		c, err := netlink.Dial()
		conn = c
		return c, err
	}
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()

	ifc, err := net.InterfaceByName(nw.Bridge)
	if err != nil {
		c, derr := dial()
		if derr != nil {
			return derr
		}
		if err := c.AddBridge(nw.Bridge); err != nil && !errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("creating bridge %s: %w", nw.Bridge, err)
		}
		if ifc, err = net.InterfaceByName(nw.Bridge); err != nil {
			return fmt.Errorf("looking up bridge %s after creating it: %w", nw.Bridge, err)
		}
	} else if !isBridge(nw.Bridge) {
		return fmt.Errorf("interface %s exists but is not a bridge; remove it or choose another name", nw.Bridge)
	}

	has, err := hasAddr(ifc, nw.HostIP, nw.PodCIDR)
	if err != nil {
		return err
	}
	if !has {
		c, err := dial()
		if err != nil {
			return err
		}
		ones, _ := nw.PodCIDR.Mask.Size()
		if err := c.AddAddr(ifc.Index, nw.HostIP, ones, 0); err != nil && !errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("adding %s/%d to %s: %w", nw.HostIP, ones, nw.Bridge, err)
		}
	}

	if ifc.Flags&net.FlagUp == 0 {
		c, err := dial()
		if err != nil {
			return err
		}
		if err := c.SetUp(ifc.Index); err != nil {
			return fmt.Errorf("setting %s up: %w", nw.Bridge, err)
		}
	}

	rt, err := netlink.FindRoute(nw.ServiceCIDR)
	if err != nil {
		return err
	}
	switch {
	case rt == nil:
		c, err := dial()
		if err != nil {
			return err
		}
		if err := c.AddBlackhole(nw.ServiceCIDR); err != nil && !errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("adding blackhole route for %s: %w", nw.ServiceCIDR, err)
		}
	case rt.Type != unix.RTN_BLACKHOLE:
		return fmt.Errorf("a route for the service CIDR %s already exists and is not a blackhole (type %d); "+
			"remove it (ip route del %s) or choose another service CIDR", nw.ServiceCIDR, rt.Type, nw.ServiceCIDR)
	}
	return nil
}

// hasAddr reports whether ifc already holds ip with the pod CIDR's prefix. A different
// address in the same family is left alone: several addresses on a bridge are harmless.
func hasAddr(ifc *net.Interface, ip net.IP, podNet *net.IPNet) (bool, error) {
	addrs, err := ifc.Addrs()
	if err != nil {
		return false, fmt.Errorf("listing addresses of %s: %w", ifc.Name, err)
	}
	want, _ := podNet.Mask.Size()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || !ipn.IP.Equal(ip) {
			continue
		}
		if ones, _ := ipn.Mask.Size(); ones != want {
			return false, fmt.Errorf("%s holds %s with prefix /%d, want /%d", ifc.Name, ip, ones, want)
		}
		return true, nil
	}
	return false, nil
}

func isBridge(name string) bool {
	_, err := os.Stat(filepath.Join("/sys/class/net", name, "bridge"))
	return err == nil
}

// Remove deletes the blackhole route and the bridge (and with it its address). Missing
// pieces are not an error. Other control planes may be using the bridge: only call this
// when tearing the whole local setup down.
func Remove(cfg Config) error {
	nw, err := cfg.Parse()
	if err != nil {
		return err
	}
	unlock, err := lock(cfg.lockFile())
	if err != nil {
		return err
	}
	defer unlock()

	c, err := netlink.Dial()
	if err != nil {
		return err
	}
	defer c.Close()
	if rt, err := netlink.FindRoute(nw.ServiceCIDR); err != nil {
		return err
	} else if rt != nil && rt.Type == unix.RTN_BLACKHOLE {
		if err := c.DelBlackhole(nw.ServiceCIDR); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("deleting blackhole route %s: %w", nw.ServiceCIDR, err)
		}
	}
	ifc, err := net.InterfaceByName(nw.Bridge)
	if err != nil {
		return nil // already gone
	}
	if !isBridge(nw.Bridge) {
		return fmt.Errorf("interface %s is not a bridge; leaving it alone", nw.Bridge)
	}
	if err := c.DelLink(ifc.Index); err != nil && !errors.Is(err, syscall.ENODEV) {
		return fmt.Errorf("deleting bridge %s: %w", nw.Bridge, err)
	}
	return nil
}

func (c Config) lockFile() string {
	if c.LockFile != "" {
		return c.LockFile
	}
	// A fixed path (not os.TempDir) so processes with different TMPDIRs share the lock.
	if st, err := os.Stat("/run/lock"); err == nil && st.IsDir() {
		return "/run/lock/skiff-hostnet.lock"
	}
	return "/tmp/skiff-hostnet.lock"
}

// lock takes an exclusive flock on path, blocking until it is free.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		// Created by root without group/other write: a read-only descriptor flocks as well.
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}
	_ = f.Chmod(0o666) // so later non-root callers can open it too; best effort
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}
