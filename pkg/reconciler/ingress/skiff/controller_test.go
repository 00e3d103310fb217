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

package skiff

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1listers "k8s.io/client-go/listers/core/v1"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	fakeendpointsinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints/fake"
	fakeserviceinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/service/fake"
	rtesting "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"
	_ "knative.dev/pkg/system/testing"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	fakeskiffclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/ingress/fake"
	"github.com/skiffhq/skiff/pkg/ingress/gateway"
)

// hangGuard bounds waits on the controller so a broken one fails the test
// instead of hanging it; it never decides a result.
const hangGuard = 60 * time.Second

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func port(l net.Listener) int32 { return int32(l.Addr().(*net.TCPAddr).Port) }

func endpoints(ns, name, portName string, p int32) *corev1.Endpoints {
	return &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: "127.0.0.1"}},
			Ports:     []corev1.EndpointPort{{Name: portName, Port: p}},
		}},
	}
}

func revisionService(name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt(8012)}}},
	}
}

func backend(t *testing.T, name string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, name+" "+r.Header.Get("Knative-Serving-Revision"))
	}))
	t.Cleanup(s.Close)
	return s
}

// env is a controller running over fake clients — informers, reconciler,
// prober and a gateway on loopback listeners standing for a gateway pod —
// with two revisions' backends.
type env struct {
	ctx                       context.Context
	external, internal, admin net.Listener
}

