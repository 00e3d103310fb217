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

package activator_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"k8s.io/apimachinery/pkg/types"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/activator/activatortest"
	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

// The activator's request path over real loopback HTTP: client →
// activator's handler chain and throttler → queue-proxy's handlers → app.

const ns = "default"

// echoApp answers with what it saw of the request.
var echoApp = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Seen-Host", r.Host)
	w.Header().Set("X-Seen-Revision-Header", r.Header.Get("Knative-Serving-Revision"))
	io.WriteString(w, "hello, world!")
})

// statLog records the stats the activator sends to the autoscaler.
type statLog struct {
	mu   sync.Mutex
	msgs []asmetrics.StatMessage
	ch   chan struct{}
}

func newStatLog() *statLog { return &statLog{ch: make(chan struct{}, 1000)} }

func (s *statLog) add(sms []asmetrics.StatMessage) {
	s.mu.Lock()
	s.msgs = append(s.msgs, sms...)
	s.mu.Unlock()
	s.ch <- struct{}{}
}

func (s *statLog) first() asmetrics.StatMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.msgs[0]
}

func start(t *testing.T, o activatortest.Options) *activatortest.Platform {
	t.Helper()
	o.Logger = logtesting.TestLogger(t)
	p, err := activatortest.Start(o)
	if err != nil {
		t.Fatal("Start:", err)
	}
	t.Cleanup(p.Close)
	return p
}

func startPod(t *testing.T, o activatortest.PodOptions) *activatortest.Pod {
	t.Helper()
	pod, err := activatortest.StartPod(o)
	if err != nil {
		t.Fatal("StartPod:", err)
	}
	t.Cleanup(pod.Close)
	return pod
}

type result struct {
	status int
	body   string
	header http.Header
	err    error
}

func do(req *http.Request) result {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), header: resp.Header, err: err}
}

func goDo(req *http.Request) <-chan result {
	ch := make(chan result, 1)
	go func() { ch <- do(req) }()
	return ch
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting for", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func waiting(p *activatortest.Platform, rev string) func() bool {
	return func() bool {
		_, w := p.Throttler.QueueStats(types.NamespacedName{Namespace: ns, Name: rev})
		return w > 0
	}
}

func TestRequestAtZeroIsHeldThenServed(t *testing.T) {
	stats := newStatLog()
	p := start(t, activatortest.Options{OnStat: stats.add})
	if err := p.AddRevision(ns, "hello-00001", activatortest.RevisionOptions{}); err != nil {
		t.Fatal(err)
	}

	resCh := goDo(p.Request(http.MethodGet, ns, "hello-00001", "/"))

	// The request waits: the revision has no pods.
	waitFor(t, "the request to queue", waiting(p, "hello-00001"))
	// And the autoscaler was told at once, before any report tick.
	<-stats.ch
	if got := stats.first(); got.Key != (types.NamespacedName{Namespace: ns, Name: "hello-00001"}) ||
		got.Stat.AverageConcurrentRequests != 1 || got.Stat.RequestCount != 1 {
		t.Errorf("first stat = %+v, want concurrency 1 and one request for the revision", got)
	}
	select {
	case r := <-resCh:
		t.Fatalf("request finished without a pod: %+v", r)
	default:
	}

	// A pod appears, not ready in Kubernetes' eyes yet: the activator
	// probes its queue-proxy and sends the request as soon as it passes.
	pod := startPod(t, activatortest.PodOptions{App: echoApp})
	if err := p.SetEndpoints(ns, "hello-00001", nil, []*activatortest.Pod{pod}); err != nil {
		t.Fatal(err)
	}
	r := <-resCh
	if r.err != nil || r.status != http.StatusOK || r.body != "hello, world!" {
		t.Fatalf("response = %+v, want 200 hello, world!", r)
	}
	// The app sees the client's Host and not the activator's headers.
	if got := r.header.Get("X-Seen-Host"); got != "hello-00001.example.com" {
		t.Errorf("app saw Host %q, want the client's", got)
	}
	if got := r.header.Get("X-Seen-Revision-Header"); got != "" {
		t.Errorf("app saw Knative-Serving-Revision %q, want it removed", got)
	}
}

func TestRequestWaitsForTheAppToStart(t *testing.T) {
	p := start(t, activatortest.Options{})
	if err := p.AddRevision(ns, "slow-00001", activatortest.RevisionOptions{ContainerConcurrency: 1}); err != nil {
		t.Fatal(err)
	}
	// queue-proxy listens at once, the app a little later: the activator's
	// probe is held by queue-proxy until the app is ready.
	pod := startPod(t, activatortest.PodOptions{App: echoApp, ContainerConcurrency: 1, AppStartDelay: 100 * time.Millisecond})
	if err := p.SetEndpoints(ns, "slow-00001", nil, []*activatortest.Pod{pod}); err != nil {
		t.Fatal(err)
	}
	r := do(p.Request(http.MethodGet, ns, "slow-00001", "/"))
	if r.err != nil || r.status != http.StatusOK || r.body != "hello, world!" {
		t.Fatalf("response = %+v, want 200 hello, world!", r)
	}
}

