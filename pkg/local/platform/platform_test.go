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

package platform

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/ptr"

	"github.com/skiffhq/skiff/pkg/local/cluster"
)

// sourceTree makes a module example.com/m with main packages cmd/a and cmd/queue and a
// library package cmd/lib.
func sourceTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.22\n")
	write("cmd/a/main.go", "/*\nlicense\npackage notthis\n*/\n\n// Command a.\npackage main\n\nfunc main() {}\n")
	write("cmd/queue/main.go", "package main // the sidecar\n\nfunc main() {}\n")
	write("cmd/lib/lib.go", "package lib\n")
	write("cmd/lib/main_test.go", "package main\n")
	return root
}

func manifests(t *testing.T, yaml string) []cluster.Manifest {
	t.Helper()
	objs, err := cluster.DecodeManifests(strings.NewReader(yaml))
	if err != nil {
		t.Fatal(err)
	}
	ms := make([]cluster.Manifest, len(objs))
	for i, o := range objs {
		ms[i] = cluster.Manifest{File: "test.yaml", Object: o}
	}
	return ms
}

func deployment(ns, name string, images ...string) string {
	s := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns + "}\n" +
		"spec:\n  template:\n    spec:\n      containers:\n"
	for i, img := range images {
		s += "      - {name: c" + string(rune('0'+i)) + ", image: \"" + img + "\"}\n"
	}
	return s + "---\n"
}

func TestNewPlan(t *testing.T) {
	root := sourceTree(t)
	ms := manifests(t, deployment("ns", "a", "ko://example.com/m/cmd/a")+
		deployment("ns", "missing", "ko://example.com/m/cmd/missing")+
		deployment("ns", "library", "ko://example.com/m/cmd/lib")+
		deployment("ns", "foreign", "ko://example.org/other/cmd/x")+
		deployment("ns", "registry", "docker.io/library/nginx:1", "ko://example.com/m/cmd/a")+
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-deployment, namespace: ns}\n"+
		"data: {queue-sidecar-image: ko://example.com/m/cmd/queue, other: plain}\n")

	p, err := NewPlan(ms, root)
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]string{}
	for _, c := range p.Components {
		problems[c.Name] = c.Problem
	}
	for name, want := range map[string]string{
		"a":        "",
		"missing":  "no main package in " + filepath.Join(root, "cmd/missing"),
		"library":  "no main package in " + filepath.Join(root, "cmd/lib"),
		"foreign":  "not a package of module example.com/m",
		"registry": "",
	} {
		got := problems[name]
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("problem of %s = %q, want containing %q", name, got, want)
		}
	}
	wantKo := []string{"ko://example.com/m/cmd/a", "ko://example.com/m/cmd/missing", "ko://example.com/m/cmd/lib",
		"ko://example.org/other/cmd/x", "ko://example.com/m/cmd/queue"}
	if diff := cmp.Diff(wantKo, p.KoImages); diff != "" {
		t.Errorf("KoImages (-want +got):\n%s", diff)
	}
	var runnable []string
	for _, c := range p.Runnable() {
		runnable = append(runnable, c.Name)
	}
	if diff := cmp.Diff([]string{"a", "registry"}, runnable); diff != "" {
		t.Errorf("Runnable (-want +got):\n%s", diff)
	}
	// cmd/queue is used (by the ConfigMap); every other expected main is not.
	for _, m := range []string{"cmd/controller", "cmd/activator", "cmd/ingress", "cmd/broker-filter"} {
		if !contains(p.NotInstalled, m) {
			t.Errorf("NotInstalled = %v, want it to list %s", p.NotInstalled, m)
		}
	}
	if contains(p.NotInstalled, "cmd/queue") {
		t.Errorf("NotInstalled = %v lists cmd/queue, which config-deployment uses", p.NotInstalled)
	}
	w := (&Report{Plan: p}).Warnings()
	if len(w) != 4 || !strings.Contains(w[0], "Deployment ns/missing cannot run") ||
		!strings.Contains(w[3], "config/ does not install cmd/controller, cmd/webhook") {
		t.Errorf("Warnings() = %q", w)
	}
}

