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

package status

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/networking/pkg/http/header"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/ingress"
	. "github.com/skiffhq/skiff/pkg/testing"
)

// hangGuard bounds waits on background probing so a broken prober fails
// the test instead of hanging it; it never decides a result.
const hangGuard = 30 * time.Second

func testIngress(revision string) *v1alpha1.Ingress {
	return Ingress("default", "whatever", WithIngressRules(v1alpha1.IngressRule{
		Hosts:      []string{"foo.bar.com"},
		Visibility: v1alpha1.IngressVisibilityExternalIP,
		HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: []v1alpha1.HTTPIngressPath{{
			Splits: []v1alpha1.IngressBackendSplit{{
				IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "default", ServiceName: revision, ServicePort: intstr.FromInt(80)},
				Percent:        100,
			}},
		}}},
	}))
}

type fakeLister struct {
	targets []ProbeTarget
	err     error
}

func (l fakeLister) ListProbeTargets(context.Context, *v1alpha1.Ingress) ([]ProbeTarget, error) {
	return l.targets, l.err
}

// gatewayPod is a loopback server answering probes with whatever hash the
// test feeds it, recording each probe request.
type gatewayPod struct {
	*httptest.Server
	hashes   chan string
	requests chan *http.Request
}

func newGatewayPod(t *testing.T) *gatewayPod {
	p := &gatewayPod{hashes: make(chan string, 100), requests: make(chan *http.Request, 100)}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests <- r
		select {
		case h := <-p.hashes:
			w.Header().Set(header.HashKey, h)
			w.WriteHeader(http.StatusOK)
		default:
			// Not configured yet.
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *gatewayPod) target() ProbeTarget {
	u, _ := url.Parse(p.URL)
	return ProbeTarget{
		PodIPs:  sets.New(u.Hostname()),
		PodPort: u.Port(),
		Port:    "80",
		URLs:    []*url.URL{{Scheme: "http", Host: "foo.bar.com:80"}},
	}
}

func startProber(t *testing.T, lister ProbeTargetLister) (*Prober, chan *v1alpha1.Ingress) {
	ready := make(chan *v1alpha1.Ingress, 10)
	p := NewProber(zaptest.NewLogger(t).Sugar(), lister, func(ing *v1alpha1.Ingress) { ready <- ing })
	done := make(chan struct{})
	stopped := p.Start(done)
	t.Cleanup(func() {
		close(done)
		<-stopped
	})
	return p, ready
}

func waitReady(t *testing.T, ready chan *v1alpha1.Ingress) *v1alpha1.Ingress {
	t.Helper()
	select {
	case ing := <-ready:
		return ing
	case <-time.After(hangGuard):
		t.Fatal("probing never succeeded")
		return nil
	}
}

func TestProbeLifecycle(t *testing.T) {
	ing := testIngress("rev-1")
	hash, _ := ingress.Hash(ing)
	pod := newGatewayPod(t)
	prober, ready := startProber(t, fakeLister{targets: []ProbeTarget{pod.target()}})

	// A stale configuration first, then the current one.
	pod.hashes <- "not-the-hash-you-are-looking-for"
	pod.hashes <- hash

	if ok, err := prober.IsReady(context.Background(), ing); err != nil || ok {
		t.Fatalf("first IsReady = %v, %v; want false while probing", ok, err)
	}
	for range 2 {
		r := <-pod.requests
		if r.Host != "foo.bar.com:80" {
			t.Errorf("probe Host = %q, want foo.bar.com:80", r.Host)
		}
		if r.URL.Path != HealthCheckPath {
			t.Errorf("probe path = %q, want %q", r.URL.Path, HealthCheckPath)
		}
		for k, want := range map[string]string{
			header.ProbeKey:     header.ProbeValue,
			header.HashKey:      header.HashValueOverride,
			header.UserAgentKey: header.IngressReadinessUserAgent,
		} {
			if got := r.Header.Get(k); got != want {
				t.Errorf("probe header %s = %q, want %q", k, got, want)
			}
		}
	}
	if got := waitReady(t, ready); got.Name != ing.Name {
		t.Errorf("ready callback for %s, want %s", got.Name, ing.Name)
	}

	// Cached from now on: no more requests.
	for range 3 {
		if ok, err := prober.IsReady(context.Background(), ing); err != nil || !ok {
			t.Fatalf("IsReady = %v, %v after probing succeeded", ok, err)
		}
	}
	select {
	case r := <-pod.requests:
		t.Fatalf("unexpected probe %v once ready", r.URL)
	default:
	}

	// Forgetting the Ingress probes it again.
	prober.CancelIngressProbing(ing)
	pod.hashes <- hash
	if ok, _ := prober.IsReady(context.Background(), ing); ok {
		t.Fatal("IsReady = true right after cancellation")
	}
	waitReady(t, ready)
}

func TestNewVersionReplacesOldProbing(t *testing.T) {
	v1, v2 := testIngress("rev-1"), testIngress("rev-2")
	h2, _ := ingress.Hash(v2)
	pod := newGatewayPod(t)
	prober, ready := startProber(t, fakeLister{targets: []ProbeTarget{pod.target()}})

	// v1 never gets served: the pod only ever reports v2.
	if ok, _ := prober.IsReady(context.Background(), v1); ok {
		t.Fatal("v1 ready without probing")
	}
	<-pod.requests // v1 probed, 404.
	pod.hashes <- h2
	pod.hashes <- h2
	if ok, _ := prober.IsReady(context.Background(), v2); ok {
		t.Fatal("v2 ready without probing")
	}
	// Cancelling v1's probing (superseded) reports it done; what matters is
	// that v2 turns ready once the pod serves it.
	for {
		got := waitReady(t, ready)
		if h, _ := ingress.Hash(got); h == h2 {
			break
		}
	}
	if ok, err := prober.IsReady(context.Background(), v2); err != nil || !ok {
		t.Fatalf("IsReady(v2) = %v, %v", ok, err)
	}
}

func TestNoTargetsIsReady(t *testing.T) {
	prober, _ := startProber(t, fakeLister{})
	if ok, err := prober.IsReady(context.Background(), testIngress("rev-1")); err != nil || !ok {
		t.Errorf("IsReady = %v, %v; want true with nothing to probe", ok, err)
	}
}

func TestListerFailure(t *testing.T) {
	prober, _ := startProber(t, fakeLister{err: ErrNoProbeTargets})
	ok, err := prober.IsReady(context.Background(), testIngress("rev-1"))
	if ok || !errors.Is(err, ErrNoProbeTargets) {
		t.Errorf("IsReady = %v, %v; want false and the lister's error", ok, err)
	}
}

func TestCancelPodProbing(t *testing.T) {
	// A pod that never serves the Ingress (always 404) keeps it not ready
	// until the pod goes away.
	pod := newGatewayPod(t)
	prober, ready := startProber(t, fakeLister{targets: []ProbeTarget{pod.target()}})
	ing := testIngress("rev-1")
	if ok, _ := prober.IsReady(context.Background(), ing); ok {
		t.Fatal("ready without probing")
	}
	<-pod.requests
	select {
	case <-ready:
		t.Fatal("ready although the pod never served the Ingress")
	default:
	}
	prober.CancelPodProbing(&corev1.Pod{Status: corev1.PodStatus{PodIP: "127.0.0.1"}})
	waitReady(t, ready)
}

func TestProbeVerifier(t *testing.T) {
	item := &workItem{
		ingressState: &ingressState{hash: "want"},
		url:          &url.URL{Host: "foo.bar.com"},
		logger:       zaptest.NewLogger(t).Sugar(),
	}
	verify := (&Prober{}).probeVerifier(item)
	for _, tc := range []struct {
		name    string
		code    int
		hash    string
		wantOK  bool
		wantErr bool
	}{
		{name: "200 with the hash", code: 200, hash: "want", wantOK: true},
		{name: "200 with another hash", code: 200, hash: "old", wantErr: true},
		{name: "200 without a hash is abandoned as success", code: 200, wantOK: true},
		{name: "404 retries", code: 404, wantErr: true},
		{name: "503 retries", code: 503, wantErr: true},
		{name: "302 is abandoned as success", code: 302, wantOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Response{StatusCode: tc.code, Header: http.Header{}}
			if tc.hash != "" {
				r.Header.Set(header.HashKey, tc.hash)
			}
			ok, err := verify(r, nil)
			if ok != tc.wantOK || (err != nil) != tc.wantErr {
				t.Errorf("verify = %v, %v; want %v, error %v", ok, err, tc.wantOK, tc.wantErr)
			}
		})
	}
}
