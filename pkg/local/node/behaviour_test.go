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
	"net"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/skiffhq/skiff/pkg/local/node/nodetest"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

func containerStatus(p *corev1.Pod, name string) *corev1.ContainerStatus {
	for i := range p.Status.ContainerStatuses {
		if p.Status.ContainerStatuses[i].Name == name {
			return &p.Status.ContainerStatuses[i]
		}
	}
	for i := range p.Status.InitContainerStatuses {
		if p.Status.InitContainerStatuses[i].Name == name {
			return &p.Status.InitContainerStatuses[i]
		}
	}
	return nil
}

func podURL(p *corev1.Pod, path string) string {
	return "http://" + net.JoinHostPort(p.Status.PodIP, "8080") + path
}

func shell(script string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Spec.Containers[0].Command = []string{"/bin/sh", "-c", script}
		p.Spec.Containers[0].ReadinessProbe = nil
	}
}

func TestReadinessProbe(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ns := env.Namespace(t)
	t.Run("failing probe keeps the pod NotReady", func(t *testing.T) {
		createPod(t, helloPod(ns, "never-ready", func(p *corev1.Pod) {
			p.Spec.Containers[0].ReadinessProbe.HTTPGet.Path = "/missing"
		}))
		p := waitPod(t, ns, "never-ready", "Running", func(p *corev1.Pod) bool {
			cs := containerStatus(p, "hello")
			return p.Status.Phase == corev1.PodRunning && cs != nil && cs.State.Running != nil
		})
		// Serving, but the probe gets 404: it must stay NotReady.
		if got := tryGet(podURL(p, "/")); !strings.HasPrefix(got, "hello") {
			t.Fatalf("pod does not serve: %q", got)
		}
		time.Sleep(1500 * time.Millisecond)
		p = waitPod(t, ns, "never-ready", "fetched", func(*corev1.Pod) bool { return true })
		if condition(p, corev1.PodReady) != corev1.ConditionFalse || condition(p, corev1.ContainersReady) != corev1.ConditionFalse ||
			containerStatus(p, "hello").Ready {
			t.Errorf("pod with a failing readiness probe: conditions %+v", p.Status.Conditions)
		}
	})
	t.Run("tcpSocket probe", func(t *testing.T) {
		createPod(t, helloPod(ns, "tcp", func(p *corev1.Pod) {
			p.Spec.Containers[0].ReadinessProbe.ProbeHandler = corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intOrStr("http")}}
		}))
		waitPod(t, ns, "tcp", "Ready", podReady)
	})
	t.Run("startup probe gates readiness", func(t *testing.T) {
		createPod(t, helloPod(ns, "startup", func(p *corev1.Pod) {
			p.Spec.Containers[0].StartupProbe = &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intOrStr("http")}},
				PeriodSeconds:    1,
				FailureThreshold: 30,
			}
		}))
		p := waitPod(t, ns, "startup", "Ready", podReady)
		if cs := containerStatus(p, "hello"); cs.Started == nil || !*cs.Started {
			t.Errorf("started = %v after the startup probe passed", cs.Started)
		}
	})
	t.Run("becomes NotReady when the probe starts failing", func(t *testing.T) {
		createPod(t, helloPod(ns, "flips", func(p *corev1.Pod) { p.Spec.Containers[0].ReadinessProbe.FailureThreshold = 1 }))
		p := waitPod(t, ns, "flips", "Ready", podReady)
		get(t, podURL(p, "/write?p=/tmp/unhealthy"))
		waitPod(t, ns, "flips", "NotReady", func(p *corev1.Pod) bool {
			return condition(p, corev1.PodReady) == corev1.ConditionFalse && p.Status.Phase == corev1.PodRunning
		})
	})
}

func TestUnknownImage(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	img := "dev.local/skiff-node-test/not-added-" + ns + ":v1"
	createPod(t, helloPod(ns, "noimage", func(p *corev1.Pod) { p.Spec.Containers[0].Image = img }))
	p := waitPod(t, ns, "noimage", "waiting for its image", func(p *corev1.Pod) bool {
		cs := containerStatus(p, "hello")
		return cs != nil && cs.State.Waiting != nil && cs.State.Waiting.Reason == "ErrImagePull"
	})
	msg := containerStatus(p, "hello").State.Waiting.Message
	if !strings.Contains(msg, "skiff image add "+img) {
		t.Errorf("waiting message %q does not say how to add the image", msg)
	}
	if p.Status.Phase != corev1.PodPending {
		t.Errorf("phase = %s, want Pending", p.Status.Phase)
	}
	// Adding it is enough: the agent retries.
	nodetest.AddImage(t, img, "testdata/hello")
	waitPod(t, ns, "noimage", "Ready after adding the image", podReady)
}

