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
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// Lease records who holds an address. Addresses are files under the IPAM directory
// (one per address, like CNI's host-local plugin), so allocations survive restarts of
// the agent and are shared by every agent on the machine.
type Lease struct {
	IP net.IP `json:"ip"`
	// Owner is the lock file the owning agent holds (flock) for as long as it runs. An
	// address whose owner's lock is free belongs to a dead agent and is reclaimed.
	Owner string `json:"owner"`
	// ID identifies the holder within the owner (the Pod's UID).
	ID string `json:"id"`
	// Name is informational (namespace/name of the Pod).
	Name string `json:"name,omitempty"`
	// NetNS is the namespace file the address lives in, removed on reclaim.
	NetNS string `json:"netns,omitempty"`
}

// IPAM hands out addresses from a CIDR, skipping the network, broadcast and reserved
// (gateway) addresses.
type IPAM struct {
	dir      string
	cidr     *net.IPNet
	reserved []net.IP
	// reclaim cleans up what a dead owner left behind for an address (its veth, its
	// namespace) before the address is handed out again.
	reclaim func(Lease)
}

// NewIPAM stores leases for cidr under runDir/ipam/<cidr>.
func NewIPAM(runDir string, cidr *net.IPNet, reserved ...net.IP) (*IPAM, error) {
	if cidr.IP.To4() == nil {
		return nil, fmt.Errorf("pod CIDR %s: only IPv4 is supported", cidr)
	}
	dir := filepath.Join(runDir, "ipam", strings.ReplaceAll(cidr.String(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, wrapPerm(fmt.Errorf("creating %s: %w", dir, err))
	}
	return &IPAM{dir: dir, cidr: cidr, reserved: reserved}, nil
}

func (m *IPAM) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(m.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening IPAM lock: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking IPAM: %w", err)
	}
	return func() { f.Close() }, nil
}

func ipToU32(ip net.IP) uint32 { return binary.BigEndian.Uint32(ip.To4()) }

func u32ToIP(v uint32) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, v)
	return ip
}

// OwnerAlive reports whether the agent holding the lock file path is still running.
func OwnerAlive(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return true // held by someone (possibly this process through another descriptor)
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}

// Allocate leases a free address to l. If l.IP is set and that address is free (or
// already leased to the same owner and ID), it is taken: a Pod keeps its address across
// agent restarts. Otherwise addresses of dead owners are reclaimed, and allocation
// continues after the last address handed out, so a just-freed address is not reused
// at once (clients may still hold connections to it).
func (m *IPAM) Allocate(l Lease) (net.IP, error) {
	unlock, err := m.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if want := l.IP.To4(); want != nil && m.cidr.Contains(want) && !m.isReserved(want) &&
		!want.Equal(m.cidr.IP) && !isBroadcast(want, m.cidr) {
		path := filepath.Join(m.dir, want.String())
		old, err := readLease(path)
		free := errors.Is(err, os.ErrNotExist) || (err == nil && old.Owner == l.Owner && old.ID == l.ID)
		if err == nil && !free && !OwnerAlive(old.Owner) {
			if m.reclaim != nil {
				m.reclaim(*old)
			}
			free = true
		}
		if free {
			l.IP = want
			b, _ := json.Marshal(l)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				return nil, fmt.Errorf("recording lease for %s: %w", want, err)
			}
			return want, nil
		}
	}

	ones, bits := m.cidr.Mask.Size()
	size := uint32(1) << (bits - ones)
	base := ipToU32(m.cidr.IP)
	last := base
	if b, err := os.ReadFile(filepath.Join(m.dir, ".last")); err == nil {
		if ip := net.ParseIP(strings.TrimSpace(string(b))); ip != nil && m.cidr.Contains(ip) {
			last = ipToU32(ip)
		}
	}
	for i := uint32(1); i <= size; i++ {
		cand := base + (last-base+i)%size
		if cand == base || cand == base+size-1 {
			continue // network and broadcast
		}
		ip := u32ToIP(cand)
		if m.isReserved(ip) {
			continue
		}
		path := filepath.Join(m.dir, ip.String())
		if old, err := readLease(path); err == nil {
			if OwnerAlive(old.Owner) {
				continue
			}
			if m.reclaim != nil {
				m.reclaim(*old)
			}
			os.Remove(path)
		} else if !errors.Is(err, os.ErrNotExist) {
			os.Remove(path) // unreadable: a torn write from a crashed agent
		}
		l.IP = ip
		b, _ := json.Marshal(l)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return nil, fmt.Errorf("recording lease for %s: %w", ip, err)
		}
		os.WriteFile(filepath.Join(m.dir, ".last"), []byte(ip.String()), 0o644)
		return ip, nil
	}
	return nil, fmt.Errorf("no free address in pod CIDR %s", m.cidr)
}

func isBroadcast(ip net.IP, n *net.IPNet) bool {
	ones, bits := n.Mask.Size()
	return ipToU32(ip) == ipToU32(n.IP)+uint32(1)<<(bits-ones)-1
}

func (m *IPAM) isReserved(ip net.IP) bool {
	for _, r := range m.reserved {
		if r.Equal(ip) {
			return true
		}
	}
	return false
}

func readLease(path string) (*Lease, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l Lease
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Release frees ip if it is held by owner (a lease of someone else is left alone).
func (m *IPAM) Release(ip net.IP, owner string) error {
	unlock, err := m.lock()
	if err != nil {
		return err
	}
	defer unlock()
	path := filepath.Join(m.dir, ip.String())
	l, err := readLease(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil && l.Owner != owner {
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("releasing %s: %w", ip, err)
	}
	return nil
}

// Leases lists the leases held by owner ("" lists all), sorted by address.
func (m *IPAM) Leases(owner string) ([]Lease, error) {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return nil, err
	}
	var out []Lease
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		l, err := readLease(filepath.Join(m.dir, e.Name()))
		if err != nil {
			continue
		}
		if owner == "" || l.Owner == owner {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return ipToU32(out[i].IP) < ipToU32(out[j].IP) })
	return out, nil
}
