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
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/networking/pkg/http/header"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress"
	. "github.com/skiffhq/skiff/pkg/testing"
)

func TestHostRouting(t *testing.T) {
	tg := newTestGateway(t, Options{})
	hello, other := startBackend(t, "hello", false), startBackend(t, "other", false)
	tg.resolver.setService(revisionService("ns", "hello-00001", false), hello)
	tg.resolver.setService(revisionService("ns", "other-00001", false), other)
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))
	tg.mustUpsert(t, routeIngress("other", splitTo("other-00001", 100)))
	private := routeIngress("private", splitTo("other-00001", 100))
	private.Spec.Rules = private.Spec.Rules[:1] // cluster-local only
	private.Spec.Rules[0].Hosts = []string{"private.ns.svc.cluster.local"}
	tg.mustUpsert(t, private)

	c := http.DefaultClient
	for _, tc := range []struct {
		name     string
		listener *httptest.Server
		host     string
		want     string // backend; "" for 404
	}{
		{"public host, external listener", tg.external, "hello.ns.example.com", "hello"},
		{"another Ingress's host", tg.external, "other.ns.example.com", "other"},
		{"host with a port and upper case", tg.external, "Hello.NS.example.com:80", "hello"},
		{"cluster-local host is not public", tg.external, "hello.ns.svc.cluster.local", ""},
		{"cluster-local-only Ingress is not public", tg.external, "private.ns.svc.cluster.local", ""},
		{"unknown host", tg.external, "nope.ns.example.com", ""},
		{"name.ns.svc.cluster.local, internal listener", tg.internal, "hello.ns.svc.cluster.local", "hello"},
		{"name.ns.svc, internal listener", tg.internal, "hello.ns.svc", "hello"},
		{"name.ns, internal listener", tg.internal, "hello.ns", "hello"},
		{"cluster-local-only Ingress, internal listener", tg.internal, "private.ns", "other"},
		{"public host on the internal listener too", tg.internal, "hello.ns.example.com", "hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, s, _ := get(t, c, tc.listener.URL, tc.host)
			if tc.want == "" {
				if code != http.StatusNotFound {
					t.Errorf("status = %d, want 404", code)
				}
				return
			}
			if code != http.StatusOK || s.Backend != tc.want {
				t.Errorf("status %d from %q, want 200 from %q", code, s.Backend, tc.want)
			}
			if s.Host != tc.host {
				t.Errorf("backend saw Host %q, want the client's %q", s.Host, tc.host)
			}
		})
	}
}

func TestSplitIsObservedWithinTolerance(t *testing.T) {
	tg := newTestGateway(t, Options{})
	v1, v2 := startBackend(t, "v1", false), startBackend(t, "v2", false)
	tg.resolver.setService(revisionService("ns", "hello-00001", false), v1)
	tg.resolver.setService(revisionService("ns", "hello-00002", false), v2)
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 90), splitTo("hello-00002", 10)))

	const n = 2000
	counts := map[string]int{}
	for range n {
		code, s, _ := get(t, http.DefaultClient, tg.external.URL, "hello.ns.example.com")
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		counts[s.Backend]++
		if want := map[string]string{"v1": "hello-00001", "v2": "hello-00002"}[s.Backend]; s.Headers["Knative-Serving-Revision"] != want {
			t.Fatalf("%s got Knative-Serving-Revision %q, want %q", s.Backend, s.Headers["Knative-Serving-Revision"], want)
		}
	}
	// Six standard deviations of Binomial(n, 0.1): a false failure is
	// practically impossible, a wrong split (e.g. 50/50 or 80/20) is not.
	sd := math.Sqrt(n * 0.9 * 0.1)
	if got := float64(counts["v2"]); math.Abs(got-0.1*n) > 6*sd {
		t.Errorf("v2 got %v of %d requests, want %v ± %.0f", got, n, 0.1*n, 6*sd)
	}
	t.Logf("split over %d requests: %v", n, counts)
}