func TestRestarts(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ns := env.Namespace(t)
	t.Run("exited container is restarted", func(t *testing.T) {
		p := createPod(t, helloPod(ns, "exits"))
		p = waitPod(t, ns, "exits", "Ready", podReady)
		get(t, podURL(p, "/exit?code=3"))
		p = waitPod(t, ns, "exits", "restarted and Ready", func(p *corev1.Pod) bool {
			cs := containerStatus(p, "hello")
			return podReady(p) && cs.RestartCount == 1
		})
		last := containerStatus(p, "hello").LastTerminationState.Terminated
		if last == nil || last.ExitCode != 3 || last.Reason != "Error" {
			t.Errorf("lastState.terminated = %+v, want exit code 3, reason Error", last)
		}
		out := env.Kubectl(t, "logs", "-n", ns, "exits", "--previous")
		if !strings.Contains(out, "exiting on request") {
			t.Errorf("kubectl logs --previous = %q", out)
		}
	})
	t.Run("liveness probe failure restarts", func(t *testing.T) {
		createPod(t, helloPod(ns, "liveness", func(p *corev1.Pod) {
			p.Spec.Containers[0].LivenessProbe = &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intOrStr("http")}},
				PeriodSeconds:    1,
				FailureThreshold: 2, // the first probe may come before the server listens
			}
		}))
		p := waitPod(t, ns, "liveness", "Ready", podReady)
		get(t, podURL(p, "/write?p=/tmp/unhealthy"))
		waitPod(t, ns, "liveness", "restarted", func(p *corev1.Pod) bool {
			return podReady(p) && containerStatus(p, "hello").RestartCount == 1
		})
	})
	t.Run("crash loop backs off", func(t *testing.T) {
		createPod(t, helloPod(ns, "crashes", shell("echo crashing; exit 1")))
		p := waitPod(t, ns, "crashes", "in CrashLoopBackOff", func(p *corev1.Pod) bool {
			cs := containerStatus(p, "hello")
			return cs != nil && cs.RestartCount >= 2 && cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff"
		})
		if last := containerStatus(p, "hello").LastTerminationState.Terminated; last == nil || last.ExitCode != 1 {
			t.Errorf("lastState = %+v", last)
		}
	})
	t.Run("restartPolicy Never: Succeeded and Failed", func(t *testing.T) {
		for name, code := range map[string]string{"succeeds": "0", "fails": "7"} {
			createPod(t, helloPod(ns, name, shell("echo done; exit "+code), func(p *corev1.Pod) {
				p.Spec.RestartPolicy = corev1.RestartPolicyNever
			}))
		}
		p := waitPod(t, ns, "succeeds", "Succeeded", func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodSucceeded })
		if term := containerStatus(p, "hello").State.Terminated; term == nil || term.Reason != "Completed" {
			t.Errorf("succeeded container state = %+v", containerStatus(p, "hello").State)
		}
		p = waitPod(t, ns, "fails", "Failed", func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodFailed })
		if term := containerStatus(p, "hello").State.Terminated; term == nil || term.ExitCode != 7 {
			t.Errorf("failed container state = %+v", containerStatus(p, "hello").State)
		}
		if out := env.Kubectl(t, "logs", "-n", ns, "fails"); out != "done\n" {
			t.Errorf("logs of a finished pod = %q", out)
		}
	})
}

