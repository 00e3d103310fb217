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
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress"
)

// Listener selects which rules a listener serves.
type Listener int

const (
	// External serves the ExternalIP rules (the skiff-gateway Service).
	External Listener = iota
	// Internal serves the ClusterLocal rules, and the ExternalIP ones too so
	// in-cluster clients can use public hosts (the skiff-gateway-internal
	// Service, where placeholder Services point).
	Internal
	numListeners
)

func (l Listener) String() string {
	if l == External {
		return "external"
	}
	return "internal"
}

// compiledIngress is one KIngress version, ready to serve.
type compiledIngress struct {
	key  types.NamespacedName
	hash string
	// generation is informative (logs, /ingresses).
	generation int64
	// vhosts per listener, with the hosts each serves.
	vhosts   [numListeners][]*vhost
	backends []*Backend
}

// ready reports whether every backend of the Ingress can take a request,
// the condition for answering its probes.
func (ci *compiledIngress) ready() bool {
	for _, b := range ci.backends {
		if !b.ready() {
			return false
		}
	}
	return true
}

// vhost is one rule of an Ingress: hosts and their routes.
type vhost struct {
	ing    *compiledIngress
	hosts  []string
	routes []*route
}

// match returns the first route matching r, or nil.
func (v *vhost) match(r *http.Request) *route {
	for _, rt := range v.routes {
		if rt.matches(r) {
			return rt
		}
	}
	return nil
}

type headerMatch struct {
	name, value string
}

// headerValue is a header to set, its key canonical and its value slice
// full (len == cap) so a later Add on the request cannot write into it.
type headerValue struct {
	name  string
	value []string
}

type route struct {
	prefix        string
	headers       []headerMatch
	splits        []split
	total         int
	appendHeaders []headerValue
	rewriteHost   string
}

type split struct {
	backend *Backend
	// upTo is the cumulative weight: the split takes draws in [previous upTo, upTo).
	upTo          int
	appendHeaders []headerValue
}

func (rt *route) matches(r *http.Request) bool {
	if rt.prefix != "" && !strings.HasPrefix(r.URL.Path, rt.prefix) {
		return false
	}
	for _, h := range rt.headers {
		if v := r.Header[h.name]; len(v) == 0 || v[0] != h.value {
			return false
		}
	}
	return true
}

// pick draws a split by weight.
func (rt *route) pick() *split {
	if len(rt.splits) == 1 {
		return &rt.splits[0]
	}
	n := rand.IntN(rt.total)
	for i := range rt.splits {
		if n < rt.splits[i].upTo {
			return &rt.splits[i]
		}
	}
	return &rt.splits[len(rt.splits)-1]
}

// compile turns a (defaulted) KIngress into its served form, resolving its
// backends through bs.
func compile(ing *v1alpha1.Ingress, bs *backends) (*compiledIngress, error) {
	hash, err := ingress.Hash(ing)
	if err != nil {
		return nil, err
	}
	ci := &compiledIngress{
		key:        types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name},
		hash:       hash,
		generation: ing.Generation,
	}
	seen := map[BackendKey]struct{}{}
	for i, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			return nil, fmt.Errorf("spec.rules[%d]: no http block", i)
		}
		v := &vhost{ing: ci}
		for j, p := range rule.HTTP.Paths {
			rt, err := compileRoute(&p, bs, ci, seen)
			if err != nil {
				return nil, fmt.Errorf("spec.rules[%d].http.paths[%d]: %w", i, j, err)
			}
			v.routes = append(v.routes, rt)
		}
		v.hosts = sets.List(ingress.ExpandedHosts(sets.New(rule.Hosts...)))
		if len(rule.Hosts) == 0 {
			v.hosts = []string{anyHost}
		}
		for k := range v.hosts {
			v.hosts[k] = strings.TrimSuffix(strings.ToLower(v.hosts[k]), ".")
		}
		// Internal serves every rule; External only the public ones.
		ci.vhosts[Internal] = append(ci.vhosts[Internal], v)
		if rule.Visibility != v1alpha1.IngressVisibilityClusterLocal {
			ci.vhosts[External] = append(ci.vhosts[External], v)
		}
	}
	return ci, nil
}

// anyHost stands for a rule without hosts, which matches every host.
const anyHost = "*"

func compileRoute(p *v1alpha1.HTTPIngressPath, bs *backends, ci *compiledIngress, seen map[BackendKey]struct{}) (*route, error) {
	rt := &route{
		prefix:        p.Path,
		rewriteHost:   p.RewriteHost,
		appendHeaders: headerValues(p.AppendHeaders),
	}
	names := make([]string, 0, len(p.Headers))
	for name := range p.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		rt.headers = append(rt.headers, headerMatch{name: http.CanonicalHeaderKey(name), value: p.Headers[name].Exact})
	}
	for k, s := range p.Splits {
		if s.Percent < 0 {
			return nil, fmt.Errorf("splits[%d]: negative percent %d", k, s.Percent)
		}
		if s.Percent == 0 && len(p.Splits) > 1 {
			continue
		}
		key := BackendKey{Namespace: s.ServiceNamespace, Name: s.ServiceName, Port: s.ServicePort}
		b := bs.get(key)
		if _, ok := seen[key]; !ok {
			seen[key] = struct{}{}
			ci.backends = append(ci.backends, b)
		}
		weight := s.Percent
		if len(p.Splits) == 1 {
			weight = 1
		}
		rt.total += weight
		rt.splits = append(rt.splits, split{backend: b, upTo: rt.total, appendHeaders: headerValues(s.AppendHeaders)})
	}
	if len(rt.splits) == 0 {
		return nil, fmt.Errorf("no split takes traffic")
	}
	return rt, nil
}

func headerValues(m map[string]string) []headerValue {
	if len(m) == 0 {
		return nil
	}
	out := make([]headerValue, 0, len(m))
	for k, v := range m {
		out = append(out, headerValue{name: http.CanonicalHeaderKey(k), value: []string{v}[:1:1]})
	}
	slices.SortFunc(out, func(a, b headerValue) int { return strings.Compare(a.name, b.name) })
	return out
}

// table is an immutable routing table: never modified once published.
type table struct {
	hosts [numListeners]map[string]*vhost
}

// buildTable merges Ingresses; when two claim the same host on a listener,
// the one whose namespace/name sorts first wins (deterministically, in every
// gateway pod).
func buildTable(ings map[types.NamespacedName]*compiledIngress) *table {
	keys := make([]types.NamespacedName, 0, len(ings))
	for k := range ings {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b types.NamespacedName) int { return strings.Compare(a.String(), b.String()) })
	t := &table{}
	for l := range numListeners {
		t.hosts[l] = make(map[string]*vhost)
		for _, k := range keys {
			for _, v := range ings[k].vhosts[l] {
				for _, h := range v.hosts {
					if _, taken := t.hosts[l][h]; !taken {
						t.hosts[l][h] = v
					}
				}
			}
		}
	}
	return t
}

// lookup finds the vhost serving host (a Host header: any case, maybe with
// a port) on listener l.
func (t *table) lookup(l Listener, host string) *vhost {
	m := t.hosts[l]
	if v, ok := m[host]; ok {
		return v
	}
	if v, ok := m[normalizeHost(host)]; ok {
		return v
	}
	return m[anyHost]
}

// normalizeHost strips the port and trailing dot and lower-cases.
func normalizeHost(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	for i := 0; i < len(host); i++ {
		if c := host[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(host)
		}
	}
	return host
}
