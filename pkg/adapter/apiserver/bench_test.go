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

package apiserver

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

// BenchmarkApiServerSourceEvents measures ApiServerSource events/s from a
// real local apiserver: b.N ConfigMaps created by 16 writers, until the
// sink has every add event. The sink answers after sinkLatency, as a sink
// one hop away would. "senders=1" sends one event at a time, as upstream's
// adapter does; "senders=8" is Skiff's default (per-object order kept).
//
//	go test -run XXX -bench ApiServerSource -benchtime 2000x ./pkg/adapter/apiserver
func BenchmarkApiServerSourceEvents(b *testing.B) {
	const sinkLatency = 2 * time.Millisecond
	for _, senders := range []int{1, DefaultSenders} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			env := harness.Get(b)
			ns := env.Namespace(b)

			var got atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				time.Sleep(sinkLatency)
				got.Add(1)
				w.WriteHeader(http.StatusAccepted)
			}))
			defer srv.Close()

			cfg := rest.CopyConfig(env.Config)
			cfg.QPS, cfg.Burst = 5000, 5000
			kc := kubernetes.NewForConfigOrDie(cfg)
			dc := dynamic.NewForConfigOrDie(cfg)
			ce, err := adapter.NewClient(adapter.ClientConfig{Env: &adapter.EnvConfig{Sink: srv.URL}})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(logging.WithLogger(context.Background(), zap.NewNop().Sugar()))
			a := New(ctx, Args{
				Discovery: kc.Discovery(), Dynamic: dc, Client: ce, Source: cfg.Host, Name: "bench",
				Config:  Config{Namespaces: []string{ns}, Resources: []ResourceWatch{{GVR: configMaps}}, EventMode: v1.ReferenceMode},
				Senders: senders,
			})
			done := make(chan error, 1)
			go func() { done <- a.Start(ctx) }()
			defer func() {
				cancel()
				<-done
			}()

			// Wait until the adapter watches: a probe's event arrives.
			for i := 0; got.Load() == 0; i++ {
				if i == 600 {
					b.Fatal("the adapter never reported a change")
				}
				if i%10 == 0 {
					if _, err := kc.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("probe-%d", i)}}, metav1.CreateOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(time.Second)
			base := got.Load()

			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			var next atomic.Int64
			for w := 0; w < 16; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i)}, Data: map[string]string{"i": fmt.Sprint(i)}}
						if _, err := kc.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			created := time.Since(start)
			deadline := time.Now().Add(5 * time.Minute)
			for got.Load()-base < int64(b.N) {
				if time.Now().After(deadline) {
					b.Fatalf("%d of %d events arrived", got.Load()-base, b.N)
				}
				time.Sleep(10 * time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(b.N)/created.Seconds(), "creates/s")
		})
	}
}
