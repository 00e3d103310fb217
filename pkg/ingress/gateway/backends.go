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

package gateway

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1listers "k8s.io/client-go/listers/core/v1"

	"github.com/skiffhq/skiff/pkg/apis/networking"
)

// Resolver looks up the Services and Endpoints backends resolve to.
type Resolver interface {
	Service(namespace, name string) (*corev1.Service, error)
	Endpoints(namespace, name string) (*corev1.Endpoints, error)
}

// ListerResolver resolves through informer listers.
func ListerResolver(services corev1listers.ServiceLister, endpoints corev1listers.EndpointsLister) Resolver {
	return listerResolver{services: services, endpoints: endpoints}
}

type listerResolver struct {
	services  corev1listers.ServiceLister
	endpoints corev1listers.EndpointsLister
}

func (l listerResolver) Service(ns, name string) (*corev1.Service, error) {
	return l.services.Services(ns).Get(name)
}

func (l listerResolver) Endpoints(ns, name string) (*corev1.Endpoints, error) {
	return l.endpoints.Endpoints(ns).Get(name)
}

// BackendKey names a KIngress backend: a Service port.
type BackendKey struct {
	Namespace, Name string
	Port            intstr.IntOrString
}

func (k BackendKey) String() string {
	return k.Namespace + "/" + k.Name + ":" + k.Port.String()
}

// backendState is what a Backend resolves to at one point in time.
type backendState struct {
	// addrs are host:port pairs, sorted.
	addrs []string
	// h2c is set when the Service port speaks HTTP/2 without TLS.
	h2c bool
	// local is set for an ExternalName Service naming this gateway itself
	// (the placeholder Services of Routes, used by DomainMappings): such
	// requests are dispatched in process to the internal listener.
	local bool
	// err says why there is no address.
	err error
}

// Backend is a Service port and its current endpoints. The endpoints are
// replaced atomically when the Service or its Endpoints change.
type Backend struct {
	key   BackendKey
	state atomic.Pointer[backendState]
	next  atomic.Uint32
	proxy http.Handler
}

// Key returns the Service port of the backend.
func (b *Backend) Key() BackendKey { return b.key }

// Addresses returns the endpoint addresses the backend currently sends to.
func (b *Backend) Addresses() []string { return slices.Clone(b.state.Load().addrs) }

// ready reports whether requests can be sent now.
func (b *Backend) ready() bool {
	st := b.state.Load()
	return st.local || len(st.addrs) > 0
}

// backends is the registry of Backends referenced by the routing table,
// indexed by Service so informer events reach every port of it.
type backends struct {
	resolver     Resolver
	localDomains []string
	newProxy     func(*Backend) http.Handler

	mu        sync.Mutex
	byKey     map[BackendKey]*Backend
	byService map[types.NamespacedName][]*Backend
}

func newBackends(r Resolver, localDomains []string, newProxy func(*Backend) http.Handler) *backends {
	return &backends{
		resolver:     r,
		localDomains: localDomains,
		newProxy:     newProxy,
		byKey:        map[BackendKey]*Backend{},
		byService:    map[types.NamespacedName][]*Backend{},
	}
}

// get returns the Backend for key, resolving a new one now.
func (bs *backends) get(key BackendKey) *Backend {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b, ok := bs.byKey[key]; ok {
		return b
	}
	b := &Backend{key: key}
	b.state.Store(bs.resolve(key))
	b.proxy = bs.newProxy(b)
	bs.byKey[key] = b
	svc := types.NamespacedName{Namespace: key.Namespace, Name: key.Name}
	bs.byService[svc] = append(bs.byService[svc], b)
	return b
}

// refresh re-resolves every backend of the Service namespace/name.
func (bs *backends) refresh(namespace, name string) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	for _, b := range bs.byService[types.NamespacedName{Namespace: namespace, Name: name}] {
		b.state.Store(bs.resolve(b.key))
	}
}

