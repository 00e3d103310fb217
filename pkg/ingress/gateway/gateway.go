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
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/networking/pkg/http/header"
	netproxy "knative.dev/networking/pkg/http/proxy"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

// Options tune a Gateway. Zero values take the defaults.
type Options struct {
	// Timeout bounds a whole request (not websockets); 0, the default,
	// leaves it to the revision's timeout, which queue-proxy enforces.
	Timeout time.Duration
	// ResponseHeaderTimeout bounds the wait for a backend's response
	// headers; 0 means none.
	ResponseHeaderTimeout time.Duration
	// DialTimeout bounds connecting to an endpoint (default 5s, as Envoy's
	// connect timeout in net-kourier).
	DialTimeout time.Duration
	// Retries is how many other endpoints a request whose connection
	// failed is tried on (default 2, so 3 attempts as
	// networking.DefaultRetryCount).
	Retries int
	// MaxIdleConnsPerHost is the keep-alive pool per endpoint (default 1000).
	MaxIdleConnsPerHost int
	// DisableFastPath sends every HTTP/1 request through net/http's
	// Transport (see fastTransport); for comparison in benchmarks.
	DisableFastPath bool
	// LocalDomains are the DNS names of this gateway: an ExternalName
	// Service naming one is served in process by the internal listener.
	LocalDomains []string
	// Logger defaults to a no-op logger.
	Logger *zap.SugaredLogger
}

func (o *Options) setDefaults() {
	if o.DialTimeout == 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 2
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.MaxIdleConnsPerHost == 0 {
		o.MaxIdleConnsPerHost = 1000
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop().Sugar()
	}
	domains := make([]string, len(o.LocalDomains))
	for i, d := range o.LocalDomains {
		domains[i] = strings.TrimSuffix(strings.ToLower(d), ".")
	}
	o.LocalDomains = domains
}

// Gateway serves KIngresses. Its methods are safe for concurrent use.
type Gateway struct {
	opts       Options
	logger     *zap.SugaredLogger
	transports transports
	bufferPool httputil.BufferPool
	backends   *backends
	// routers route; handlers are the routers with metrics.
	routers  [numListeners]http.Handler
	handlers [numListeners]http.Handler

	// mu serializes configuration changes.
	mu        sync.Mutex
	ingresses map[types.NamespacedName]*compiledIngress
	table     atomic.Pointer[table]
	ready     atomic.Bool
}

// New returns a Gateway resolving backends through r, serving nothing
// until given KIngresses.
func New(r Resolver, opts Options) *Gateway {
	opts.setDefaults()
	g := &Gateway{
		opts:       opts,
		logger:     opts.Logger,
		transports: newTransports(&opts),
		bufferPool: netproxy.NewBufferPool(),
		ingresses:  map[types.NamespacedName]*compiledIngress{},
	}
	g.backends = newBackends(r, opts.LocalDomains, g.newProxy)
	if err := registerViews(); err != nil {
		g.logger.Warnw("Gateway metrics are not recorded", zap.Error(err))
	}
	tags := &tagContexts{}
	for l := range numListeners {
		g.routers[l] = &listenerHandler{g: g, l: l}
		g.handlers[l] = &metricsHandler{next: g.routers[l], l: l, tags: tags}
	}
	g.table.Store(buildTable(nil))
	return g
}

// Handler returns the http.Handler of listener l.
func (g *Gateway) Handler(l Listener) http.Handler { return g.handlers[l] }

// Upsert serves ing (which the caller has defaulted) from now on, replacing
// any earlier version. When Upsert returns, every new request sees the new
// version. Serving the same version again is a no-op.
func (g *Gateway) Upsert(ing *v1alpha1.Ingress) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	key := types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}
	ci, err := compile(ing, g.backends)
	if err != nil {
		// Keep serving the previous version, if any.
		g.gcBackendsLocked()
		return fmt.Errorf("compiling Ingress %s: %w", key, err)
	}
	if old, ok := g.ingresses[key]; ok && old.hash == ci.hash {
		return nil
	}
	g.ingresses[key] = ci
	g.publishLocked()
	g.logger.Infow("Serving Ingress", zap.String("ingress", key.String()), zap.String("hash", ci.hash), zap.Int64("generation", ci.generation))
	return nil
}

// Delete stops serving the Ingress namespace/name.
func (g *Gateway) Delete(key types.NamespacedName) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.ingresses[key]; !ok {
		return
	}
	delete(g.ingresses, key)
	g.publishLocked()
	g.logger.Infow("Stopped serving Ingress", zap.String("ingress", key.String()))
}

