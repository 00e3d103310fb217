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
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	"github.com/skiffhq/skiff/pkg/local/container"
	"github.com/skiffhq/skiff/pkg/local/image"
	"github.com/skiffhq/skiff/pkg/local/netns"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{"NAME": "skiff", "PORT": "8080"}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"$(NAME)", "skiff"},
		{"http://$(NAME):$(PORT)/", "http://skiff:8080/"},
		{"$(MISSING) stays", "$(MISSING) stays"},
		{"$$(NAME) is escaped", "$(NAME) is escaped"},
		{"a lone $ and $x", "a lone $ and $x"},
		{"unterminated $(NAME", "unterminated $(NAME"},
	} {
		if got := expand(tc.in, lookup); got != tc.want {
			t.Errorf("expand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func testAgent(t *testing.T, objs ...*corev1.Service) *Agent {
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	for _, o := range objs {
		idx.Add(o)
	}
	_, podNet, _ := net.ParseCIDR("10.244.0.0/24")
	return &Agent{name: "skiff", hostIP: net.ParseIP("10.244.0.1"), clusterDNS: net.ParseIP("10.96.128.10"),
		cfg: Config{ClusterDomain: "cluster.local"}, services: corelisters.NewServiceLister(idx),
		capacity: nodeCapacity(podNet), log: zap.NewNop().Sugar(), recorder: record.NewFakeRecorder(100)}
}

func TestServiceEnv(t *testing.T) {
	svc := func(ns, name, ip string, ports ...corev1.ServicePort) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.ServiceSpec{ClusterIP: ip, Ports: ports}}
	}
	a := testAgent(t,
		svc("default", "kubernetes", "10.96.128.1", corev1.ServicePort{Name: "https", Port: 443}),
		svc("apps", "my-svc", "10.96.128.7", corev1.ServicePort{Name: "http", Port: 80}),
		svc("apps", "headless", "None", corev1.ServicePort{Port: 80}),
		svc("other", "elsewhere", "10.96.128.9", corev1.ServicePort{Port: 80}),
	)
	env := func(links *bool) map[string]string {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "apps"}, Spec: corev1.PodSpec{EnableServiceLinks: links}}
		m := map[string]string{}
		for _, kv := range a.serviceEnv(pod) {
			m[kv[0]] = kv[1]
		}
		return m
	}
	got := env(nil)
	for k, want := range map[string]string{
		"KUBERNETES_SERVICE_HOST": "10.96.128.1", "KUBERNETES_SERVICE_PORT": "443", "KUBERNETES_SERVICE_PORT_HTTPS": "443",
		"MY_SVC_SERVICE_HOST": "10.96.128.7", "MY_SVC_PORT": "tcp://10.96.128.7:80", "MY_SVC_PORT_80_TCP_ADDR": "10.96.128.7",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if _, ok := got["HEADLESS_SERVICE_HOST"]; ok {
		t.Error("a headless Service got link variables")
	}
	if _, ok := got["ELSEWHERE_SERVICE_HOST"]; ok {
		t.Error("a Service of another namespace got link variables")
	}
	off := env(ptr.To(false))
	if _, ok := off["MY_SVC_SERVICE_HOST"]; ok || off["KUBERNETES_SERVICE_HOST"] != "10.96.128.1" {
		t.Errorf("enableServiceLinks=false: %v; want only the kubernetes Service", off)
	}
}