func TestTagRouting(t *testing.T) {
	tg := newTestGateway(t, Options{})
	cur, cand := startBackend(t, "current", false), startBackend(t, "candidate", false)
	tg.resolver.setService(revisionService("ns", "hello-00001", false), cur)
	tg.resolver.setService(revisionService("ns", "hello-00002", false), cand)
	// As the route reconciler builds it with tag-header-based routing: the
	// default host routes Knative-Serving-Tag: candidate to the tag's
	// revision; the tag has its own host.
	tagPath := path(splitTo("hello-00002", 100))
	tagPath.Headers = map[string]v1alpha1.HeaderMatch{header.RouteTagKey: {Exact: "candidate"}}
	defPath := path(splitTo("hello-00001", 100))
	defPath.AppendHeaders = map[string]string{header.DefaultRouteKey: "true"}
	candPath := path(splitTo("hello-00002", 100))
	candPath.AppendHeaders = map[string]string{header.RouteTagKey: "candidate"}
	ing := Ingress("ns", "hello", WithIngressRules(
		rule(v1alpha1.IngressVisibilityExternalIP, []string{"hello.ns.example.com"}, tagPath, defPath),
		rule(v1alpha1.IngressVisibilityExternalIP, []string{"candidate-hello.ns.example.com"}, candPath),
		rule(v1alpha1.IngressVisibilityClusterLocal, []string{"candidate-hello.ns.svc.cluster.local"}, candPath),
	))
	ing.SetDefaults(context.Background())
	tg.mustUpsert(t, ing)

	for _, tc := range []struct {
		name       string
		listener   *httptest.Server
		host       string
		hdrs       []string
		want       string
		wantHeader [2]string
	}{
		{"default host", tg.external, "hello.ns.example.com", nil, "current", [2]string{header.DefaultRouteKey, "true"}},
		{"default host with the tag header", tg.external, "hello.ns.example.com", []string{header.RouteTagKey, "candidate"}, "candidate", [2]string{header.RouteTagKey, "candidate"}},
		{"default host with an unknown tag", tg.external, "hello.ns.example.com", []string{header.RouteTagKey, "nope"}, "current", [2]string{header.DefaultRouteKey, "true"}},
		{"tag host", tg.external, "candidate-hello.ns.example.com", nil, "candidate", [2]string{header.RouteTagKey, "candidate"}},
		{"cluster-local tag host", tg.internal, "candidate-hello.ns", nil, "candidate", [2]string{header.RouteTagKey, "candidate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, s, _ := get(t, http.DefaultClient, tc.listener.URL, tc.host, tc.hdrs...)
			if code != http.StatusOK || s.Backend != tc.want {
				t.Fatalf("status %d from %q, want 200 from %q", code, s.Backend, tc.want)
			}
			if got := s.Headers[tc.wantHeader[0]]; got != tc.wantHeader[1] {
				t.Errorf("backend saw %s: %q, want %q", tc.wantHeader[0], got, tc.wantHeader[1])
			}
		})
	}
}

func TestPathsHeadersAndRewrite(t *testing.T) {
	tg := newTestGateway(t, Options{})
	api, web := startBackend(t, "api", false), startBackend(t, "web", false)
	tg.resolver.setService(revisionService("ns", "api-00001", false), api)
	tg.resolver.setService(revisionService("ns", "web-00001", false), web)
	apiPath := path(splitTo("api-00001", 100))
	apiPath.Path = "/api"
	apiPath.RewriteHost = "api.internal"
	apiPath.AppendHeaders = map[string]string{"x-route": "api"}
	ing := Ingress("ns", "site", WithIngressRules(
		rule(v1alpha1.IngressVisibilityExternalIP, []string{"site.example.com"}, apiPath, path(splitTo("web-00001", 100))),
	))
	ing.SetDefaults(context.Background())
	tg.mustUpsert(t, ing)

	code, s, _ := get(t, http.DefaultClient, tg.external.URL+"/api/v1/things", "site.example.com", "X-Route", "client-value")
	if code != http.StatusOK || s.Backend != "api" {
		t.Fatalf("/api: status %d from %q, want api", code, s.Backend)
	}
	for k, want := range map[string]string{
		"X-Route":                   "api", // set, replacing the client's
		"Knative-Serving-Revision":  "api-00001",
		"Knative-Serving-Namespace": "ns",
		"X-Forwarded-Proto":         "http",
		"X-Forwarded-For":           "127.0.0.1",
	} {
		if got := s.Headers[k]; got != want {
			t.Errorf("backend saw %s: %q, want %q", k, got, want)
		}
	}
	if s.Host != "api.internal" || s.Path != "/api/v1/things" {
		t.Errorf("backend saw Host %q path %q, want api.internal /api/v1/things", s.Host, s.Path)
	}

	code, s, _ = get(t, http.DefaultClient, tg.external.URL+"/index.html", "site.example.com")
	if code != http.StatusOK || s.Backend != "web" || s.Host != "site.example.com" {
		t.Errorf("/index.html: status %d from %q with Host %q, want web with the client's host", code, s.Backend, s.Host)
	}
}