// TestShippedConfigPlan checks the real config/: every Deployment it installs has a main
// package, so `skiff up` can run it.
func TestShippedConfigPlan(t *testing.T) {
	root, err := cluster.SourceRoot()
	if err != nil {
		// Tests always run from the checkout: a missing tree is a failure,
		// not a reason to pass silently.
		t.Fatalf("finding the source tree: %v", err)
	}
	files, err := cluster.ManifestFiles(filepath.Join(root, "config"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := cluster.ReadManifests(files)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(ms, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Components) == 0 {
		t.Fatal("config/ installs no Deployments")
	}
	for _, c := range p.Broken() {
		t.Errorf("config/ Deployment %s cannot run: %s", c.Key(), c.Problem)
	}
	if !contains(p.KoImages, "ko://github.com/skiffhq/skiff/cmd/queue") {
		t.Errorf("KoImages = %v, want the queue-proxy sidecar of config-deployment", p.KoImages)
	}
	t.Logf("config/ does not install yet: %v", p.NotInstalled)
}

func TestDeploymentReady(t *testing.T) {
	available := func(s corev1.ConditionStatus) []appsv1.DeploymentCondition {
		return []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: s}}
	}
	for _, tc := range []struct {
		name string
		d    appsv1.Deployment
		want bool
	}{{
		name: "rolled out and available",
		d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1)},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1,
				Conditions: available(corev1.ConditionTrue)}},
		want: true,
	}, {
		name: "new generation not observed yet",
		d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 3}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1)},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1,
				Conditions: available(corev1.ConditionTrue)}},
	}, {
		name: "old replica still running",
		d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1)},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 2, UpdatedReplicas: 1, AvailableReplicas: 1,
				Conditions: available(corev1.ConditionTrue)}},
	}, {
		name: "pod not ready",
		d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 1},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: 1,
				Conditions: available(corev1.ConditionFalse)}},
	}, {
		name: "no status yet",
		d:    appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 1}},
	}, {
		name: "scaled to zero",
		d: appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 1}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](0)},
			Status: appsv1.DeploymentStatus{ObservedGeneration: 1}},
		want: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DeploymentReady(&tc.d); got != tc.want {
				t.Errorf("DeploymentReady = %t, want %t", got, tc.want)
			}
		})
	}
}

func TestContainerHopeless(t *testing.T) {
	waiting := func(reason, msg string, restarts int32) corev1.ContainerStatus {
		return corev1.ContainerStatus{RestartCount: restarts,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: msg}}}
	}
	old := 2 * time.Minute
	for _, tc := range []struct {
		name string
		cs   corev1.ContainerStatus
		age  time.Duration
		want string
	}{
		{"building", waiting("ContainerCreating", "", 0), old, ""},
		{"build failed", waiting("ErrImagePull", "building image ko://x: undefined: y", 0), 0, "ErrImagePull: building image"},
		{"back-off after a failed build", waiting("ImagePullBackOff", "Back-off pulling image", 0), 0, "ImagePullBackOff"},
		{"crashed once", waiting("CrashLoopBackOff", "back-off 1s", 1), old, ""},
		{"crash loop", waiting("CrashLoopBackOff", "back-off 4s", 3), old, "CrashLoopBackOff after 3 restarts"},
		{"crash loop of a young pod (dependencies starting)", waiting("CrashLoopBackOff", "back-off 1s", 5), 10 * time.Second, ""},
		{"bad config", waiting("CreateContainerConfigError", `configmap "x" not found`, 0), 0, "configmap"},
		{"running", corev1.ContainerStatus{State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}, old, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := containerHopeless(tc.cs, tc.age)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("containerHopeless = %q, want containing %q", got, tc.want)
			}
		})
	}
}

// TestWait drives the waiter against a fake clientset: one component becomes Ready, one
// crash-loops (reported with its Pod and log lines, while the first is still awaited),
// and one never gets a Pod (named at the deadline).
func TestWait(t *testing.T) {
	sel := func(app string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
	}
	dep := func(name string) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: name, Generation: 1},
			Spec: appsv1.DeploymentSpec{Selector: sel(name)}}
	}
	crashing := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "activator-abc", Labels: map[string]string{"app": "activator"},
			CreationTimestamp: metav1.NewTime(time.Now().Add(-5 * time.Minute))},
		Spec: corev1.PodSpec{NodeName: "skiff"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
			Name: "activator", RestartCount: 4,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 8s"}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				Reason: "Error", ExitCode: 1}},
		}}},
	}
	kube := fake.NewSimpleClientset(dep("controller"), dep("activator"), dep("autoscaler"), crashing)
	go func() {
		time.Sleep(300 * time.Millisecond)
		d := dep("controller")
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}}
		kube.AppsV1().Deployments("knative-serving").UpdateStatus(context.Background(), d, metav1.UpdateOptions{})
	}()
	var out bytes.Buffer
	w := newWaiter(kube, &out)
	w.poll = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	comps := []Component{{Namespace: "knative-serving", Name: "controller"}, {Namespace: "knative-serving", Name: "activator"},
		{Namespace: "knative-serving", Name: "autoscaler"}}
	ready, err := w.wait(ctx, comps)
	if len(ready) != 1 || ready[0].Name != "controller" {
		t.Errorf("ready = %v, want the controller", ready)
	}
	if err == nil {
		t.Fatal("wait succeeded with a crash-looping and a Pod-less component")
	}
	msg := err.Error()
	for _, want := range []string{
		"1 of 3 components not Ready after", "knative-serving/autoscaler", "1 cannot start",
		"Deployment knative-serving/activator: 0/1 available",
		"Pod activator-abc: Running",
		"container activator: waiting, CrashLoopBackOff: back-off 8s, ready=false, restarts=4",
		"last run: terminated, Error (exit code 1)",
		"last log lines of the previous run:\n        fake logs",
		"Deployment knative-serving/autoscaler: 0/1 available",
		"no Pods (is the node agent running?",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	for _, want := range []string{"ready  knative-serving/controller", "FAILED knative-serving/activator  ", "CrashLoopBackOff after 4 restarts"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, out.String())
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