func TestScaleToZeroAndBack(t *testing.T) {
	p := start(t, activatortest.Options{})
	if err := p.AddRevision(ns, "flip-00001", activatortest.RevisionOptions{ContainerConcurrency: 10}); err != nil {
		t.Fatal(err)
	}
	pod := startPod(t, activatortest.PodOptions{App: echoApp, ContainerConcurrency: 10})
	if err := p.SetEndpoints(ns, "flip-00001", []*activatortest.Pod{pod}, nil); err != nil {
		t.Fatal(err)
	}
	if r := do(p.Request(http.MethodGet, ns, "flip-00001", "/")); r.status != http.StatusOK {
		t.Fatalf("response = %+v, want 200", r)
	}

	// Scaled to zero: requests wait again...
	if err := p.SetEndpoints(ns, "flip-00001", nil, nil); err != nil {
		t.Fatal(err)
	}
	// ...once the activator has seen the scale-down.
	waitFor(t, "capacity to drop to zero", func() bool {
		req := p.Request(http.MethodGet, ns, "flip-00001", "/")
		ch := goDo(req)
		select {
		case <-ch:
			return false
		case <-time.After(20 * time.Millisecond):
			// Held: capacity is zero. Bring a pod back for it.
			pod2 := startPod(t, activatortest.PodOptions{App: echoApp, ContainerConcurrency: 10})
			if err := p.SetEndpoints(ns, "flip-00001", nil, []*activatortest.Pod{pod2}); err != nil {
				t.Fatal(err)
			}
			if r := <-ch; r.status != http.StatusOK || r.body != "hello, world!" {
				t.Fatalf("response after scale from zero = %+v, want 200", r)
			}
			return true
		}
	})
}

// blockingApp holds every request until release is closed.
func blockingApp(started chan<- string, release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- r.URL.Path
		<-release
		io.WriteString(w, "done")
	})
}

func TestBreakerOverflowIs503(t *testing.T) {
	p := start(t, activatortest.Options{RevisionQueueDepth: 2})
	if err := p.AddRevision(ns, "busy-00001", activatortest.RevisionOptions{ContainerConcurrency: 1}); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan string, 10), make(chan struct{})
	pod := startPod(t, activatortest.PodOptions{App: blockingApp(started, release), ContainerConcurrency: 1})
	if err := p.SetEndpoints(ns, "busy-00001", []*activatortest.Pod{pod}, nil); err != nil {
		t.Fatal(err)
	}

	// One request in the pod, two waiting in the activator: full.
	var pending []<-chan result
	pending = append(pending, goDo(p.Request(http.MethodGet, ns, "busy-00001", "/1")))
	<-started
	for i, path := range []string{"/2", "/3"} {
		pending = append(pending, goDo(p.Request(http.MethodGet, ns, "busy-00001", path)))
		waitFor(t, path+" to queue", func() bool {
			_, w := p.Throttler.QueueStats(types.NamespacedName{Namespace: ns, Name: "busy-00001"})
			return w == i+1
		})
	}

	r := do(p.Request(http.MethodGet, ns, "busy-00001", "/4"))
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("overflow status = %d, want 503", r.status)
	}
	if want := "2 requests are already waiting for capacity of revision default/busy-00001"; !strings.Contains(r.body, want) {
		t.Errorf("overflow body = %q, want it to say %q", r.body, want)
	}

	// The queued ones are served, in order, once the pod frees up.
	close(release)
	for i, ch := range pending {
		if r := <-ch; r.status != http.StatusOK {
			t.Errorf("request %d = %+v, want 200", i+1, r)
		}
	}
	for _, want := range []string{"/2", "/3"} {
		if got := <-started; got != want {
			t.Errorf("pod got %s, want %s (first come, first served)", got, want)
		}
	}
}

func TestActivatorWideQueueLimit(t *testing.T) {
	p := start(t, activatortest.Options{MaxQueuedRequests: 1})
	for _, rev := range []string{"a-00001", "b-00001"} {
		if err := p.AddRevision(ns, rev, activatortest.RevisionOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	held := goDo(p.Request(http.MethodGet, ns, "a-00001", "/"))
	waitFor(t, "the first request to queue", waiting(p, "a-00001"))

	r := do(p.Request(http.MethodGet, ns, "b-00001", "/"))
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "1 requests waiting for capacity across all revisions") {
		t.Errorf("response = %d %q, want 503 naming the activator-wide limit", r.status, r.body)
	}

	pod := startPod(t, activatortest.PodOptions{App: echoApp})
	if err := p.SetEndpoints(ns, "a-00001", []*activatortest.Pod{pod}, nil); err != nil {
		t.Fatal(err)
	}
	if r := <-held; r.status != http.StatusOK {
		t.Errorf("held request = %+v, want 200", r)
	}
}

func TestTimeoutWhileQueuedIs503(t *testing.T) {
	p := start(t, activatortest.Options{})
	if err := p.AddRevision(ns, "cold-00001", activatortest.RevisionOptions{TimeoutSeconds: 1}); err != nil {
		t.Fatal(err)
	}
	r := do(p.Request(http.MethodGet, ns, "cold-00001", "/"))
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", r.status)
	}
	if want := "timed out after 1s waiting for revision default/cold-00001 to have a ready pod"; !strings.Contains(r.body, want) {
		t.Errorf("body = %q, want it to say %q", r.body, want)
	}
	_, w := p.Throttler.QueueStats(types.NamespacedName{Namespace: ns, Name: "cold-00001"})
	if w != 0 {
		t.Errorf("%d requests still queued after the timeout", w)
	}
}