func TestH2C(t *testing.T) {
	tg := newTestGateway(t, Options{})
	grpcish, plain := startBackend(t, "h2c", true), startBackend(t, "http1", false)
	tg.resolver.setService(revisionService("ns", "grpc-00001", true), grpcish)
	tg.resolver.setService(revisionService("ns", "plain-00001", false), plain)
	h2Split := splitTo("grpc-00001", 100)
	h2Split.ServicePort = intstr.FromInt(81)
	tg.mustUpsert(t, routeIngress("grpc", h2Split))
	tg.mustUpsert(t, routeIngress("plain", splitTo("plain-00001", 100)))

	for _, tc := range []struct {
		name        string
		client      *http.Client
		host        string
		wantBackend string
		wantProto   int // as the backend saw it
	}{
		{"h2c client, h2c backend (port 81)", h2cClient(), "grpc.ns.example.com", "h2c", 2},
		{"HTTP/1 client, h2c backend", http.DefaultClient, "grpc.ns.example.com", "h2c", 2},
		{"h2c client, HTTP/1 backend", h2cClient(), "plain.ns.example.com", "http1", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, s, _ := get(t, tc.client, tg.external.URL, tc.host)
			if code != http.StatusOK || s.Backend != tc.wantBackend || s.Proto != tc.wantProto {
				t.Errorf("status %d from %q over HTTP/%d, want 200 from %q over HTTP/%d", code, s.Backend, s.Proto, tc.wantBackend, tc.wantProto)
			}
		})
	}
}

func TestWebsocket(t *testing.T) {
	tg := newTestGateway(t, Options{Timeout: 1 << 40}) // a request timeout must not apply to upgrades
	upgrader := websocket.Upgrader{}
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, append([]byte(r.Header.Get("Knative-Serving-Revision")+": "), msg...)); err != nil {
				return
			}
		}
	}))
	defer ws.Close()
	tg.resolver.setService(revisionService("ns", "ws-00001", false), &backendServer{ip: "127.0.0.1", port: ws.Listener.Addr().(*net.TCPAddr).Port})
	tg.mustUpsert(t, routeIngress("ws", splitTo("ws-00001", 100)))

	d := websocket.Dialer{}
	conn, resp, err := d.Dial("ws"+strings.TrimPrefix(tg.external.URL, "http"), http.Header{"Host": {"ws.ns.example.com"}})
	if err != nil {
		t.Fatalf("dial through the gateway: %v (response %v)", err, resp)
	}
	defer conn.Close()
	for i := range 5 {
		msg := fmt.Sprintf("hello %d", i)
		if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, got, err := conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if want := "ws-00001: " + msg; string(got) != want {
			t.Errorf("echo = %q, want %q", got, want)
		}
	}
}

func TestStreaming(t *testing.T) {
	tg := newTestGateway(t, Options{})
	next := make(chan struct{})
	stream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for i := range 3 {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(http.Flusher).Flush()
			if i < 2 {
				<-next // the next chunk only once the client has read this one
			}
		}
	}))
	defer stream.Close()
	tg.resolver.setService(revisionService("ns", "stream-00001", false), &backendServer{ip: "127.0.0.1", port: stream.Listener.Addr().(*net.TCPAddr).Port})
	tg.mustUpsert(t, routeIngress("stream", splitTo("stream-00001", 100)))

	req, _ := http.NewRequest(http.MethodGet, tg.external.URL, nil)
	req.Host = "stream.ns.example.com"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for i := range 3 {
		// Were the gateway buffering, this read would never return: the
		// backend waits for it before writing more.
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading chunk %d: %v", i, err)
		}
		if want := fmt.Sprintf("chunk %d\n", i); line != want {
			t.Errorf("got %q, want %q", line, want)
		}
		if i < 2 {
			next <- struct{}{}
		}
	}
}

