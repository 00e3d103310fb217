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
	"context"
	"errors"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

func svc(ns, name string, mutate func(*corev1.Service)) *corev1.Service {
	s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{ClusterIP: "10.96.128.20", Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
	if mutate != nil {
		mutate(s)
	}
	return s
}

func eps(ns, name string, port int32, ready []string, notReady ...string) *corev1.Endpoints {
	e := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	ss := corev1.EndpointSubset{Ports: []corev1.EndpointPort{{Name: "http", Port: port}}}
	for _, ip := range ready {
		a := corev1.EndpointAddress{IP: ip}
		if h, addr, ok := strings.Cut(ip, "="); ok {
			a = corev1.EndpointAddress{IP: addr, Hostname: h}
		}
		ss.Addresses = append(ss.Addresses, a)
	}
	for _, ip := range notReady {
		ss.NotReadyAddresses = append(ss.NotReadyAddresses, corev1.EndpointAddress{IP: ip})
	}
	e.Subsets = []corev1.EndpointSubset{ss}
	return e
}

// testProxy is a Proxy over fixed objects (no informers, no host changes).
func testProxy(t *testing.T, objs ...any) *Proxy {
	t.Helper()
	si := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	ei := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	for _, o := range objs {
		switch o := o.(type) {
		case *corev1.Service:
			si.Add(o)
		case *corev1.Endpoints:
			ei.Add(o)
		}
	}
	_, n, _ := net.ParseCIDR("10.96.128.0/24")
	return &Proxy{cfg: Config{ClusterDomain: "cluster.local", ServiceCIDR: n}, services: corelisters.NewServiceLister(si),
		endpoints: corelisters.NewEndpointsLister(ei), listeners: map[string]*listener{}, state: map[string]*svcState{},
		addrs: map[string]*hostAddr{}}
}

// serveDNS starts the proxy's DNS server on a loopback port and returns a resolver
// that asks only it.
func serveDNS(t *testing.T, p *Proxy) (*net.Resolver, string) {
	t.Helper()
	d := &dnsServer{p: p, domain: p.cfg.ClusterDomain}
	p.dns = d
	if err := d.listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stopServer)
	addr := d.udp.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, network, addr)
	}}, addr
}

func TestDNS(t *testing.T) {
	p := testProxy(t,
		svc("default", "hello", nil),
		svc("default", "db", func(s *corev1.Service) { s.Spec.ClusterIP = corev1.ClusterIPNone }),
		eps("default", "db", 5432, []string{"db-0=10.244.0.7", "10.244.0.8"}, "10.244.0.9"),
		svc("default", "alias", func(s *corev1.Service) {
			s.Spec.Type, s.Spec.ClusterIP, s.Spec.ExternalName = corev1.ServiceTypeExternalName, "", "hello.default.svc.cluster.local"
		}),
		svc("knative-serving", "skiff-gateway-internal", func(s *corev1.Service) { s.Spec.ClusterIP = "10.96.128.30" }),
		svc("default", "hello-go", func(s *corev1.Service) {
			s.Spec.Type, s.Spec.ClusterIP, s.Spec.ExternalName = corev1.ServiceTypeExternalName, "", "skiff-gateway-internal.knative-serving.svc.cluster.local"
		}),
	)
	r, _ := serveDNS(t, p)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name string
		host string
		want []string // nil: NXDOMAIN
	}{
		{"ClusterIP service", "hello.default.svc.cluster.local", []string{"10.96.128.20"}},
		{"trailing dot and case", "Hello.Default.SVC.cluster.local.", []string{"10.96.128.20"}},
		{"headless service: ready endpoints", "db.default.svc.cluster.local", []string{"10.244.0.7", "10.244.0.8"}},
		{"headless endpoint hostname", "db-0.db.default.svc.cluster.local", []string{"10.244.0.7"}},
		{"ExternalName to a cluster service", "alias.default.svc.cluster.local", []string{"10.96.128.20"}},
		{"Knative placeholder to the gateway", "hello-go.default.svc.cluster.local", []string{"10.96.128.30"}},
		{"pod name", "10-244-0-5.default.pod.cluster.local", []string{"10.244.0.5"}},
		{"missing service", "nope.default.svc.cluster.local", nil},
		{"missing namespace's service", "hello.other.svc.cluster.local", nil},
		{"garbage in the zone", "a.b.c.d.e.cluster.local", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.LookupHost(ctx, tc.host)
			sort.Strings(got)
			var dnsErr *net.DNSError
			switch {
			case tc.want != nil:
				if err != nil || strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("LookupHost(%s) = %v, %v; want %v", tc.host, got, err, tc.want)
				}
			default:
				if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
					t.Errorf("LookupHost(%s) = %v, %v; want NXDOMAIN", tc.host, got, err)
				}
			}
		})
	}
	t.Run("response codes", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			qtype uint16
			n     int
			rcode int
		}{
			{"hello.default.svc.cluster.local", typeA, 1, rcodeOK},
			{"hello.default.svc.cluster.local", typeAAAA, 0, rcodeOK}, // exists, no IPv6
			{"default.svc.cluster.local", typeA, 0, rcodeOK},          // a namespace
			{"cluster.local", typeA, 0, rcodeOK},
			{"nope.default.svc.cluster.local", typeA, 0, rcodeNXDomain},
			{"alias.default.svc.cluster.local", typeA, 2, rcodeOK}, // CNAME + A
			{"alias.default.svc.cluster.local", typeCNAME, 1, rcodeOK},
		} {
			ans, rcode := p.dns.resolve(tc.name, tc.qtype, 0)
			if len(ans) != tc.n || rcode != tc.rcode {
				t.Errorf("resolve(%s, %d) = %d answers, rcode %d; want %d, %d", tc.name, tc.qtype, len(ans), rcode, tc.n, tc.rcode)
			}
		}
	})
	t.Run("CNAME is reported", func(t *testing.T) {
		cname, err := r.LookupCNAME(ctx, "alias.default.svc.cluster.local")
		if err != nil || cname != "hello.default.svc.cluster.local." {
			t.Errorf("LookupCNAME = %q, %v", cname, err)
		}
	})
}

