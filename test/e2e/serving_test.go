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

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/skiffhq/skiff/pkg/local/platform/platformtest"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

const (
	servingNS  = "knative-serving"
	helloHost  = "hello-go.default.example.com"
	helloImage = "dev.local/hello-go:serving"
	hello      = "hello, world!"
	helloV2    = "hello, world! (v2)"
)

// servingComponents are the Deployments the Serving walkthrough runs on.
var servingComponents = []string{servingNS + "/controller", servingNS + "/webhook", servingNS + "/activator",
	servingNS + "/autoscaler", servingNS + "/skiff-gateway"}

// autoscalingForTests shortens the autoscaler's windows so scale to zero takes seconds,
// and keeps the activator in the path only at zero (target-burst-capacity 0) so a
// revision with pods is served by them directly (SKS Serve), as the seed shows.
var autoscalingForTests = map[string]string{
	"stable-window":              "6s",
	"scale-to-zero-grace-period": "6s",
	"target-burst-capacity":      "0",
	"allow-zero-initial-scale":   "true",
}

// configureServing patches config-autoscaler and config-defaults once per binary
// (the benchmarks use the same settings).
func configureServing(t testing.TB, p *platformtest.Platform) {
	t.Helper()
	patch := func(cm string, data map[string]string) {
		var kv []string
		for k, v := range data {
			kv = append(kv, fmt.Sprintf("%q:%q", k, v))
		}
		sort.Strings(kv)
		p.Kubectl(t, "patch", "configmap", cm, "-n", servingNS, "--type=merge", "-p", `{"data":{`+strings.Join(kv, ",")+`}}`)
	}
	patch("config-autoscaler", autoscalingForTests)
	// containerConcurrency 1 for every revision, so the seed's service.yaml stays as it
	// is and load needs more pods.
	patch("config-defaults", map[string]string{"container-concurrency": "1"})
}

// step runs one step of a walkthrough; the walkthrough stops at the first failing step,
// since every later one builds on it.
func step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, fn) {
		t.Fatalf("step %q failed; the later steps depend on it", name)
	}
}

// eventually polls cond until it holds; on timeout the test fails with cond's last
// description of the state.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; last state: %s", timeout, what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// revisionState is what the autoscaling steps look at, for one revision.
type revisionState struct {
	desired, actual int64
	active          string // KPA Active condition: status/reason
	mode            string // SKS spec.mode
	endpoints       []string
	activators      []string
}

func (s revisionState) String() string {
	return fmt.Sprintf("kpa desired=%d actual=%d Active=%s; sks mode=%s; endpoints %v (activators %v)",
		s.desired, s.actual, s.active, s.mode, s.endpoints, s.activators)
}

// endpointsAreActivators is true when the revision Service's endpoints are exactly the
// activators' (port 8012).
func (s revisionState) endpointsAreActivators() bool {
	if len(s.endpoints) == 0 || len(s.endpoints) != len(s.activators) {
		return false
	}
	for i := range s.endpoints {
		if s.endpoints[i] != s.activators[i] {
			return false
		}
	}
	return true
}

// endpointsArePods is true when the endpoints are pod addresses, none an activator's.
func (s revisionState) endpointsArePods() bool {
	if len(s.endpoints) == 0 {
		return false
	}
	for _, e := range s.endpoints {
		for _, a := range s.activators {
			if e == a {
				return false
			}
		}
	}
	return true
}