func TestResolvConf(t *testing.T) {
	a := testAgent(t)
	pod := func(policy corev1.DNSPolicy, hostNet bool, cfg *corev1.PodDNSConfig) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "apps"},
			Spec: corev1.PodSpec{DNSPolicy: policy, HostNetwork: hostNet, DNSConfig: cfg}}
	}
	hostSearch, _ := hostResolv()
	clusterSearch := strings.Join(dedupe(append([]string{"apps.svc.cluster.local", "svc.cluster.local", "cluster.local"}, hostSearch...)), " ")
	for _, tc := range []struct {
		name string
		pod  *corev1.Pod
		want []string // lines that must be present
	}{
		{"ClusterFirst (default)", pod("", false, nil), []string{"nameserver 10.96.128.10", "search " + clusterSearch, "options ndots:5"}},
		{"None with dnsConfig", pod(corev1.DNSNone, false, &corev1.PodDNSConfig{Nameservers: []string{"1.2.3.4"},
			Searches: []string{"example.com"}, Options: []corev1.PodDNSConfigOption{{Name: "ndots", Value: ptr.To("2")}}}),
			[]string{"nameserver 1.2.3.4", "search example.com", "options ndots:2"}},
		{"ClusterFirstWithHostNet", pod(corev1.DNSClusterFirstWithHostNet, true, nil), []string{"nameserver 10.96.128.10", "options ndots:5"}},
	} {
		got := a.resolvConf(tc.pod)
		for _, line := range tc.want {
			if !strings.Contains(got, line+"\n") {
				t.Errorf("%s: resolv.conf lacks %q:\n%s", tc.name, line, got)
			}
		}
		if tc.pod.Spec.DNSPolicy == corev1.DNSNone && strings.Contains(got, "10.96.128.10") {
			t.Errorf("%s: dnsPolicy None still uses the cluster DNS:\n%s", tc.name, got)
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vol")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return string(b)
	}
	if err := writeAtomic(dir, map[string]fileData{"a": {[]byte("one"), 0o644}, "sub/b": {[]byte("two"), 0o600}}); err != nil {
		t.Fatal(err)
	}
	data1, _ := os.Readlink(filepath.Join(dir, "..data"))
	if read("a") != "one" || read("sub/b") != "two" {
		t.Fatalf("after first write: a=%q sub/b=%q", read("a"), read("sub/b"))
	}
	if st, _ := os.Stat(filepath.Join(dir, "sub", "b")); st.Mode().Perm() != 0o600 {
		t.Errorf("mode of sub/b = %v, want 0600", st.Mode().Perm())
	}
	// Unchanged content: nothing is rewritten (watchers see no event).
	writeAtomic(dir, map[string]fileData{"a": {[]byte("one"), 0o644}, "sub/b": {[]byte("two"), 0o600}})
	if again, _ := os.Readlink(filepath.Join(dir, "..data")); again != data1 {
		t.Errorf("unchanged content rewrote ..data: %s -> %s", data1, again)
	}
	// An update swaps ..data; a removed key disappears; the old version is removed.
	if err := writeAtomic(dir, map[string]fileData{"a": {[]byte("uno"), 0o644}}); err != nil {
		t.Fatal(err)
	}
	if read("a") != "uno" {
		t.Errorf("after update a = %q", read("a"))
	}
	if _, err := os.Lstat(filepath.Join(dir, "sub")); !os.IsNotExist(err) {
		t.Errorf("removed key still visible: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, data1)); !os.IsNotExist(err) {
		t.Errorf("old version %s not removed", data1)
	}
	if err := writeAtomic(dir, map[string]fileData{"../escape": {[]byte("x"), 0o644}}); err == nil {
		t.Error("a path escaping the volume was accepted")
	}
}

func TestLogStream(t *testing.T) {
	lf, outW, errW, err := newLogFile(filepath.Join(t.TempDir(), "0.log"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(outW, "first")
	time.Sleep(5 * time.Millisecond)
	fmt.Fprintln(errW, "oops")
	time.Sleep(5 * time.Millisecond)
	fmt.Fprint(outW, strings.Repeat("x", maxLogLine+10)+"\n") // split in two entries
	time.Sleep(5 * time.Millisecond)
	fmt.Fprint(outW, "no newline at exit")
	outW.Close()
	errW.Close()
	lf.finish()

	long := strings.Repeat("x", maxLogLine+10)
	stream := func(opts logOptions) string {
		var b bytes.Buffer
		if err := lf.stream(context.Background(), &b, opts); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name string
		opts logOptions
		want string
	}{
		{"everything", logOptions{tailLines: -1}, "first\noops\n" + long + "\nno newline at exit\n"},
		{"tail 1", logOptions{tailLines: 1}, "no newline at exit\n"},
		{"tail 2 keeps a split line whole", logOptions{tailLines: 2}, long + "\nno newline at exit\n"},
		{"stderr only", logOptions{tailLines: -1, stream: "stderr"}, "oops\n"},
		{"limitBytes", logOptions{tailLines: -1, limitBytes: 8}, "first\noo"},
		{"follow a finished run returns", logOptions{tailLines: -1, follow: true}, "first\noops\n" + long + "\nno newline at exit\n"},
	} {
		if got := stream(tc.opts); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, trunc(got), trunc(tc.want))
		}
	}
	ts := stream(logOptions{tailLines: 1, timestamps: true})
	if _, err := time.Parse(time.RFC3339Nano, strings.SplitN(ts, " ", 2)[0]); err != nil || !strings.HasSuffix(ts, " no newline at exit\n") {
		t.Errorf("timestamps: %q", ts)
	}
	if got := lf.tail(2, 20); got != "xxxxxxxxxx\nno newline at exit"[len("xxxxxxxxxx\nno newline at exit")-20:] {
		t.Errorf("tail(2, 20) = %q", got)
	}
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:40] + "..." + s[len(s)-40:]
	}
	return s
}

