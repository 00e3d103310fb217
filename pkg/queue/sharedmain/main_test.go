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

package sharedmain

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
	netheader "knative.dev/networking/pkg/http/header"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/queue"
)

// testApp is the user container: a loopback server speaking HTTP/1 and h2c.
type testApp struct {
	addr string
	port string

	mu             sync.Mutex
	running, max   int
	release        chan struct{} // closed to let /block requests finish
	streamContinue chan struct{}
}

func (a *testApp) enter() {
	a.mu.Lock()
	a.running++
	a.max = max(a.max, a.running)
	a.mu.Unlock()
}

func (a *testApp) leave() {
	a.mu.Lock()
	a.running--
	a.mu.Unlock()
}

func (a *testApp) maxConcurrency() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.max
}

func (a *testApp) inFlight() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.running
}

var upgrader = websocket.Upgrader{}

func startApp(t *testing.T) *testApp {
	t.Helper()
	app := &testApp{release: make(chan struct{}), streamContinue: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Got-Revision", r.Header.Get(queue.RevisionHeaderName))
		w.Header().Set("X-Got-Forwarded", r.Header.Get("Forwarded"))
		w.Header().Set("X-Got-Original-Host", r.Header.Get(netheader.OriginalHostKey))
		w.Header().Set("X-Got-User-Agent", r.Header.Get("User-Agent"))
		fmt.Fprintf(w, "host=%s proto=%s path=%s", r.Host, r.Proto, r.URL.Path)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%s %s", r.Method, b)
	})
	mux.HandleFunc("/block", func(w http.ResponseWriter, r *http.Request) {
		app.enter()
		defer app.leave()
		<-app.release
		io.WriteString(w, "released")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		app.enter()
		defer app.leave()
		d, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(d) * time.Millisecond)
		io.WriteString(w, "done")
	})
	mux.HandleFunc("/never", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "chunk1\n")
		w.(http.Flusher).Flush()
		<-app.streamContinue
		io.WriteString(w, "chunk2\n")
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for {
			mt, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			if err := conn.WriteMessage(mt, append([]byte("echo:"), msg...)); err != nil {
				return
			}
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h2c.NewHandler(mux, &http2.Server{}), ReadHeaderTimeout: time.Minute}
	go srv.Serve(ln)
	t.Cleanup(func() {
		select {
		case <-app.release:
		default:
			close(app.release)
		}
		srv.Close()
	})
	app.addr = ln.Addr().String()
	_, app.port, _ = net.SplitHostPort(app.addr)
	return app
}

// testQP is a queue-proxy running in-process on loopback ports.
type testQP struct {
	qp                        *queueProxy
	url, adminURL, metricsURL string
	mainAddr                  string
	stop                      context.CancelFunc // sends "SIGTERM"
	done                      chan error
}

func testEnv(userPort string) config {
	return config{
		ContainerConcurrency:   0,
		QueueServingPort:       "0",
		UserPort:               userPort,
		RevisionTimeoutSeconds: 300,
		DrainQuietPeriod:       50 * time.Millisecond,
		Env: Env{
			ServingNamespace:     "ns",
			ServingConfiguration: "cfg",
			ServingRevision:      "rev",
			ServingPod:           "pod",
			ServingPodIP:         "127.0.0.1",
		},
	}
}

func startQP(t *testing.T, env config) *testQP {
	t.Helper()
	var lns listeners
	for _, ln := range []*net.Listener{&lns.main, &lns.admin, &lns.metrics} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		*ln = l
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := logtesting.TestLogger(t)
	qp := newQueueProxy(ctx, env, buildTransport(env), logger)
	tq := &testQP{
		qp:         qp,
		mainAddr:   lns.main.Addr().String(),
		url:        "http://" + lns.main.Addr().String(),
		adminURL:   "http://" + lns.admin.Addr().String(),
		metricsURL: "http://" + lns.metrics.Addr().String(),
		stop:       cancel,
		done:       make(chan error, 1),
	}
	go func() { tq.done <- qp.run(ctx, lns) }()
	t.Cleanup(func() {
		cancel()
		<-tq.done
	})
	return tq
}

func get(t *testing.T, url string, headers map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body of %s: %v", url, err)
	}
	return resp, string(body)
}

