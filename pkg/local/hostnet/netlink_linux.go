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
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A minimal rtnetlink client: just the four requests the bridge setup needs. It talks to
// the kernel directly so `skiff up` works on machines without iproute2.

type nlConn struct {
	fd  int
	seq uint32
	pid uint32
}

func dialNetlink() (*nlConn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("binding netlink socket: %w", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("netlink getsockname: %w", err)
	}
	return &nlConn{fd: fd, pid: sa.(*unix.SockaddrNetlink).Pid}, nil
}

func (c *nlConn) Close() error { return unix.Close(c.fd) }

// do sends one request with NLM_F_ACK and returns the kernel's errno (nil on success).
func (c *nlConn) do(msgType uint16, flags uint16, payload []byte) error {
	c.seq++
	hdr := unix.NlMsghdr{
		Len:   uint32(unix.SizeofNlMsghdr + len(payload)),
		Type:  msgType,
		Flags: unix.NLM_F_REQUEST | unix.NLM_F_ACK | flags,
		Seq:   c.seq,
	}
	buf := make([]byte, 0, hdr.Len)
	buf = append(buf, (*[unix.SizeofNlMsghdr]byte)(unsafe.Pointer(&hdr))[:]...)
	buf = append(buf, payload...)
	if err := unix.Sendto(c.fd, buf, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink send: %w", err)
	}
	rb := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(c.fd, rb, 0)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return fmt.Errorf("netlink receive: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(rb[:n])
		if err != nil {
			return fmt.Errorf("parsing netlink reply: %w", err)
		}
		for _, m := range msgs {
			if m.Header.Seq != c.seq || m.Header.Type != unix.NLMSG_ERROR {
				continue
			}
			if len(m.Data) < 4 {
				return errors.New("short netlink error message")
			}
			if errno := int32(binary.NativeEndian.Uint32(m.Data[:4])); errno != 0 {
				return syscall.Errno(-errno)
			}
			return nil
		}
	}
}

// attr encodes one rtattr, padded to 4 bytes.
func attr(typ uint16, data []byte) []byte {
	l := unix.SizeofRtAttr + len(data)
	b := make([]byte, (l+3)&^3)
	binary.NativeEndian.PutUint16(b[0:2], uint16(l))
	binary.NativeEndian.PutUint16(b[2:4], typ)
	copy(b[4:], data)
	return b
}

func cstring(s string) []byte { return append([]byte(s), 0) }

func ifInfo(index int32, flags, change uint32) []byte {
	msg := unix.IfInfomsg{Family: unix.AF_UNSPEC, Index: index, Flags: flags, Change: change}
	return append([]byte(nil), (*[unix.SizeofIfInfomsg]byte)(unsafe.Pointer(&msg))[:]...)
}

// addBridge creates a bridge device called name (EEXIST if it exists).
func (c *nlConn) addBridge(name string) error {
	p := ifInfo(0, 0, 0)
	p = append(p, attr(unix.IFLA_IFNAME, cstring(name))...)
	p = append(p, attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, []byte("bridge")))...)
	return c.do(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}

func (c *nlConn) setUp(index int) error {
	return c.do(unix.RTM_NEWLINK, 0, ifInfo(int32(index), unix.IFF_UP, unix.IFF_UP))
}

func (c *nlConn) delLink(index int) error {
	return c.do(unix.RTM_DELLINK, 0, ifInfo(int32(index), 0, 0))
}

// addAddr assigns ip/prefix to the interface (EEXIST if already there).
func (c *nlConn) addAddr(index int, ip net.IP, prefix int) error {
	ip4 := ip.To4()
	msg := unix.IfAddrmsg{Family: unix.AF_INET, Prefixlen: uint8(prefix), Index: uint32(index)}
	p := append([]byte(nil), (*[unix.SizeofIfAddrmsg]byte)(unsafe.Pointer(&msg))[:]...)
	p = append(p, attr(unix.IFA_LOCAL, ip4)...)
	p = append(p, attr(unix.IFA_ADDRESS, ip4)...)
	return c.do(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}

func blackholeMsg(dst *net.IPNet) []byte {
	ones, _ := dst.Mask.Size()
	msg := unix.RtMsg{
		Family:   unix.AF_INET,
		Dst_len:  uint8(ones),
		Table:    unix.RT_TABLE_MAIN,
		Protocol: unix.RTPROT_STATIC,
		Scope:    unix.RT_SCOPE_UNIVERSE,
		Type:     unix.RTN_BLACKHOLE,
	}
	p := append([]byte(nil), (*[unix.SizeofRtMsg]byte)(unsafe.Pointer(&msg))[:]...)
	return append(p, attr(unix.RTA_DST, dst.IP.To4())...)
}

func (c *nlConn) addBlackhole(dst *net.IPNet) error {
	return c.do(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, blackholeMsg(dst))
}

func (c *nlConn) delBlackhole(dst *net.IPNet) error {
	return c.do(unix.RTM_DELROUTE, 0, blackholeMsg(dst))
}

// mainRoute describes the main-table IPv4 route whose destination is exactly dst, if any.
type mainRoute struct {
	Type uint8 // unix.RTN_*
}

// findRoute dumps the IPv4 routing table and returns the main-table route for exactly dst.
func findRoute(dst *net.IPNet) (*mainRoute, error) {
	rib, err := syscall.NetlinkRIB(unix.RTM_GETROUTE, unix.AF_INET)
	if err != nil {
		return nil, fmt.Errorf("dumping routes: %w", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(rib)
	if err != nil {
		return nil, fmt.Errorf("parsing route dump: %w", err)
	}
	want, _ := dst.Mask.Size()
	for i := range msgs {
		m := &msgs[i]
		if m.Header.Type != unix.RTM_NEWROUTE || len(m.Data) < unix.SizeofRtMsg {
			continue
		}
		rt := (*unix.RtMsg)(unsafe.Pointer(&m.Data[0]))
		if rt.Table != unix.RT_TABLE_MAIN || int(rt.Dst_len) != want {
			continue
		}
		attrs, err := syscall.ParseNetlinkRouteAttr(m)
		if err != nil {
			return nil, fmt.Errorf("parsing route attributes: %w", err)
		}
		for _, a := range attrs {
			if a.Attr.Type == unix.RTA_DST && net.IP(a.Value).Equal(dst.IP) {
				return &mainRoute{Type: rt.Type}, nil
			}
		}
	}
	return nil, nil
}