// startController starts it; extraPods are more gateway pods (listener
// addresses) in the skiff-gateway Endpoints, that this controller does not
// program.
func startController(t *testing.T, extraPods ...net.Listener) *env {
	t.Helper()
	e := &env{external: listen(t), internal: listen(t), admin: listen(t)}
	ctx, cancel, informers := rtesting.SetupFakeContextWithCancel(t, func(ctx context.Context) context.Context {
		return WithOptions(ctx, Options{Serve: gateway.ServeConfig{
			ExternalListener: e.external, InternalListener: e.internal, AdminListener: e.admin,
		}})
	})
	e.ctx = ctx

	kube := fakekubeclient.Get(ctx)
	v1, v2 := backend(t, "v1"), backend(t, "v2")
	public := endpoints(system.Namespace(), GatewayServiceName, GatewayPortName, port(e.external))
	for _, l := range extraPods {
		public.Subsets = append(public.Subsets, endpoints("", "", GatewayPortName, port(l)).Subsets...)
	}
	for _, obj := range []struct {
		svc *corev1.Service
		eps *corev1.Endpoints
	}{
		{revisionService("hello-00001"), endpoints("ns", "hello-00001", "http", port(v1.Listener))},
		{revisionService("hello-00002"), endpoints("ns", "hello-00002", "http", port(v2.Listener))},
		{nil, public},
		{nil, endpoints(system.Namespace(), InternalGatewayServiceName, GatewayPortName, port(e.internal))},
	} {
		if obj.svc != nil {
			if _, err := kube.CoreV1().Services(obj.svc.Namespace).Create(ctx, obj.svc, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := kube.CoreV1().Endpoints(obj.eps.Namespace).Create(ctx, obj.eps, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	impl := NewController(ctx, nil)
	waitInformers, err := rtesting.RunAndSyncInformers(ctx, informers...)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- impl.RunContext(ctx, 1) }()
	t.Cleanup(func() {
		cancel()
		<-done
		waitInformers()
	})

	eventually(t, "the gateway turns ready", func() bool {
		resp, err := http.Get("http://" + e.admin.Addr().String() + "/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return e
}

// helloIngress routes hello's public and cluster-local hosts to rev.
func helloIngress(rev string) *v1alpha1.Ingress {
	ing := king("hello")
	ing.Spec.Rules = append(ing.Spec.Rules, v1alpha1.IngressRule{
		Hosts:      []string{"hello.ns.example.com"},
		Visibility: v1alpha1.IngressVisibilityExternalIP,
		HTTP:       ing.Spec.Rules[0].HTTP.DeepCopy(),
	})
	for i := range ing.Spec.Rules {
		s := &ing.Spec.Rules[i].HTTP.Paths[0].Splits[0]
		s.ServiceName = rev
		s.AppendHeaders = map[string]string{"Knative-Serving-Revision": rev}
	}
	return ing
}

// TestControllerServesAndReportsReady: a KIngress turns Ready once the
// gateway serves it, for a new Ingress and an update; a deletion stops
// serving it.
func TestControllerServesAndReportsReady(t *testing.T) {
	e := startController(t)
	ctx, external, internal, adminURL := e.ctx, e.external, e.internal, "http://"+e.admin.Addr().String()

	client := fakeskiffclient.Get(ctx).NetworkingV1alpha1().Ingresses("ns")
	if _, err := client.Create(ctx, helloIngress("hello-00001"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx, 1)
	// Ready implies served: no retry needed.
	if got := get(t, "http://"+external.Addr().String(), "hello.ns.example.com"); got != "v1 hello-00001" {
		t.Errorf("external listener answered %q, want v1", got)
	}
	if got := get(t, "http://"+internal.Addr().String(), "hello.ns.svc"); got != "v1 hello-00001" {
		t.Errorf("internal listener answered %q, want v1", got)
	}
	got, _ := client.Get(ctx, "hello", metav1.GetOptions{})
	if lb := got.Status.PrivateLoadBalancer; lb == nil || len(lb.Ingress) != 1 || lb.Ingress[0].DomainInternal != PrivateGatewayDomain() {
		t.Errorf("private load balancer %+v, want %s", lb, PrivateGatewayDomain())
	}

	// A new generation moves the traffic; Ready again means moved.
	ing, _ := client.Get(ctx, "hello", metav1.GetOptions{})
	ing.Generation = 2
	ing.Spec = helloIngress("hello-00002").Spec
	if _, err := client.Update(ctx, ing, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitReady(t, ctx, 2)
	if got := get(t, "http://"+external.Addr().String(), "hello.ns.example.com"); got != "v2 hello-00002" {
		t.Errorf("after the update the gateway answered %q, want v2", got)
	}

	var served []gateway.ServedIngress
	resp, err := http.Get(adminURL + "/ingresses")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&served)
	resp.Body.Close()
	if len(served) != 1 || served[0].Name != "hello" {
		t.Errorf("/ingresses = %+v, want hello", served)
	}

	if err := client.Delete(ctx, "hello", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deleted Ingress is no longer served", func() bool {
		req, _ := http.NewRequest(http.MethodGet, "http://"+external.Addr().String(), nil)
		req.Host = "hello.ns.example.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusNotFound
	})
}

// TestReadyWaitsForEveryGatewayPod: with a second gateway pod that lags
// behind (not programmed yet), the KIngress is not Ready however often that
// pod is probed, and turns Ready once it serves the Ingress.
func TestReadyWaitsForEveryGatewayPod(t *testing.T) {
	var (
		lagging atomic.Pointer[gateway.Gateway]
		probes  atomic.Int32
	)
	lagging.Store(gateway.New(gateway.ListerResolver(nil, nil), gateway.Options{}))
	lagListener := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		probes.Add(1)
		lagging.Load().Handler(gateway.External).ServeHTTP(w, r)
	}))
	defer lagListener.Close()
	e := startController(t, lagListener.Listener)
	client := fakeskiffclient.Get(e.ctx).NetworkingV1alpha1().Ingresses("ns")
	if _, err := client.Create(e.ctx, helloIngress("hello-00001"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	eventually(t, "the lagging pod is probed (and answers 404) several times", func() bool { return probes.Load() >= 3 })
	if ing, _ := client.Get(e.ctx, "hello", metav1.GetOptions{}); ing.IsReady() {
		t.Fatal("Ready while a gateway pod does not serve the Ingress")
	}

	// The lagging pod catches up; it has no endpoints for the revision, so
	// give it a resolver (a Ready KIngress must also have somewhere to send).
	caughtUp := gateway.New(gateway.ListerResolver(servicelister(e.ctx), endpointslister(e.ctx)), gateway.Options{})
	ing := helloIngress("hello-00001")
	ing.SetDefaults(e.ctx)
	if err := caughtUp.Upsert(ing); err != nil {
		t.Fatal(err)
	}
	lagging.Store(caughtUp)
	waitReady(t, e.ctx, 1)
}

func waitReady(t *testing.T, ctx context.Context, generation int64) {
	t.Helper()
	client := fakeskiffclient.Get(ctx).NetworkingV1alpha1().Ingresses("ns")
	eventually(t, "the Ingress turns Ready", func() bool {
		ing, err := client.Get(ctx, "hello", metav1.GetOptions{})
		return err == nil && ing.Status.ObservedGeneration == generation && ing.IsReady()
	})
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, url, host string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s Host %s: %d %s", url, host, resp.StatusCode, b)
	}
	return string(b)
}

func servicelister(ctx context.Context) corev1listers.ServiceLister {
	return fakeserviceinformer.Get(ctx).Lister()
}

func endpointslister(ctx context.Context) corev1listers.EndpointsLister {
	return fakeendpointsinformer.Get(ctx).Lister()
}