func TestInitContainersAndSecurityContext(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ns := env.Namespace(t)
	createPod(t, helloPod(ns, "secure", func(p *corev1.Pod) {
		p.Labels["tier"] = "backend"
		p.Spec.Volumes = []corev1.Volume{
			{Name: "work", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "podinfo", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{
				Items: []corev1.DownwardAPIVolumeFile{{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}}},
			}}},
		}
		p.Spec.InitContainers = []corev1.Container{
			{Name: "first", Image: helloImage, Command: []string{"/bin/sh", "-c", "echo one > /work/msg"},
				VolumeMounts: []corev1.VolumeMount{{Name: "work", MountPath: "/work"}}},
			{Name: "second", Image: helloImage, Command: []string{"/bin/sh", "-c", "echo two >> /work/msg"},
				VolumeMounts: []corev1.VolumeMount{{Name: "work", MountPath: "/work"}}},
		}
		c := &p.Spec.Containers[0]
		c.VolumeMounts = []corev1.VolumeMount{{Name: "work", MountPath: "/work"}, {Name: "podinfo", MountPath: "/etc/podinfo"}}
		c.SecurityContext = &corev1.SecurityContext{
			RunAsUser: ptr(int64(1234)), RunAsGroup: ptr(int64(5678)), ReadOnlyRootFilesystem: ptr(true),
			AllowPrivilegeEscalation: ptr(false), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		}
	}))
	p := waitPod(t, ns, "secure", "Ready", podReady)
	for _, name := range []string{"first", "second"} {
		cs := containerStatus(p, name)
		if cs == nil || cs.State.Terminated == nil || cs.State.Terminated.Reason != "Completed" || !cs.Ready {
			t.Errorf("init container %s: %+v", name, cs)
		}
	}
	if got := get(t, podURL(p, "/file?p=/work/msg")); got != "one\ntwo\n" {
		t.Errorf("init containers' output = %q", got)
	}
	if got := get(t, podURL(p, "/whoami")); !strings.HasPrefix(got, "1234 5678 secure ") {
		t.Errorf("whoami = %q, want uid 1234 gid 5678", got)
	}
	if got := tryGet(podURL(p, "/write?p=/etc/x")); !strings.Contains(got, "read-only file system") {
		t.Errorf("writing the read-only root: %q", got)
	}
	if got := tryGet(podURL(p, "/write?p=/work/y")); got != "ok" {
		t.Errorf("writing an emptyDir: %q", got)
	}
	if got := get(t, podURL(p, "/file?p=/etc/podinfo/labels")); !strings.Contains(got, `tier="backend"`) {
		t.Errorf("downward API labels = %q", got)
	}
	// A label change shows in the downward-API volume.
	patch := []byte(`{"metadata":{"labels":{"tier":"frontend"}}}`)
	if _, err := env.Kube.CoreV1().Pods(ns).Patch(context.Background(), "secure", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new label in the downward-API volume", func() bool {
		return strings.Contains(tryGet(podURL(p, "/file?p=/etc/podinfo/labels")), `tier="frontend"`)
	})

	t.Run("runAsNonRoot with a root image", func(t *testing.T) {
		createPod(t, helloPod(ns, "nonroot", func(p *corev1.Pod) {
			p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)}
		}))
		p := waitPod(t, ns, "nonroot", "refused", func(p *corev1.Pod) bool {
			cs := containerStatus(p, "hello")
			return cs != nil && cs.State.Waiting != nil && cs.State.Waiting.Reason == "CreateContainerConfigError"
		})
		if msg := containerStatus(p, "hello").State.Waiting.Message; !strings.Contains(msg, "runAsNonRoot") {
			t.Errorf("message = %q", msg)
		}
	})
}

