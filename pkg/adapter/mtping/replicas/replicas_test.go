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

// Package replicas_test runs several PingSource adapters against a real
// local apiserver: the sources are shared through leader election, each
// tick is sent once, and when a replica stops another takes its sources
// over.
package replicas_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	kle "knative.dev/pkg/leaderelection"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/adapter/mtping"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	"github.com/skiffhq/skiff/pkg/test/harness"
	rtesting "github.com/skiffhq/skiff/pkg/testing/sources"
)

func TestMain(m *testing.M) { harness.Main(m) }

const replicaHeader = "X-Test-Replica"

// tick is one event as received.
type tick struct {
	source  string
	at      time.Time // the event's time: its tick
	replica string
	got     time.Time
}

type receiver struct {
	mu    sync.Mutex
	ticks []tick
	srv   *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(req)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.ticks = append(r.ticks, tick{source: ev.Source(), at: ev.Time(), replica: req.Header.Get(replicaHeader), got: time.Now()})
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) snapshot() []tick {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]tick(nil), r.ticks...)
}

// waitTicks waits (bounded) until every source has n ticks received
// after since.
func (r *receiver) waitTicks(t *testing.T, sources []string, n int, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		count := map[string]int{}
		for _, tk := range r.snapshot() {
			if tk.got.After(since) {
				count[tk.source]++
			}
		}
		missing := 0
		for _, s := range sources {
			if count[s] < n {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sources have fewer than %d ticks since %v: %v", missing, n, since, count)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startReplica runs one adapter replica (its own clients, informers,
// leader electors) until the returned stop is called.
func startReplica(t *testing.T, env *harness.Env, id string, le kle.ComponentConfig) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(logtesting.TestContextWithLogger(t))
	ctx, informers := injection.Default.SetupInformers(ctx, env.Config)
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		t.Fatal("starting informers:", err)
	}
	ce, err := adapter.NewClient(adapter.ClientConfig{Options: []cehttp.Option{cehttp.WithHeader(replicaHeader, id)}})
	if err != nil {
		t.Fatal(err)
	}
	a := mtping.NewAdapterWithRunner(ctx, mtping.NewCronJobsRunner(ce, logtesting.TestLogger(t).Named(id)))
	le.Identity = id
	ctx = kle.WithStandardLeaderElectorBuilder(ctx, kubeclient.Get(ctx), le)
	impl := mtping.NewController(ctx, a)

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = controller.StartAll(ctx, impl)
	}()
	go func() {
		defer wg.Done()
		_ = a.Start(ctx)
	}()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			wg.Wait()
		}
	}
	t.Cleanup(stop)
	return stop
}

func TestReplicasSendEachTickOnceAndTakeOver(t *testing.T) {
	env := harness.Get(t)
	env.ApplyFiles(t, "", filepath.Join(env.ConfigDir(t), "eventing", "300-resources", "pingsource.yaml"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := env.Applier.WaitEstablished(ctx, []string{"pingsources.sources.knative.dev"}); err != nil {
		t.Fatal(err)
	}
	ns := env.Namespace(t)
	// The replicas' leases live in the system namespace.
	t.Setenv("SYSTEM_NAMESPACE", ns)

	rcv := newReceiver(t)
	client, err := versioned.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}

	const n = 8
	var sources []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("ping-%d", i)
		sink, err := apis.ParseURL(rcv.srv.URL + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		src := rtesting.NewPingSource(name, ns, rtesting.WithPingSourceSpec(sourcesv1.PingSourceSpec{
			SourceSpec: duckv1.SourceSpec{Sink: duckv1.Destination{URI: sink}},
			Schedule:   "* * * * * *",
		}))
		created, err := client.SourcesV1().PingSources(ns).Create(ctx, src, metav1.CreateOptions{})
		if err != nil {
			t.Fatal("creating PingSource:", err)
		}
		// Ready, as the pingsource reconciler would make it.
		for _, o := range []rtesting.PingSourceOption{
			rtesting.WithInitPingSourceConditions,
			rtesting.WithPingSourceSink(&duckv1.Addressable{URL: sink}),
			rtesting.WithPingSourceDeployed,
			rtesting.WithPingSourceOIDCIdentityCreatedSucceededBecauseOIDCFeatureDisabled(),
		} {
			o(created)
		}
		if _, err := client.SourcesV1().PingSources(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			t.Fatal("marking the PingSource ready:", err)
		}
		sources = append(sources, sourcesv1.PingSourceSource(ns, name))
	}

	le := kle.ComponentConfig{
		Component:     "pingsource-mt-adapter",
		Buckets:       4,
		LeaseDuration: 4 * time.Second,
		RenewDeadline: 3 * time.Second,
		RetryPeriod:   300 * time.Millisecond,
	}
	stops := map[string]func(){
		"a": startReplica(t, env, "a", le),
		"b": startReplica(t, env, "b", le),
	}

	start := time.Now()
	rcv.waitTicks(t, sources, 3, start)

	// Each source ticks from one replica only.
	bySource := map[string]map[string]bool{}
	perReplica := map[string]int{}
	for _, tk := range rcv.snapshot() {
		if bySource[tk.source] == nil {
			bySource[tk.source] = map[string]bool{}
		}
		bySource[tk.source][tk.replica] = true
		perReplica[tk.replica]++
	}
	for s, rs := range bySource {
		if len(rs) != 1 {
			t.Errorf("%s ticked from replicas %v, want exactly one", s, rs)
		}
	}
	t.Logf("ticks per replica before the stop: %v", perReplica)

	// Stop the busiest replica: the other takes its sources over.
	stopped, kept := "a", "b"
	if perReplica["b"] > perReplica["a"] {
		stopped, kept = "b", "a"
	}
	stops[stopped]()
	after := time.Now()
	rcv.waitTicks(t, sources, 3, after)
	for _, tk := range rcv.snapshot() {
		if tk.got.After(after) && tk.replica != kept {
			t.Errorf("%s ticked at %v from the stopped replica %s", tk.source, tk.at, tk.replica)
		}
	}

	// A restarted replica (a new pod) takes over from the survivor.
	startReplica(t, env, "c", le)
	stops[kept]()
	restarted := time.Now()
	rcv.waitTicks(t, sources, 3, restarted)
	for _, tk := range rcv.snapshot() {
		if tk.got.After(restarted) && tk.replica != "c" {
			t.Errorf("%s ticked at %v from the stopped replica %s", tk.source, tk.at, tk.replica)
		}
	}

	// Every tick of every source arrived once, across both takeovers.
	seen := map[string]int{}
	for _, tk := range rcv.snapshot() {
		seen[tk.source+"@"+tk.at.UTC().Format(time.RFC3339Nano)]++
	}
	var dups []string
	for k, c := range seen {
		if c > 1 {
			dups = append(dups, fmt.Sprintf("%s ×%d", k, c))
		}
	}
	sort.Strings(dups)
	if len(dups) > 0 {
		t.Errorf("ticks sent more than once: %v", dups)
	}
}