func TestProxiesRequests(t *testing.T) {
	app := startApp(t)
	qp := startQP(t, testEnv(app.port))

	tests := []struct {
		name       string
		path       string
		headers    map[string]string
		wantBody   string
		wantHeader map[string]string
	}{{
		name:     "host and path reach the app",
		path:     "/hello",
		headers:  map[string]string{"Host": "hello.default.example.com"},
		wantBody: "host=hello.default.example.com proto=HTTP/1.1 path=/hello",
	}, {
		name: "revision headers are removed",
		path: "/",
		headers: map[string]string{
			queue.RevisionHeaderName:      "rev",
			queue.RevisionHeaderNamespace: "ns",
		},
		wantHeader: map[string]string{"X-Got-Revision": ""},
	}, {
		name: "the activator's original host is restored",
		path: "/",
		headers: map[string]string{
			"Host":                    "rev-private.ns",
			netheader.OriginalHostKey: "hello.default.example.com",
			netheader.ProxyKey:        queue.ActivatorName,
		},
		wantBody:   "host=hello.default.example.com",
		wantHeader: map[string]string{"X-Got-Original-Host": ""},
	}, {
		name:       "a Forwarded header is derived from X-Forwarded-*",
		path:       "/",
		headers:    map[string]string{"X-Forwarded-For": "10.0.0.1", "X-Forwarded-Proto": "https"},
		wantHeader: map[string]string{"X-Got-Forwarded": "for=10.0.0.1;proto=https"},
	}, {
		name:       "the user agent is passed on",
		path:       "/",
		headers:    map[string]string{"User-Agent": "curl/8"},
		wantHeader: map[string]string{"X-Got-User-Agent": "curl/8"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, qp.url+tc.path, tc.headers)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200 (body %q)", resp.StatusCode, body)
			}
			if !strings.Contains(body, tc.wantBody) {
				t.Errorf("body = %q, want it to contain %q", body, tc.wantBody)
			}
			for k, v := range tc.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("app saw %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestRequestBodies(t *testing.T) {
	app := startApp(t)
	qp := startQP(t, testEnv(app.port))
	large := strings.Repeat("0123456789", 100000) // 1 MB, more than socket buffers hold
	tests := []struct {
		name, method string
		body         io.Reader
		want         string
	}{
		{name: "POST", method: http.MethodPost, body: strings.NewReader("data"), want: "POST data"},
		{name: "PUT, 1 MB", method: http.MethodPut, body: strings.NewReader(large), want: "PUT " + large},
		{name: "chunked upload", method: http.MethodPost, body: io.MultiReader(strings.NewReader("a"), strings.NewReader("b")), want: "POST ab"},
		{name: "DELETE without body", method: http.MethodDelete, want: "DELETE "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, qp.url+"/echo", tc.body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || string(got) != tc.want {
				t.Errorf("got %d %.40q (%d bytes), want 200 %.40q (%d bytes)", resp.StatusCode, got, len(got), tc.want, len(tc.want))
			}
		})
	}
}

func TestH2C(t *testing.T) {
	app := startApp(t)
	qp := startQP(t, testEnv(app.port))
	client := &http.Client{Transport: &http2.Transport{
		AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	resp, err := client.Get(qp.url + "/h2")
	if err != nil {
		t.Fatal("h2c GET:", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || !strings.Contains(string(body), "proto=HTTP/2.0 path=/h2") {
		t.Errorf("got %s %q, want HTTP/2 end to end", resp.Proto, body)
	}
}

func TestBreakerOverflowReturns503(t *testing.T) {
	app := startApp(t)
	env := testEnv(app.port)
	env.ContainerConcurrency = 1
	qp := startQP(t, env)

	// One request runs and 10 (10 × containerConcurrency) wait.
	const fits = 11
	var wg sync.WaitGroup
	codes := make(chan int, fits)
	for range fits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := get(t, qp.url+"/block", nil)
			codes <- resp.StatusCode
		}()
	}
	for qp.qp.drainer.InFlight() != fits {
		time.Sleep(time.Millisecond)
	}

	resp, body := get(t, qp.url+"/block", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("overflow status = %d, want 503", resp.StatusCode)
	}
	if want := "pending request queue full: containerConcurrency is 1 and 10 requests are already queued"; !strings.Contains(body, want) {
		t.Errorf("overflow body = %q, want it to contain %q", body, want)
	}

	close(app.release)
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("queued request status = %d, want 200", code)
		}
	}
}

func TestContainerConcurrency(t *testing.T) {
	tests := []struct {
		name    string
		cc      int
		wantMax int
	}{
		{name: "CC=1 serialises", cc: 1, wantMax: 1},
		{name: "CC=3 allows three", cc: 3, wantMax: 3},
		{name: "CC=0 is unlimited", cc: 0, wantMax: 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := startApp(t)
			env := testEnv(app.port)
			env.ContainerConcurrency = tc.cc
			qp := startQP(t, env)

			const n = 8
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if resp, body := get(t, qp.url+"/block", nil); resp.StatusCode != http.StatusOK {
						t.Errorf("status = %d %q", resp.StatusCode, body)
					}
				}()
			}
			// Wait until the app holds as many requests as it may, and
			// queue-proxy holds all of them.
			for app.inFlight() != tc.wantMax || qp.qp.drainer.InFlight() != n {
				time.Sleep(time.Millisecond)
			}
			close(app.release)
			wg.Wait()
			if got := app.maxConcurrency(); got != tc.wantMax {
				t.Errorf("max concurrency at the app = %d, want %d", got, tc.wantMax)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	tests := []struct {
		name              string
		timeout, response int
		path              string
		wantStatus        int
		wantBody          string
	}{
		{name: "timeoutSeconds", timeout: 1, path: "/never", wantStatus: http.StatusGatewayTimeout, wantBody: "request timeout"},
		{name: "responseStartTimeoutSeconds", timeout: 300, response: 1, path: "/never", wantStatus: http.StatusGatewayTimeout, wantBody: "request timeout"},
		{name: "fast request within the timeout", timeout: 1, path: "/fast", wantStatus: http.StatusOK, wantBody: "path=/fast"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := startApp(t)
			env := testEnv(app.port)
			env.RevisionTimeoutSeconds = tc.timeout
			env.RevisionResponseStartTimeoutSeconds = tc.response
			qp := startQP(t, env)
			resp, body := get(t, qp.url+tc.path, nil)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestProbes(t *testing.T) {
	app := startApp(t)
	readyEnv := testEnv(app.port)
	readyEnv.ServingReadinessProbe = `{"tcpSocket":{"port":` + app.port + `,"host":"127.0.0.1"},"successThreshold":1}`
	ready := startQP(t, readyEnv)

	deadPort := freePort(t)
	notReadyEnv := testEnv(app.port)
	notReadyEnv.ServingReadinessProbe = `{"tcpSocket":{"port":` + deadPort + `,"host":"127.0.0.1"},"periodSeconds":1,"timeoutSeconds":1,"successThreshold":1}`
	notReady := startQP(t, notReadyEnv)

	tests := []struct {
		name       string
		qp         *testQP
		headers    map[string]string
		admin      bool
		wantStatus int
		wantBody   string
		wantHash   string
	}{
		{name: "K-Network-Probe: queue, app ready", qp: ready, headers: map[string]string{netheader.ProbeKey: queue.Name}, wantStatus: http.StatusOK, wantBody: "queue"},
		{name: "kubelet probe, app ready", qp: ready, headers: map[string]string{"User-Agent": "kube-probe/1.33", netheader.ProbeKey: queue.Name}, wantStatus: http.StatusOK, wantBody: "queue"},
		{name: "K-Kubelet-Probe header, app ready", qp: ready, headers: map[string]string{netheader.KubeletProbeKey: "queue"}, wantStatus: http.StatusOK, wantBody: "queue"},
		{name: "activator probe, app ready", qp: ready, headers: map[string]string{"User-Agent": netheader.ActivatorUserAgent, netheader.ProbeKey: queue.Name}, wantStatus: http.StatusOK, wantBody: "queue"},
		{name: "admin health path, app ready", qp: ready, admin: true, wantStatus: http.StatusOK, wantBody: "queue"},
		{name: "network probe with hash", qp: ready, headers: map[string]string{netheader.ProbeKey: netheader.ProbeValue, netheader.HashKey: "h1"}, wantStatus: http.StatusOK, wantHash: "h1"},
		{name: "K-Network-Probe: queue, app not ready", qp: notReady, headers: map[string]string{netheader.ProbeKey: queue.Name}, wantStatus: http.StatusServiceUnavailable, wantBody: "container not ready"},
		{name: "kubelet probe, app not ready", qp: notReady, headers: map[string]string{"User-Agent": "kube-probe/1.33"}, wantStatus: http.StatusServiceUnavailable},
		{name: "admin health path, app not ready", qp: notReady, admin: true, wantStatus: http.StatusServiceUnavailable},
		{name: "user traffic still flows to a not-ready app", qp: notReady, wantStatus: http.StatusOK, wantBody: "path=/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.qp.url + "/"
			if tc.admin {
				url = tc.qp.adminURL + queue.RequestQueueHealthPath
			}
			resp, body := get(t, url, tc.headers)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
			if got := resp.Header.Get(netheader.HashKey); got != tc.wantHash {
				t.Errorf("hash = %q, want %q", got, tc.wantHash)
			}
		})
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func TestReadinessWaitsForTheApp(t *testing.T) {
	// queue-proxy starts before the app; a kubelet probe is answered Ready
	// as soon as the app listens, within the same probe request.
	port := freePort(t)
	env := testEnv(port)
	env.ServingReadinessProbe = `{"tcpSocket":{"port":` + port + `,"host":"127.0.0.1"},"successThreshold":1}`
	qp := startQP(t, env)

	result := make(chan int)
	go func() {
		resp, _ := get(t, qp.url, map[string]string{"User-Agent": "kube-probe/1.33", netheader.ProbeKey: queue.Name})
		result <- resp.StatusCode
	}()
	time.Sleep(50 * time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if got := <-result; got != http.StatusOK {
		t.Errorf("probe status = %d, want 200 once the app listens", got)
	}
}

func TestDrainOnSIGTERMLosesNoRequest(t *testing.T) {
	app := startApp(t)
	env := testEnv(app.port)
	env.ContainerConcurrency = 2 // some requests wait in the breaker when TERM arrives
	env.DrainQuietPeriod = time.Second
	qp := startQP(t, env)

	const n = 6
	var wg sync.WaitGroup
	results := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := get(t, qp.url+"/slow?ms=300", nil)
			results <- fmt.Sprint(resp.StatusCode, " ", body)
		}()
	}
	for qp.qp.drainer.InFlight() != n {
		time.Sleep(time.Millisecond)
	}

	qp.stop() // SIGTERM
	for !qp.qp.drainer.Draining() {
		time.Sleep(time.Millisecond)
	}
	// Probes fail at once, so the pod leaves the endpoints ...
	if resp, _ := get(t, qp.url, map[string]string{netheader.ProbeKey: queue.Name}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("probe while draining = %d, want 503", resp.StatusCode)
	}
	// ... while traffic still routed here is served.
	if resp, body := get(t, qp.url+"/late", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("request while draining = %d %q, want 200", resp.StatusCode, body)
	}

	if err := <-qp.done; err != nil {
		t.Errorf("run = %v", err)
	}
	qp.done <- nil // for the cleanup
	wg.Wait()
	close(results)
	for r := range results {
		if r != "200 done" {
			t.Errorf("in-flight request ended with %q, want 200 done", r)
		}
	}
	// Once drained, the port is closed.
	if _, err := net.Dial("tcp", qp.mainAddr); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after shutdown = %v, want connection refused", err)
	}
}

func TestDrainEndpoint(t *testing.T) {
	app := startApp(t)
	qp := startQP(t, testEnv(app.port))

	// In-flight request when the user container's preStop hook calls us.
	inflight := make(chan string)
	go func() {
		resp, body := get(t, qp.url+"/slow?ms=300", nil)
		inflight <- fmt.Sprint(resp.StatusCode, " ", body)
	}()
	for qp.qp.drainer.InFlight() != 1 {
		time.Sleep(time.Millisecond)
	}

	drained := make(chan int)
	go func() {
		resp, _ := get(t, qp.adminURL+queue.RequestQueueDrainPath, nil)
		drained <- resp.StatusCode
	}()
	for !qp.qp.drainer.Draining() {
		time.Sleep(time.Millisecond)
	}
	if resp, _ := get(t, qp.url, map[string]string{netheader.ProbeKey: queue.Name}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("probe while draining = %d, want 503", resp.StatusCode)
	}
	qp.stop() // the TERM signal follows the preStop hook
	if got := <-drained; got != http.StatusOK {
		t.Errorf("%s = %d, want 200", queue.RequestQueueDrainPath, got)
	}
	if got := <-inflight; got != "200 done" {
		t.Errorf("in-flight request = %q, want 200 done", got)
	}
}

func TestDrainEndpointWithoutTERMResets(t *testing.T) {
	// The user container restarting (liveness failure) calls the hook too;
	// without a TERM signal queue-proxy goes back to serving probes.
	app := startApp(t)
	env := testEnv(app.port)
	// Longer than the 1s wait for TERM, so the reset comes first; the
	// cleanup's TERM then drains for this long once more.
	env.DrainQuietPeriod = 1500 * time.Millisecond
	qp := startQP(t, env)

	if resp, _ := get(t, qp.adminURL+queue.RequestQueueDrainAliasPath, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("%s = %d, want 200", queue.RequestQueueDrainAliasPath, resp.StatusCode)
	}
	if resp, body := get(t, qp.url, map[string]string{netheader.ProbeKey: queue.Name}); resp.StatusCode != http.StatusOK {
		t.Errorf("probe after reset = %d %q, want 200", resp.StatusCode, body)
	}
}

func TestWebsocketThroughProxy(t *testing.T) {
	app := startApp(t)
	env := testEnv(app.port)
	env.ContainerConcurrency = 1
	qp := startQP(t, env)

	conn, resp, err := websocket.DefaultDialer.Dial("ws://"+qp.mainAddr+"/ws", nil)
	if err != nil {
		t.Fatalf("Dial: %v (response %v)", err, resp)
	}
	defer conn.Close()
	for _, msg := range []string{"one", "two", strings.Repeat("x", 100000)} {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal("WriteMessage:", err)
		}
		_, got, err := conn.ReadMessage()
		if err != nil {
			t.Fatal("ReadMessage:", err)
		}
		if string(got) != "echo:"+msg {
			t.Errorf("echo = %.20q..., want echo:%.20q...", got, msg)
		}
	}
}

func TestStreamingIsNotBuffered(t *testing.T) {
	app := startApp(t)
	qp := startQP(t, testEnv(app.port))

	resp, err := http.Get(qp.url + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	// The app sends the second chunk only after we got the first: a
	// buffering proxy would deadlock here.
	if line, err := r.ReadString('\n'); err != nil || line != "chunk1\n" {
		t.Fatalf("first chunk = %q, %v", line, err)
	}
	close(app.streamContinue)
	if line, err := r.ReadString('\n'); err != nil || line != "chunk2\n" {
		t.Fatalf("second chunk = %q, %v", line, err)
	}
}

func TestAutoscalerMetricsEndpoint(t *testing.T) {
	app := startApp(t)
	qp := startQP(t, testEnv(app.port))
	for range 5 {
		get(t, qp.url+"/", map[string]string{netheader.ProxyKey: queue.ActivatorName})
	}
	// The next report (each second) includes them.
	var stat metrics.Stat
	for stat.RequestCount == 0 {
		time.Sleep(50 * time.Millisecond)
		resp, body := get(t, qp.metricsURL+"/metrics", map[string]string{"Accept": "application/protobuf"})
		if ct := resp.Header.Get("Content-Type"); ct != "application/protobuf" {
			t.Fatalf("Content-Type = %q", ct)
		}
		var err error
		if stat, err = metrics.DecodeStat([]byte(body)); err != nil {
			t.Fatal("DecodeStat:", err)
		}
	}
	if stat.PodName != "pod" || stat.ProxiedRequestCount != stat.RequestCount || stat.ProcessUptime <= 0 {
		t.Errorf("Stat = %+v, want pod, all requests proxied, uptime", stat)
	}
	if _, body := get(t, qp.metricsURL+"/metrics", nil); !strings.Contains(body, `queue_requests_per_second{destination_configuration="cfg",destination_namespace="ns",destination_pod="pod",destination_revision="rev"}`) {
		t.Errorf("text metrics = %q", body)
	}
}
