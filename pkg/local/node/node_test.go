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
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/skiffhq/skiff/pkg/local/node/nodetest"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

func TestMain(m *testing.M) {
	harness.Main(m, harness.WithSetup(nodetest.SetupWith(nodetest.Options{PublishLoadBalancers: true})))
}

const helloImage = "dev.local/skiff-node-test/hello:v1"

var addHello sync.Once

// hello makes the test workload available as helloImage.
func hello(t testing.TB) {
	t.Helper()
	addHello.Do(func() { nodetest.AddImage(t, helloImage, filepath.Join("testdata", "hello")) })
}

// waitPod polls the Pod until cond holds and returns it.
func waitPod(t *testing.T, ns, name string, what string, cond func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	env := harness.Get(t)
	deadline := time.Now().Add(60 * time.Second)
	var last *corev1.Pod
	for time.Now().Before(deadline) {
		p, err := env.Kube.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err == nil {
			last = p
			if cond(p) {
				return p
			}
		} else if apierrors.IsNotFound(err) && cond(nil) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for pod %s/%s to be %s; last status: %+v", ns, name, what, statusOf(last))
	return nil
}

func statusOf(p *corev1.Pod) any {
	if p == nil {
		return "<none>"
	}
	return p.Status
}

func podReady(p *corev1.Pod) bool {
	if p == nil || p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func condition(p *corev1.Pod, t corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

func get(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, b)
	}
	return string(b)
}

// helloPod is a Pod running the test workload with a readiness probe.
func helloPod(ns, name string, mutate ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": name}},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: ptr(int64(5)),
			Containers: []corev1.Container{{
				Name:  "hello",
				Image: helloImage,
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				ReadinessProbe: &corev1.Probe{
					ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intOrStr("http")}},
					PeriodSeconds: 1,
				},
			}},
		},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func createPod(t *testing.T, p *corev1.Pod) *corev1.Pod {
	t.Helper()
	got, err := harness.Get(t).Kube.CoreV1().Pods(p.Namespace).Create(context.Background(), p, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating pod %s: %v", p.Name, err)
	}
	return got
}

