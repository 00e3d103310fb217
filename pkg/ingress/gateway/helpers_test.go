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
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"go.uber.org/zap/zaptest"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	. "github.com/skiffhq/skiff/pkg/testing"
)

// ---- a fake cluster: Services and Endpoints ----

type fakeResolver struct {
	mu        sync.Mutex
	services  map[string]*corev1.Service
	endpoints map[string]*corev1.Endpoints
}

func newFakeResolver() *fakeResolver {
	return &fakeResolver{services: map[string]*corev1.Service{}, endpoints: map[string]*corev1.Endpoints{}}
}

func (f *fakeResolver) Service(ns, name string) (*corev1.Service, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.services[ns+"/"+name]; ok {
		return s, nil
	}
	return nil, apierrs.NewNotFound(schema.GroupResource{Resource: "services"}, name)
}

func (f *fakeResolver) Endpoints(ns, name string) (*corev1.Endpoints, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.endpoints[ns+"/"+name]; ok {
		return e, nil
	}
	return nil, apierrs.NewNotFound(schema.GroupResource{Resource: "endpoints"}, name)
}

// revisionService is a revision's public Service as the SKS makes it:
// port 80 "http" (or 81 "http2"), no selector.
func revisionService(ns, name string, h2cPort bool) *corev1.Service {
	port := corev1.ServicePort{Name: networking.ServicePortNameHTTP1, Port: networking.ServiceHTTPPort, TargetPort: intstr.FromInt(8012)}
	if h2cPort {
		port = corev1.ServicePort{Name: networking.ServicePortNameH2C, Port: networking.ServiceHTTP2Port, TargetPort: intstr.FromInt(8013)}
	}
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, Ports: []corev1.ServicePort{port}},
	}
}

// setService stores svc and points its Endpoints at the given backends
// (each a loopback server listening on its own port, so one subset each).
func (f *fakeResolver) setService(svc *corev1.Service, backends ...*backendServer) {
	eps := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Namespace: svc.Namespace, Name: svc.Name}}
	for _, b := range backends {
		eps.Subsets = append(eps.Subsets, corev1.EndpointSubset{
			Addresses: []corev1.EndpointAddress{{IP: b.ip}},
			Ports:     []corev1.EndpointPort{{Name: svc.Spec.Ports[0].Name, Port: int32(b.port)}},
		})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.services[svc.Namespace+"/"+svc.Name] = svc
	f.endpoints[svc.Namespace+"/"+svc.Name] = eps
}

// ---- backends: loopback servers that say who they are and what they got ----

type seen struct {
	Backend string            `json:"backend"`
	Host    string            `json:"host"`
	Path    string            `json:"path"`
	Proto   int               `json:"proto"`
	Headers map[string]string `json:"headers"`
}

type backendServer struct {
	*httptest.Server
	name     string
	ip       string
	port     int
	requests chan *http.Request // probes must never get here; tests can watch
}

func startBackend(t *testing.T, name string, h2cServer bool) *backendServer {
	t.Helper()
	b := &backendServer{name: name}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{Backend: name, Host: r.Host, Path: r.URL.Path, Proto: r.ProtoMajor, Headers: map[string]string{}}
		for k := range r.Header {
			s.Headers[k] = r.Header.Get(k)
		}
		w.Header().Set("X-Backend", name)
		_ = json.NewEncoder(w).Encode(s)
	})
	if h2cServer {
		h = h2c.NewHandler(h, &http2.Server{})
	}
	b.Server = httptest.NewServer(h)
	t.Cleanup(b.Close)
	u, _ := url.Parse(b.URL)
	b.ip = u.Hostname()
	b.port, _ = strconv.Atoi(u.Port())
	return b
}

// ---- KIngresses as the route reconciler makes them ----

func splitTo(rev string, percent int) v1alpha1.IngressBackendSplit {
	return v1alpha1.IngressBackendSplit{
		IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "ns", ServiceName: rev, ServicePort: intstr.FromInt(80)},
		Percent:        percent,
		AppendHeaders: map[string]string{
			"Knative-Serving-Revision":  rev,
			"Knative-Serving-Namespace": "ns",
		},
	}
}

func rule(vis v1alpha1.IngressVisibility, hosts []string, paths ...v1alpha1.HTTPIngressPath) v1alpha1.IngressRule {
	return v1alpha1.IngressRule{Hosts: hosts, Visibility: vis, HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: paths}}
}

func path(splits ...v1alpha1.IngressBackendSplit) v1alpha1.HTTPIngressPath {
	return v1alpha1.HTTPIngressPath{Splits: splits}
}

// routeIngress is the KIngress of Route "name" in "ns" sending everything
// to splits, public and cluster-local.
func routeIngress(name string, splits ...v1alpha1.IngressBackendSplit) *v1alpha1.Ingress {
	ing := Ingress("ns", name, WithIngressRules(
		rule(v1alpha1.IngressVisibilityClusterLocal, []string{name + ".ns.svc.cluster.local"}, path(splits...)),
		rule(v1alpha1.IngressVisibilityExternalIP, []string{name + ".ns.example.com"}, path(splits...)),
	))
	ing.SetDefaults(context.Background())
	return ing
}

// ---- the gateway under test ----

type testGateway struct {
	*Gateway
	external, internal *httptest.Server
	resolver           *fakeResolver
}

func newTestGateway(t *testing.T, opts Options) *testGateway {
	t.Helper()
	r := newFakeResolver()
	opts.Logger = zaptest.NewLogger(t).Sugar()
	g := New(r, opts)
	tg := &testGateway{Gateway: g, resolver: r}
	tg.external = httptest.NewServer(NewServer(g.Handler(External)).Handler)
	tg.internal = httptest.NewServer(NewServer(g.Handler(Internal)).Handler)
	t.Cleanup(tg.external.Close)
	t.Cleanup(tg.internal.Close)
	return tg
}

func (tg *testGateway) mustUpsert(t *testing.T, ing *v1alpha1.Ingress) {
	t.Helper()
	if err := tg.Upsert(ing); err != nil {
		t.Fatalf("Upsert(%s): %v", ing.Name, err)
	}
}

// get sends GET url with the Host header and optional headers.
func get(t *testing.T, client *http.Client, u, host string, hdrs ...string) (int, seen, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(hdrs); i += 2 {
		req.Header.Set(hdrs[i], hdrs[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s Host %s: %v", u, host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var s seen
	if resp.StatusCode == http.StatusOK && resp.Header.Get("X-Backend") != "" {
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatalf("decoding %q: %v", body, err)
		}
	}
	return resp.StatusCode, s, resp.Header
}

func h2cClient() *http.Client {
	return &http.Client{Transport: &http2.Transport{
		AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}}
}
