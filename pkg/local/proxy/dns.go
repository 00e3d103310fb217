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

package proxy

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// DNS record types and codes used here (RFC 1035, 3596).
const (
	typeA     = 1
	typeCNAME = 5
	typeSOA   = 6
	typeAAAA  = 28
	typeOPT   = 41
	typeANY   = 255
	classIN   = 1

	rcodeOK       = 0
	rcodeFormErr  = 1
	rcodeServFail = 2
	rcodeNXDomain = 3
	rcodeNotImp   = 4

	// ttl matches CoreDNS's kubernetes plugin default.
	ttl = 5
	// maxUDP is the answer size without EDNS0.
	maxUDP = 512
)

// dnsServer answers the cluster domain from the informers and forwards the rest.
type dnsServer struct {
	p      *Proxy
	domain string

	udp net.PacketConn
	tcp net.Listener
	wg  sync.WaitGroup
}

// hostUpstreams reads the nameservers of a resolv.conf, skipping self.
func hostUpstreams(path string, self net.IP) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{}
	}
	defer f.Close()
	out := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" {
			ip := net.ParseIP(fields[1])
			if ip == nil || ip.Equal(self) {
				continue
			}
			out = append(out, net.JoinHostPort(ip.String(), "53"))
		}
	}
	return out
}

func (d *dnsServer) start(ip net.IP) error {
	return d.listen(net.JoinHostPort(ip.String(), "53"))
}

// listen serves UDP and TCP on addr (both on the same port).
func (d *dnsServer) listen(addr string) error {
	udp, err := net.ListenPacket("udp4", addr)
	if err != nil {
		return err
	}
	tcp, err := net.Listen("tcp4", udp.LocalAddr().String())
	if err != nil {
		udp.Close()
		return err
	}
	d.udp, d.tcp = udp, tcp
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		buf := make([]byte, 4096)
		for {
			n, from, err := udp.ReadFrom(buf)
			if err != nil {
				return
			}
			q := append([]byte(nil), buf[:n]...)
			go func() {
				if resp := d.answer(q, true); resp != nil {
					udp.WriteTo(resp, from)
				}
			}()
		}
	}()
	go func() {
		defer d.wg.Done()
		for {
			c, err := tcp.Accept()
			if err != nil {
				return
			}
			go d.serveTCP(c)
		}
	}()
	return nil
}

func (d *dnsServer) stopServer() {
	if d.udp == nil {
		return
	}
	d.udp.Close()
	d.tcp.Close()
	d.wg.Wait()
}

func (d *dnsServer) serveTCP(c net.Conn) {
	defer c.Close()
	for {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var l uint16
		if err := binary.Read(c, binary.BigEndian, &l); err != nil {
			return
		}
		q := make([]byte, l)
		if _, err := io.ReadFull(c, q); err != nil {
			return
		}
		resp := d.answer(q, false)
		if resp == nil {
			return
		}
		out := make([]byte, 2, 2+len(resp))
		binary.BigEndian.PutUint16(out, uint16(len(resp)))
		if _, err := c.Write(append(out, resp...)); err != nil {
			return
		}
	}
}

// question is a parsed query.
type question struct {
	id      uint16
	flags   uint16
	name    string // lower case, no trailing dot
	rawName []byte // as asked (case preserved), for the echoed question
	qtype   uint16
	qclass  uint16
	udpSize int // from EDNS0, 0 without
}

// rr is one answer record.
type rr struct {
	name  string
	rtype uint16
	ttl   uint32
	data  []byte
}

var errMalformed = errors.New("malformed DNS message")

// readName reads a possibly compressed name at off, returning it and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	end := -1
	for jumps := 0; ; {
		if off >= len(msg) {
			return "", 0, errMalformed
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.Join(labels, "."), end, nil
		case l&0xC0 == 0xC0:
			if off+1 >= len(msg) || jumps > 10 {
				return "", 0, errMalformed
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3FFF)
			jumps++
		default:
			if off+1+l > len(msg) {
				return "", 0, errMalformed
			}
			labels = append(labels, string(msg[off+1:off+1+l]))
			off += 1 + l
		}
	}
}

