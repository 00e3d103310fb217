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

// Package netlink is a small rtnetlink client: the handful of link, address
// and route requests the local node's bridge (pkg/local/hostnet) and pod
// networks (pkg/local/netns) need. It talks to the kernel directly, so
// `skiff up` works on machines without iproute2. A Conn is bound to the
// network namespace of the thread that dialled it.
package netlink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// vethInfoPeer is VETH_INFO_PEER from linux/veth.h (not in x/sys/unix).
const vethInfoPeer = 1

// Conn is an rtnetlink socket. It is not safe for concurrent use.
type Conn struct {
	fd  int
	seq uint32
}

// Dial opens an rtnetlink socket in the calling thread's network namespace.
func Dial() (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("binding netlink socket: %w", err)
	}
	return &Conn{fd: fd}, nil
}

// Close closes the socket.
func (c *Conn) Close() error { return unix.Close(c.fd) }

// Do sends one request with NLM_F_ACK and returns the kernel's errno (nil on
// success), so callers can tell EEXIST, ENODEV, ESRCH… apart with errors.Is.
func (c *Conn) Do(msgType uint16, flags uint16, payload []byte) error {
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

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, v)
	return b
}

func cstring(s string) []byte { return append([]byte(s), 0) }

func ifInfo(index int32, flags, change uint32) []byte {
	msg := unix.IfInfomsg{Family: unix.AF_UNSPEC, Index: index, Flags: flags, Change: change}
	return append([]byte(nil), (*[unix.SizeofIfInfomsg]byte)(unsafe.Pointer(&msg))[:]...)
}

// AddBridge creates a bridge device called name (EEXIST if it exists).
func (c *Conn) AddBridge(name string) error {
	p := ifInfo(0, 0, 0)
	p = append(p, attr(unix.IFLA_IFNAME, cstring(name))...)
	p = append(p, attr(unix.IFLA_LINKINFO, attr(unix.IFLA_INFO_KIND, []byte("bridge")))...)
	return c.Do(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}

// AddVeth creates a veth pair: hostName in this namespace, attached to the
// bridge with index master (none if 0), and peerName inside the network
// namespace open as peerNS; mtu 0 keeps the kernel's default.
func (c *Conn) AddVeth(hostName string, master int, mtu int, peerName string, peerNS int) error {
	peer := ifInfo(0, 0, 0)
	peer = append(peer, attr(unix.IFLA_IFNAME, cstring(peerName))...)
	peer = append(peer, attr(unix.IFLA_NET_NS_FD, u32(uint32(peerNS)))...)
	if mtu > 0 {
		peer = append(peer, attr(unix.IFLA_MTU, u32(uint32(mtu)))...)
	}
	info := attr(unix.IFLA_INFO_KIND, []byte("veth"))
	info = append(info, attr(unix.IFLA_INFO_DATA, attr(vethInfoPeer, peer))...)

	p := ifInfo(0, 0, 0)
	p = append(p, attr(unix.IFLA_IFNAME, cstring(hostName))...)
	if mtu > 0 {
		p = append(p, attr(unix.IFLA_MTU, u32(uint32(mtu)))...)
	}
	if master > 0 {
		p = append(p, attr(unix.IFLA_MASTER, u32(uint32(master)))...)
	}
	p = append(p, attr(unix.IFLA_LINKINFO, info)...)
	return c.Do(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}

// SetUp brings the interface with the given index up.
func (c *Conn) SetUp(index int) error {
	return c.Do(unix.RTM_NEWLINK, 0, ifInfo(int32(index), unix.IFF_UP, unix.IFF_UP))
}

// DelLink deletes the interface with the given index (ENODEV if gone).
func (c *Conn) DelLink(index int) error {
	return c.Do(unix.RTM_DELLINK, 0, ifInfo(int32(index), 0, 0))
}

func addrMsg(index int, ip net.IP, prefix int, flags uint32) []byte {
	ip4 := ip.To4()
	msg := unix.IfAddrmsg{Family: unix.AF_INET, Prefixlen: uint8(prefix), Index: uint32(index)}
	p := append([]byte(nil), (*[unix.SizeofIfAddrmsg]byte)(unsafe.Pointer(&msg))[:]...)
	p = append(p, attr(unix.IFA_LOCAL, ip4)...)
	p = append(p, attr(unix.IFA_ADDRESS, ip4)...)
	if flags != 0 {
		p = append(p, attr(unix.IFA_FLAGS, u32(flags))...)
	}
	return p
}

// AddAddr assigns the IPv4 address ip/prefix to the interface, with IFA_F_*
// flags (EEXIST if already there).
func (c *Conn) AddAddr(index int, ip net.IP, prefix int, flags uint32) error {
	return c.Do(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, addrMsg(index, ip, prefix, flags))
}

// DelAddr removes ip/prefix from the interface (EADDRNOTAVAIL if it is not there).
func (c *Conn) DelAddr(index int, ip net.IP, prefix int) error {
	return c.Do(unix.RTM_DELADDR, 0, addrMsg(index, ip, prefix, 0))
}

// AddDefaultRoute adds "default via gw dev index".
func (c *Conn) AddDefaultRoute(index int, gw net.IP) error {
	msg := unix.RtMsg{
		Family:   unix.AF_INET,
		Table:    unix.RT_TABLE_MAIN,
		Protocol: unix.RTPROT_BOOT,
		Scope:    unix.RT_SCOPE_UNIVERSE,
		Type:     unix.RTN_UNICAST,
	}
	p := append([]byte(nil), (*[unix.SizeofRtMsg]byte)(unsafe.Pointer(&msg))[:]...)
	p = append(p, attr(unix.RTA_GATEWAY, gw.To4())...)
	p = append(p, attr(unix.RTA_OIF, u32(uint32(index)))...)
	return c.Do(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}

// RouteMsg is an RTM_*ROUTE payload for the main-table IPv4 route of type
// typ (unix.RTN_*) to dst, for requests this package has no method for.
func RouteMsg(dst *net.IPNet, typ uint8) []byte {
	ones, _ := dst.Mask.Size()
	msg := unix.RtMsg{
		Family:   unix.AF_INET,
		Dst_len:  uint8(ones),
		Table:    unix.RT_TABLE_MAIN,
		Protocol: unix.RTPROT_STATIC,
		Scope:    unix.RT_SCOPE_UNIVERSE,
		Type:     typ,
	}
	p := append([]byte(nil), (*[unix.SizeofRtMsg]byte)(unsafe.Pointer(&msg))[:]...)
	return append(p, attr(unix.RTA_DST, dst.IP.To4())...)
}

// AddBlackhole adds "blackhole dst" (EEXIST if a route to dst exists).
func (c *Conn) AddBlackhole(dst *net.IPNet) error {
	return c.Do(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, RouteMsg(dst, unix.RTN_BLACKHOLE))
}

// DelBlackhole removes "blackhole dst" (ESRCH if it is not there).
func (c *Conn) DelBlackhole(dst *net.IPNet) error {
	return c.Do(unix.RTM_DELROUTE, 0, RouteMsg(dst, unix.RTN_BLACKHOLE))
}

// Route describes the main-table IPv4 route whose destination is exactly dst.
type Route struct {
	Type uint8 // unix.RTN_*
}

// FindRoute dumps the IPv4 routing table of the calling thread's namespace
// and returns the main-table route for exactly dst, or nil if there is none.
func FindRoute(dst *net.IPNet) (*Route, error) {
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
				return &Route{Type: rt.Type}, nil
			}
		}
	}
	return nil, nil
}