func TestLogFollowWaitsForTheRun(t *testing.T) {
	lf, outW, errW, err := newLogFile(filepath.Join(t.TempDir(), "0.log"))
	if err != nil {
		t.Fatal(err)
	}
	errW.Close()
	done := make(chan string)
	go func() {
		var b bytes.Buffer
		lf.stream(context.Background(), &b, logOptions{tailLines: -1, follow: true})
		done <- b.String()
	}()
	fmt.Fprintln(outW, "one")
	time.Sleep(250 * time.Millisecond)
	select {
	case got := <-done:
		t.Fatalf("follow returned while the run was alive: %q", got)
	default:
	}
	fmt.Fprintln(outW, "two")
	outW.Close()
	lf.finish()
	select {
	case got := <-done:
		if got != "one\ntwo\n" {
			t.Errorf("followed %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow did not return after the run ended")
	}
}

func TestSecurityContext(t *testing.T) {
	root := &image.Image{UID: 0}
	ko := &image.Image{UID: image.NonRootUID}
	pod := func(psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) (*corev1.Pod, *corev1.Container) {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}, Spec: corev1.PodSpec{SecurityContext: psc,
			Containers: []corev1.Container{{Name: "c", SecurityContext: sc}}}}
		return p, &p.Spec.Containers[0]
	}
	for _, tc := range []struct {
		name    string
		img     *image.Image
		psc     *corev1.PodSecurityContext
		sc      *corev1.SecurityContext
		uid     uint32
		gid     uint32
		groups  []uint32
		caps    []string
		ro, nnp bool
		err     string
	}{
		{name: "root image, defaults", img: root, caps: container.DefaultCapabilities},
		{name: "ko image runs as nonroot", img: ko, uid: 65532, gid: 65532, caps: container.DefaultCapabilities},
		{name: "runAsNonRoot with a ko image", img: ko, psc: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true)}, uid: 65532, gid: 65532, caps: container.DefaultCapabilities},
		{name: "runAsNonRoot with a root image", img: root, sc: &corev1.SecurityContext{RunAsNonRoot: ptr.To(true)}, err: "runAsNonRoot"},
		{name: "container overrides pod", img: root, psc: &corev1.PodSecurityContext{RunAsUser: ptr.To(int64(1)), RunAsGroup: ptr.To(int64(2)),
			SupplementalGroups: []int64{3}, FSGroup: ptr.To(int64(4))}, sc: &corev1.SecurityContext{RunAsUser: ptr.To(int64(10))},
			uid: 10, gid: 2, groups: []uint32{3, 4}, caps: container.DefaultCapabilities},
		{name: "restricted profile", img: ko, sc: &corev1.SecurityContext{ReadOnlyRootFilesystem: ptr.To(true), AllowPrivilegeEscalation: ptr.To(false),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}, Add: []corev1.Capability{"NET_BIND_SERVICE"}}},
			uid: 65532, gid: 65532, caps: []string{"CAP_NET_BIND_SERVICE"}, ro: true, nnp: true},
		{name: "drop one", img: root, sc: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"NET_RAW", "CAP_KILL"}}},
			caps: without(container.DefaultCapabilities, "CAP_NET_RAW", "CAP_KILL")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, c := pod(tc.psc, tc.sc)
			var spec container.Spec
			err := applySecurityContext(&spec, p, c, tc.img)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one about %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(spec.Capabilities)
			want := append([]string(nil), tc.caps...)
			sort.Strings(want)
			got := struct {
				UID, GID uint32
				Groups   []uint32
				Caps     []string
				RO, NNP  bool
			}{spec.UID, spec.GID, spec.Groups, spec.Capabilities, spec.ReadOnlyRoot, spec.NoNewPrivs}
			wantS := struct {
				UID, GID uint32
				Groups   []uint32
				Caps     []string
				RO, NNP  bool
			}{tc.uid, tc.gid, tc.groups, want, tc.ro, tc.nnp}
			if diff := cmp.Diff(wantS, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		keep := true
		for _, d := range drop {
			keep = keep && s != d
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

// TestComputeStatus checks phases and conditions for container states, without
// running anything.
func TestComputeStatus(t *testing.T) {
	a := testAgent(t)
	a.ctx = context.Background()
	mk := func(policy corev1.RestartPolicy, init bool) (*podWorker, *corev1.Pod) {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "uid-1"},
			Spec: corev1.PodSpec{RestartPolicy: policy, Containers: []corev1.Container{{Name: "app", Image: "img"}}}}
		if init {
			p.Spec.InitContainers = []corev1.Container{{Name: "setup", Image: "img"}}
		}
		w := newPodWorker(a, p, t.TempDir())
		w.sandboxReady, w.podIP = true, "10.244.0.9"
		w.net = &netns.Pod{IP: net.ParseIP("10.244.0.9")}
		return w, p
	}
	term := func(code int32) *corev1.ContainerStateTerminated {
		return &corev1.ContainerStateTerminated{ExitCode: code, Reason: map[bool]string{true: "Completed", false: "Error"}[code == 0]}
	}
	conds := func(st corev1.PodStatus) string {
		var out []string
		for _, c := range st.Conditions {
			out = append(out, fmt.Sprintf("%s=%s", c.Type, c.Status))
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name      string
		policy    corev1.RestartPolicy
		init      bool
		set       func(w *podWorker)
		phase     corev1.PodPhase
		conds     string
		appReason string
	}{{
		name: "nothing started yet", set: func(*podWorker) {}, phase: corev1.PodPending,
		conds:     "PodReadyToStartContainers=True Initialized=True ContainersReady=False Ready=False",
		appReason: "ContainerCreating",
	}, {
		name: "init container running", init: true, set: func(*podWorker) {}, phase: corev1.PodPending,
		conds:     "PodReadyToStartContainers=True Initialized=False ContainersReady=False Ready=False",
		appReason: "PodInitializing",
	}, {
		name: "image missing", set: func(w *podWorker) {
			w.containers[0].waiting = &corev1.ContainerStateWaiting{Reason: "ErrImagePull", Message: "add it"}
		}, phase: corev1.PodPending, conds: "PodReadyToStartContainers=True Initialized=True ContainersReady=False Ready=False",
		appReason: "ErrImagePull",
	}, {
		name: "crash looping", set: func(w *podWorker) {
			c := w.containers[0]
			c.starts, c.terminated = 3, term(1)
			c.waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}
		}, phase: corev1.PodRunning, conds: "PodReadyToStartContainers=True Initialized=True ContainersReady=False Ready=False",
		appReason: "CrashLoopBackOff",
	}, {
		name: "succeeded", policy: corev1.RestartPolicyNever, set: func(w *podWorker) {
			c := w.containers[0]
			c.starts, c.terminated = 1, term(0)
			w.terminal = corev1.PodSucceeded
		}, phase: corev1.PodSucceeded, conds: "PodReadyToStartContainers=False Initialized=True ContainersReady=False Ready=False",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, p := mk(tc.policy, tc.init)
			tc.set(w)
			st := w.computeStatus(p, false)
			if st.Phase != tc.phase || conds(st) != tc.conds {
				t.Errorf("phase %s, conditions %s; want %s, %s", st.Phase, conds(st), tc.phase, tc.conds)
			}
			cs := st.ContainerStatuses[0]
			if tc.appReason != "" && (cs.State.Waiting == nil || cs.State.Waiting.Reason != tc.appReason) {
				t.Errorf("app state = %+v, want waiting %s", cs.State, tc.appReason)
			}
			if st.PodIP != "10.244.0.9" || st.HostIP != "10.244.0.1" {
				t.Errorf("podIP %q hostIP %q", st.PodIP, st.HostIP)
			}
		})
	}
}

