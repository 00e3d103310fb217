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

package node

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type probeKind string

const (
	probeStartup   probeKind = "Startup"
	probeReadiness probeKind = "Readiness"
	probeLiveness  probeKind = "Liveness"
)

// probeSet is the probe goroutines of one container run.
type probeSet struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	started chan struct{} // closed when the startup probe succeeded (or there is none)
}

func (ps *probeSet) stop() {
	ps.cancel()
	ps.wg.Wait()
}

// firstProbeInterval is the delay before the second probe of a readiness or startup
// probe that has not succeeded yet; it grows by half each time up to periodSeconds. A
// kubelet waits a full period (10s by default) after a failed first probe; a local
// platform wants a Pod Ready as soon as it listens.
const firstProbeInterval = 25 * time.Millisecond

func (w *podWorker) startProbes(pod *corev1.Pod, c *ctr) *probeSet {
	ctx, cancel := context.WithCancel(w.ctx)
	ps := &probeSet{cancel: cancel, started: make(chan struct{})}
	start := c.startedAt
	if c.spec.StartupProbe != nil {
		ps.wg.Add(1)
		go func() {
			defer ps.wg.Done()
			w.runProbe(ctx, pod, c, probeStartup, c.spec.StartupProbe, start, ps)
		}()
	} else {
		close(ps.started)
	}
	for _, p := range []struct {
		kind  probeKind
		probe *corev1.Probe
	}{{probeReadiness, c.spec.ReadinessProbe}, {probeLiveness, c.spec.LivenessProbe}} {
		if p.probe == nil {
			continue
		}
		ps.wg.Add(1)
		go func(kind probeKind, probe *corev1.Probe) {
			defer ps.wg.Done()
			select {
			case <-ps.started:
			case <-ctx.Done():
				return
			}
			w.runProbe(ctx, pod, c, kind, probe, start, ps)
		}(p.kind, p.probe)
	}
	return ps
}

func orDefault(v, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}

func (w *podWorker) runProbe(ctx context.Context, pod *corev1.Pod, c *ctr, kind probeKind, p *corev1.Probe, start time.Time, ps *probeSet) {
	period := time.Duration(orDefault(p.PeriodSeconds, 10)) * time.Second
	timeout := time.Duration(orDefault(p.TimeoutSeconds, 1)) * time.Second
	successes := orDefault(p.SuccessThreshold, 1)
	failures := orDefault(p.FailureThreshold, 3)
	if d := time.Until(start.Add(time.Duration(p.InitialDelaySeconds) * time.Second)); d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return
		}
	}
	fast := kind != probeLiveness
	interval := firstProbeInterval
	first := time.Now()
	okRun, failRun := int32(0), int32(0)
	everOK := false
	for {
		err := w.probeOnce(ctx, c, p.ProbeHandler, timeout)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			okRun, failRun = okRun+1, 0
		} else {
			failRun, okRun = failRun+1, 0
			// While probing fast, report only what a kubelet probing once per period
			// would have reported too.
			if everOK || !fast || time.Since(first) >= period {
				w.a.recorder.Eventf(pod, corev1.EventTypeWarning, "Unhealthy", "%s probe failed: %v", kind, err)
			}
		}
		switch kind {
		case probeStartup:
			if err == nil {
				w.mu.Lock()
				c.startupDone = true
				w.mu.Unlock()
				close(ps.started)
				w.wake()
				return
			}
			if failRun >= failures {
				w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Killing", "Container %s failed startup probe, will be restarted", c.spec.Name)
				go w.killContainer(c, probeGrace(pod, p), "")
				return
			}
		case probeReadiness:
			w.mu.Lock()
			changed := false
			if err == nil && okRun >= successes && !c.ready {
				c.ready, changed = true, true
			} else if err != nil && (failRun >= failures || !everOK) && c.ready {
				c.ready, changed = false, true
			}
			w.mu.Unlock()
			if changed {
				w.wake()
			}
		case probeLiveness:
			if failRun >= failures {
				w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Killing", "Container %s failed liveness probe, will be restarted", c.spec.Name)
				go w.killContainer(c, probeGrace(pod, p), "")
				return
			}
		}
		if err == nil {
			everOK = true
		}
		next := period
		if fast && !everOK {
			next = min(interval, period)
			interval = interval * 3 / 2
		}
		select {
		case <-time.After(next):
		case <-ctx.Done():
			return
		}
	}
}

func probeGrace(pod *corev1.Pod, p *corev1.Probe) time.Duration {
	if p.TerminationGracePeriodSeconds != nil {
		return time.Duration(*p.TerminationGracePeriodSeconds) * time.Second
	}
	return gracePeriod(pod)
}

