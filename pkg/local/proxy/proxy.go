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

// Package proxy resolves Services on a local Skiff node, for Pods and for the host:
//
//   - ClusterIP: each ClusterIP becomes a local address (/32, no route) on the skiff0
//     bridge, and a userspace TCP proxy listens on ClusterIP:port and forwards every
//     connection to a ready endpoint of the Service (round robin, next endpoint on a
//     failed dial). With no ready endpoint nothing listens, so clients get "connection
//     refused" at once, as kube-proxy's reject rules give them. Pods reach ClusterIPs
//     through their default route (the bridge's host address); the host reaches them
//     directly.
//   - DNS: a server on the cluster DNS address (the kube-dns Service's ClusterIP, .10 of
//     the service range) answers *.svc.cluster.local from the Service and Endpoints
//     informers (ClusterIP, headless, ExternalName, pod-IP names) and forwards every
//     other name to the host's resolvers.
//   - Optionally, LoadBalancer and NodePort Services are published on 127.0.0.1, as k3s's
//     ServiceLB and `minikube tunnel` do, with status.loadBalancer.ingress set.
//
// Why not kube-proxy and CoreDNS: kube-proxy needs iptables or nft binaries (absent on
// a fresh machine), owns the host's whole ruleset (two local clusters — `skiff up` and a
// test run — would fight over it), needs br_netfilter hairpin tricks for pods on one
// bridge, and cannot publish on 127.0.0.1 in nftables mode; CoreDNS would add a large
// module graph to the control-plane build for four record types. This proxy needs only
// the bridge, is scoped to one cluster's service range, and is cleaned up with the agent.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/skiffhq/skiff/pkg/local/netns"
)

// DNS Service identity, as kubeadm names it.
const (
	DNSNamespace = "kube-system"
	DNSService   = "kube-dns"
)

// Config describes the proxy.
type Config struct {
	Services  coreinformers.ServiceInformer
	Endpoints coreinformers.EndpointsInformer
	Kube      kubernetes.Interface
	// Bridge holds the ClusterIP addresses.
	Bridge string
	// ClusterDomain is the DNS zone (cluster.local).
	ClusterDomain string
	// DNSIP is the cluster DNS address (the kube-dns Service is created with it).
	DNSIP net.IP
	// ServiceCIDR is the cluster's service range; ClusterIPs outside it are ignored.
	ServiceCIDR *net.IPNet
	// StateDir records the host addresses added, so a crashed agent's are removed.
	StateDir string
	// PublishLoadBalancers publishes LoadBalancer Services on 127.0.0.1:<port> (see
	// LoadBalancerPorts) and NodePort Services on 127.0.0.1:<nodePort>.
	PublishLoadBalancers bool
	// LoadBalancerPorts maps a LoadBalancer Service port to the host port it is
	// published on; unmapped ports use their own number.
	LoadBalancerPorts map[int32]int32
	// Upstreams are DNS servers (host:port) for names outside the cluster domain; nil
	// means the nameservers of the host's /etc/resolv.conf.
	Upstreams []string
	Logger    *zap.SugaredLogger
}

// Proxy is the service proxy and DNS server.
type Proxy struct {
	cfg       Config
	log       *zap.SugaredLogger
	services  corelisters.ServiceLister
	endpoints corelisters.EndpointsLister
	queue     workqueue.TypedRateLimitingInterface[string]
	dns       *dnsServer

	mu        sync.Mutex
	listeners map[string]*listener // by "ip:port"
	state     map[string]*svcState // by service key
	addrs     map[string]*hostAddr // ClusterIP -> holders
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// New wires the proxy to the informers; Start starts it.
func New(cfg Config) (*Proxy, error) {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop().Sugar()
	}
	if cfg.ClusterDomain == "" {
		cfg.ClusterDomain = "cluster.local"
	}
	if cfg.Upstreams == nil {
		cfg.Upstreams = hostUpstreams("/etc/resolv.conf", cfg.DNSIP)
	}
	p := &Proxy{
		cfg:       cfg,
		log:       cfg.Logger,
		services:  cfg.Services.Lister(),
		endpoints: cfg.Endpoints.Lister(),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "skiff-proxy"}),
		listeners: map[string]*listener{},
		state:     map[string]*svcState{},
		addrs:     map[string]*hostAddr{},
	}
	enqueue := func(o any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(o); err == nil {
			p.queue.Add(key)
		}
	}
	h := cache.ResourceEventHandlerFuncs{AddFunc: enqueue, UpdateFunc: func(_, o any) { enqueue(o) }, DeleteFunc: enqueue}
	if _, err := cfg.Services.Informer().AddEventHandler(h); err != nil {
		return nil, err
	}
	if _, err := cfg.Endpoints.Informer().AddEventHandler(h); err != nil {
		return nil, err
	}
	p.dns = &dnsServer{p: p, domain: strings.ToLower(cfg.ClusterDomain)}
	return p, nil
}

