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

package istio

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// TestWaitForIstio: without the Istio API the wait answers probes; once the
// API appears it returns and frees the probes port.
func TestWaitForIstio(t *testing.T) {
	var installed atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apis/"+IstioGroupVersion || !installed.Load() {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(&metav1.APIResourceList{
			TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
			GroupVersion: IstioGroupVersion,
			APIResources: []metav1.APIResource{{Name: "virtualservices", Kind: "VirtualService"}, {Name: "gateways", Kind: "Gateway"}},
		})
	}))
	defer api.Close()

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	probes := l.Addr().String()
	l.Close()

	done := make(chan error, 1)
	go func() {
		done <- WaitForIstio(context.Background(), &rest.Config{Host: api.URL}, probes, 10*time.Millisecond)
	}()

	// Healthy while waiting.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + probes + "/readiness")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("probe while waiting: %d", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("probes never answered while waiting for Istio")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("returned before Istio was installed: %v", err)
	default:
	}

	installed.Store(true)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still waiting after Istio was installed")
	}
	// The port is free for the controller's own probes.
	l, err := net.Listen("tcp", probes)
	if err != nil {
		t.Fatalf("probes port still taken: %v", err)
	}
	l.Close()
}
