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
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// LogLines is how many of a failing Pod's last log lines an error shows.
const LogLines = 15

// A crash-looping container is reported as failed instead of waited for once it has
// restarted crashLoopRestarts times and its Pod is crashLoopAge old: a component may
// crash a few times while the apiserver or a Service it needs is still coming up (and a
// test node restarts containers within a second).
const (
	crashLoopRestarts = 3
	crashLoopAge      = time.Minute
)

// progressEvery is how often the waiter says what it still waits for.
const progressEvery = 15 * time.Second

type waiter struct {
	kube kubernetes.Interface
	out  io.Writer
	poll time.Duration
}

func newWaiter(kube kubernetes.Interface, out io.Writer) *waiter {
	return &waiter{kube: kube, out: out, poll: 250 * time.Millisecond}
}

// wait returns once every component's Deployment is Ready. It fails early for a Pod
// that cannot start by itself (its image cannot be built, or it keeps crashing), and at
// the deadline for whatever is still not Ready, each with a diagnosis.
func (w *waiter) wait(ctx context.Context, comps []Component) ([]ReadyComponent, error) {
	begin := time.Now()
	if len(comps) == 0 {
		return nil, nil
	}
	names := make([]string, len(comps))
	for i, c := range comps {
		names[i] = c.Name
	}
	fmt.Fprintf(w.out, "Waiting for %d components: %s\n", len(comps), strings.Join(names, ", "))
	pending := map[string]Component{}
	for _, c := range comps {
		pending[c.Key()] = c
	}
	var ready []ReadyComponent
	var failed []string // diagnoses of components that cannot start by themselves
	lastProgress := time.Now()
	for {
		for _, c := range comps {
			if _, ok := pending[c.Key()]; !ok {
				continue
			}
			d, err := w.kube.AppsV1().Deployments(c.Namespace).Get(ctx, c.Name, metav1.GetOptions{})
			if err != nil {
				continue // not created yet, or a transient apiserver error: asked again next round
			}
			if DeploymentReady(d) {
				delete(pending, c.Key())
				after := time.Since(begin)
				ready = append(ready, ReadyComponent{Component: c, After: after})
				fmt.Fprintf(w.out, "  ready  %-40s %5.1fs\n", c.Key(), after.Seconds())
				continue
			}
			if why := w.hopeless(ctx, d); why != "" {
				// Reported now and no longer waited for; the others still are.
				delete(pending, c.Key())
				fmt.Fprintf(w.out, "  FAILED %-40s %s\n", c.Key(), why)
				failed = append(failed, w.diagnose(context.Background(), c))
			}
		}
		if len(pending) == 0 {
			if len(failed) > 0 {
				return ready, fmt.Errorf("%d of %d components cannot start:\n%s", len(failed), len(comps),
					strings.TrimRight(strings.Join(failed, ""), "\n"))
			}
			fmt.Fprintf(w.out, "All %d components are Ready (%.1fs).\n", len(comps), time.Since(begin).Seconds())
			return ready, nil
		}
		if time.Since(lastProgress) >= progressEvery {
			lastProgress = time.Now()
			fmt.Fprintf(w.out, "  still waiting (%.0fs): %s\n", time.Since(begin).Seconds(), w.brief(ctx, pending))
		}
		select {
		case <-ctx.Done():
			keys := sortedKeys(pending)
			msg := fmt.Sprintf("%d of %d components not Ready after %.0fs: %s", len(keys), len(comps),
				time.Since(begin).Seconds(), strings.Join(keys, ", "))
			if len(failed) > 0 {
				msg += fmt.Sprintf("; %d cannot start", len(failed))
			}
			var diag []string
			dctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			for _, k := range keys {
				diag = append(diag, w.diagnose(dctx, pending[k]))
			}
			cancel()
			return ready, fmt.Errorf("%s:\n%s", msg, strings.TrimRight(strings.Join(append(failed, diag...), ""), "\n"))
		case <-time.After(w.poll):
		}
	}
}