func parseQuestion(msg []byte) (*question, error) {
	if len(msg) < 12 {
		return nil, errMalformed
	}
	q := &question{id: binary.BigEndian.Uint16(msg), flags: binary.BigEndian.Uint16(msg[2:])}
	if binary.BigEndian.Uint16(msg[4:]) != 1 {
		return q, errMalformed
	}
	name, off, err := readName(msg, 12)
	if err != nil || off+4 > len(msg) {
		return q, errMalformed
	}
	q.rawName = []byte(name)
	q.name = strings.ToLower(strings.TrimSuffix(name, "."))
	q.qtype = binary.BigEndian.Uint16(msg[off:])
	q.qclass = binary.BigEndian.Uint16(msg[off+2:])
	off += 4
	// An OPT record in the additional section announces the client's UDP size.
	an, ns, ar := binary.BigEndian.Uint16(msg[6:]), binary.BigEndian.Uint16(msg[8:]), binary.BigEndian.Uint16(msg[10:])
	if an == 0 && ns == 0 && ar > 0 {
		if _, o, err := readName(msg, off); err == nil && o+10 <= len(msg) && binary.BigEndian.Uint16(msg[o:]) == typeOPT {
			q.udpSize = int(binary.BigEndian.Uint16(msg[o+2:]))
		}
	}
	return q, nil
}

