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

package netns

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/netlink"
)

// Config describes where pod networks attach.
type Config struct {
	// RunDir holds namespaces and leases; empty means DefaultRunDir.
	RunDir string
	// Bridge is the bridge host ends of veth pairs join (skiff0).
	Bridge string
	// Gateway is the bridge's host address: the Pods' default route, never leased.
	Gateway net.IP
	// PodCIDR is the subnet Pods get addresses from (the bridge's subnet).
	PodCIDR *net.IPNet
	// Owner is a lock file the caller holds (flock) while it runs; see Lease.Owner.
	Owner string
}

// Manager sets up and tears down pod networks.
type Manager struct {
	cfg  Config
	ipam *IPAM
}

// Pod is a pod's network.
type Pod struct {
	// ID is unique on the machine (the Pod's UID).
	ID string
	// NetNS is the namespace file; processes join it with setns.
	NetNS string
	// IP is the Pod's address.
	IP net.IP
	// HostVeth is the bridge port of the Pod's veth pair.
	HostVeth string
}

// NewManager checks cfg and prepares the lease store.
func NewManager(cfg Config) (*Manager, error) {
	if cfg.RunDir == "" {
		cfg.RunDir = DefaultRunDir
	}
	if cfg.Owner == "" {
		return nil, errors.New("netns.Config.Owner is required")
	}
	if cfg.PodCIDR == nil || !cfg.PodCIDR.Contains(cfg.Gateway) {
		return nil, fmt.Errorf("gateway %s is not in pod CIDR %s", cfg.Gateway, cfg.PodCIDR)
	}
	ipam, err := NewIPAM(cfg.RunDir, cfg.PodCIDR, cfg.Gateway)
	if err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, ipam: ipam}
	ipam.reclaim = func(l Lease) { m.teardown(l.IP, l.NetNS) }
	return m, nil
}

// IPAM exposes the lease store (for inspection and tests).
func (m *Manager) IPAM() *IPAM { return m.ipam }

// HostVethName is the bridge-side interface name of the pod holding ip: derived from
// the address, which is unique on the machine, so leftovers can be found again.
func HostVethName(ip net.IP) string {
	return fmt.Sprintf("skv%08x", ipToU32(ip))
}

// NetNSPath is where the namespace of pod id is pinned.
func (m *Manager) NetNSPath(id string) string { return filepath.Join(m.cfg.RunDir, "netns", id) }

// Setup creates pod id's namespace, leases it an address (preferred, if given and free:
// the address it had before a restart) and wires it to the bridge. name is
// informational (namespace/name).
func (m *Manager) Setup(id, name string, preferred net.IP) (_ *Pod, retErr error) {
	br, err := net.InterfaceByName(m.cfg.Bridge)
	if err != nil {
		return nil, fmt.Errorf("bridge %s: %w (is the host network set up? skiff up creates it)", m.cfg.Bridge, err)
	}
	p := &Pod{ID: id, NetNS: m.NetNSPath(id)}
	if _, err := os.Stat(p.NetNS); err == nil {
		// Left over from an earlier attempt for the same pod: start clean.
		Delete(p.NetNS)
	}
	if err := Create(p.NetNS); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			Delete(p.NetNS)
		}
	}()
	ip, err := m.ipam.Allocate(Lease{IP: preferred, Owner: m.cfg.Owner, ID: id, Name: name, NetNS: p.NetNS})
	if err != nil {
		return nil, err
	}
	p.IP = ip
	p.HostVeth = HostVethName(ip)
	defer func() {
		if retErr != nil {
			m.teardown(ip, "")
			m.ipam.Release(ip, m.cfg.Owner)
		}
	}()

	c, err := netlink.Dial()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	// A leftover port with this name belongs to a dead pod that held the address.
	if old, err := net.InterfaceByName(p.HostVeth); err == nil {
		c.DelLink(old.Index)
	}
	ns, err := os.Open(p.NetNS)
	if err != nil {
		return nil, err
	}
	err = c.AddVeth(p.HostVeth, br.Index, br.MTU, "eth0", int(ns.Fd()))
	ns.Close()
	if err != nil {
		return nil, wrapPerm(fmt.Errorf("creating veth pair %s/eth0: %w", p.HostVeth, err))
	}
	hv, err := net.InterfaceByName(p.HostVeth)
	if err != nil {
		return nil, fmt.Errorf("looking up %s: %w", p.HostVeth, err)
	}
	if err := c.SetUp(hv.Index); err != nil {
		return nil, fmt.Errorf("setting %s up: %w", p.HostVeth, err)
	}
	ones, _ := m.cfg.PodCIDR.Mask.Size()
	err = Do(p.NetNS, func() error {
		nc, err := netlink.Dial()
		if err != nil {
			return err
		}
		defer nc.Close()
		eth, err := net.InterfaceByName("eth0")
		if err != nil {
			return fmt.Errorf("looking up eth0: %w", err)
		}
		if err := nc.AddAddr(eth.Index, ip, ones, 0); err != nil {
			return fmt.Errorf("adding %s/%d to eth0: %w", ip, ones, err)
		}
		if err := nc.SetUp(eth.Index); err != nil {
			return fmt.Errorf("setting eth0 up: %w", err)
		}
		if err := nc.AddDefaultRoute(eth.Index, m.cfg.Gateway); err != nil {
			return fmt.Errorf("adding default route via %s: %w", m.cfg.Gateway, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("configuring the network of %s: %w", name, err)
	}
	return p, nil
}

// teardown removes the veth pair of ip (deleting one end deletes both) and unpins the
// namespace; both may already be gone.
func (m *Manager) teardown(ip net.IP, nsPath string) error {
	var errs []error
	if ifc, err := net.InterfaceByName(HostVethName(ip)); err == nil {
		c, err := netlink.Dial()
		if err == nil {
			if err := c.DelLink(ifc.Index); err != nil && !errors.Is(err, unix.ENODEV) {
				errs = append(errs, fmt.Errorf("deleting %s: %w", ifc.Name, err))
			}
			c.Close()
		} else {
			errs = append(errs, err)
		}
	}
	if nsPath != "" {
		if err := Delete(nsPath); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Teardown removes the pod's network and frees its address.
func (m *Manager) Teardown(p *Pod) error {
	err := m.teardown(p.IP, p.NetNS)
	if p.IP != nil {
		err = errors.Join(err, m.ipam.Release(p.IP, m.cfg.Owner))
	}
	return err
}

// Cleanup tears down every pod network this owner holds (left from an earlier run of
// the same agent, or all of them at shutdown) except those whose IDs keep reports true.
func (m *Manager) Cleanup(keep func(id string) bool) error {
	leases, err := m.ipam.Leases(m.cfg.Owner)
	if err != nil {
		return err
	}
	var errs []error
	for _, l := range leases {
		if keep != nil && keep(l.ID) {
			continue
		}
		errs = append(errs, m.Teardown(&Pod{ID: l.ID, NetNS: l.NetNS, IP: l.IP}))
	}
	return errors.Join(errs...)
}