// DeploymentReady is true when the Deployment's current generation is rolled out and all
// of its replicas are available, as `kubectl rollout status` decides.
func DeploymentReady(d *appsv1.Deployment) bool {
	want := ptr.Deref(d.Spec.Replicas, 1)
	if d.Status.ObservedGeneration < d.Generation {
		return false
	}
	if d.Status.UpdatedReplicas < want || d.Status.AvailableReplicas < want || d.Status.Replicas > d.Status.UpdatedReplicas {
		return false
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			return c.Status == corev1.ConditionTrue
		}
	}
	return want == 0
}

// hopeless says why a Deployment's Pod will not become Ready without a change (its image
// cannot be built or resolved, or it keeps crashing), or "".
func (w *waiter) hopeless(ctx context.Context, d *appsv1.Deployment) string {
	pods, err := w.pods(ctx, d)
	if err != nil {
		return ""
	}
	for _, p := range pods {
		age := time.Since(p.CreationTimestamp.Time)
		for _, cs := range append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
			if why := containerHopeless(cs, age); why != "" {
				return why
			}
		}
	}
	return ""
}

func containerHopeless(cs corev1.ContainerStatus, podAge time.Duration) string {
	wt := cs.State.Waiting
	if wt == nil {
		return ""
	}
	switch wt.Reason {
	case "ImagePullBackOff", "ErrImagePull", "InvalidImageName":
		// The local store fails only for reasons a retry does not fix: an unknown name or
		// a build error. (A build in progress is ContainerCreating.)
		if wt.Message != "" {
			return wt.Reason + ": " + wt.Message
		}
	case "CrashLoopBackOff":
		if cs.RestartCount >= crashLoopRestarts && podAge >= crashLoopAge {
			return fmt.Sprintf("CrashLoopBackOff after %d restarts", cs.RestartCount)
		}
	case "CreateContainerConfigError", "CreateContainerError":
		return wt.Reason + ": " + wt.Message
	}
	return ""
}

func (w *waiter) pods(ctx context.Context, d *appsv1.Deployment) ([]corev1.Pod, error) {
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, err
	}
	list, err := w.kube.CoreV1().Pods(d.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, err
	}
	sort.Slice(list.Items, func(i, j int) bool {
		return list.Items[j].CreationTimestamp.Before(&list.Items[i].CreationTimestamp) // newest first
	})
	return list.Items, nil
}

// brief is one short phrase per pending component.
func (w *waiter) brief(ctx context.Context, pending map[string]Component) string {
	keys := sortedKeys(pending)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		c := pending[k]
		parts = append(parts, c.Name+" ("+w.state(ctx, c)+")")
	}
	return strings.Join(parts, ", ")
}

// state is a component's state in a few words: its newest Pod's phase or container
// waiting reason.
func (w *waiter) state(ctx context.Context, c Component) string {
	d, err := w.kube.AppsV1().Deployments(c.Namespace).Get(ctx, c.Name, metav1.GetOptions{})
	if err != nil {
		return "no Deployment: " + err.Error()
	}
	pods, err := w.pods(ctx, d)
	if err != nil {
		return err.Error()
	}
	if len(pods) == 0 {
		return "no Pod yet"
	}
	p := pods[0]
	if p.Spec.NodeName == "" {
		return "Pending, not scheduled"
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Waiting != nil {
			return cs.Name + " " + cs.State.Waiting.Reason
		}
		if cs.State.Running != nil && !cs.Ready {
			return cs.Name + " running, not ready"
		}
	}
	return string(p.Status.Phase)
}

// Diagnose describes the Deployment namespace/name and its Pods, with each container's
// state and last log lines (the previous run's too after a restart).
func Diagnose(ctx context.Context, kube kubernetes.Interface, namespace, name string) string {
	return newWaiter(kube, io.Discard).diagnose(ctx, Component{Namespace: namespace, Name: name})
}