func appendName(b []byte, name string) []byte {
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if l == "" {
			continue
		}
		if len(l) > 63 {
			l = l[:63]
		}
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// reply encodes a response to q.
func reply(q *question, rcode int, authoritative bool, answers []rr, udp bool) []byte {
	flags := uint16(0x8000) | q.flags&0x7900 | 0x0080 | uint16(rcode) // QR, opcode+RD kept, RA
	if authoritative {
		flags |= 0x0400
	}
	b := make([]byte, 12, 512)
	binary.BigEndian.PutUint16(b, q.id)
	binary.BigEndian.PutUint16(b[4:], 1)
	b = appendName(b, string(q.rawName))
	b = binary.BigEndian.AppendUint16(b, q.qtype)
	b = binary.BigEndian.AppendUint16(b, q.qclass)
	limit := maxUDP
	if q.udpSize > limit {
		limit = q.udpSize
	}
	if q.udpSize > 0 {
		limit -= 11 // our OPT record
	}
	n := 0
	for _, a := range answers {
		r := appendName(nil, a.name)
		r = binary.BigEndian.AppendUint16(r, a.rtype)
		r = binary.BigEndian.AppendUint16(r, classIN)
		r = binary.BigEndian.AppendUint32(r, a.ttl)
		r = binary.BigEndian.AppendUint16(r, uint16(len(a.data)))
		r = append(r, a.data...)
		if udp && len(b)+len(r) > limit {
			flags |= 0x0200 // truncated: the client retries over TCP
			break
		}
		b = append(b, r...)
		n++
	}
	binary.BigEndian.PutUint16(b[2:], flags)
	binary.BigEndian.PutUint16(b[6:], uint16(n))
	if q.udpSize > 0 {
		binary.BigEndian.PutUint16(b[10:], 1)
		b = append(b, 0)                              // root name
		b = binary.BigEndian.AppendUint16(b, typeOPT) // type
		b = binary.BigEndian.AppendUint16(b, 1232)    // our UDP size
		b = binary.BigEndian.AppendUint32(b, 0)       // extended rcode, version, flags
		b = binary.BigEndian.AppendUint16(b, 0)       // no options
	}
	return b
}

// answer handles one query message; nil means no reply (garbage).
func (d *dnsServer) answer(msg []byte, udp bool) []byte {
	q, err := parseQuestion(msg)
	if q == nil {
		return nil
	}
	if err != nil {
		return reply(q, rcodeFormErr, false, nil, udp)
	}
	if q.flags&0x7800 != 0 { // only standard queries
		return reply(q, rcodeNotImp, false, nil, udp)
	}
	if q.name != d.domain && !strings.HasSuffix(q.name, "."+d.domain) {
		if resp := d.forward(msg, udp); resp != nil {
			return resp
		}
		return reply(q, rcodeServFail, false, nil, udp)
	}
	answers, rcode := d.resolve(q.name, q.qtype, 0)
	return reply(q, rcode, true, answers, udp)
}

func aRecord(name string, ip net.IP) rr {
	return rr{name: name, rtype: typeA, ttl: ttl, data: ip.To4()}
}

// resolve answers a name inside the cluster domain.
func (d *dnsServer) resolve(name string, qtype uint16, depth int) ([]rr, int) {
	rest := strings.TrimSuffix(strings.TrimSuffix(name, d.domain), ".")
	var labels []string
	if rest != "" {
		labels = strings.Split(rest, ".")
	}
	wantA := qtype == typeA || qtype == typeANY
	switch {
	case len(labels) == 0 || (len(labels) == 1 && (labels[0] == "svc" || labels[0] == "pod")):
		return nil, rcodeOK // the zone and its subdomains exist
	case len(labels) == 2 && (labels[1] == "svc" || labels[1] == "pod"):
		return nil, rcodeOK // <namespace>.svc
	case len(labels) == 3 && labels[2] == "pod":
		// a-b-c-d.<namespace>.pod.<domain>
		ip := net.ParseIP(strings.ReplaceAll(labels[0], "-", "."))
		if ip == nil || ip.To4() == nil {
			return nil, rcodeNXDomain
		}
		if !wantA {
			return nil, rcodeOK
		}
		return []rr{aRecord(name, ip)}, rcodeOK
	case len(labels) == 3 && labels[2] == "svc":
		return d.service(name, labels[1], labels[0], qtype, depth)
	case len(labels) == 4 && labels[3] == "svc":
		// <hostname>.<service>.<namespace>.svc: an endpoint of a headless Service.
		eps, err := d.p.endpoints.Endpoints(labels[2]).Get(labels[1])
		if err != nil {
			return nil, rcodeNXDomain
		}
		for _, ss := range eps.Subsets {
			for _, a := range ss.Addresses {
				if a.Hostname == labels[0] {
					if !wantA {
						return nil, rcodeOK
					}
					return []rr{aRecord(name, net.ParseIP(a.IP))}, rcodeOK
				}
			}
		}
		return nil, rcodeNXDomain
	}
	return nil, rcodeNXDomain
}

func (d *dnsServer) service(name, ns, svcName string, qtype uint16, depth int) ([]rr, int) {
	svc, err := d.p.services.Services(ns).Get(svcName)
	if err != nil {
		return nil, rcodeNXDomain
	}
	wantA := qtype == typeA || qtype == typeANY
	switch {
	case svc.Spec.Type == corev1.ServiceTypeExternalName:
		target := strings.ToLower(strings.TrimSuffix(svc.Spec.ExternalName, "."))
		cname := rr{name: name, rtype: typeCNAME, ttl: ttl, data: appendName(nil, target)}
		if qtype == typeCNAME || depth > 8 {
			return []rr{cname}, rcodeOK
		}
		out := []rr{cname}
		if target == d.domain || strings.HasSuffix(target, "."+d.domain) {
			more, _ := d.resolve(target, qtype, depth+1)
			return append(out, more...), rcodeOK
		}
		if wantA {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			ips, _ := net.DefaultResolver.LookupIP(ctx, "ip4", target)
			for _, ip := range ips {
				out = append(out, rr{name: target, rtype: typeA, ttl: 30, data: ip.To4()})
			}
		}
		return out, rcodeOK
	case svc.Spec.ClusterIP == corev1.ClusterIPNone:
		if !wantA {
			return nil, rcodeOK
		}
		eps, err := d.p.endpoints.Endpoints(ns).Get(svcName)
		if err != nil {
			return nil, rcodeOK
		}
		var out []rr
		seen := map[string]bool{}
		for _, ss := range eps.Subsets {
			addrs := ss.Addresses
			if svc.Spec.PublishNotReadyAddresses {
				addrs = append(addrs, ss.NotReadyAddresses...)
			}
			for _, a := range addrs {
				if ip := net.ParseIP(a.IP); ip != nil && ip.To4() != nil && !seen[a.IP] {
					seen[a.IP] = true
					out = append(out, aRecord(name, ip))
				}
			}
		}
		return out, rcodeOK
	default:
		ip := net.ParseIP(svc.Spec.ClusterIP)
		if !wantA || ip == nil || ip.To4() == nil {
			return nil, rcodeOK
		}
		return []rr{aRecord(name, ip)}, rcodeOK
	}
}

// forward relays a query outside the cluster domain to the host's resolvers.
func (d *dnsServer) forward(msg []byte, udp bool) []byte {
	for _, up := range d.p.cfg.Upstreams {
		var resp []byte
		var err error
		if udp {
			resp, err = exchangeUDP(up, msg)
		} else {
			resp, err = exchangeTCP(up, msg)
		}
		if err == nil {
			return resp
		}
	}
	return nil
}

func exchangeUDP(server string, msg []byte) ([]byte, error) {
	c, err := net.DialTimeout("udp", server, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write(msg); err != nil {
		return nil, err
	}
	buf := make([]byte, 65535)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return nil, err
		}
		if n >= 2 && n >= 12 && buf[0] == msg[0] && buf[1] == msg[1] {
			return buf[:n], nil
		}
	}
}

func exchangeTCP(server string, msg []byte) ([]byte, error) {
	c, err := net.DialTimeout("tcp", server, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	out := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
	if _, err := c.Write(append(out, msg...)); err != nil {
		return nil, err
	}
	var l uint16
	if err := binary.Read(c, binary.BigEndian, &l); err != nil {
		return nil, err
	}
	resp := make([]byte, l)
	_, err = io.ReadFull(c, resp)
	return resp, err
}
