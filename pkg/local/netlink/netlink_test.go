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

package netlink

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// Attributes are length-prefixed and padded to 4 bytes, the length not
// counting the padding, as the kernel parses them.
func TestAttrEncoding(t *testing.T) {
	for _, tc := range []struct {
		data    []byte
		wantLen int
		size    int
	}{
		{nil, 4, 4},
		{[]byte("a"), 5, 8},
		{cstring("skiff0"), 11, 12},
		{u32(7), 8, 8},
	} {
		b := attr(unix.IFLA_IFNAME, tc.data)
		if len(b) != tc.size {
			t.Errorf("attr(%q) is %d bytes, want %d", tc.data, len(b), tc.size)
		}
		if got := int(binary.NativeEndian.Uint16(b[0:2])); got != tc.wantLen {
			t.Errorf("attr(%q) length field = %d, want %d", tc.data, got, tc.wantLen)
		}
		if got := binary.NativeEndian.Uint16(b[2:4]); got != unix.IFLA_IFNAME {
			t.Errorf("attr(%q) type = %d, want IFLA_IFNAME", tc.data, got)
		}
		if !bytes.Equal(b[4:4+len(tc.data)], tc.data) {
			t.Errorf("attr(%q) payload = %q", tc.data, b[4:4+len(tc.data)])
		}
	}
}

// A route message carries its prefix length, type and destination where
// the kernel reads them.
func TestRouteMsg(t *testing.T) {
	_, dst, _ := net.ParseCIDR("10.96.0.0/12")
	b := RouteMsg(dst, unix.RTN_BLACKHOLE)
	if len(b) != unix.SizeofRtMsg+8 {
		t.Fatalf("RouteMsg is %d bytes, want %d", len(b), unix.SizeofRtMsg+8)
	}
	if b[0] != unix.AF_INET || b[1] != 12 || b[4] != unix.RT_TABLE_MAIN || b[7] != unix.RTN_BLACKHOLE {
		t.Errorf("rtmsg = % x, want family inet, dst_len 12, main table, blackhole", b[:unix.SizeofRtMsg])
	}
	if got := net.IP(b[unix.SizeofRtMsg+4:]); !got.Equal(dst.IP) {
		t.Errorf("RTA_DST = %v, want %v", got, dst.IP)
	}
}
