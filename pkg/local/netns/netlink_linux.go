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
	"errors"
	"fmt"
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A small rtnetlink client: the handful of link, address and route requests a pod
// network needs. It talks to the kernel directly, so no iproute2 is needed, and it is
// bound to the network namespace of the thread that dialled it.

// vethInfoPeer is VETH_INFO_PEER from linux/veth.h (not in x/sys/unix).
const vethInfoPeer = 1

type nlConn struct {
	fd  int
	seq uint32
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
	return &nlConn{fd: fd}, nil
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

// addVeth creates a veth pair: hostName in this namespace, attached to the bridge with
// index master, and peerName inside the network namespace open as peerNS.
func (c *nlConn) addVeth(hostName string, master int, mtu int, peerName string, peerNS int) error {
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
	return c.do(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}

func (c *nlConn) setUp(index int) error {
	return c.do(unix.RTM_NEWLINK, 0, ifInfo(int32(index), unix.IFF_UP, unix.IFF_UP))
}

func (c *nlConn) delLink(index int) error {
	return c.do(unix.RTM_DELLINK, 0, ifInfo(int32(index), 0, 0))
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

// addAddr assigns ip/prefix to the interface (EEXIST if already there).
func (c *nlConn) addAddr(index int, ip net.IP, prefix int, flags uint32) error {
	return c.do(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, addrMsg(index, ip, prefix, flags))
}

// delAddr removes ip/prefix from the interface (EADDRNOTAVAIL if it is not there).
func (c *nlConn) delAddr(index int, ip net.IP, prefix int) error {
	return c.do(unix.RTM_DELADDR, 0, addrMsg(index, ip, prefix, 0))
}

// addDefaultRoute adds "default via gw dev index".
func (c *nlConn) addDefaultRoute(index int, gw net.IP) error {
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
	return c.do(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, p)
}