func TestProbesAreAnsweredByTheGateway(t *testing.T) {
	tg := newTestGateway(t, Options{})
	b := startBackend(t, "hello", false)
	var backendHits atomic.Int32
	b.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { backendHits.Add(1) })
	ing := routeIngress("hello", splitTo("hello-00001", 100))
	probe := func(listener *httptest.Server, host string) (int, string) {
		_, _, h := get(t, http.DefaultClient, listener.URL+"/healthz", host,
			header.ProbeKey, header.ProbeValue, header.HashKey, header.HashValueOverride)
		code, _, _ := get(t, http.DefaultClient, listener.URL+"/healthz", host,
			header.ProbeKey, header.ProbeValue, header.HashKey, header.HashValueOverride)
		return code, h.Get(header.HashKey)
	}

	if code, _ := probe(tg.external, "hello.ns.example.com"); code != http.StatusNotFound {
		t.Errorf("probe before the Ingress is served: %d, want 404", code)
	}
	tg.mustUpsert(t, ing)
	if code, _ := probe(tg.external, "hello.ns.example.com"); code != http.StatusServiceUnavailable {
		t.Errorf("probe while the revision has no endpoints: %d, want 503", code)
	}
	tg.resolver.setService(revisionService("ns", "hello-00001", false), b)
	tg.Refresh("ns", "hello-00001")
	want, _ := ingress.Hash(ing)
	for _, l := range []struct {
		srv  *httptest.Server
		host string
	}{{tg.external, "hello.ns.example.com"}, {tg.internal, "hello.ns.svc.cluster.local"}} {
		if code, hash := probe(l.srv, l.host); code != http.StatusOK || hash != want {
			t.Errorf("probe %s: %d with hash %q, want 200 with %q", l.host, code, hash, want)
		}
	}

	// A new version answers with its own hash as soon as Upsert returns.
	v2 := routeIngress("hello", splitTo("hello-00001", 100))
	v2.Spec.Rules[1].HTTP.Paths[0].AppendHeaders = map[string]string{"x": "y"}
	tg.mustUpsert(t, v2)
	want2, _ := ingress.Hash(v2)
	if code, hash := probe(tg.external, "hello.ns.example.com"); code != http.StatusOK || hash != want2 {
		t.Errorf("probe after the update: %d with hash %q, want 200 with %q", code, hash, want2)
	}
	if n := backendHits.Load(); n != 0 {
		t.Errorf("the backend received %d probe requests, want none", n)
	}
}

func TestNoEndpointsThenEndpoints(t *testing.T) {
	tg := newTestGateway(t, Options{})
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))
	if code, _, _ := get(t, http.DefaultClient, tg.external.URL, "hello.ns.example.com"); code != http.StatusServiceUnavailable {
		t.Errorf("no Service: status %d, want 503", code)
	}
	b := startBackend(t, "pod", false)
	tg.resolver.setService(revisionService("ns", "hello-00001", false), b)
	tg.Refresh("ns", "hello-00001")
	if code, s, _ := get(t, http.DefaultClient, tg.external.URL, "hello.ns.example.com"); code != http.StatusOK || s.Backend != "pod" {
		t.Errorf("after the Endpoints appear: status %d from %q, want 200 from pod", code, s.Backend)
	}
}

