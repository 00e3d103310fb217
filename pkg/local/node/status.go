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
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

// containerReady is a container's readiness: running, past its startup probe, and its
// readiness probe (if any) passing.
func (c *ctr) isReady() bool {
	if c.init && !c.sidecar() {
		return c.completedRun
	}
	return c.running() && (c.spec.StartupProbe == nil || c.startupDone) && (c.spec.ReadinessProbe == nil || c.ready)
}

// computeStatus builds the Pod status a kubelet would report for the worker's state.
// final marks the status posted after the containers were stopped for deletion.
func (w *podWorker) computeStatus(pod *corev1.Pod, final bool) corev1.PodStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := corev1.PodStatus{
		HostIP:    w.a.hostIP.String(),
		HostIPs:   []corev1.HostIP{{IP: w.a.hostIP.String()}},
		StartTime: &w.startTime,
		QOSClass:  pod.Status.QOSClass,
	}
	if w.podIP != "" && (w.net != nil || pod.Spec.HostNetwork || w.terminal != "" || final) {
		st.PodIP = w.podIP
		st.PodIPs = []corev1.PodIP{{IP: w.podIP}}
	}

	initDone := true
	var incompleteInit, unready []string
	anyStarted := false
	for _, c := range w.containers {
		cs := corev1.ContainerStatus{
			Name:         c.spec.Name,
			Image:        c.spec.Image,
			RestartCount: c.restartCount(),
			ContainerID:  c.containerID,
			LastTerminationState: corev1.ContainerState{
				Terminated: c.lastTerm,
			},
		}
		if c.img != nil {
			cs.ImageID = c.img.ID
		}
		running := c.running()
		switch {
		case running && !final:
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(c.startedAt)}
			cs.Started = ptr.To(c.spec.StartupProbe == nil || c.startupDone)
			cs.Ready = c.isReady()
		case c.terminated != nil && (c.waiting == nil || final):
			cs.State.Terminated = c.terminated
			cs.Started = ptr.To(false)
		case final && c.starts > 0:
			cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 137, Reason: reasonError,
				StartedAt: metav1.NewTime(c.startedAt), FinishedAt: metav1.Now(), ContainerID: c.containerID}
			cs.Started = ptr.To(false)
		case c.waiting != nil:
			cs.State.Waiting = c.waiting
			cs.Started = ptr.To(false)
			if c.terminated != nil {
				cs.LastTerminationState.Terminated = c.terminated
			}
		default:
			reason := reasonContainerCreating
			if !c.init && !initDone {
				reason = reasonPodInitializing
			}
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason}
			cs.Started = ptr.To(false)
		}
		if c.init {
			cs.Ready = c.isReady() && !final
			if !c.completedRun && !(c.sidecar() && running && (c.spec.StartupProbe == nil || c.startupDone)) {
				initDone = false
				incompleteInit = append(incompleteInit, c.spec.Name)
			}
			st.InitContainerStatuses = append(st.InitContainerStatuses, cs)
			continue
		}
		if c.starts > 0 {
			anyStarted = true
		}
		if !cs.Ready {
			unready = append(unready, c.spec.Name)
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}

	switch {
	case w.terminal != "":
		st.Phase = w.terminal
	case initDone && anyStarted:
		st.Phase = corev1.PodRunning
	default:
		st.Phase = corev1.PodPending
	}

	now := metav1.Now()
	cond := func(t corev1.PodConditionType, ok bool, reason, msg string) corev1.PodCondition {
		c := corev1.PodCondition{Type: t, Status: corev1.ConditionFalse, Reason: reason, Message: msg}
		if ok {
			c = corev1.PodCondition{Type: t, Status: corev1.ConditionTrue}
		}
		c.LastTransitionTime = now
		if prev, had := w.conds[t]; had && prev.Status == c.Status {
			c.LastTransitionTime = prev.LastTransitionTime
		}
		c.LastProbeTime = metav1.Time{}
		w.conds[t] = c
		return c
	}
	terminal := w.terminal != "" || final
	containersReady := len(unready) == 0 && !terminal
	crReason, crMsg := "ContainersNotReady", fmt.Sprintf("containers with unready status: [%s]", strings.Join(unready, " "))
	if terminal {
		crReason, crMsg = "PodCompleted", ""
	}
	ready := containersReady
	readyReason, readyMsg := crReason, crMsg
	if ready {
		var missing []string
		for _, g := range pod.Spec.ReadinessGates {
			ok := false
			for _, c := range pod.Status.Conditions {
				if c.Type == g.ConditionType && c.Status == corev1.ConditionTrue {
					ok = true
				}
			}
			if !ok {
				missing = append(missing, string(g.ConditionType))
			}
		}
		if len(missing) > 0 {
			ready = false
			readyReason = "ReadinessGatesNotReady"
			readyMsg = fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", strings.Join(missing, ", "))
		}
	}
	st.Conditions = []corev1.PodCondition{
		cond(corev1.PodReadyToStartContainers, w.sandboxReady && !terminal, "", ""),
		cond(corev1.PodInitialized, initDone, "ContainersNotInitialized",
			fmt.Sprintf("containers with incomplete status: [%s]", strings.Join(incompleteInit, " "))),
		cond(corev1.ContainersReady, containersReady, crReason, crMsg),
		cond(corev1.PodReady, ready, readyReason, readyMsg),
	}
	return st
}

// updateStatus posts the Pod's status if it changed: a strategic-merge patch of the
// status subresource (conditions merge by type, so the scheduler's PodScheduled
// stays), with the UID as precondition, as a kubelet sends it.
func (w *podWorker) updateStatus(final bool) {
	w.mu.Lock()
	pod := w.pod
	w.mu.Unlock()
	st := w.computeStatus(pod, final)
	if w.lastStatus != nil && equality.Semantic.DeepEqual(*w.lastStatus, st) && !w.statusErr {
		return
	}
	b, err := statusPatch(pod.UID, st)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = w.a.kube.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, b, metav1.PatchOptions{}, "status")
	switch {
	case err == nil:
		w.lastStatus, w.statusErr = &st, false
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err) || apierrors.IsInvalid(err) && strings.Contains(err.Error(), "uid"):
		w.statusErr = false
	default:
		w.statusErr = true
		w.log.Warnw("updating pod status", zap.Error(err))
		w.wakeAt(time.Now().Add(time.Second))
	}
}

// statusPatch encodes the strategic-merge patch for st. Conditions merge by type, so a
// reason or message that no longer applies must be deleted explicitly (null): an
// omitted field would keep its old value.
func statusPatch(uid types.UID, st corev1.PodStatus) ([]byte, error) {
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	// Lists merged by key would keep an address of an earlier run: replace them.
	for _, k := range []string{"podIPs", "hostIPs"} {
		if l, ok := m[k].([]any); ok {
			m[k] = append([]any{map[string]any{"$patch": "replace"}}, l...)
		}
	}
	if conds, ok := m["conditions"].([]any); ok {
		for _, c := range conds {
			cm := c.(map[string]any)
			for _, k := range []string{"reason", "message", "lastProbeTime"} {
				if _, ok := cm[k]; !ok {
					cm[k] = nil
				}
			}
		}
	}
	return json.Marshal(map[string]any{"metadata": map[string]any{"uid": uid}, "status": m})
}
