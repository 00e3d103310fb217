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

// Command serving-scale benchmarks the Serving control plane at scale
// (issue 5, DESIGN §5 "ksvcs reconciled at scale"): on a fresh local
// control plane it creates N Knative Services at a fixed client rate and
// measures, per ksvc, the time from its create call until its whole object
// graph exists — Configuration, Route, Revision <name>-00001, its
// Deployment, PodAutoscaler, ServerlessService and the public and private
// Services, with the statuses that show each reconciler has run (there is
// no node, so Pods stay Pending and nothing becomes Ready) — plus the
// RSS and CPU of cmd/controller, which runs as a separate process, and of
// the apiserver.
//
//	go run ./hack/bench/serving-scale -n 500
//
// The serving webhook and the kpa reconciler (with fake deciders) run in
// this process; see runInProcess. It is not a test: CI does not run it, and
// it stops by itself (-n ksvcs, -timeout).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	"github.com/skiffhq/skiff/pkg/local/cluster"
)

const namespace = "bench"

type options struct {
	n               int
	qps             float64
	concurrency     int
	timeout         time.Duration
	settleQuiet     time.Duration
	settleMax       time.Duration
	controllerQPS   float64
	controllerBurst int
	autoscalerQPS   float64
	dir             string
	keep            bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == netnsChildArg {
		os.Exit(netnsChild(os.Args[2:]))
	}
	var o options
	flag.IntVar(&o.n, "n", 500, "Knative Services to create")
	flag.Float64Var(&o.qps, "qps", 100, "ksvc creations per second (the client's rate limit)")
	flag.IntVar(&o.concurrency, "concurrency", 8, "concurrent create calls")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up waiting for the ksvcs after this long (from the first create)")
	flag.DurationVar(&o.settleQuiet, "settle-quiet", 15*time.Second, "after the last ksvc completes, settled once no watched object changed for this long")
	flag.DurationVar(&o.settleMax, "settle-max", 90*time.Second, "... or after this long at most")
	flag.Float64Var(&o.controllerQPS, "controller-qps", 0, "KUBE_API_QPS for cmd/controller (0: the binary's own default)")
	flag.IntVar(&o.controllerBurst, "controller-burst", 0, "KUBE_API_BURST for cmd/controller (with -controller-qps)")
	flag.Float64Var(&o.autoscalerQPS, "autoscaler-qps", 0, "client QPS of the in-process kpa reconciler (0: cmd/autoscaler's 10, burst 20); burst is 2x")
	flag.StringVar(&o.dir, "dir", "", "state directory (default: a temporary one, removed unless -keep or failure)")
	flag.BoolVar(&o.keep, "keep", false, "keep the state directory (control-plane and controller logs)")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ok, err := run(ctx, o)
	if err != nil {
		log.Print(err)
	}
	if err != nil || !ok {
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) (ok bool, err error) {
	dir := o.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "skiff-bench-serving-"); err != nil {
			return false, err
		}
	}
	defer func() {
		if o.keep || !ok || o.dir != "" {
			log.Printf("state and logs kept in %s", dir)
		} else {
			os.RemoveAll(dir)
		}
	}()

	log.Print("building ./cmd/controller")
	bin, err := buildController(ctx, dir)
	if err != nil {
		return false, err
	}
	log.Print("starting the local control plane")
	c, err := startCluster(ctx, filepath.Join(dir, "cluster"))
	if err != nil {
		return false, fmt.Errorf("starting the control plane: %w", err)
	}
	defer c.Stop()
	pids := c.PIDs()

	admin := c.RESTConfig()
	admin.WarningHandler = rest.NoWarnings{}
	admin.QPS, admin.Burst = 200, 400 // setup and watches only
	kube, err := kubernetes.NewForConfig(admin)
	if err != nil {
		return false, err
	}
	watchServing, err := clientset.NewForConfig(admin)
	if err != nil {
		return false, err
	}
	// The ksvc creations: a client limited to -qps, as a deploy script would be.
	createCfg := c.RESTConfig()
	createCfg.QPS, createCfg.Burst = float32(o.qps), int(o.qps)
	// The webhook warns about every default securityContext.
	createCfg.WarningHandler = rest.NoWarnings{}
	creator, err := clientset.NewForConfig(createCfg)
	if err != nil {
		return false, err
	}
	ap, err := cluster.NewApplier(admin)
	if err != nil {
		return false, err
	}

	log.Print("applying config/core (CRDs, ConfigMaps, RBAC, webhook configurations)")
	if err := installConfig(ctx, c, ap); err != nil {
		return false, err
	}
	log.Print("starting the serving webhook and the kpa reconciler in-process")
	asBurst := int(2 * o.autoscalerQPS)
	if err := runInProcess(ctx, c, filepath.Join(dir, "inprocess.log"), kube, float32(o.autoscalerQPS), asBurst); err != nil {
		return false, err
	}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		return false, fmt.Errorf("creating namespace %s: %w", namespace, err)
	}
	tr := newTracker()
	if err := tr.watch(ctx, kube, watchServing, namespace); err != nil {
		return false, err
	}

	log.Print("starting cmd/controller")
	ctrl, err := startController(ctx, c, dir, bin, o.controllerQPS, o.controllerBurst)
	if err != nil {
		return false, err
	}
	defer ctrl.stop()
	pids["controller"] = ctrl.pid()
	pids["relay (controller netns)"] = ctrl.cmd.Process.Pid
	pids["bench (webhook, kpa, watches)"] = os.Getpid()

	// One ksvc first: the controller has taken its leases, the webhook
	// and kpa answer; its RSS afterwards is the baseline.
	warm := ksvcName('w', 0)
	tr.expect(warm, time.Now())
	if _, err := creator.ServingV1().Services(namespace).Create(ctx, ksvc(warm), metav1.CreateOptions{}); err != nil {
		return false, fmt.Errorf("creating the warm-up ksvc: %w", err)
	}
	select {
	case <-tr.waitFor(1):
	case <-ctrl.done:
		return false, fmt.Errorf("cmd/controller exited (%v); log tail:\n%s", ctrl.err, ctrl.logTail(30))
	case <-time.After(3 * time.Minute):
		return false, fmt.Errorf("the warm-up ksvc was not reconciled within 3m; controller log tail:\n%s", ctrl.logTail(30))
	case <-ctx.Done():
		return false, ctx.Err()
	}
	time.Sleep(5 * time.Second)
	warmMem := map[string]memory{}
	for name, pid := range pids {
		warmMem[name], _ = readMemory(pid)
	}

	// One more on the idle, warmed-up controller: the latency of a single
	// ksvc, without a queue in front of it.
	single := ksvcName('w', 1)
	tr.expect(single, time.Now())
	if _, err := creator.ServingV1().Services(namespace).Create(ctx, ksvc(single), metav1.CreateOptions{}); err != nil {
		return false, fmt.Errorf("creating %s: %w", single, err)
	}
	select {
	case <-tr.waitFor(2):
	case <-time.After(time.Minute):
		return false, fmt.Errorf("%s was not reconciled within 1m", single)
	case <-ctx.Done():
		return false, ctx.Err()
	}
	singleLatency := tr.latencyOf(single)
	time.Sleep(2 * time.Second)

	// The measured run.
	res := &result{opts: o, pids: pids, warmMem: warmMem, single: singleLatency, load0: loadavg(), cpu0: map[string]time.Duration{}}
	for name, pid := range pids {
		res.cpu0[name], _ = cpuTime(pid)
	}
	res.machine0 = readMachineCPU()
	res.writes0 = tr.writes()
	sampleCtx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	go res.sample(sampleCtx, pids, tr, o.n)

	log.Printf("creating %d ksvcs at %.0f/s (%d concurrent calls)", o.n, o.qps, o.concurrency)
	res.start = time.Now()
	allDone := tr.waitFor(2 + o.n)
	createErrs := createAll(ctx, creator, tr, o)
	res.createdEnd = time.Now()
	if len(createErrs) > 0 {
		log.Printf("%d creates failed, first: %v", len(createErrs), createErrs[0])
	}
	res.createErrors = len(createErrs)

	deadline := time.NewTimer(o.timeout - time.Since(res.start))
	select {
	case <-allDone:
	case <-deadline.C:
		log.Printf("timed out after %s: %d of %d ksvcs reconciled", o.timeout, tr.completed()-2, o.n)
	case <-ctrl.done:
		log.Printf("cmd/controller exited (%v); log tail:\n%s", ctrl.err, ctrl.logTail(30))
	case <-ctx.Done():
		return false, ctx.Err()
	}
	res.end = time.Now()
	res.load1 = loadavg()
	res.machine1 = readMachineCPU()
	res.cpu1 = map[string]time.Duration{}
	for name, pid := range pids {
		res.cpu1[name], _ = cpuTime(pid)
	}
	res.writes1 = tr.writes()
	res.doneMem = map[string]memory{}
	for name, pid := range pids {
		res.doneMem[name], _ = readMemory(pid)
	}

	// Settle: until nothing watched has changed for a while.
	settleStart := time.Now()
	for time.Since(settleStart) < o.settleMax && !ctrl.exited() {
		if time.Since(time.Unix(0, tr.lastEvent.Load())) >= o.settleQuiet {
			break
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	res.settledAfter = time.Since(res.end)
	res.writesSettled = tr.writes()
	stopSampling()
	res.settledMem = map[string]memory{}
	for name, pid := range pids {
		res.settledMem[name], _ = readMemory(pid)
	}
	if m, err := ctrl.scrapeMetrics(ctx); err == nil {
		os.WriteFile(filepath.Join(dir, "controller-metrics.txt"), []byte(m), 0o644)
		res.heap = goHeap(m)
	}
	res.progress = tr.snapshot('s')
	res.logStats = controllerLogStats(ctrl.log)
	res.print(os.Stdout)
	return res.complete() == o.n && res.createErrors == 0, nil
}

// ksvc is the seed's service.yaml under another name. dev.local images are
// not resolved to digests (registries-skipping-tag-resolving).
func ksvc(name string) *v1.Service {
	return &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1.ServiceSpec{ConfigurationSpec: v1.ConfigurationSpec{Template: v1.RevisionTemplateSpec{
			Spec: v1.RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "dev.local/hello-go:serving"}}}},
		}}},
	}
}

