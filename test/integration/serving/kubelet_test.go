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

package serving

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// fakeKubelet stands in for the node agent (a later issue) so the
// controllers can be watched through a whole rollout on the real
// control plane: it registers a Node that the scheduler binds Pods to, keeps
// its heartbeat fresh, reports every bound Pod Running and Ready with an
// address from a range nothing routes, and confirms Pod deletions. No
// container ever runs: traffic is out of scope here.
type fakeKubelet struct {
	kube kubernetes.Interface
	node string

	mu     sync.Mutex
	nextIP int
	ips    map[string]string // pod UID -> IP
}

// startFakeKubelet registers node and serves it until the test ends.
func startFakeKubelet(t *testing.T, kube kubernetes.Interface, node, hostIP string) *fakeKubelet {
	t.Helper()
	k := &fakeKubelet{kube: kube, node: node, ips: map[string]string{}}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		kube.CoreV1().Nodes().Delete(context.Background(), node, metav1.DeleteOptions{})
	})

	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: node, Labels: map[string]string{
		corev1.LabelHostname: node,
		corev1.LabelOSStable: "linux",
	}}}
	if _, err := kube.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("registering node %s: %v", node, err)
	}
	if err := k.heartbeat(ctx, hostIP); err != nil {
		t.Fatalf("reporting node %s ready: %v", node, err)
	}

	go func() {
		beat := time.NewTicker(5 * time.Second)
		defer beat.Stop()
		sync := time.NewTicker(100 * time.Millisecond)
		defer sync.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				k.heartbeat(ctx, hostIP)
			case <-sync.C:
				k.syncPods(ctx)
			}
		}
	}()
	return k
}

// heartbeat reports the node Ready and renews its Lease, so the node
// lifecycle controller neither taints it nor evicts its Pods.
func (k *fakeKubelet) heartbeat(ctx context.Context, hostIP string) error {
	n, err := k.kube.CoreV1().Nodes().Get(ctx, k.node, metav1.GetOptions{})
	if err != nil {
		return err
	}
	now := metav1.Now()
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("64"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("500"),
	}
	n.Status.Capacity, n.Status.Allocatable = capacity, capacity
	n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: hostIP}, {Type: corev1.NodeHostName, Address: k.node}}
	n.Status.Conditions = []corev1.NodeCondition{{
		Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
		Message: "fake kubelet of the serving integration test", LastHeartbeatTime: now, LastTransitionTime: now,
	}}
	if _, err := k.kube.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		return err
	}

	leases := k.kube.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	l, err := leases.Get(ctx, k.node, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = leases.Create(ctx, &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: k.node},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(k.node), LeaseDurationSeconds: ptr.To[int32](40),
				RenewTime: &metav1.MicroTime{Time: now.Time}},
		}, metav1.CreateOptions{})
		return err
	} else if err != nil {
		return err
	}
	l.Spec.RenewTime = &metav1.MicroTime{Time: now.Time}
	_, err = k.kube.CoordinationV1().Leases(corev1.NamespaceNodeLease).Update(ctx, l, metav1.UpdateOptions{})
	return err
}

// syncPods reports the node's Pods running, and deletes terminating ones.
func (k *fakeKubelet) syncPods(ctx context.Context) {
	pods, err := k.kube.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", k.node).String(),
	})
	if err != nil {
		return
	}
	for i := range pods.Items {
		pod := &pods.Items[i]
		switch {
		case pod.DeletionTimestamp != nil:
			// The containers "stopped" at once.
			k.kube.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
		case pod.Status.Phase != corev1.PodRunning:
			k.markRunning(ctx, pod)
		}
	}
}

func (k *fakeKubelet) markRunning(ctx context.Context, pod *corev1.Pod) {
	now := metav1.Now()
	pod.Status.Phase = corev1.PodRunning
	pod.Status.PodIP = k.ipFor(pod)
	pod.Status.PodIPs = []corev1.PodIP{{IP: pod.Status.PodIP}}
	pod.Status.StartTime = &now
	pod.Status.Conditions = nil
	for _, c := range []corev1.PodConditionType{corev1.PodScheduled, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady} {
		pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: c, Status: corev1.ConditionTrue, LastTransitionTime: now})
	}
	pod.Status.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: true, Started: ptr.To(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		})
	}
	k.kube.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
}

// ipFor gives each Pod its own address in 10.244.250.0/24, which nothing
// routes (the service CIDR and pod CIDR of `skiff up` are elsewhere).
func (k *fakeKubelet) ipFor(pod *corev1.Pod) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ip, ok := k.ips[string(pod.UID)]; ok {
		return ip
	}
	k.nextIP++
	ip := fmt.Sprintf("10.244.250.%d", k.nextIP%250+1)
	k.ips[string(pod.UID)] = ip
	return ip
}
