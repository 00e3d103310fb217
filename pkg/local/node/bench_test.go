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

package node_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/skiffhq/skiff/pkg/test/harness"
)

// BenchmarkPodStartToReady measures Pod create -> Ready (scheduler, agent, network,
// container start, first successful readiness probe), observed through a watch, and
// Pod delete -> gone. It reports p50/p99 in milliseconds.
//
//	go test -run '^$' -bench PodStartToReady -benchtime 20x ./pkg/local/node/
func BenchmarkPodStartToReady(b *testing.B) {
	hello(b)
	env := harness.Get(b)
	ns := env.Namespace(b)
	pods := env.Kube.CoreV1().Pods(ns)
	ctx := context.Background()
	var ready, gone []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		name := fmt.Sprintf("bench-%d", i)
		w, err := pods.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		if err != nil {
			b.Fatal(err)
		}
		begin := time.Now()
		if _, err := pods.Create(ctx, helloPod(ns, name), metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		for ev := range w.ResultChan() {
			if p, ok := ev.Object.(*corev1.Pod); ok && podReady(p) {
				break
			}
		}
		ready = append(ready, time.Since(begin))
		begin = time.Now()
		if err := pods.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			b.Fatal(err)
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Deleted {
				break
			}
		}
		gone = append(gone, time.Since(begin))
		w.Stop()
	}
	b.StopTimer()
	pct := func(d []time.Duration, q float64) float64 {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(ready, 0.5), "ready-p50-ms")
	b.ReportMetric(pct(ready, 0.99), "ready-p99-ms")
	b.ReportMetric(pct(gone, 0.5), "delete-p50-ms")
	b.ReportMetric(pct(gone, 0.99), "delete-p99-ms")
}

// BenchmarkTwentyPods starts 20 Pods at once (readiness and liveness probes every
// second) and reports the time until all are Ready, then the agent's CPU use and the
// test process's RSS (agent plus test) over 10 idle seconds.
//
//	go test -run '^$' -bench TwentyPods -benchtime 1x ./pkg/local/node/
func BenchmarkTwentyPods(b *testing.B) {
	hello(b)
	env := harness.Get(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		ns := env.Namespace(b)
		pods := env.Kube.CoreV1().Pods(ns)
		begin := time.Now()
		for j := 0; j < 20; j++ {
			p := helloPod(ns, fmt.Sprintf("p-%d", j), func(p *corev1.Pod) {
				p.Spec.Containers[0].LivenessProbe = p.Spec.Containers[0].ReadinessProbe.DeepCopy()
			})
			if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		for {
			list, err := pods.List(ctx, metav1.ListOptions{})
			if err != nil {
				b.Fatal(err)
			}
			ready := 0
			for i := range list.Items {
				if podReady(&list.Items[i]) {
					ready++
				}
			}
			if ready == 20 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.ReportMetric(float64(time.Since(begin).Milliseconds()), "all-ready-ms")
		cpu0 := selfCPU()
		time.Sleep(10 * time.Second)
		b.ReportMetric(float64((selfCPU()-cpu0).Milliseconds())/10, "idle-cpu-ms/s")
		b.ReportMetric(float64(selfRSS())/(1<<20), "rss-MiB")
	}
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func selfRSS() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscan(rest, &kb)
			return kb << 10
		}
	}
	return 0
}