func TestDNSOverTCPAndTruncation(t *testing.T) {
	// 60 endpoints do not fit in 512 bytes: UDP answers are truncated and the resolver
	// retries over TCP, getting all of them.
	var ips []string
	for i := 0; i < 60; i++ {
		ips = append(ips, net.IPv4(10, 244, 0, byte(10+i)).String())
	}
	p := testProxy(t, svc("default", "big", func(s *corev1.Service) { s.Spec.ClusterIP = corev1.ClusterIPNone }), eps("default", "big", 80, ips))
	_, addr := serveDNS(t, p)
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, network, addr)
	}}
	got, err := r.LookupHost(context.Background(), "big.default.svc.cluster.local")
	if err != nil || len(got) != 60 {
		t.Errorf("LookupHost = %d addresses, %v; want 60", len(got), err)
	}
}

func TestDNSForwarding(t *testing.T) {
	// An upstream that knows example.test: another server with that zone.
	upstream := testProxy(t, svc("default", "www", func(s *corev1.Service) { s.Spec.ClusterIP = "10.96.128.99" }))
	upstream.cfg.ClusterDomain = "example.test"
	_, upAddr := serveDNS(t, upstream)

	p := testProxy(t)
	p.cfg.Upstreams = []string{upAddr}
	r, _ := serveDNS(t, p)
	got, err := r.LookupHost(context.Background(), "www.default.svc.example.test")
	if err != nil || len(got) != 1 || got[0] != "10.96.128.99" {
		t.Errorf("forwarded lookup = %v, %v; want [10.96.128.99]", got, err)
	}
	noUp := testProxy(t)
	noUp.cfg.Upstreams = []string{}
	r, _ = serveDNS(t, noUp)
	if _, err := r.LookupHost(context.Background(), "www.default.svc.example.test"); err == nil {
		t.Error("lookup without upstreams succeeded")
	}
}

func TestHostUpstreams(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/resolv.conf"
	writeFile(t, path, "# comment\nnameserver 192.0.2.53\nnameserver 10.96.0.10\nsearch example.com\nnameserver 127.0.0.53\n")
	got := hostUpstreams(path, net.ParseIP("10.96.0.10"))
	if strings.Join(got, ",") != "192.0.2.53:53,127.0.0.53:53" {
		t.Errorf("hostUpstreams = %v (the cluster DNS itself must be skipped)", got)
	}
}