// TestDeadEndpointIsRetried: an endpoint that refuses connections (a pod
// gone before the Endpoints update arrives) costs no failed request.
func TestDeadEndpointIsRetried(t *testing.T) {
	tg := newTestGateway(t, Options{})
	live := startBackend(t, "live", false)
	dead := startBackend(t, "dead", false)
	dead.Close()
	tg.resolver.setService(revisionService("ns", "hello-00001", false), live, dead)
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))

	for i := range 50 {
		body := "x"
		req, _ := http.NewRequest(http.MethodPost, tg.external.URL, strings.NewReader(body))
		req.Host = "hello.ns.example.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Backend") != "live" {
			t.Fatalf("request %d: status %d from %q", i, resp.StatusCode, resp.Header.Get("X-Backend"))
		}
	}
}

// TestDomainMappingLoopback: a backend that is an ExternalName Service
// naming this gateway (a Route's placeholder Service) is served in process
// by the internal listener, with the rewritten host.
func TestDomainMappingLoopback(t *testing.T) {
	const internalDomain = "skiff-gateway-internal.knative-serving.svc.cluster.local"
	tg := newTestGateway(t, Options{LocalDomains: []string{internalDomain}})
	b := startBackend(t, "hello", false)
	tg.resolver.setService(revisionService("ns", "hello-00001", false), b)
	tg.resolver.setService(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "hello"},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: internalDomain,
			Ports:        []corev1.ServicePort{{Name: "http", Port: 80}},
		},
	})
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))
	dmPath := v1alpha1.HTTPIngressPath{
		RewriteHost: "hello.ns.svc.cluster.local",
		Splits: []v1alpha1.IngressBackendSplit{{
			IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "ns", ServiceName: "hello", ServicePort: intstr.FromInt(80)},
			Percent:        100,
		}},
	}
	dm := Ingress("ns", "app.example.org", WithIngressRules(rule(v1alpha1.IngressVisibilityExternalIP, []string{"app.example.org"}, dmPath)))
	tg.mustUpsert(t, dm)

	code, s, _ := get(t, http.DefaultClient, tg.external.URL, "app.example.org")
	if code != http.StatusOK || s.Backend != "hello" || s.Host != "hello.ns.svc.cluster.local" {
		t.Errorf("status %d from %q with Host %q, want 200 from hello with the rewritten host", code, s.Backend, s.Host)
	}

	// Should the Service become an ordinary one, requests go to its
	// endpoints from then on.
	direct := startBackend(t, "direct", false)
	tg.resolver.setService(revisionService("ns", "hello", false), direct)
	tg.Refresh("ns", "hello")
	if code, s, _ := get(t, http.DefaultClient, tg.external.URL, "app.example.org"); code != http.StatusOK || s.Backend != "direct" {
		t.Errorf("after the Service changed: status %d from %q, want 200 from direct", code, s.Backend)
	}
}

func TestTimeout(t *testing.T) {
	tg := newTestGateway(t, Options{Timeout: 1})
	stuck := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only once the gateway gives up
	}))
	defer stuck.Close()
	tg.resolver.setService(revisionService("ns", "slow-00001", false), &backendServer{ip: "127.0.0.1", port: stuck.Listener.Addr().(*net.TCPAddr).Port})
	tg.mustUpsert(t, routeIngress("slow", splitTo("slow-00001", 100)))
	if code, _, _ := get(t, http.DefaultClient, tg.external.URL, "slow.ns.example.com"); code != http.StatusGatewayTimeout {
		t.Errorf("status %d, want 504", code)
	}
}