// DNSIP is the address the DNS server answers on.
func (p *Proxy) DNSIP() net.IP { return p.cfg.DNSIP }

func (p *Proxy) addrFile() string { return filepath.Join(p.cfg.StateDir, "proxy-addresses") }

// Start removes host addresses a crashed earlier run left, makes sure the kube-dns
// Service holds the DNS address, starts the DNS server and begins syncing Services.
// The informers must have synced.
func (p *Proxy) Start(ctx context.Context) error {
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if b, err := os.ReadFile(p.addrFile()); err == nil {
		for _, s := range strings.Fields(string(b)) {
			if ip := net.ParseIP(s); ip != nil {
				netns.DelHostAddress(p.cfg.Bridge, ip)
			}
		}
	}
	// Addresses of this service range still on the bridge belong to a dead agent (each
	// range has one agent: test binaries lock theirs, `skiff up` has its own).
	if ifc, err := net.InterfaceByName(p.cfg.Bridge); err == nil && p.cfg.ServiceCIDR != nil {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && p.cfg.ServiceCIDR.Contains(n.IP) {
				if ones, bits := n.Mask.Size(); ones == bits {
					netns.DelHostAddress(p.cfg.Bridge, n.IP)
				}
			}
		}
	}
	if err := p.ensureDNSService(ctx); err != nil {
		return err
	}
	if err := p.acquireAddr(p.cfg.DNSIP); err != nil {
		return err
	}
	if err := p.dns.start(p.cfg.DNSIP); err != nil {
		return fmt.Errorf("starting the cluster DNS server on %s:53 (does another Skiff node on this machine use the same "+
			"service range %s?): %w", p.cfg.DNSIP, p.cfg.ServiceCIDR, err)
	}
	// Sync everything once before returning, so Pods started next find their Services.
	svcs, _ := p.services.List(everything)
	for _, s := range svcs {
		p.sync(s.Namespace + "/" + s.Name)
	}
	for i := 0; i < 2; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for p.processNext() {
			}
		}()
	}
	return nil
}

// Stop closes every listener, removes the host addresses and stops the DNS server.
func (p *Proxy) Stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.queue.ShutDown()
	p.wg.Wait()
	p.dns.stopServer()
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, l := range p.listeners {
		l.close()
		delete(p.listeners, k)
	}
	for ip, a := range p.addrs {
		if a.added {
			netns.DelHostAddress(p.cfg.Bridge, net.ParseIP(ip))
		}
		delete(p.addrs, ip)
	}
	os.Remove(p.addrFile())
}

func (p *Proxy) processNext() bool {
	key, quit := p.queue.Get()
	if quit {
		return false
	}
	defer p.queue.Done(key)
	if err := p.sync(key); err != nil {
		p.log.Warnw("syncing service", "service", key, zap.Error(err))
		p.queue.AddRateLimited(key)
		return true
	}
	p.queue.Forget(key)
	return true
}

func (p *Proxy) ensureDNSService(ctx context.Context) error {
	svcs := p.cfg.Kube.CoreV1().Services(DNSNamespace)
	want := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: DNSService, Namespace: DNSNamespace, Labels: map[string]string{
			"k8s-app": "kube-dns", "kubernetes.io/name": "SkiffDNS", "kubernetes.io/cluster-service": "true"}},
		Spec: corev1.ServiceSpec{
			ClusterIP: p.cfg.DNSIP.String(),
			Ports: []corev1.ServicePort{
				{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromInt32(53)},
				{Name: "dns-tcp", Port: 53, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(53)},
			},
		},
	}
	got, err := svcs.Get(ctx, DNSService, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		got, err = svcs.Create(ctx, want, metav1.CreateOptions{})
	}
	if err != nil {
		return fmt.Errorf("ensuring the %s/%s Service (cluster DNS at %s): %w", DNSNamespace, DNSService, p.cfg.DNSIP, err)
	}
	if ip := net.ParseIP(got.Spec.ClusterIP); ip != nil && !ip.Equal(p.cfg.DNSIP) {
		p.log.Infow("using the existing kube-dns ClusterIP", "ip", got.Spec.ClusterIP)
		p.cfg.DNSIP = ip.To4()
	}
	return nil
}

