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
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDesiredListeners(t *testing.T) {
	ready := eps("default", "hello", 8080, []string{"10.244.0.5", "10.244.0.6"})
	tests := []struct {
		name    string
		svc     *corev1.Service
		eps     *corev1.Endpoints
		publish bool
		lbPorts map[int32]int32
		want    []desired
	}{{
		name: "ClusterIP with ready endpoints",
		svc:  svc("default", "hello", nil),
		eps:  ready,
		want: []desired{{addr: "10.96.128.20:80", backends: []string{"10.244.0.5:8080", "10.244.0.6:8080"}, svcIP: "10.96.128.20"}},
	}, {
		name: "no endpoints yet: the address is held, nothing listens",
		svc:  svc("default", "hello", nil),
		want: []desired{{addr: "10.96.128.20:80", svcIP: "10.96.128.20"}},
	}, {
		name: "UDP ports are not proxied",
		svc: svc("default", "hello", func(s *corev1.Service) {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP})
		}),
		eps:  ready,
		want: []desired{{addr: "10.96.128.20:80", backends: []string{"10.244.0.5:8080", "10.244.0.6:8080"}, svcIP: "10.96.128.20"}},
	}, {
		name: "ClusterIP outside the service range is ignored",
		svc:  svc("default", "hello", func(s *corev1.Service) { s.Spec.ClusterIP = "10.96.5.5" }),
		eps:  ready,
	}, {
		name: "headless and ExternalName Services are DNS only",
		svc:  svc("default", "hello", func(s *corev1.Service) { s.Spec.ClusterIP = corev1.ClusterIPNone }),
		eps:  ready,
	}, {
		name: "LoadBalancer published on 127.0.0.1 (mapped port) and its nodePort",
		svc: svc("default", "hello", func(s *corev1.Service) {
			s.Spec.Type = corev1.ServiceTypeLoadBalancer
			s.Spec.Ports[0].NodePort = 31380
		}),
		eps:     ready,
		publish: true,
		lbPorts: map[int32]int32{80: 18080},
		want: []desired{
			{addr: "10.96.128.20:80", backends: []string{"10.244.0.5:8080", "10.244.0.6:8080"}, svcIP: "10.96.128.20"},
			{addr: "127.0.0.1:18080", backends: []string{"10.244.0.5:8080", "10.244.0.6:8080"}},
			{addr: "127.0.0.1:31380", backends: []string{"10.244.0.5:8080", "10.244.0.6:8080"}},
		},
	}, {
		name: "LoadBalancer not published unless asked",
		svc: svc("default", "hello", func(s *corev1.Service) {
			s.Spec.Type = corev1.ServiceTypeLoadBalancer
			s.Spec.Ports[0].NodePort = 31380
		}),
		eps:  ready,
		want: []desired{{addr: "10.96.128.20:80", backends: []string{"10.244.0.5:8080", "10.244.0.6:8080"}, svcIP: "10.96.128.20"}},
	}, {
		name: "endpoint ports matched by name",
		svc: svc("default", "hello", func(s *corev1.Service) {
			s.Spec.Ports = []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt(8080)}, {Name: "metrics", Port: 9090}}
		}),
		eps: func() *corev1.Endpoints {
			e := eps("default", "hello", 8080, []string{"10.244.0.5"})
			e.Subsets[0].Ports = append(e.Subsets[0].Ports, corev1.EndpointPort{Name: "metrics", Port: 9091})
			return e
		}(),
		want: []desired{
			{addr: "10.96.128.20:80", backends: []string{"10.244.0.5:8080"}, svcIP: "10.96.128.20"},
			{addr: "10.96.128.20:9090", backends: []string{"10.244.0.5:9091"}, svcIP: "10.96.128.20"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := testProxy(t)
			p.cfg.PublishLoadBalancers, p.cfg.LoadBalancerPorts = tc.publish, tc.lbPorts
			if tc.svc.Spec.ClusterIP == corev1.ClusterIPNone {
				tc.svc.Spec.Type = corev1.ServiceTypeClusterIP
			}
			got := p.desiredFor(tc.svc, tc.eps)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(desired{})); diff != "" {
				t.Errorf("desiredFor (-want +got):\n%s", diff)
			}
		})
	}
}