func TestTerminalPhase(t *testing.T) {
	a := testAgent(t)
	a.ctx = context.Background()
	for _, tc := range []struct {
		policy corev1.RestartPolicy
		codes  []int32 // -1: still running/never ran
		want   corev1.PodPhase
	}{
		{corev1.RestartPolicyAlways, []int32{0}, ""},
		{corev1.RestartPolicyOnFailure, []int32{1}, ""},
		{corev1.RestartPolicyOnFailure, []int32{0, 0}, corev1.PodSucceeded},
		{corev1.RestartPolicyNever, []int32{0, 2}, corev1.PodFailed},
		{corev1.RestartPolicyNever, []int32{0, -1}, ""},
	} {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "u"}, Spec: corev1.PodSpec{RestartPolicy: tc.policy}}
		for i := range tc.codes {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: fmt.Sprint("c", i)})
		}
		w := newPodWorker(a, p, t.TempDir())
		for i, code := range tc.codes {
			if code >= 0 {
				w.containers[i].terminated = &corev1.ContainerStateTerminated{ExitCode: code}
			}
		}
		if got := w.terminalPhase(p); got != tc.want {
			t.Errorf("%s with exit codes %v: terminalPhase = %q, want %q", tc.policy, tc.codes, got, tc.want)
		}
	}
}