// Replace serves exactly the Ingresses list returns (a full resync, e.g.
// at start), publishing one table. list is called with configuration
// changes held off, so an Upsert or Delete racing with Replace is applied
// after it, never undone by it. Ingresses that fail to compile are left
// out and reported.
func (g *Gateway) Replace(list func() ([]*v1alpha1.Ingress, error)) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	ings, err := list()
	if err != nil {
		return fmt.Errorf("listing Ingresses: %w", err)
	}
	next := make(map[types.NamespacedName]*compiledIngress, len(ings))
	var errs []error
	for _, ing := range ings {
		ci, err := compile(ing, g.backends)
		if err != nil {
			errs = append(errs, fmt.Errorf("compiling Ingress %s/%s: %w", ing.Namespace, ing.Name, err))
			continue
		}
		next[ci.key] = ci
	}
	g.ingresses = next
	g.publishLocked()
	return errors.Join(errs...)
}

// Refresh re-resolves the backends of the Service namespace/name; call it
// when that Service or its Endpoints change.
func (g *Gateway) Refresh(namespace, name string) {
	g.backends.refresh(namespace, name)
}

// Served returns the hash of the version of the Ingress being served.
func (g *Gateway) Served(key types.NamespacedName) (hash string, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ci, ok := g.ingresses[key]
	if !ok {
		return "", false
	}
	return ci.hash, true
}

// ServedIngress describes one served Ingress.
type ServedIngress struct {
	Namespace  string   `json:"namespace"`
	Name       string   `json:"name"`
	Generation int64    `json:"generation"`
	Hash       string   `json:"hash"`
	Hosts      []string `json:"hosts"`
}

// List describes every served Ingress, sorted by namespace/name.
func (g *Gateway) List() []ServedIngress {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]ServedIngress, 0, len(g.ingresses))
	for _, ci := range g.ingresses {
		var hosts []string
		for _, v := range ci.vhosts[Internal] {
			hosts = append(hosts, v.hosts...)
		}
		slices.Sort(hosts)
		out = append(out, ServedIngress{Namespace: ci.key.Namespace, Name: ci.key.Name, Generation: ci.generation, Hash: ci.hash, Hosts: slices.Compact(hosts)})
	}
	slices.SortFunc(out, func(a, b ServedIngress) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	return out
}

// SetReady marks the gateway ready for traffic (its readiness endpoint
// answers 200): call it once the Ingresses existing at start are served.
func (g *Gateway) SetReady(ready bool) { g.ready.Store(ready) }

// Ready reports what SetReady last set.
func (g *Gateway) Ready() bool { return g.ready.Load() }

func (g *Gateway) publishLocked() {
	g.table.Store(buildTable(g.ingresses))
	g.gcBackendsLocked()
}

// gcBackendsLocked forgets backends no served Ingress references.
func (g *Gateway) gcBackendsLocked() {
	keep := map[BackendKey]struct{}{}
	for _, ci := range g.ingresses {
		for _, b := range ci.backends {
			keep[b.key] = struct{}{}
		}
	}
	g.backends.retain(keep)
}

// listenerHandler routes the requests of one listener.
type listenerHandler struct {
	g *Gateway
	l Listener
}

func (h *listenerHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := h.g.table.Load().lookup(h.l, r.Host)
	if v == nil {
		http.Error(w, "no route for host "+r.Host, http.StatusNotFound)
		return
	}
	if isIngressProbe(r) {
		// The prober asks whether this pod serves this Ingress version and
		// can send its traffic somewhere.
		if !v.ing.ready() {
			http.Error(w, "backends of "+v.ing.key.String()+" have no endpoints yet", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set(header.HashKey, v.ing.hash)
		w.WriteHeader(http.StatusOK)
		return
	}
	rt := v.match(r)
	if rt == nil {
		http.Error(w, "no route for "+r.Host+r.URL.Path, http.StatusNotFound)
		return
	}
	s := rt.pick()
	for _, hv := range rt.appendHeaders {
		r.Header[hv.name] = hv.value
	}
	for _, hv := range s.appendHeaders {
		r.Header[hv.name] = hv.value
	}
	if rt.rewriteHost != "" {
		r.Host = rt.rewriteHost
	}
	if t := h.g.opts.Timeout; t > 0 && !isUpgrade(r) {
		ctx, cancel := context.WithTimeout(r.Context(), t)
		defer cancel()
		r = r.WithContext(ctx)
	}
	s.backend.proxy.ServeHTTP(w, r)
}

// isIngressProbe recognizes the ingress prober's requests (see
// pkg/ingress/status): K-Network-Probe plus K-Network-Hash: override.
func isIngressProbe(r *http.Request) bool {
	p := r.Header[header.ProbeKey]
	if len(p) == 0 || p[0] != header.ProbeValue {
		return false
	}
	hh := r.Header[header.HashKey]
	return len(hh) > 0 && hh[0] == header.HashValueOverride
}

func isUpgrade(r *http.Request) bool {
	return len(r.Header["Upgrade"]) > 0
}