// TestPodLifecycle follows one Pod from creation to deletion: scheduled and started,
// Ready with an address on the bridge, its environment and volumes as specified,
// reachable from the host and from another Pod, by IP, ClusterIP and DNS name, its logs
// readable with kubectl, and everything gone after deletion.
func TestPodLifecycle(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ctx := context.Background()
	ns := env.Namespace(t)
	kube := env.Kube.CoreV1()

	if _, err := kube.ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "cfg"},
		Data:       map[string]string{"target": "skiff", "greeting.txt": "hi from a configmap", "LEVEL": "debug"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.Secrets(ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "sec"},
		Data:       map[string][]byte{"token": []byte("s3cr3t")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	marker := fmt.Sprintf("lifecycle-%d", time.Now().UnixNano())
	begin := time.Now()
	createPod(t, helloPod(ns, "hello", func(p *corev1.Pod) {
		c := &p.Spec.Containers[0]
		c.Env = []corev1.EnvVar{
			{Name: "TARGET", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "target"}}},
			{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Key: "token"}}},
			{Name: "MY_POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "MY_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "COMPOSED", Value: "$(MY_NAME)-in-$(TARGET)"},
			{Name: "MARKER", Value: marker},
		}
		c.EnvFrom = []corev1.EnvFromSource{{Prefix: "CFG_", ConfigMapRef: &corev1.ConfigMapEnvSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}
		c.VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/etc/config"}, {Name: "scratch", MountPath: "/scratch"},
			{Name: "secret", MountPath: "/etc/secret"}, {Name: "config", MountPath: "/etc/greeting.txt", SubPath: "greeting.txt"}}
		p.Spec.Volumes = []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "sec",
				Items: []corev1.KeyToPath{{Key: "token", Path: "auth/token"}}}}},
		}
	}))
	pod := waitPod(t, ns, "hello", "Ready", podReady)
	t.Logf("pod create -> Ready in %s", time.Since(begin).Round(time.Millisecond))

	_, podNet, _ := net.ParseCIDR("10.244.0.0/24")
	ip := net.ParseIP(pod.Status.PodIP)
	if ip == nil || !podNet.Contains(ip) || len(pod.Status.PodIPs) != 1 || pod.Status.HostIP != env.Cluster.Network.HostIP.String() {
		t.Fatalf("podIP %q podIPs %v hostIP %q; want an address in %s and host %s", pod.Status.PodIP, pod.Status.PodIPs,
			pod.Status.HostIP, podNet, env.Cluster.Network.HostIP)
	}
	for _, c := range []corev1.PodConditionType{corev1.PodScheduled, corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady} {
		if got := condition(pod, c); got != corev1.ConditionTrue {
			t.Errorf("condition %s = %q, want True", c, got)
		}
	}
	cs := pod.Status.ContainerStatuses
	if len(cs) != 1 || !cs[0].Ready || cs[0].State.Running == nil || cs[0].RestartCount != 0 || cs[0].ContainerID == "" || cs[0].ImageID == "" {
		t.Errorf("container statuses = %+v", cs)
	}

	base := "http://" + net.JoinHostPort(pod.Status.PodIP, "8080")
	t.Run("served from the pod IP", func(t *testing.T) {
		if got := get(t, base+"/"); got != "hello, skiff! (from hello)\n" {
			t.Errorf("GET / = %q", got)
		}
	})
	t.Run("environment", func(t *testing.T) {
		for k, want := range map[string]string{
			"TARGET": "skiff", "TOKEN": "s3cr3t", "MY_POD_IP": pod.Status.PodIP, "MY_NAME": "hello",
			"COMPOSED": "hello-in-skiff", "CFG_LEVEL": "debug", "KUBERNETES_SERVICE_PORT": "443",
		} {
			if got := get(t, base+"/env?k="+k); got != want {
				t.Errorf("$%s = %q, want %q", k, got, want)
			}
		}
	})
	t.Run("volumes", func(t *testing.T) {
		for path, want := range map[string]string{
			"/etc/config/greeting.txt":                                "hi from a configmap",
			"/var/run/secrets/kubernetes.io/serviceaccount/namespace": ns,
			"/etc/hostname": "hello\n",
		} {
			if got := get(t, base+"/file?p="+path); got != want {
				t.Errorf("%s = %q, want %q", path, got, want)
			}
		}
		token := get(t, base+"/file?p=/var/run/secrets/kubernetes.io/serviceaccount/token")
		ca := get(t, base+"/file?p=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
		if strings.Count(token, ".") != 2 || !strings.Contains(ca, "BEGIN CERTIFICATE") {
			t.Errorf("service account token %q / ca.crt %q", token, ca)
		}
		if got := get(t, base+"/write?p=/scratch/x"); got != "ok" {
			t.Errorf("emptyDir not writable: %q", got)
		}
		if got := tryGet(base + "/write?p=/etc/config/new"); !strings.Contains(got, "read-only") {
			t.Errorf("configMap volume writable: %q", got)
		}
	})
	t.Run("own namespaces", func(t *testing.T) {
		// uid gid hostname pid: root by default, hostname = pod name, PID 1.
		if got := get(t, base+"/whoami"); got != "0 0 hello 1" {
			t.Errorf("whoami = %q", got)
		}
	})

	svc, err := kube.Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "hello"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "hello"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intOrStr("http")}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svcURL := "http://" + net.JoinHostPort(svc.Spec.ClusterIP, "80")
	dnsName := "hello." + ns + ".svc.cluster.local"
	t.Run("ClusterIP from the host", func(t *testing.T) {
		waitFor(t, "the ClusterIP to answer", func() bool { return tryGet(svcURL+"/") != "" })
		if got := get(t, svcURL+"/"); got != "hello, skiff! (from hello)\n" {
			t.Errorf("GET %s = %q", svcURL, got)
		}
	})
	t.Run("DNS name from the host", func(t *testing.T) {
		r := clusterResolver(t)
		addrs, err := r.LookupHost(ctx, dnsName)
		if err != nil || len(addrs) != 1 || addrs[0] != svc.Spec.ClusterIP {
			t.Fatalf("LookupHost(%s) = %v, %v; want [%s]", dnsName, addrs, err, svc.Spec.ClusterIP)
		}
		if _, err := r.LookupHost(ctx, "nope."+ns+".svc.cluster.local"); err == nil {
			t.Error("a missing Service resolved")
		}
	})
	t.Run("from another pod by DNS name and ClusterIP", func(t *testing.T) {
		createPod(t, helloPod(ns, "client"))
		client := waitPod(t, ns, "client", "Ready", podReady)
		if client.Status.PodIP == pod.Status.PodIP {
			t.Fatalf("two pods share the address %s", client.Status.PodIP)
		}
		cbase := "http://" + net.JoinHostPort(client.Status.PodIP, "8080")
		for _, target := range []string{"http://hello/", "http://" + dnsName + "/", svcURL + "/", base + "/"} {
			if got := get(t, cbase+"/get?url="+target); got != "hello, skiff! (from hello)\n" {
				t.Errorf("client GET %s = %q", target, got)
			}
		}
		// The kubernetes Service reaches the apiserver from inside a Pod.
		if got := tryGet(cbase + "/get?url=https://kubernetes.default.svc/healthz"); !strings.Contains(got, "certificate") && got != "ok" {
			t.Errorf("client GET https://kubernetes.default.svc/healthz = %q, want an answer from the apiserver", got)
		}
	})
	t.Run("kubectl logs", func(t *testing.T) {
		out := env.Kubectl(t, "logs", "-n", ns, "hello")
		if !strings.Contains(out, "hello listening on :8080") || !strings.Contains(out, "request GET /") {
			t.Errorf("kubectl logs = %q", out)
		}
		out = env.Kubectl(t, "logs", "-n", ns, "hello", "--tail=1", "--timestamps")
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "Z ") {
			t.Errorf("kubectl logs --tail=1 --timestamps = %q", out)
		}
	})

	t.Run("delete removes processes and network", func(t *testing.T) {
		pids := processesWith("MARKER=" + marker)
		if len(pids) == 0 {
			t.Fatal("no process of the pod found")
		}
		veths := linksNamed("skv")
		begin := time.Now()
		if err := kube.Pods(ns).Delete(ctx, "hello", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitPod(t, ns, "hello", "gone", func(p *corev1.Pod) bool { return p == nil })
		t.Logf("pod delete -> gone in %s", time.Since(begin).Round(time.Millisecond))
		if left := processesWith("MARKER=" + marker); len(left) > 0 {
			t.Errorf("processes %v of the deleted pod still run", left)
		}
		if _, err := os.Stat(filepath.Join("/run/skiff/netns", string(pod.UID))); !os.IsNotExist(err) {
			t.Errorf("network namespace of the deleted pod still exists (%v)", err)
		}
		if after := linksNamed("skv"); len(after) != len(veths)-1 {
			t.Errorf("veths before %v, after %v: want one fewer", veths, after)
		}
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tryGet is a GET on a fresh connection (so a closed listener shows), "" on any error.
func tryGet(url string) string {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// clusterResolver asks the node's cluster DNS server directly, as the host's resolver
// would with the cluster DNS address in its configuration.
func clusterResolver(t *testing.T) *net.Resolver {
	dns := net.JoinHostPort(nodetest.Agent(t).ClusterDNS().String(), "53")
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, dns)
	}}
}

// processesWith lists the PIDs whose environment holds kv.
func processesWith(kv string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, v := range strings.Split(string(b), "\x00") {
			if v == kv {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

func linksNamed(prefix string) []string {
	var out []string
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		if strings.HasPrefix(i.Name, prefix) {
			out = append(out, i.Name)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

var _ = os.Getpid

func intOrStr(s string) intstr.IntOrString { return intstr.FromString(s) }