func stateOf(t testing.TB, p *platformtest.Platform, ns, rev string) revisionState {
	t.Helper()
	var s revisionState
	if kpa := p.Get(t, harness.Ref("autoscaling.internal.knative.dev/v1alpha1", "PodAutoscaler", ns, rev)); kpa != nil {
		s.desired, _, _ = unstructured.NestedInt64(kpa.Object, "status", "desiredScale")
		s.actual, _, _ = unstructured.NestedInt64(kpa.Object, "status", "actualScale")
		s.active = condition(kpa, "Active")
	}
	if sks := p.Get(t, harness.Ref("networking.internal.knative.dev/v1alpha1", "ServerlessService", ns, rev)); sks != nil {
		s.mode, _, _ = unstructured.NestedString(sks.Object, "spec", "mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if ep, err := p.Kube.CoreV1().Endpoints(ns).Get(ctx, rev, metav1.GetOptions{}); err == nil {
		s.endpoints = addresses(ep)
	}
	pods, err := p.Kube.CoreV1().Pods(servingNS).List(ctx, metav1.ListOptions{LabelSelector: "app=activator"})
	if err == nil {
		for _, pod := range pods.Items {
			if pod.Status.PodIP != "" && podReady(&pod) {
				s.activators = append(s.activators, pod.Status.PodIP+":8012")
			}
		}
		sort.Strings(s.activators)
	}
	return s
}

func addresses(ep *corev1.Endpoints) []string {
	var out []string
	for _, ss := range ep.Subsets {
		for _, a := range ss.Addresses {
			for _, port := range ss.Ports {
				out = append(out, fmt.Sprintf("%s:%d", a.IP, port.Port))
			}
		}
	}
	sort.Strings(out)
	return out
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// condition is "Status/Reason" of condition typ, or "" if absent.
func condition(u *unstructured.Unstructured, typ string) string {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]interface{}); ok && m["type"] == typ {
			return fmt.Sprintf("%v/%v", m["status"], m["reason"])
		}
	}
	return ""
}

// revisionPods counts the running (not terminating) pods of a revision.
func revisionPods(t testing.TB, p *platformtest.Platform, ns, rev string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pods, err := p.Kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "serving.knative.dev/revision=" + rev})
	if err != nil {
		t.Fatalf("listing pods of %s: %v", rev, err)
	}
	n := 0
	for _, pod := range pods.Items {
		if pod.DeletionTimestamp == nil && podReady(&pod) {
			n++
		}
	}
	return n
}