func TestBadRevisionHeaders(t *testing.T) {
	p := start(t, activatortest.Options{})
	if err := p.AddRevision(ns, "hello-00001", activatortest.RevisionOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		ns, rev    string
		wantStatus int
		wantBody   string
	}{
		{name: "no headers", wantStatus: 400, wantBody: "missing Knative-Serving-Revision and Knative-Serving-Namespace headers"},
		{name: "no revision", ns: ns, wantStatus: 400, wantBody: "missing Knative-Serving-Revision header"},
		{name: "no namespace", rev: "hello-00001", wantStatus: 400, wantBody: "missing Knative-Serving-Namespace header"},
		{name: "invalid revision name", ns: ns, rev: "Hello_World", wantStatus: 400, wantBody: `invalid Knative-Serving-Revision header "Hello_World"`},
		{name: "invalid namespace", ns: "a/b", rev: "hello-00001", wantStatus: 400, wantBody: `invalid Knative-Serving-Namespace header "a/b"`},
		{name: "unknown revision", ns: ns, rev: "nope-00001", wantStatus: 404, wantBody: "revision default/nope-00001 not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, p.URL, nil)
			if tc.ns != "" {
				req.Header.Set("Knative-Serving-Namespace", tc.ns)
			}
			if tc.rev != "" {
				req.Header.Set("Knative-Serving-Revision", tc.rev)
			}
			r := do(req)
			if r.status != tc.wantStatus || !strings.Contains(r.body, tc.wantBody) {
				t.Errorf("response = %d %q, want %d containing %q", r.status, r.body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestWebsocketThroughActivatorAndQueueProxy(t *testing.T) {
	p := start(t, activatortest.Options{})
	if err := p.AddRevision(ns, "ws-00001", activatortest.RevisionOptions{ContainerConcurrency: 5}); err != nil {
		t.Fatal(err)
	}
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var up websocket.Upgrader
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			mt, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			conn.WriteMessage(mt, append([]byte("echo: "), msg...))
		}
	})
	pod := startPod(t, activatortest.PodOptions{App: echo, ContainerConcurrency: 5})
	if err := p.SetEndpoints(ns, "ws-00001", []*activatortest.Pod{pod}, nil); err != nil {
		t.Fatal(err)
	}

	h := http.Header{}
	h.Set("Knative-Serving-Namespace", ns)
	h.Set("Knative-Serving-Revision", "ws-00001")
	conn, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(p.URL, "http")+"/ws", h)
	if err != nil {
		t.Fatalf("Dial: %v (response %+v)", err, resp)
	}
	defer conn.Close()
	for _, msg := range []string{"one", "two", "three"} {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal("WriteMessage:", err)
		}
		_, got, err := conn.ReadMessage()
		if err != nil {
			t.Fatal("ReadMessage:", err)
		}
		if want := "echo: " + msg; string(got) != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestContainerConcurrencySpreadsOverPods(t *testing.T) {
	p := start(t, activatortest.Options{})
	if err := p.AddRevision(ns, "cc1-00001", activatortest.RevisionOptions{ContainerConcurrency: 1}); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	startedA, startedB := make(chan string, 10), make(chan string, 10)
	podA := startPod(t, activatortest.PodOptions{App: blockingApp(startedA, release), ContainerConcurrency: 1})
	podB := startPod(t, activatortest.PodOptions{App: blockingApp(startedB, release), ContainerConcurrency: 1})
	if err := p.SetEndpoints(ns, "cc1-00001", []*activatortest.Pod{podA, podB}, nil); err != nil {
		t.Fatal(err)
	}
	// Wait until the activator has both pods (capacity 2).
	first := goDo(p.Request(http.MethodGet, ns, "cc1-00001", "/1"))
	second := goDo(p.Request(http.MethodGet, ns, "cc1-00001", "/2"))
	// Each pod gets one: with containerConcurrency 1 a busy pod is never
	// sent a second request.
	<-startedA
	<-startedB
	third := goDo(p.Request(http.MethodGet, ns, "cc1-00001", "/3"))
	waitFor(t, "the third request to queue", waiting(p, "cc1-00001"))
	close(release)
	for i, ch := range []<-chan result{first, second, third} {
		if r := <-ch; r.status != http.StatusOK {
			t.Errorf("request %d = %+v, want 200", i+1, r)
		}
	}
}
