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

package hostnet

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/netlink"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		wantIP  string
	}{{
		name:   "defaults",
		cfg:    DefaultConfig(),
		wantIP: "10.244.0.1",
	}, {
		name:    "bridge name too long",
		cfg:     Config{Bridge: "a-very-long-bridge", HostCIDR: DefaultHostCIDR, ServiceCIDR: DefaultServiceCIDR},
		wantErr: "must be 1 to 15 bytes",
	}, {
		name:    "host CIDR is the network address",
		cfg:     Config{Bridge: "b", HostCIDR: "10.244.0.0/24", ServiceCIDR: DefaultServiceCIDR},
		wantErr: "must name a host address",
	}, {
		name:    "IPv6 host CIDR",
		cfg:     Config{Bridge: "b", HostCIDR: "fd00::1/64", ServiceCIDR: DefaultServiceCIDR},
		wantErr: "not an IPv4 CIDR",
	}, {
		name:    "service CIDR with host bits",
		cfg:     Config{Bridge: "b", HostCIDR: DefaultHostCIDR, ServiceCIDR: "10.96.0.1/16"},
		wantErr: "has host bits set",
	}, {
		name:    "overlapping ranges",
		cfg:     Config{Bridge: "b", HostCIDR: "10.96.0.1/24", ServiceCIDR: DefaultServiceCIDR},
		wantErr: "overlap",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nw, err := tc.cfg.Parse()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse() error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("Parse() =", err)
			}
			if got := nw.HostIP.String(); got != tc.wantIP {
				t.Errorf("HostIP = %s, want %s", got, tc.wantIP)
			}
		})
	}
}

// testConfig uses a bridge and ranges of its own so the test never touches skiff0, which
// control planes of other test binaries may be using right now.
func testConfig(t *testing.T, third int) Config {
	return Config{
		Bridge:      fmt.Sprintf("skt%d-%d", os.Getpid()%100000, third),
		HostCIDR:    fmt.Sprintf("10.251.%d.1/24", third),
		ServiceCIDR: fmt.Sprintf("10.252.%d.0/24", third),
		LockFile:    filepath.Join(t.TempDir(), "lock"),
	}
}

func TestEnsureIdempotentAndRemove(t *testing.T) {
	cfg := testConfig(t, 1)
	t.Cleanup(func() { Remove(cfg) })

	// Concurrent callers must all succeed and leave exactly one bridge.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = Ensure(cfg)
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Ensure #%d: %v", i, err)
		}
	}
	nw, err := Ensure(cfg) // and once more, with everything in place
	if err != nil {
		t.Fatal("Ensure again:", err)
	}

	ifc, err := net.InterfaceByName(cfg.Bridge)
	if err != nil {
		t.Fatal("bridge missing:", err)
	}
	if ifc.Flags&net.FlagUp == 0 {
		t.Error("bridge is not up")
	}
	if !isBridge(cfg.Bridge) {
		t.Error("interface is not a bridge")
	}
	addrs, _ := ifc.Addrs()
	var v4 []string
	for _, a := range addrs {
		if a.(*net.IPNet).IP.To4() != nil {
			v4 = append(v4, a.String())
		}
	}
	if len(v4) != 1 || v4[0] != cfg.HostCIDR {
		t.Errorf("bridge IPv4 addresses = %v, want exactly [%s]", v4, cfg.HostCIDR)
	}
	rt, err := netlink.FindRoute(nw.ServiceCIDR)
	if err != nil || rt == nil || rt.Type != unix.RTN_BLACKHOLE {
		t.Fatalf("service route = %+v, %v; want a blackhole", rt, err)
	}

	// The host can bind the bridge address (that is how host components serve Pods).
	l, err := net.Listen("tcp", net.JoinHostPort(nw.HostIP.String(), "0"))
	if err != nil {
		t.Fatal("listen on bridge address:", err)
	}
	l.Close()

	// A service address is dropped locally, never sent off the machine.
	c, err := net.Dial("udp", net.JoinHostPort(nw.ServiceCIDR.IP.String(), "53"))
	if err == nil {
		_, err = c.Write([]byte("x"))
		c.Close()
	}
	if err == nil {
		t.Error("sending to a blackholed service address succeeded")
	}

	if err := Remove(cfg); err != nil {
		t.Fatal("Remove:", err)
	}
	if _, err := net.InterfaceByName(cfg.Bridge); err == nil {
		t.Error("bridge still exists after Remove")
	}
	if rt, _ := netlink.FindRoute(nw.ServiceCIDR); rt != nil {
		t.Error("blackhole route still exists after Remove")
	}
	if err := Remove(cfg); err != nil {
		t.Error("Remove of nothing:", err)
	}
}

func TestEnsureRejectsForeignRoute(t *testing.T) {
	cfg := testConfig(t, 2)
	t.Cleanup(func() { Remove(cfg) })
	nw, err := cfg.Parse()
	if err != nil {
		t.Fatal(err)
	}
	// An unreachable route (not a blackhole) for the service range: someone else's.
	c, err := netlink.Dial()
	if err != nil {
		t.Fatal(err)
	}
	msg := netlink.RouteMsg(nw.ServiceCIDR, unix.RTN_UNREACHABLE)
	c.Do(unix.RTM_DELROUTE, 0, msg) // left over from an interrupted run, if any
	if err := c.Do(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, msg); err != nil {
		t.Fatal("adding unreachable route:", err)
	}
	t.Cleanup(func() {
		c.Do(unix.RTM_DELROUTE, 0, msg)
		c.Close()
	})

	if _, err := Ensure(cfg); err == nil || !strings.Contains(err.Error(), "is not a blackhole") {
		t.Fatalf("Ensure() = %v, want an error about the foreign route", err)
	}
}

// TestEnsureWithoutRoot runs Ensure as an unprivileged user in a child process (a copy of
// this test binary) and checks that the error says root is needed.
func TestEnsureWithoutRoot(t *testing.T) {
	if os.Getenv("HOSTNET_UNPRIVILEGED_CHILD") == "1" {
		_, err := Ensure(Config{
			Bridge: os.Getenv("HOSTNET_BRIDGE"), HostCIDR: "10.251.3.1/24", ServiceCIDR: "10.252.3.0/24",
			LockFile: os.Getenv("HOSTNET_LOCK"),
		})
		fmt.Println("ERR:", err)
		return
	}
	if os.Geteuid() != 0 {
		t.Fatal("this test drops from root to nobody; run the tests as root (the local control plane needs it too)")
	}
	dir, err := os.MkdirTemp("", "hostnet-test")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o777)
	bin := filepath.Join(dir, "hostnet.test")
	copyFile(t, os.Args[0], bin)
	cfg := testConfig(t, 3)
	lockFile := filepath.Join(dir, "lock")

	cmd := exec.Command(bin, "-test.run=^TestEnsureWithoutRoot$")
	cmd.Env = append(os.Environ(), "HOSTNET_UNPRIVILEGED_CHILD=1", "HOSTNET_BRIDGE="+cfg.Bridge, "HOSTNET_LOCK="+lockFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "root (CAP_NET_ADMIN) is needed") || !strings.Contains(string(out), cfg.Bridge) {
		t.Fatalf("unprivileged Ensure output = %q, want an error naming the bridge and saying root is needed", out)
	}
	if _, err := net.InterfaceByName(cfg.Bridge); err == nil {
		Remove(cfg)
		t.Error("unprivileged Ensure created the bridge")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