// TestServing is the seed's Serving walkthrough on the local platform: hello-go as a
// Knative Service, its object graph as `kubectl get` shows it, scale to zero, a cold
// start through the gateway on 127.0.0.1, scale out under load and back to zero, then a
// new image with a 50/50 split and a rollout under load.
func TestServing(t *testing.T) {
	p := platformtest.Get(t)
	p.RequireComponents(t, servingComponents...)
	p.AddImage(t, helloImage, "examples/hello-go")
	p.AddImage(t, "dev.local/hello-go:v2", "test/e2e/testdata/hellov2")
	configureServing(t, p)
	const ns = "default"
	ksvc := harness.Ref("serving.knative.dev/v1", "Service", ns, "hello-go")
	t.Cleanup(func() { p.KubectlErr("delete", "ksvc", "hello-go", "-n", ns, "--wait=false") })
	gw := newGateway(p.GatewayURL, helloHost, 64)
	diag := func() string {
		return p.Diagnose(servingNS, "activator") + p.Diagnose(servingNS, "autoscaler") + p.Diagnose(servingNS, "skiff-gateway")
	}

	step(t, "1 apply hello-go: the seed's objects", func(t *testing.T) {
		// kubectl apply -f service.yaml
		p.ApplyFiles(t, ns, filepath.Join(p.Root, "examples", "hello-go", "service.yaml"))
		p.WaitForCondition(t, ksvc, "Ready", "True")

		url := "http://" + helloHost
		r := kubectlGet(t, p, []string{"NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, "hello-go", "ksvc", "-n", ns)
		wantCells(t, "ksvc", r, map[string]string{"URL": url, "LATESTCREATED": "hello-go-00001", "LATESTREADY": "hello-go-00001",
			"READY": "True", "REASON": ""})
		r = kubectlGet(t, p, []string{"NAME", "URL", "READY", "REASON"}, "hello-go", "rt", "-n", ns)
		wantCells(t, "rt", r, map[string]string{"URL": url, "READY": "True", "REASON": ""})
		r = kubectlGet(t, p, []string{"NAME", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, "hello-go", "cfg", "-n", ns)
		wantCells(t, "cfg", r, map[string]string{"LATESTCREATED": "hello-go-00001", "LATESTREADY": "hello-go-00001", "READY": "True"})
		// The seed's columns, then the two Knative 1.17 adds (DESIGN §6: 1.17 wins).
		r = kubectlGet(t, p, []string{"NAME", "CONFIG NAME", "K8S SERVICE NAME", "GENERATION", "READY", "REASON",
			"ACTUAL REPLICAS", "DESIRED REPLICAS"}, "hello-go-00001", "rev", "-n", ns)
		wantCells(t, "rev", r, map[string]string{"CONFIG NAME": "hello-go", "K8S SERVICE NAME": "hello-go-00001",
			"GENERATION": "1", "READY": "True", "REASON": ""})
		r = kubectlGet(t, p, []string{"NAME", "READY", "REASON"}, "hello-go", "king", "-n", ns)
		wantCells(t, "king", r, map[string]string{"READY": "True", "REASON": ""})
		r = kubectlGet(t, p, []string{"NAME", "DESIREDSCALE", "ACTUALSCALE", "READY", "REASON"}, "hello-go-00001", "kpa", "-n", ns)
		wantCells(t, "kpa", r, map[string]string{"DESIREDSCALE": "*", "ACTUALSCALE": "*"})
		r = kubectlGet(t, p, []string{"NAME", "MODE", "ACTIVATORS", "SERVICENAME", "PRIVATESERVICENAME", "READY", "REASON"},
			"hello-go-00001", "sks", "-n", ns)
		wantCells(t, "sks", r, map[string]string{"MODE": "*", "ACTIVATORS": "*", "SERVICENAME": "hello-go-00001",
			"PRIVATESERVICENAME": "hello-go-00001-private"})

		svcHeader := []string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"}
		r = kubectlGet(t, p, svcHeader, "hello-go", "svc", "-n", ns)
		wantCells(t, "svc hello-go", r, map[string]string{"TYPE": "ExternalName", "CLUSTER-IP": "<none>",
			"EXTERNAL-IP": "skiff-gateway-internal.knative-serving.svc.cluster.local"})
		r = kubectlGet(t, p, svcHeader, "hello-go-00001", "svc", "-n", ns)
		wantCells(t, "svc hello-go-00001", r, map[string]string{"TYPE": "ClusterIP", "CLUSTER-IP": "*", "EXTERNAL-IP": "<none>",
			"PORT(S)": "80/TCP"})
		r = kubectlGet(t, p, svcHeader, "hello-go-00001-private", "svc", "-n", ns)
		wantCells(t, "svc hello-go-00001-private", r, map[string]string{"TYPE": "ClusterIP", "CLUSTER-IP": "*",
			"PORT(S)": "80/TCP,9090/TCP,9091/TCP,8022/TCP"})
		r = kubectlGet(t, p, []string{"NAME", "ENDPOINTS", "AGE"}, "hello-go-00001", "ep", "-n", ns)
		wantCells(t, "ep hello-go-00001", r, map[string]string{"ENDPOINTS": "*"})
	})

	step(t, "2 at zero: NoTraffic, SKS Proxy, activator endpoints", func(t *testing.T) {
		eventually(t, 2*time.Minute, "hello-go-00001 to scale to zero", func() (bool, string) {
			s := stateOf(t, p, ns, "hello-go-00001")
			return s.actual == 0 && s.desired == 0 && s.active == "False/NoTraffic" && s.mode == "Proxy" &&
				s.endpointsAreActivators() && revisionPods(t, p, ns, "hello-go-00001") == 0, s.String()
		})
		r := kubectlGet(t, p, []string{"NAME", "DESIREDSCALE", "ACTUALSCALE", "READY", "REASON"}, "hello-go-00001", "kpa", "-n", ns)
		wantCells(t, "kpa at zero", r, map[string]string{"DESIREDSCALE": "0", "ACTUALSCALE": "0", "READY": "False", "REASON": "NoTraffic"})
		r = kubectlGet(t, p, []string{"NAME", "MODE", "ACTIVATORS", "SERVICENAME", "PRIVATESERVICENAME", "READY", "REASON"},
			"hello-go-00001", "sks", "-n", ns)
		wantCells(t, "sks at zero", r, map[string]string{"MODE": "Proxy", "ACTIVATORS": "*"})
	})

	step(t, "3 curl through the gateway: cold start", func(t *testing.T) {
		// curl -H "Host: hello-go.default.example.com" http://127.0.0.1:<port>
		r := gw.get(context.Background())
		if r.err != nil || r.status != 200 || r.body != hello+"\n" {
			t.Fatalf("cold request = %d %q, %v; want 200 %q\n%s", r.status, r.body, r.err, hello, diag())
		}
		t.Logf("cold start: first byte after %s", r.firstByte)
		eventually(t, 30*time.Second, "the KPA to report 1 pod", func() (bool, string) {
			s := stateOf(t, p, ns, "hello-go-00001")
			return s.desired >= 1 && s.actual >= 1, s.String()
		})

		// The gateway is a LoadBalancer Service published as k3s's ServiceLB does: its
		// status names 127.0.0.1, and its nodePort answers on 127.0.0.1 too.
		r2 := kubectlGet(t, p, []string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"}, "skiff-gateway",
			"svc", "-n", servingNS)
		wantCells(t, "svc skiff-gateway", r2, map[string]string{"TYPE": "LoadBalancer", "EXTERNAL-IP": "127.0.0.1"})
		nodePort := p.Kubectl(t, "get", "svc", "skiff-gateway", "-n", servingNS, "-o", "jsonpath={.spec.ports[?(@.port==80)].nodePort}")
		if nodePort == "" {
			t.Fatalf("skiff-gateway has no nodePort for port 80")
		}
		viaNodePort := newGateway("http://127.0.0.1:"+nodePort, helloHost, 1).get(context.Background())
		if viaNodePort.err != nil || viaNodePort.status != 200 || viaNodePort.body != hello+"\n" {
			t.Errorf("through the nodePort 127.0.0.1:%s = %d %q, %v; want 200 %q", nodePort, viaNodePort.status,
				viaNodePort.body, viaNodePort.err, hello)
		}
	})

	step(t, "4 load: more pods, SKS Serve, pod endpoints, no failed request", func(t *testing.T) {
		// containerConcurrency 1 and concurrency 10: the queue-proxy holds 10×cc waiting
		// requests (as upstream), so while pods are added nothing needs rejecting.
		const concurrency = 10
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		maxPods := 0
		var sawServe, sawPodEndpoints bool
		done := make(chan loadStats)
		go func() { done <- gw.load(ctx, concurrency, nil) }()
		for ctx.Err() == nil {
			s := stateOf(t, p, ns, "hello-go-00001")
			if n := revisionPods(t, p, ns, "hello-go-00001"); n > maxPods {
				maxPods = n
			}
			sawServe = sawServe || s.mode == "Serve"
			sawPodEndpoints = sawPodEndpoints || (s.mode == "Serve" && s.endpointsArePods() && len(s.endpoints) > 1)
			time.Sleep(500 * time.Millisecond)
		}
		st := <-done
		t.Logf("load: %s; up to %d ready pods", st, maxPods)
		if st.failed() != 0 {
			t.Errorf("%d of %d requests failed under load: %s\n%s", st.failed(), st.total, st, diag())
		}
		if st.bodies[hello] != st.total-st.failed() {
			t.Errorf("answers under load: %v, want only %q", st.bodies, hello)
		}
		if maxPods < 2 {
			t.Errorf("at most %d ready pods under load at concurrency %d with containerConcurrency 1, want more", maxPods, concurrency)
		}
		if !sawServe || !sawPodEndpoints {
			t.Errorf("under load: SKS Serve seen %t, several pod endpoints seen %t; last %s", sawServe, sawPodEndpoints,
				stateOf(t, p, ns, "hello-go-00001"))
		}
		ep := kubectlGet(t, p, []string{"NAME", "ENDPOINTS", "AGE"}, "hello-go-00001", "ep", "-n", ns)
		t.Logf("kubectl get ep hello-go-00001 after the load: %s", ep["ENDPOINTS"])
	})

	step(t, "5 no traffic: back to zero, SKS Proxy", func(t *testing.T) {
		begin := time.Now()
		eventually(t, 2*time.Minute, "hello-go-00001 to scale back to zero", func() (bool, string) {
			s := stateOf(t, p, ns, "hello-go-00001")
			return s.actual == 0 && s.active == "False/NoTraffic" && s.mode == "Proxy" && s.endpointsAreActivators() &&
				revisionPods(t, p, ns, "hello-go-00001") == 0, s.String()
		})
		t.Logf("back to zero %.1fs after the load (stable window %s, grace period %s)", time.Since(begin).Seconds(),
			autoscalingForTests["stable-window"], autoscalingForTests["scale-to-zero-grace-period"])
	})

	step(t, "6 new image: hello-go-00002, 50/50 split, rollout under load", func(t *testing.T) {
		// Load runs through the whole rollout: new revision, split, then all traffic to it.
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan loadStats)
		go func() { done <- gw.load(ctx, 4, nil) }()
		var stats *loadStats
		stopLoad := func() loadStats {
			if stats == nil {
				cancel()
				st := <-done
				stats = &st
			}
			return *stats
		}
		defer stopLoad()

		p.Apply(t, ns, `
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello-go}
spec:
  template:
    spec:
      containers:
      - image: dev.local/hello-go:v2
  traffic:
  - {revisionName: hello-go-00001, percent: 50}
  - {latestRevision: true, percent: 50}
`)
		p.WaitFor(t, ksvc, func(u *unstructured.Unstructured) (bool, error) {
			ready, _ := harness.HasCondition("Ready", "True")(u)
			latest, _, _ := unstructured.NestedString(u.Object, "status", "latestReadyRevisionName")
			gen, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
			return ready && latest == "hello-go-00002" && gen == u.GetGeneration(), nil
		})
		r := kubectlGet(t, p, []string{"NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, "hello-go", "ksvc", "-n", ns)
		wantCells(t, "ksvc", r, map[string]string{"LATESTCREATED": "hello-go-00002", "LATESTREADY": "hello-go-00002", "READY": "True"})

		// The split, observed: 200 requests, each revision within 50% ± 15.
		counts := map[string]int{}
		for i := 0; i < 200; i++ {
			res := gw.get(context.Background())
			if res.err != nil || res.status != 200 {
				t.Fatalf("request %d during the split = %d %q, %v\n%s", i, res.status, res.body, res.err, diag())
			}
			counts[strings.TrimSpace(res.body)]++
		}
		t.Logf("50/50 split: %v", counts)
		if counts[hello] < 70 || counts[helloV2] < 70 || counts[hello]+counts[helloV2] != 200 {
			t.Errorf("split answers = %v, want about 100 each of %q and %q", counts, hello, helloV2)
		}

		// All traffic to the latest revision.
		p.Apply(t, ns, `
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello-go}
spec:
  template:
    spec:
      containers:
      - image: dev.local/hello-go:v2
  traffic:
  - {latestRevision: true, percent: 100}
`)
		p.WaitFor(t, ksvc, func(u *unstructured.Unstructured) (bool, error) {
			ready, _ := harness.HasCondition("Ready", "True")(u)
			gen, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
			traffic, _, _ := unstructured.NestedSlice(u.Object, "status", "traffic")
			return ready && gen == u.GetGeneration() && len(traffic) == 1, nil
		})
		// Once the gateway has the new routes, every answer is v2.
		eventually(t, 30*time.Second, "only hello-go-00002 to answer", func() (bool, string) {
			for i := 0; i < 20; i++ {
				if res := gw.get(context.Background()); strings.TrimSpace(res.body) != helloV2 {
					return false, fmt.Sprintf("%d %q %v", res.status, res.body, res.err)
				}
			}
			return true, ""
		})
		time.Sleep(2 * time.Second)
		st := stopLoad()
		t.Logf("rollout under load: %s; answers %v", st, st.bodies)
		if st.failed() != 0 {
			t.Errorf("%d of %d requests failed during the rollout: %s\n%s", st.failed(), st.total, st, diag())
		}
	})
}
