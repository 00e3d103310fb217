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
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/hostnet"
)

func holdLock(t *testing.T, path string) func() {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	return func() { f.Close() }
}

func TestIPAM(t *testing.T) {
	dir := t.TempDir()
	_, cidr, _ := net.ParseCIDR("10.9.0.0/29") // .1-.6 usable
	gw := net.ParseIP("10.9.0.1")
	live := filepath.Join(dir, "live.lock")
	defer holdLock(t, live)()
	dead := filepath.Join(dir, "dead.lock")
	os.WriteFile(dead, nil, 0o644)

	m, err := NewIPAM(dir, cidr, gw)
	if err != nil {
		t.Fatal(err)
	}
	var reclaimed []string
	m.reclaim = func(l Lease) { reclaimed = append(reclaimed, l.IP.String()) }

	tests := []struct {
		name  string
		owner string
		want  string // "" means allocation fails
	}{
		{"first skips the gateway", live, "10.9.0.2"},
		{"then the next", live, "10.9.0.3"},
		{"a dead owner's lease", dead, "10.9.0.4"},
		{"more", live, "10.9.0.5"},
		{"last usable", live, "10.9.0.6"},
		{"wraps and reclaims the dead owner's address", live, "10.9.0.4"},
		{"pool exhausted", live, ""},
	}
	for _, tc := range tests {
		ip, err := m.Allocate(Lease{Owner: tc.owner, ID: tc.name})
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%s: Allocate = %s, want an error", tc.name, ip)
		case tc.want != "" && (err != nil || ip.String() != tc.want):
			t.Errorf("%s: Allocate = %v, %v; want %s", tc.name, ip, err, tc.want)
		}
	}
	if len(reclaimed) != 1 || reclaimed[0] != "10.9.0.4" {
		t.Errorf("reclaimed = %v, want [10.9.0.4]", reclaimed)
	}
	if err := m.Release(net.ParseIP("10.9.0.3"), dead); err != nil {
		t.Fatal(err)
	}
	if ls, _ := m.Leases(live); len(ls) != 5 {
		t.Errorf("releasing with the wrong owner freed the lease: %d leases left, want 5", len(ls))
	}
	if err := m.Release(net.ParseIP("10.9.0.3"), live); err != nil {
		t.Fatal(err)
	}
	ip, err := m.Allocate(Lease{Owner: live, ID: "again"})
	if err != nil || ip.String() != "10.9.0.3" {
		t.Errorf("after release: Allocate = %v, %v; want 10.9.0.3", ip, err)
	}

	// A preferred address is taken when free or already this holder's.
	m.Release(net.ParseIP("10.9.0.5"), live)
	for _, tc := range []struct {
		name, pref, id, want string
	}{
		{"free preferred address", "10.9.0.5", "p1", "10.9.0.5"},
		{"same holder again", "10.9.0.5", "p1", "10.9.0.5"},
		{"held by another: pool exhausted", "10.9.0.5", "p2", ""},
		{"the gateway is never given", "10.9.0.1", "p3", ""},
	} {
		ip, err := m.Allocate(Lease{IP: net.ParseIP(tc.pref), Owner: live, ID: tc.id})
		if (tc.want == "") != (err != nil) || (tc.want != "" && ip.String() != tc.want) {
			t.Errorf("%s: Allocate(preferred %s) = %v, %v; want %q", tc.name, tc.pref, ip, err, tc.want)
		}
	}
}

// TestPodNetwork wires two namespaces to the real skiff0 bridge and checks that they
// reach each other and the host, and that teardown removes everything.
func TestPodNetwork(t *testing.T) {
	nw, err := hostnet.Ensure(hostnet.DefaultConfig())
	if err != nil {
		t.Fatalf("host network: %v", err)
	}
	owner := filepath.Join(t.TempDir(), "owner.lock")
	defer holdLock(t, owner)()
	m, err := NewManager(Config{Bridge: nw.Bridge, Gateway: nw.HostIP, PodCIDR: nw.PodCIDR, Owner: owner})
	if err != nil {
		t.Fatal(err)
	}
	id := func(s string) string { return "netns-test-" + s + "-" + time.Now().Format("150405.000000") }
	a, err := m.Setup(id("a"), "test/a", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Teardown(a)
	b, err := m.Setup(id("b"), "test/b", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Teardown(b)
	if !nw.PodCIDR.Contains(a.IP) || a.IP.Equal(b.IP) || a.IP.Equal(nw.HostIP) {
		t.Fatalf("addresses a=%s b=%s, want distinct addresses in %s other than %s", a.IP, b.IP, nw.PodCIDR, nw.HostIP)
	}

	// A listener inside b: its socket belongs to b's namespace for good.
	var ln net.Listener
	if err := Do(b.NetNS, func() (err error) {
		ln, err = net.Listen("tcp", ":8080")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "hello from b")
			c.Close()
		}
	}()
	read := func(c net.Conn, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		bs, _ := io.ReadAll(c)
		return string(bs)
	}
	target := net.JoinHostPort(b.IP.String(), "8080")
	if got := read(net.DialTimeout("tcp", target, 5*time.Second)); got != "hello from b" {
		t.Errorf("host -> b: %q", got)
	}
	var fromA string
	Do(a.NetNS, func() error {
		fromA = read(net.DialTimeout("tcp", target, 5*time.Second))
		return nil
	})
	if fromA != "hello from b" {
		t.Errorf("a -> b: %q", fromA)
	}
	// The host is not reachable on b's loopback: b has its own.
	Do(a.NetNS, func() error {
		_, err := net.DialTimeout("tcp", "127.0.0.1:8080", time.Second)
		if err == nil {
			t.Errorf("a reached b's listener on its own loopback")
		}
		return nil
	})

	if err := m.Teardown(b); err != nil {
		t.Fatal(err)
	}
	if _, err := net.InterfaceByName(b.HostVeth); err == nil {
		t.Errorf("%s still exists after teardown", b.HostVeth)
	}
	if _, err := os.Stat(b.NetNS); !os.IsNotExist(err) {
		t.Errorf("%s still exists after teardown: %v", b.NetNS, err)
	}
	if ls, _ := m.IPAM().Leases(owner); len(ls) != 1 || !ls[0].IP.Equal(a.IP) {
		t.Errorf("leases after teardown of b = %v, want only a's", ls)
	}
	if err := m.Cleanup(nil); err != nil {
		t.Fatal(err)
	}
	if ls, _ := m.IPAM().Leases(owner); len(ls) != 0 {
		t.Errorf("leases after cleanup = %v", ls)
	}
}

func TestHostAddress(t *testing.T) {
	nw, err := hostnet.Ensure(hostnet.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ip := net.ParseIP("10.96.254.253")
	added, err := AddHostAddress(nw.Bridge, ip)
	if err != nil || !added {
		t.Fatalf("AddHostAddress = %v, %v", added, err)
	}
	defer DelHostAddress(nw.Bridge, ip)
	if again, err := AddHostAddress(nw.Bridge, ip); err != nil || again {
		t.Errorf("second AddHostAddress = %v, %v; want false, nil", again, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Fatalf("listening on the new local address: %v", err)
	}
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 2*time.Second)
	if err != nil {
		t.Errorf("dialing %s: %v", ln.Addr(), err)
	} else {
		c.Close()
	}
	ln.Close()
	if err := DelHostAddress(nw.Bridge, ip); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0")); err == nil {
		t.Errorf("address still local after DelHostAddress")
	}
}
