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

package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

func TestControlPlaneVersionAndAddress(t *testing.T) {
	env := harness.Get(t)
	v, err := env.Kube.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != cluster.KubernetesVersion {
		t.Errorf("server version = %s, want %s", v.GitVersion, cluster.KubernetesVersion)
	}
	// kubectl from the same cache, with the harness's kubeconfig.
	if out := env.Kubectl(t, "version"); !strings.Contains(out, "Server Version: "+cluster.KubernetesVersion) ||
		!strings.Contains(out, "Client Version: "+cluster.KubernetesVersion) {
		t.Errorf("kubectl version = %q, want client and server %s", out, cluster.KubernetesVersion)
	}

	// The apiserver advertises the bridge address, so the default endpoint reconciler
	// points the `kubernetes` Service there: that is how Pods will reach it.
	want := fmt.Sprintf("%s:%d", env.Cluster.Network.HostIP, env.Cluster.Ports.APIServer)
	ep := env.WaitFor(t, harness.Ref("v1", "Endpoints", "default", "kubernetes"), harness.Exists)
	subsets, _, _ := unstructured.NestedSlice(ep.Object, "subsets")
	got := ""
	if len(subsets) == 1 {
		s := subsets[0].(map[string]interface{})
		addrs, _ := s["addresses"].([]interface{})
		ports, _ := s["ports"].([]interface{})
		if len(addrs) == 1 && len(ports) == 1 {
			got = fmt.Sprintf("%v:%v", addrs[0].(map[string]interface{})["ip"], ports[0].(map[string]interface{})["port"])
		}
	}
	if got != want {
		t.Errorf("kubernetes endpoints = %v, want %s", subsets, want)
	}
	svc, err := env.Kube.CoreV1().Services("default").Get(context.Background(), "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := env.Cluster.ServiceCIDR.IP.To4()
	wantIP := net.IPv4(first[0], first[1], first[2], first[3]+1).String()
	if svc.Spec.ClusterIP != wantIP || !env.Cluster.Network.ServiceCIDR.Contains(first) {
		t.Errorf("kubernetes ClusterIP = %s, want %s (first address of the service CIDR %s, inside %s)", svc.Spec.ClusterIP,
			wantIP, env.Cluster.ServiceCIDR, env.Cluster.Network.ServiceCIDR)
	}
}

func TestDeploymentGetsReplicaSetAndPods(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	env.Apply(t, ns, `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
      - name: hello
        image: dev.local/hello
`)
	// The deployment controller (controller-manager) creates a ReplicaSet...
	dep := env.WaitFor(t, harness.Ref("apps/v1", "Deployment", ns, "hello"), func(u *unstructured.Unstructured) (bool, error) {
		n, _, _ := unstructured.NestedInt64(u.Object, "status", "replicas")
		return n == 2, nil
	})
	rss, err := env.Kube.AppsV1().ReplicaSets(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=hello"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rss.Items) != 1 || len(rss.Items[0].OwnerReferences) != 1 || rss.Items[0].OwnerReferences[0].UID != dep.GetUID() {
		t.Fatalf("ReplicaSets = %+v, want one owned by the Deployment", rss.Items)
	}
	// ...whose controller creates the Pods. Without a node they stay Pending, unscheduled.
	pods, err := env.Kube.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=hello"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 2 {
		t.Fatalf("got %d pods, want 2", len(pods.Items))
	}
	for _, p := range pods.Items {
		if p.OwnerReferences[0].UID != rss.Items[0].UID || p.Status.Phase != "Pending" || p.Spec.NodeName != "" {
			t.Errorf("pod %s: owner %v phase %s node %q; want owned by the ReplicaSet, Pending, unscheduled",
				p.Name, p.OwnerReferences, p.Status.Phase, p.Spec.NodeName)
		}
	}
	// The ServiceAccount admission plugin (token controller and root CA publisher in the
	// controller-manager) gave the Pods their projected token volume.
	if vols := pods.Items[0].Spec.Volumes; len(vols) == 0 || !strings.HasPrefix(vols[0].Name, "kube-api-access-") {
		t.Errorf("pod volumes = %v, want the kube-api-access projected token", vols)
	}
	env.WaitFor(t, harness.Ref("v1", "ConfigMap", ns, "kube-root-ca.crt"), harness.Exists)
}