// createAll creates o.n ksvcs at most o.qps per second.
func createAll(ctx context.Context, c clientset.Interface, tr *tracker, o options) []error {
	lim := rate.NewLimiter(rate.Limit(o.qps), 1)
	names := make(chan string)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range names {
				tr.expect(name, time.Now())
				if _, err := c.ServingV1().Services(namespace).Create(ctx, ksvc(name), metav1.CreateOptions{}); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("creating %s: %w", name, err))
					mu.Unlock()
				}
			}
		}()
	}
	for i := 1; i <= o.n; i++ {
		if err := lim.Wait(ctx); err != nil {
			break
		}
		names <- ksvcName('s', i)
	}
	close(names)
	wg.Wait()
	return errs
}

// logStats summarises the controller's log: client-side throttling waits
// (client-go logs those over 1s, at most every 10s) and error lines.
type logStats struct {
	throttled   int
	maxThrottle time.Duration
	errors      int
	topErrors   []string
}

var (
	throttleRE = regexp.MustCompile(`Waited for ([0-9.]+[a-zµ]+) due to client-side throttling`)
	digitsRE   = regexp.MustCompile(`[0-9]+`)
)

func controllerLogStats(path string) logStats {
	var s logStats
	b, err := os.ReadFile(path)
	if err != nil {
		return s
	}
	counts := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		if m := throttleRE.FindStringSubmatch(line); m != nil {
			s.throttled++
			if d, err := time.ParseDuration(m[1]); err == nil && d > s.maxThrottle {
				s.maxThrottle = d
			}
		}
		if !strings.Contains(line, `"severity":"ERROR"`) {
			continue
		}
		s.errors++
		var entry struct {
			Controller string `json:"knative.dev/controller"`
			Kind       string `json:"knative.dev/kind"`
			Message    string `json:"message"`
			Error      string `json:"error"`
		}
		key := line
		if json.Unmarshal([]byte(line), &entry) == nil {
			ctl := strings.TrimSuffix(entry.Controller, ".Reconciler")
			ctl = ctl[strings.LastIndexByte(ctl, '.')+1:]
			msg := entry.Error
			if msg == "" {
				msg = entry.Message
			}
			if len(msg) > 110 {
				msg = msg[:110] + "…"
			}
			key = fmt.Sprintf("%s (%s): %s", ctl, entry.Kind, msg)
		}
		counts[digitsRE.ReplaceAllString(key, "N")]++
	}
	for k := range counts {
		s.topErrors = append(s.topErrors, k)
	}
	sort.Slice(s.topErrors, func(i, j int) bool { return counts[s.topErrors[i]] > counts[s.topErrors[j]] })
	if len(s.topErrors) > 5 {
		s.topErrors = s.topErrors[:5]
	}
	for i, k := range s.topErrors {
		s.topErrors[i] = fmt.Sprintf("%5d× %s", counts[k], k)
	}
	return s
}

// goHeap picks the controller's Go memory statistics out of its metrics.
func goHeap(metrics string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, name := range []string{"go_heap_alloc", "go_heap_in_use", "go_sys", "go_num_gc"} {
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			metric, _, _ := strings.Cut(f[0], "{")
			if strings.HasSuffix(metric, "_"+name) || metric == name {
				out[name] = f[1]
			}
		}
	}
	return out
}

func (p *progress) latency() time.Duration { return p.done.Sub(p.created) }