// backend is a TCP server on loopback that answers with its name.
func backend(t *testing.T, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64)
				n, _ := c.Read(buf)
				io.WriteString(c, name+":"+string(buf[:n]))
			}()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(addr, msg string) (string, error) {
	c, err := net.DialTimeout("tcp4", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, msg)
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	return string(b), err
}

func TestListenerForwards(t *testing.T) {
	p := testProxy(t)
	a, b := backend(t, "a"), backend(t, "b")
	dead := "127.0.0.1:1" // nothing listens: skipped after a failed dial
	l, err := listen(p, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	addr := l.ln.Addr().String()

	l.setBackends([]string{a, b, dead})
	seen := map[string]int{}
	for i := 0; i < 30; i++ {
		got, err := roundTrip(addr, "ping")
		if err != nil {
			t.Fatalf("round trip %d: %v", i, err)
		}
		name, rest, _ := strings.Cut(got, ":")
		if rest != "ping" {
			t.Fatalf("round trip %d = %q", i, got)
		}
		seen[name]++
	}
	if seen["a"] == 0 || seen["b"] == 0 || seen["a"]+seen["b"] != 30 {
		t.Errorf("connections per backend = %v, want both used and none lost", seen)
	}

	// Without backends a connection is reset, as a kube-proxy reject rule does.
	l.setBackends(nil)
	_, err = roundTrip(addr, "ping")
	if !errors.Is(err, syscall.ECONNRESET) && (err == nil || !strings.Contains(err.Error(), "reset")) {
		t.Errorf("round trip without backends: %v, want a reset", err)
	}
}

func TestApplyKeepsListenersInStep(t *testing.T) {
	p := testProxy(t)
	p.ctx, p.cancel = context.WithCancel(context.Background())
	defer p.cancel()
	a := backend(t, "a")
	free := func() string {
		ln, _ := net.Listen("tcp4", "127.0.0.1:0")
		defer ln.Close()
		return ln.Addr().String()
	}()
	// Loopback addresses stand in for ClusterIPs (no host address is added for them).
	p.apply("default/hello", []desired{{addr: free, backends: []string{a}}})
	if got, err := roundTrip(free, "x"); err != nil || got != "a:x" {
		t.Fatalf("after apply: %q, %v", got, err)
	}
	// Endpoints gone: the listener closes, so clients are refused.
	p.apply("default/hello", []desired{{addr: free}})
	if _, err := roundTrip(free, "x"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("without endpoints: %v, want connection refused", err)
	}
	// Back, then the Service is deleted.
	p.apply("default/hello", []desired{{addr: free, backends: []string{a}}})
	if got, _ := roundTrip(free, "y"); got != "a:y" {
		t.Errorf("endpoints back: %q", got)
	}
	p.apply("default/hello", nil)
	if _, err := roundTrip(free, "x"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after delete: %v, want connection refused", err)
	}
	if len(p.listeners) != 0 || len(p.state) != 0 {
		t.Errorf("state left after delete: %v %v", p.listeners, p.state)
	}
}

func TestLoadBalancerStatus(t *testing.T) {
	s := svc("knative-serving", "skiff-gateway", func(s *corev1.Service) { s.Spec.Type = corev1.ServiceTypeLoadBalancer })
	kube := fake.NewSimpleClientset(s)
	p := testProxy(t, s)
	p.cfg.Kube = kube
	p.ctx, p.cancel = context.WithCancel(context.Background())
	defer p.cancel()
	if err := p.setLoadBalancerStatus(s); err != nil {
		t.Fatal(err)
	}
	got, err := kube.CoreV1().Services("knative-serving").Get(context.Background(), "skiff-gateway", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ing := got.Status.LoadBalancer.Ingress; len(ing) != 1 || ing[0].IP != "127.0.0.1" {
		t.Errorf("status.loadBalancer.ingress = %+v, want 127.0.0.1", ing)
	}
}