var everything = labelsEverything()

// isDNSService is served by the DNS server itself, not proxied.
func isDNSService(ns, name string) bool { return ns == DNSNamespace && name == DNSService }

// svcState is what a Service holds: listener addresses and ClusterIPs.
type svcState struct {
	listeners []string
	ips       []string
}

// desired is one listener a Service needs.
type desired struct {
	addr     string // listen address ip:port
	backends []string
	svcIP    string // the ClusterIP to hold as a host address ("" for 127.0.0.1)
}

func (p *Proxy) sync(key string) error {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	svc, err := p.services.Services(ns).Get(name)
	if apierrors.IsNotFound(err) || (err == nil && isDNSService(ns, name)) {
		p.apply(key, nil)
		return nil
	}
	if err != nil {
		return err
	}
	var eps *corev1.Endpoints
	if e, err := p.endpoints.Endpoints(ns).Get(name); err == nil {
		eps = e
	}
	want := p.desiredFor(svc, eps)
	p.apply(key, want)
	if p.cfg.PublishLoadBalancers && svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
		return p.setLoadBalancerStatus(svc)
	}
	return nil
}

func (p *Proxy) desiredFor(svc *corev1.Service, eps *corev1.Endpoints) []desired {
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		return nil
	}
	var ips []string
	for _, s := range append([]string{svc.Spec.ClusterIP}, svc.Spec.ClusterIPs...) {
		ip := net.ParseIP(s)
		if ip == nil || ip.To4() == nil || (p.cfg.ServiceCIDR != nil && !p.cfg.ServiceCIDR.Contains(ip)) {
			continue
		}
		if !containsStr(ips, ip.String()) {
			ips = append(ips, ip.String())
		}
	}
	var out []desired
	for _, sp := range svc.Spec.Ports {
		if sp.Protocol != "" && sp.Protocol != corev1.ProtocolTCP {
			continue // only TCP is proxied; DNS (UDP) is served by the DNS server itself
		}
		backends := backendsFor(svc, sp, eps)
		for _, ip := range ips {
			out = append(out, desired{addr: net.JoinHostPort(ip, strconv.Itoa(int(sp.Port))), backends: backends, svcIP: ip})
		}
		if !p.cfg.PublishLoadBalancers {
			continue
		}
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
			port := sp.Port
			if m, ok := p.cfg.LoadBalancerPorts[sp.Port]; ok {
				port = m
			}
			out = append(out, desired{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port))), backends: backends})
		}
		if (svc.Spec.Type == corev1.ServiceTypeNodePort || svc.Spec.Type == corev1.ServiceTypeLoadBalancer) && sp.NodePort != 0 {
			out = append(out, desired{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(int(sp.NodePort))), backends: backends})
		}
	}
	return out
}

// backendsFor lists the ready endpoints (ip:port) of one Service port.
func backendsFor(svc *corev1.Service, sp corev1.ServicePort, eps *corev1.Endpoints) []string {
	if eps == nil {
		return nil
	}
	var out []string
	for _, ss := range eps.Subsets {
		port := int32(0)
		for _, ep := range ss.Ports {
			if ep.Name == sp.Name || (len(ss.Ports) == 1 && len(svc.Spec.Ports) == 1) {
				port = ep.Port
				break
			}
		}
		if port == 0 {
			continue
		}
		for _, a := range ss.Addresses {
			out = append(out, net.JoinHostPort(a.IP, strconv.Itoa(int(port))))
		}
	}
	sort.Strings(out)
	return out
}