func (w *waiter) diagnose(ctx context.Context, c Component) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Deployment %s:", c.Key())
	d, err := w.kube.AppsV1().Deployments(c.Namespace).Get(ctx, c.Name, metav1.GetOptions{})
	if err != nil {
		fmt.Fprintf(&b, " %v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, " %d/%d available", d.Status.AvailableReplicas, ptr.Deref(d.Spec.Replicas, 1))
	for _, cond := range d.Status.Conditions {
		if cond.Status != corev1.ConditionTrue {
			fmt.Fprintf(&b, "; %s=%s %s: %s", cond.Type, cond.Status, cond.Reason, cond.Message)
		}
	}
	b.WriteString("\n")
	pods, err := w.pods(ctx, d)
	if err != nil {
		fmt.Fprintf(&b, "  listing its Pods: %v\n", err)
		return b.String()
	}
	if len(pods) == 0 {
		b.WriteString("  no Pods (is the node agent running? kubectl get events -n " + c.Namespace + ")\n")
	}
	for i, p := range pods {
		if i == 2 {
			fmt.Fprintf(&b, "  (%d more Pods)\n", len(pods)-i)
			break
		}
		fmt.Fprintf(&b, "  Pod %s: %s", p.Name, p.Status.Phase)
		if p.Spec.NodeName == "" {
			b.WriteString(", not scheduled")
		}
		for _, cond := range p.Status.Conditions {
			if cond.Status != corev1.ConditionTrue && cond.Message != "" {
				fmt.Fprintf(&b, "; %s: %s", cond.Type, cond.Message)
			}
		}
		b.WriteString("\n")
		all := append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
		for _, cs := range all {
			fmt.Fprintf(&b, "    container %s: %s, ready=%t, restarts=%d\n", cs.Name, containerState(cs.State), cs.Ready, cs.RestartCount)
			if cs.LastTerminationState.Terminated != nil {
				fmt.Fprintf(&b, "      last run: %s\n", containerState(cs.LastTerminationState))
			}
			if cs.State.Running != nil || cs.State.Terminated != nil {
				w.logs(ctx, &b, p, cs.Name, false)
			}
			if cs.RestartCount > 0 {
				w.logs(ctx, &b, p, cs.Name, true)
			}
		}
	}
	return b.String()
}

func (w *waiter) logs(ctx context.Context, b *strings.Builder, p corev1.Pod, container string, previous bool) {
	raw, err := w.kube.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{
		Container: container, TailLines: ptr.To[int64](LogLines), Previous: previous}).DoRaw(ctx)
	which := "last log lines"
	if previous {
		which = "last log lines of the previous run"
	}
	if err != nil {
		fmt.Fprintf(b, "      (%s unavailable: %v)\n", which, err)
		return
	}
	text := strings.TrimRight(string(raw), "\n")
	if text == "" {
		fmt.Fprintf(b, "      (no log lines)\n")
		return
	}
	fmt.Fprintf(b, "      %s:\n", which)
	for _, l := range strings.Split(text, "\n") {
		fmt.Fprintf(b, "        %s\n", clip(l, maxLineLen))
	}
}

func containerState(s corev1.ContainerState) string {
	switch {
	case s.Waiting != nil:
		if s.Waiting.Message != "" {
			return "waiting, " + s.Waiting.Reason + ": " + s.Waiting.Message // a build error is shown whole
		}
		return "waiting, " + s.Waiting.Reason
	case s.Running != nil:
		return "running since " + s.Running.StartedAt.Format(time.RFC3339)
	case s.Terminated != nil:
		t := s.Terminated
		msg := fmt.Sprintf("terminated, %s (exit code %d)", t.Reason, t.ExitCode)
		if t.Message != "" {
			// The message is often the log tail (FallbackToLogsOnError), shown below.
			msg += ": " + clip(strings.TrimSpace(strings.SplitN(strings.TrimSpace(t.Message), "\n", 2)[0]), maxLineLen)
		}
		return msg
	}
	return "unknown"
}

func sortedKeys(m map[string]Component) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// maxLineLen clips log lines in diagnoses (klog lines of a failing informer run to
// kilobytes).
const maxLineLen = 300

// clip keeps both ends of a long line: the start says who logged it, the end of a JSON
// line holds the error.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head := n / 3
	return s[:head] + " … " + s[len(s)-(n-head):]
}