// retain forgets the backends not in keep (no longer referenced by any
// KIngress); in-flight requests holding one finish normally.
func (bs *backends) retain(keep map[BackendKey]struct{}) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	for key := range bs.byKey {
		if _, ok := keep[key]; ok {
			continue
		}
		delete(bs.byKey, key)
		svc := types.NamespacedName{Namespace: key.Namespace, Name: key.Name}
		list := slices.DeleteFunc(bs.byService[svc], func(b *Backend) bool { return b.key == key })
		if len(list) == 0 {
			delete(bs.byService, svc)
		} else {
			bs.byService[svc] = list
		}
	}
}

var errNoPort = errors.New("no such port")

// resolve maps a Service port to its endpoint addresses: the ready
// addresses of the Endpoints subsets carrying the port of the same name
// (Endpoints list target ports by number, matched to the Service port by
// name, as kube-proxy does).
func (bs *backends) resolve(key BackendKey) *backendState {
	svc, err := bs.resolver.Service(key.Namespace, key.Name)
	if err != nil {
		return &backendState{err: fmt.Errorf("service %s/%s: %w", key.Namespace, key.Name, err)}
	}
	sp := servicePort(svc, key.Port)
	h2c := isH2C(sp)

	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		host := strings.TrimSuffix(strings.ToLower(svc.Spec.ExternalName), ".")
		if slices.Contains(bs.localDomains, host) {
			return &backendState{local: true}
		}
		port := key.Port.IntValue()
		if sp != nil {
			port = int(sp.Port)
		}
		if port == 0 {
			return &backendState{err: fmt.Errorf("service %s/%s: %w %s", key.Namespace, key.Name, errNoPort, key.Port.String())}
		}
		return &backendState{addrs: []string{net.JoinHostPort(host, strconv.Itoa(port))}, h2c: h2c}
	}
	if sp == nil {
		return &backendState{err: fmt.Errorf("service %s/%s: %w %s", key.Namespace, key.Name, errNoPort, key.Port.String())}
	}

	eps, err := bs.resolver.Endpoints(key.Namespace, key.Name)
	if err != nil {
		return &backendState{h2c: h2c, err: fmt.Errorf("endpoints %s/%s: %w", key.Namespace, key.Name, err)}
	}
	var addrs []string
	for _, ss := range eps.Subsets {
		port, ok := subsetPort(ss, sp)
		if !ok {
			continue
		}
		p := strconv.Itoa(int(port))
		for _, a := range ss.Addresses {
			addrs = append(addrs, net.JoinHostPort(a.IP, p))
		}
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	st := &backendState{addrs: addrs, h2c: h2c}
	if len(addrs) == 0 {
		st.err = fmt.Errorf("endpoints %s/%s have no ready address for port %s", key.Namespace, key.Name, key.Port.String())
	}
	return st
}

func servicePort(svc *corev1.Service, port intstr.IntOrString) *corev1.ServicePort {
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		if (port.Type == intstr.Int && p.Port == port.IntVal) || (port.Type == intstr.String && p.Name == port.StrVal) {
			return p
		}
	}
	return nil
}

func subsetPort(ss corev1.EndpointSubset, sp *corev1.ServicePort) (int32, bool) {
	for _, p := range ss.Ports {
		if p.Name == sp.Name {
			return p.Port, true
		}
	}
	// An unnamed single-port Service may have an unnamed single-port subset.
	if sp.Name == "" && len(ss.Ports) == 1 {
		return ss.Ports[0].Port, true
	}
	return 0, false
}

// isH2C reports whether a Service port speaks h2c: Knative's "http2" port
// name (revision Services' port 81), "h2c", or the kubernetes.io/h2c
// appProtocol.
func isH2C(sp *corev1.ServicePort) bool {
	if sp == nil {
		return false
	}
	if sp.AppProtocol != nil && *sp.AppProtocol == networking.AppProtocolH2C {
		return true
	}
	return sp.Name == networking.ServicePortNameH2C || sp.Name == "h2c"
}