// apply makes the listeners and host addresses of one Service match want.
func (p *Proxy) apply(key string, want []desired) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx.Err() != nil {
		return
	}
	old := p.state[key]
	if old == nil {
		old = &svcState{}
	}
	next := &svcState{}
	// Host addresses are held while the Service exists, with or without endpoints, so
	// clients are refused at once instead of timing out.
	for _, d := range want {
		if d.svcIP != "" && !containsStr(next.ips, d.svcIP) {
			next.ips = append(next.ips, d.svcIP)
		}
	}
	for _, ip := range next.ips {
		if !containsStr(old.ips, ip) {
			if err := p.acquireAddrLocked(net.ParseIP(ip)); err != nil {
				p.log.Warnw("adding service address", "service", key, "ip", ip, zap.Error(err))
			}
		}
	}
	wanted := map[string]desired{}
	for _, d := range want {
		if len(d.backends) > 0 {
			wanted[d.addr] = d
		}
	}
	for _, addr := range old.listeners {
		l := p.listeners[addr]
		if l == nil {
			continue
		}
		if d, ok := wanted[addr]; ok {
			l.setBackends(d.backends)
			next.listeners = append(next.listeners, addr)
			delete(wanted, addr)
			continue
		}
		l.close()
		delete(p.listeners, addr)
	}
	for _, d := range want {
		if _, pending := wanted[d.addr]; !pending {
			continue
		}
		delete(wanted, d.addr)
		if _, taken := p.listeners[d.addr]; taken {
			p.log.Warnw("address already served by another service", "service", key, "addr", d.addr)
			continue
		}
		l, err := listen(p, d.addr)
		if err != nil {
			p.log.Warnw("listening for service", "service", key, "addr", d.addr, zap.Error(err))
			continue
		}
		l.setBackends(d.backends)
		p.listeners[d.addr] = l
		next.listeners = append(next.listeners, d.addr)
	}
	for _, ip := range old.ips {
		if !containsStr(next.ips, ip) {
			p.releaseAddrLocked(ip)
		}
	}
	if len(next.ips) == 0 && len(next.listeners) == 0 {
		delete(p.state, key)
	} else {
		p.state[key] = next
	}
	p.recordAddrsLocked()
}

func (p *Proxy) acquireAddr(ip net.IP) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.acquireAddrLocked(ip)
	p.recordAddrsLocked()
	return err
}

// hostAddr is a ClusterIP held on the bridge.
type hostAddr struct {
	holders int
	// added is false when the address was already there (another agent's): it is then
	// left in place on release.
	added bool
}

func (p *Proxy) acquireAddrLocked(ip net.IP) error {
	s := ip.String()
	a := p.addrs[s]
	if a == nil {
		added, err := netns.AddHostAddress(p.cfg.Bridge, ip)
		if err != nil {
			return err
		}
		if !added {
			p.log.Warnw("service address already on the bridge (another Skiff node on this machine with an overlapping "+
				"service range?)", "ip", s)
		}
		a = &hostAddr{added: added}
		p.addrs[s] = a
	}
	a.holders++
	return nil
}

func (p *Proxy) releaseAddrLocked(ip string) {
	a := p.addrs[ip]
	if a == nil {
		return
	}
	a.holders--
	if a.holders <= 0 {
		delete(p.addrs, ip)
		if a.added {
			netns.DelHostAddress(p.cfg.Bridge, net.ParseIP(ip))
		}
	}
}

func (p *Proxy) recordAddrsLocked() {
	if p.cfg.StateDir == "" {
		return
	}
	ips := make([]string, 0, len(p.addrs))
	for ip, a := range p.addrs {
		if a.added {
			ips = append(ips, ip)
		}
	}
	sort.Strings(ips)
	os.WriteFile(p.addrFile(), []byte(strings.Join(ips, "\n")+"\n"), 0o644)
}

func (p *Proxy) setLoadBalancerStatus(svc *corev1.Service) error {
	want := []corev1.LoadBalancerIngress{{IP: "127.0.0.1", IPMode: ptrTo(corev1.LoadBalancerIPModeVIP)}}
	if len(svc.Status.LoadBalancer.Ingress) == 1 && svc.Status.LoadBalancer.Ingress[0].IP == "127.0.0.1" {
		return nil
	}
	s := svc.DeepCopy()
	s.Status.LoadBalancer.Ingress = want
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	_, err := p.cfg.Kube.CoreV1().Services(s.Namespace).UpdateStatus(ctx, s, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// Backends returns the current backends of the listener on addr (for tests).
func (p *Proxy) Backends(addr string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.listeners[addr]; l != nil {
		return *l.backends.Load()
	}
	return nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ptrTo[T any](v T) *T { return &v }

var errNoBackends = errors.New("no ready endpoints")