// TestConfigCRDsEstablished installs every CRD in config/ and waits for Established.
func TestConfigCRDsEstablished(t *testing.T) {
	env := harness.Get(t)
	files, err := cluster.ManifestFiles(env.ConfigDir(t))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := cluster.ReadManifests(files)
	if err != nil {
		t.Fatal(err)
	}
	var crds []cluster.Manifest
	for _, m := range ms {
		if m.Object.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, m)
		}
	}
	t.Logf("%d CRDs in %d manifest files under config/", len(crds), len(files))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := env.Applier.ApplyManifests(ctx, crds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.CRDs) != len(crds) {
		t.Fatalf("applied %d of %d CRDs (skipped %v)", len(rep.CRDs), len(crds), rep.Skipped)
	}
	for _, name := range rep.CRDs {
		env.WaitForCondition(t, harness.Ref("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", name), "Established", "True")
		env.WaitForCondition(t, harness.Ref("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", name), "NamesAccepted", "True")
	}
}

// TestApplyManifests checks the install order: a custom resource that comes before its
// CRD in the files still applies, unknown kinds are reported as skipped, and webhook
// configurations go last.
func TestApplyManifests(t *testing.T) {
	env := harness.Get(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1-widget.yaml"), []byte(`
apiVersion: test.skiff.dev/v1
kind: Widget
metadata: {name: w, namespace: widgets}
spec: {size: 3}
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: g, namespace: widgets}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "2-crd.yaml"), []byte(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.test.skiff.dev}
spec:
  group: test.skiff.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`), 0o644)
	os.WriteFile(filepath.Join(dir, "3-ns.yaml"), []byte("apiVersion: v1\nkind: Namespace\nmetadata: {name: widgets}\n"), 0o644)
	files, _ := cluster.ManifestFiles(dir)
	ms, err := cluster.ReadManifests(files)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := env.Applier.ApplyManifests(ctx, ms, &out)
	if err != nil {
		t.Fatalf("ApplyManifests: %v\n%s", err, out.String())
	}
	t.Cleanup(func() {
		env.Delete(t, harness.Ref("v1", "Namespace", "", "widgets"))
		env.Delete(t, harness.Ref("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "widgets.test.skiff.dev"))
	})
	var applied []string
	for _, m := range rep.Applied {
		applied = append(applied, m.Object.GetKind())
	}
	if strings.Join(applied, ",") != "CustomResourceDefinition,Namespace,Widget" {
		t.Errorf("applied in order %v, want CRD, Namespace, Widget", applied)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Object.GetKind() != "Gateway" || !strings.Contains(out.String(), "skipped Gateway/g") {
		t.Errorf("skipped = %v, output %q; want the Istio Gateway reported as skipped", rep.Skipped, out.String())
	}
	w := env.Get(t, harness.Ref("test.skiff.dev/v1", "Widget", "widgets", "w"))
	if size, _, _ := unstructured.NestedInt64(w.Object, "spec", "size"); size != 3 {
		t.Errorf("widget spec.size = %d, want 3", size)
	}
	// Applying again is a no-op, not an error (server-side apply).
	if _, err := env.Applier.ApplyManifests(ctx, ms, nil); err != nil {
		t.Errorf("second apply: %v", err)
	}
}

// TestStopLeavesNoProcess starts a second, independent control plane next to the shared
// one (as parallel test binaries do), then checks Stop ends every process it started.
func TestStopLeavesNoProcess(t *testing.T) {
	env := harness.Get(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := cluster.Start(ctx, cluster.Config{Dir: dir, Binaries: env.Binaries, FastEtcd: true})
	if err != nil {
		t.Fatal(err)
	}
	pids := c.PIDs()
	if len(pids) != 4 {
		c.Stop()
		t.Fatalf("running components = %v, want 4", pids)
	}
	if c.Ports.APIServer == env.Cluster.Ports.APIServer || c.Ports.Etcd == env.Cluster.Ports.Etcd {
		t.Errorf("second control plane shares ports with the first: %+v vs %+v", c.Ports, env.Cluster.Ports)
	}
	for name, st := range statusByName(dir) {
		if !st.Running || st.PID != pids[name] {
			t.Errorf("Status(%s) = %+v, want running with pid %d", name, st, pids[name])
		}
	}
	c.Stop()
	for name, pid := range pids {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			t.Errorf("%s (pid %d) still exists after Stop", name, pid)
		}
	}
	if r := cluster.Running(dir); len(r) != 0 {
		t.Errorf("Running after Stop = %v", r)
	}
	// The shared control plane is unaffected.
	if _, err := env.Kube.Discovery().ServerVersion(); err != nil {
		t.Errorf("shared control plane broke: %v", err)
	}
}

func statusByName(dir string) map[string]cluster.ComponentStatus {
	m := map[string]cluster.ComponentStatus{}
	for _, s := range cluster.Status(dir) {
		m[s.Name] = s
	}
	return m
}
