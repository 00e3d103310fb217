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

package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	fakek8s "k8s.io/client-go/kubernetes/fake"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/websocket"

	"github.com/skiffhq/skiff/pkg/activator"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/autoscaler/scaling"
	"github.com/skiffhq/skiff/pkg/autoscaler/statserver"
	. "github.com/skiffhq/skiff/pkg/testing"
)

var podLister = kubeinformers.NewSharedInformerFactory(fakek8s.NewSimpleClientset(), 0).Core().V1().Pods().Lister()

func TestUniScalerFactoryNeedsLabels(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   string
	}{
		{name: "no labels", want: fmt.Sprintf("label %q not found or empty in Decider", serving.ConfigurationLabelKey)},
		{
			name:   "no revision label",
			labels: map[string]string{serving.ServiceLabelKey: "svc", serving.ConfigurationLabelKey: "cfg"},
			want:   fmt.Sprintf("label %q not found or empty in Decider", serving.RevisionLabelKey),
		},
		{
			name:   "no configuration label",
			labels: map[string]string{serving.ServiceLabelKey: "svc", serving.RevisionLabelKey: "rev"},
			want:   fmt.Sprintf("label %q not found or empty in Decider", serving.ConfigurationLabelKey),
		},
	}
	factory := uniScalerFactoryFunc(podLister, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := factory(&scaling.Decider{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "rev", Labels: tc.labels}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	for _, svc := range []string{"svc", ""} {
		d := &scaling.Decider{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "rev", Labels: map[string]string{
			serving.RevisionLabelKey: "rev", serving.ConfigurationLabelKey: "cfg", serving.ServiceLabelKey: svc,
		}}}
		if _, err := factory(d); err != nil {
			t.Errorf("service label %q: error = %v", svc, err)
		}
	}
}

func TestStatsScraperFactory(t *testing.T) {
	factory := statsScraperFactoryFunc(podLister, false, netcfg.MeshCompatibilityModeAuto)
	logger := logtesting.TestLogger(t)
	if s, err := factory(Metric("ns", "rev", WithScrapeTarget("")), logger); s != nil || err != nil {
		t.Errorf("no scrape target: %v, %v; want no scraper and no error", s, err)
	}
	if _, err := factory(Metric("ns", "rev"), logger); err == nil || !strings.Contains(err.Error(), serving.RevisionLabelKey) {
		t.Errorf("no revision label: error = %v, want it named", err)
	}
	m := Metric("ns", "rev")
	m.Labels[serving.RevisionLabelKey] = "rev"
	if s, err := factory(m, logger); s == nil || err != nil {
		t.Errorf("valid metric: %v, %v; want a scraper", s, err)
	}
}

type noPods struct{}

func (noPods) ReadyCount() (int, error)    { return 0, nil }
func (noPods) NotReadyCount() (int, error) { return 0, nil }

// TestActivatorPokeScalesFromZero follows the first request of a revision
// at zero through the pipes: the activator's stat reporter sends it over a
// real websocket to the stat server, which records it and pokes the
// decider, which decides 0 → 1 at once (no 2 s tick) and tells the kpa
// reconciler.
func TestActivatorPokeScalesFromZero(t *testing.T) {
	// Background loops outlive the test by a tick: not the test's logger.
	logger := zap.NewNop().Sugar()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	key := types.NamespacedName{Namespace: "default", Name: "hello-00001"}

	// The autoscaler.
	collector := asmetrics.NewMetricCollector(statsScraperFactoryFunc(podLister, false, netcfg.MeshCompatibilityModeAuto), logger)
	if err := collector.CreateOrUpdate(Metric(key.Namespace, key.Name, WithScrapeTarget(""))); err != nil {
		t.Fatal(err)
	}
	defer collector.Delete(key.Namespace, key.Name)
	ms := scaling.NewMultiScaler(ctx.Done(), func(d *scaling.Decider) (scaling.UniScaler, error) {
		return scaling.New(ctx, d.Namespace, d.Name, collector, noPods{}, &d.Spec), nil
	}, logger)
	informed := make(chan types.NamespacedName, 10)
	ms.Watch(func(k types.NamespacedName) { informed <- k })
	if _, err := ms.Create(ctx, &scaling.Decider{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name},
		Spec: scaling.DeciderSpec{
			TargetValue: 70, TotalValue: 100, TargetBurstCapacity: 211, MaxScaleUpRate: 1000,
			MaxScaleDownRate: 2, PanicThreshold: 2, StableWindow: time.Minute, Reachable: true,
		},
	}); err != nil {
		t.Fatal(err)
	}

	statsCh := make(chan asmetrics.StatMessage, statsBufferLen)
	server := statserver.New("127.0.0.1:0", statsCh, logger)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve(ln)
	defer server.Shutdown(time.Second)
	go processStats(statsCh, collector, ms)
	defer close(statsCh)

	// The activator.
	conn := websocket.NewDurableSendingConnection("ws://"+ln.Addr().String(), logger)
	// Shutdown waits out the connection's keep-alive loop (seconds).
	defer func() { go conn.Shutdown() }()
	statCh := make(chan []asmetrics.StatMessage, 1)
	go activator.ReportStats(logger, conn, statCh)
	for conn.Status() != nil {
		time.Sleep(time.Millisecond)
	}
	// What the concurrency reporter sends on a revision's first request.
	statCh <- []asmetrics.StatMessage{{Key: key, Stat: asmetrics.Stat{PodName: "activator-0", AverageConcurrentRequests: 1, RequestCount: 1}}}
	defer close(statCh)

	select {
	case k := <-informed:
		if k != key {
			t.Fatalf("informed %v, want %v", k, key)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the kpa reconciler was never told")
	}
	d, err := ms.Get(ctx, key.Namespace, key.Name)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status.DesiredScale != 1 {
		t.Errorf("desired scale = %d, want 1", d.Status.DesiredScale)
	}
	if d.Status.ExcessBurstCapacity >= 0 {
		t.Errorf("excess burst capacity = %d, want negative: the activator stays in the path", d.Status.ExcessBurstCapacity)
	}
}