func TestNodeRegistration(t *testing.T) {
	env := harness.Get(t)
	ctx := context.Background()
	a := nodetest.Agent(t)
	n, err := env.Kube.CoreV1().Nodes().Get(ctx, a.Name(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Spec.PodCIDR != "10.244.0.0/24" || len(n.Spec.Taints) != 0 {
		t.Errorf("spec = %+v, want podCIDR 10.244.0.0/24 and no taints", n.Spec)
	}
	ready := false
	for _, c := range n.Status.Conditions {
		ready = ready || c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue
	}
	addrOK := false
	for _, ad := range n.Status.Addresses {
		addrOK = addrOK || ad.Type == corev1.NodeInternalIP && ad.Address == env.Cluster.Network.HostIP.String()
	}
	if !ready || !addrOK || n.Status.DaemonEndpoints.KubeletEndpoint.Port != int32(a.KubeletPort()) {
		t.Errorf("status: conditions %v, addresses %v, kubelet port %d; want Ready, InternalIP %s, port %d", n.Status.Conditions,
			n.Status.Addresses, n.Status.DaemonEndpoints.KubeletEndpoint.Port, env.Cluster.Network.HostIP, a.KubeletPort())
	}
	if n.Status.Allocatable.Cpu().IsZero() || n.Status.Allocatable.Memory().IsZero() || n.Status.Capacity.Pods().Value() == 0 {
		t.Errorf("capacity %v, allocatable %v", n.Status.Capacity, n.Status.Allocatable)
	}
	l, err := env.Kube.CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, a.Name(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity != a.Name() || l.Spec.RenewTime == nil || time.Since(l.Spec.RenewTime.Time) > time.Minute {
		t.Errorf("lease = %+v, want held by %s and renewed recently", l.Spec, a.Name())
	}
	out := env.Kubectl(t, "get", "nodes")
	if !strings.Contains(out, a.Name()) || !strings.Contains(out, " Ready ") {
		t.Errorf("kubectl get nodes:\n%s", out)
	}
}

func TestExecProbeAndGracefulTermination(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ns := env.Namespace(t)
	// A shell as PID 1 that ignores SIGTERM: deletion waits the grace period, then kills.
	createPod(t, helloPod(ns, "stubborn", shell("touch /tmp/ready; trap '' TERM; while :; do sleep 0.1; done"), func(p *corev1.Pod) {
		p.Spec.TerminationGracePeriodSeconds = ptr(int64(1))
		p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ready"}}},
			PeriodSeconds: 1,
		}
	}))
	waitPod(t, ns, "stubborn", "Ready (exec probe)", podReady)
	begin := time.Now()
	if err := env.Kube.CoreV1().Pods(ns).Delete(context.Background(), "stubborn", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitPod(t, ns, "stubborn", "gone", func(p *corev1.Pod) bool { return p == nil })
	if d := time.Since(begin); d < time.Second || d > 10*time.Second {
		t.Errorf("deletion took %s, want the 1s grace period (then SIGKILL)", d)
	}
}

func TestLogsFollow(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ns := env.Namespace(t)
	createPod(t, helloPod(ns, "talker", shell("for i in 1 2 3; do echo line $i; sleep 0.3; done; echo done >&2"), func(p *corev1.Pod) {
		p.Spec.RestartPolicy = corev1.RestartPolicyNever
	}))
	waitPod(t, ns, "talker", "started", func(p *corev1.Pod) bool {
		cs := containerStatus(p, "talker")
		_ = cs
		c := containerStatus(p, "hello")
		return c != nil && (c.State.Running != nil || c.State.Terminated != nil)
	})
	// -f returns when the container exits, with everything it wrote.
	out := env.Kubectl(t, "logs", "-n", ns, "talker", "-f")
	if out != "line 1\nline 2\nline 3\ndone\n" {
		t.Errorf("kubectl logs -f = %q", out)
	}
}

// TestLoadBalancerOnLocalhost: a LoadBalancer Service is published on 127.0.0.1 (its
// port 80 on the configured host port) and at its nodePort, with its status set, as
// k3s's ServiceLB does.
func TestLoadBalancerOnLocalhost(t *testing.T) {
	hello(t)
	env := harness.Get(t)
	ns := env.Namespace(t)
	ctx := context.Background()
	createPod(t, helloPod(ns, "lb"))
	waitPod(t, ns, "lb", "Ready", podReady)
	svc, err := env.Kube.CoreV1().Services(ns).Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "gateway"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": "lb"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intOrStr("http")}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lb := "http://127.0.0.1:" + fmt.Sprint(nodetest.LoadBalancerPort(t)) + "/"
	np := "http://127.0.0.1:" + fmt.Sprint(svc.Spec.Ports[0].NodePort) + "/"
	waitFor(t, "the LoadBalancer port to answer", func() bool { return strings.HasPrefix(tryGet(lb), "hello") })
	if got := get(t, np); !strings.HasPrefix(got, "hello, world! (from lb)") {
		t.Errorf("GET %s = %q", np, got)
	}
	waitFor(t, "status.loadBalancer", func() bool {
		s, err := env.Kube.CoreV1().Services(ns).Get(ctx, "gateway", metav1.GetOptions{})
		return err == nil && len(s.Status.LoadBalancer.Ingress) == 1 && s.Status.LoadBalancer.Ingress[0].IP == "127.0.0.1"
	})
	// Deleting the Service unpublishes it.
	if err := env.Kube.CoreV1().Services(ns).Delete(ctx, "gateway", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the LoadBalancer port to close", func() bool { return tryGet(lb) == "" })
}