// probeOnce runs one probe or hook handler; nil means success.
func (w *podWorker) probeOnce(ctx context.Context, c *ctr, h corev1.ProbeHandler, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case h.HTTPGet != nil:
		return w.httpGet(ctx, c, h.HTTPGet)
	case h.TCPSocket != nil:
		return w.tcpSocket(ctx, c, h.TCPSocket.Host, h.TCPSocket.Port)
	case h.GRPC != nil:
		// The gRPC health protocol is not linked in; a listening port counts.
		return w.tcpSocket(ctx, c, "", intstr.FromInt32(h.GRPC.Port))
	case h.Exec != nil:
		out, err := w.execInContainer(ctx, c, h.Exec.Command)
		if err != nil {
			if msg := strings.TrimSpace(string(out)); msg != "" {
				return fmt.Errorf("%v: %s", err, msg)
			}
			return err
		}
		return nil
	}
	return errors.New("probe has no handler")
}

// runHandler runs a lifecycle hook.
func (w *podWorker) runHandler(ctx context.Context, c *ctr, h *corev1.LifecycleHandler) error {
	switch {
	case h.Sleep != nil:
		select {
		case <-time.After(time.Duration(h.Sleep.Seconds) * time.Second):
		case <-ctx.Done():
		}
		return nil
	case h.HTTPGet != nil:
		return w.httpGet(ctx, c, h.HTTPGet)
	case h.TCPSocket != nil:
		return w.tcpSocket(ctx, c, h.TCPSocket.Host, h.TCPSocket.Port)
	case h.Exec != nil:
		out, err := w.execInContainer(ctx, c, h.Exec.Command)
		if err != nil {
			return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	return nil
}

// resolvePort turns a named port into the container's number.
func resolvePort(c *corev1.Container, p intstr.IntOrString) (int, error) {
	if p.Type == intstr.Int {
		return p.IntValue(), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(p.StrVal); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("port %q not found in container %s", p.StrVal, c.Name)
}

func (w *podWorker) probeHost(host string) string {
	if host != "" {
		return host
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.podIP
}

var probeTransport = &http.Transport{
	TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, // probes do not verify, as on a kubelet
	DisableKeepAlives: true,
	Proxy:             nil,
}

func (w *podWorker) httpGet(ctx context.Context, c *ctr, g *corev1.HTTPGetAction) error {
	port, err := resolvePort(&c.spec, g.Port)
	if err != nil {
		return err
	}
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	u := &url.URL{Scheme: scheme, Host: net.JoinHostPort(w.probeHost(g.Host), strconv.Itoa(port))}
	if p, q, ok := strings.Cut(path, "?"); ok {
		u.Path, u.RawQuery = p, q
	} else {
		u.Path = path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "kube-probe/1.33")
	req.Header.Set("Accept", "*/*")
	for _, h := range g.HTTPHeaders {
		if strings.EqualFold(h.Name, "Host") {
			req.Host = h.Value
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	client := &http.Client{Transport: probeTransport, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) >= 10 || r.URL.Hostname() != u.Hostname() {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("Get %q: %w", u.String(), unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 10<<10))
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP probe failed with statuscode: %d%s", resp.StatusCode, bodySuffix(body))
	}
	return nil
}

func bodySuffix(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ""
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return ": " + string(b)
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (w *podWorker) tcpSocket(ctx context.Context, c *ctr, host string, port intstr.IntOrString) error {
	p, err := resolvePort(&c.spec, port)
	if err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(w.probeHost(host), strconv.Itoa(p)))
	if err != nil {
		return err
	}
	return conn.Close()
}

// execInContainer runs a command inside a running container's namespaces (nsenter from
// util-linux: joining a mount namespace needs a single-threaded process, which a Go
// program is not), as the container's user and with its environment.
func (w *podWorker) execInContainer(ctx context.Context, c *ctr, cmd []string) ([]byte, error) {
	w.mu.Lock()
	proc, spec := c.proc, c.procSpec
	w.mu.Unlock()
	if proc == nil {
		return nil, errors.New("container is not running")
	}
	if len(cmd) == 0 {
		return nil, errors.New("empty command")
	}
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return nil, fmt.Errorf("exec probes and hooks need nsenter (util-linux): %w", err)
	}
	args := []string{"--target", strconv.Itoa(proc.Pid), "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd",
		"--setgid", strconv.Itoa(int(spec.GID)), "--setuid", strconv.Itoa(int(spec.UID)), "--"}
	x := exec.CommandContext(ctx, nsenter, append(args, cmd...)...)
	x.Env = spec.Env
	var out bytes.Buffer
	x.Stdout, x.Stderr = &out, &out
	err = x.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return out.Bytes(), fmt.Errorf("command %q timed out", strings.Join(cmd, " "))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.Bytes(), fmt.Errorf("command %q exited with %d", strings.Join(cmd, " "), ee.ExitCode())
	}
	return out.Bytes(), err
}