func TestDeleteAndReplace(t *testing.T) {
	tg := newTestGateway(t, Options{})
	b := startBackend(t, "b", false)
	tg.resolver.setService(revisionService("ns", "a-00001", false), b)
	tg.resolver.setService(revisionService("ns", "b-00001", false), b)
	tg.mustUpsert(t, routeIngress("a", splitTo("a-00001", 100)))
	tg.mustUpsert(t, routeIngress("b", splitTo("b-00001", 100)))

	tg.Delete(types.NamespacedName{Namespace: "ns", Name: "a"})
	if code, _, _ := get(t, http.DefaultClient, tg.external.URL, "a.ns.example.com"); code != http.StatusNotFound {
		t.Errorf("deleted Ingress: status %d, want 404", code)
	}
	if code, _, _ := get(t, http.DefaultClient, tg.external.URL, "b.ns.example.com"); code != http.StatusOK {
		t.Errorf("remaining Ingress: status %d, want 200", code)
	}
	if _, ok := tg.backends.byKey[BackendKey{Namespace: "ns", Name: "a-00001", Port: intstr.FromInt(80)}]; ok {
		t.Error("the deleted Ingress's backend is still registered")
	}

	bad := Ingress("ns", "bad", WithIngressRules(v1alpha1.IngressRule{Hosts: []string{"bad.example.com"}}))
	if err := tg.Replace(func() ([]*v1alpha1.Ingress, error) {
		return []*v1alpha1.Ingress{routeIngress("a", splitTo("a-00001", 100)), bad}, nil
	}); err == nil {
		t.Error("Replace accepted an Ingress without an HTTP block")
	}
	if code, _, _ := get(t, http.DefaultClient, tg.external.URL, "a.ns.example.com"); code != http.StatusOK {
		t.Errorf("after Replace: a status %d, want 200", code)
	}
	if code, _, _ := get(t, http.DefaultClient, tg.external.URL, "b.ns.example.com"); code != http.StatusNotFound {
		t.Errorf("after Replace: b status %d, want 404", code)
	}
	if got := tg.List(); len(got) != 1 || got[0].Name != "a" {
		t.Errorf("List = %+v, want only a", got)
	}
}

// TestUpdatesUnderLoad: while clients send requests nonstop, the traffic
// moves between revisions back and forth and the revisions' endpoints
// change (including an endpoint that refuses connections); not one request
// may fail.
func TestUpdatesUnderLoad(t *testing.T) {
	tg := newTestGateway(t, Options{})
	v1a, v1b := startBackend(t, "v1a", false), startBackend(t, "v1b", false)
	v2 := startBackend(t, "v2", false)
	dead := startBackend(t, "dead", false)
	dead.Close()
	tg.resolver.setService(revisionService("ns", "hello-00001", false), v1a, v1b)
	tg.resolver.setService(revisionService("ns", "hello-00002", false), v2)
	tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))

	var (
		stop    atomic.Bool
		wg      sync.WaitGroup
		total   atomic.Int64
		mu      sync.Mutex
		badness []string
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				var body io.Reader
				method := http.MethodGet
				if (w+i)%2 == 0 {
					method, body = http.MethodPost, strings.NewReader("payload")
				}
				req, _ := http.NewRequest(method, tg.external.URL, body)
				req.Host = "hello.ns.example.com"
				resp, err := client.Do(req)
				total.Add(1)
				if err != nil {
					mu.Lock()
					badness = append(badness, err.Error())
					mu.Unlock()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					mu.Lock()
					badness = append(badness, fmt.Sprintf("%d from %q", resp.StatusCode, resp.Header.Get("X-Backend")))
					mu.Unlock()
				}
			}
		}()
	}

	waitFor := func(n int64) {
		for start := total.Load(); total.Load() < start+n; {
			time.Sleep(time.Millisecond) // until the clients made n more requests
		}
	}
	for round := range 40 {
		switch round % 4 {
		case 0: // rollout: 50/50
			tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 50), splitTo("hello-00002", 50)))
		case 1: // all on the new revision; the old one loses a pod and gains a dead endpoint
			tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00002", 100)))
			tg.resolver.setService(revisionService("ns", "hello-00001", false), v1b, dead)
			tg.Refresh("ns", "hello-00001")
		case 2: // back to the old revision
			tg.mustUpsert(t, routeIngress("hello", splitTo("hello-00001", 100)))
		case 3: // the old revision's pods come back; the new revision gets the dead endpoint too
			tg.resolver.setService(revisionService("ns", "hello-00001", false), v1a, v1b)
			tg.Refresh("ns", "hello-00001")
			tg.resolver.setService(revisionService("ns", "hello-00002", false), v2, dead)
			tg.Refresh("ns", "hello-00002")
		}
		waitFor(50)
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d requests during 40 configuration changes", total.Load())
	if len(badness) > 0 {
		t.Errorf("%d of %d requests failed, e.g. %v", len(badness), total.Load(), badness[:min(5, len(badness))])
	}
}
