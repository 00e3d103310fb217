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
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/skiffhq/skiff/pkg/local/container"
	"github.com/skiffhq/skiff/pkg/local/image"
	"github.com/skiffhq/skiff/pkg/local/netns"
)

// Waiting and termination reasons, as a kubelet reports them.
const (
	reasonContainerCreating  = "ContainerCreating"
	reasonPodInitializing    = "PodInitializing"
	reasonCrashLoopBackOff   = "CrashLoopBackOff"
	reasonErrImagePull       = "ErrImagePull"
	reasonImagePullBackOff   = "ImagePullBackOff"
	reasonCreateConfigError  = "CreateContainerConfigError"
	reasonCompleted          = "Completed"
	reasonError              = "Error"
	reasonStartError         = "StartError"
	reasonContainerStatusUnk = "ContainerStatusUnknown"
)

// resyncPeriod refreshes volumes (ConfigMap/Secret contents, tokens) like a kubelet.
const resyncPeriod = time.Minute

// ctr is the runtime state of one container of a Pod.
type ctr struct {
	spec   corev1.Container
	init   bool // an init container
	policy corev1.ContainerRestartPolicy

	// starts counts executions; restartCount is starts-1 (plus restarts an earlier agent
	// reported, so counts survive `skiff down`/`up`).
	starts       int32
	restartBase  int32
	proc         *container.Process
	procSpec     container.Spec
	log          *logFile
	prevLog      *logFile
	img          *image.Image
	containerID  string
	startedAt    time.Time
	waiting      *corev1.ContainerStateWaiting
	terminated   *corev1.ContainerStateTerminated // current state when exited and not restarted
	lastTerm     *corev1.ContainerStateTerminated
	backoff      time.Duration
	backoffUntil time.Time
	retryAt      time.Time // image or configuration errors are retried then
	retryDelay   time.Duration
	killing      bool

	// Probe results, written by probe goroutines under the worker's lock.
	ready        bool
	startupDone  bool
	probes       *probeSet
	completedRun bool // an init container that exited 0
}

func (c *ctr) restartCount() int32 {
	if c.starts == 0 {
		return c.restartBase
	}
	return c.restartBase + c.starts - 1
}

func (c *ctr) running() bool {
	if c.proc == nil {
		return false
	}
	select {
	case <-c.proc.Done():
		return false
	default:
		return true
	}
}

// sidecar reports an init container with restartPolicy Always (a native sidecar).
func (c *ctr) sidecar() bool {
	return c.init && c.policy == corev1.ContainerRestartPolicyAlways
}

// podWorker runs one Pod: one goroutine that converges the Pod's processes towards
// its spec and reports its status.
type podWorker struct {
	a   *Agent
	uid string
	dir string
	log *zap.SugaredLogger

	mu              sync.Mutex
	pod             *corev1.Pod
	removed         bool
	shutdownTimeout time.Duration // >0: the agent is stopping
	wakeCh          chan struct{}
	done            chan struct{}
	ctx             context.Context
	cancel          context.CancelFunc

	net          *netns.Pod
	podIP        string
	startTime    metav1.Time
	sandboxReady bool
	sandboxErr   string
	volumes      map[string]string // volume name -> host path
	volumesAt    time.Time
	volumeErr    string
	volumeRetry  time.Duration
	tokens       map[string]time.Time // projected token path -> refresh time
	containers   []*ctr               // init containers first, in order
	terminal     corev1.PodPhase
	finished     bool
	nextWake     time.Time
	conds        map[corev1.PodConditionType]corev1.PodCondition
	lastStatus   *corev1.PodStatus
	statusErr    bool
	metaChanged  bool
}

func newPodWorker(a *Agent, p *corev1.Pod, dir string) *podWorker {
	ctx, cancel := context.WithCancel(a.ctx)
	w := &podWorker{a: a, uid: string(p.UID), dir: dir, pod: p, wakeCh: make(chan struct{}, 1), done: make(chan struct{}),
		ctx: ctx, cancel: cancel, volumes: map[string]string{}, tokens: map[string]time.Time{},
		conds: map[corev1.PodConditionType]corev1.PodCondition{},
		log:   a.log.With("pod", p.Namespace+"/"+p.Name)}
	prev := map[string]int32{}
	for _, s := range append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		prev[s.Name] = s.RestartCount
		if s.State.Running != nil || s.State.Terminated != nil || s.LastTerminationState.Terminated != nil {
			prev[s.Name]++ // it ran under an earlier agent: this start is a restart
		}
	}
	for _, c := range p.Spec.InitContainers {
		cc := &ctr{spec: c, init: true, restartBase: prev[c.Name]}
		if c.RestartPolicy != nil {
			cc.policy = *c.RestartPolicy
		}
		w.containers = append(w.containers, cc)
	}
	for _, c := range p.Spec.Containers {
		w.containers = append(w.containers, &ctr{spec: c, restartBase: prev[c.Name]})
	}
	if p.Status.StartTime != nil {
		w.startTime = *p.Status.StartTime
	} else {
		w.startTime = metav1.Now()
	}
	for _, c := range p.Status.Conditions {
		w.conds[c.Type] = c
	}
	return w
}

func (w *podWorker) currentPod() *corev1.Pod {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pod
}

func (w *podWorker) update(p *corev1.Pod) {
	w.mu.Lock()
	if !equality.Semantic.DeepEqual(w.pod.Labels, p.Labels) || !equality.Semantic.DeepEqual(w.pod.Annotations, p.Annotations) {
		w.metaChanged = true // downward-API volumes show labels and annotations
	}
	w.pod = p
	w.mu.Unlock()
	if p.DeletionTimestamp != nil {
		w.cancel() // a pending image build or start is no longer wanted
	}
	w.wake()
}

func (w *podWorker) markRemoved() {
	w.mu.Lock()
	w.removed = true
	w.mu.Unlock()
	w.cancel() // abort builds and probes at once
	w.wake()
}

func (w *podWorker) wake() {
	select {
	case w.wakeCh <- struct{}{}:
	default:
	}
}

// shutdown stops the Pod's containers (agent stop) and waits for the worker to end.
func (w *podWorker) shutdown(timeout time.Duration) {
	w.mu.Lock()
	w.shutdownTimeout = timeout
	w.mu.Unlock()
	w.cancel() // abort image builds and probes
	w.wake()
	<-w.done
}

// wakeAt asks for a sync no later than t.
func (w *podWorker) wakeAt(t time.Time) {
	if w.nextWake.IsZero() || t.Before(w.nextWake) {
		w.nextWake = t
	}
}

func (w *podWorker) run() {
	defer close(w.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		w.nextWake = time.Time{}
		if w.sync() {
			return
		}
		if !w.nextWake.IsZero() {
			timer.Reset(max(time.Until(w.nextWake), time.Millisecond))
		} else {
			timer.Reset(resyncPeriod)
		}
		select {
		case <-w.wakeCh:
		case <-timer.C:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// sync does one step towards the Pod's desired state; true means the worker is done.
func (w *podWorker) sync() bool {
	w.mu.Lock()
	pod, removed, shutdown := w.pod, w.removed, w.shutdownTimeout
	w.mu.Unlock()

	if shutdown > 0 {
		w.stopAll(min(gracePeriod(pod), shutdown), "node agent stopping")
		w.teardown()
		return true
	}
	if removed || pod.DeletionTimestamp != nil {
		w.stopAll(gracePeriod(pod), "")
		w.teardown()
		if !removed {
			w.updateStatus(true)
			w.finalizeDelete(pod)
		}
		return true
	}
	if w.terminal != "" {
		return false // finished: keep the logs until the Pod is deleted
	}

	if !w.ensureSandbox(pod) || !w.ensureVolumes(pod) {
		w.updateStatus(false)
		return false
	}
	w.reapExited()
	if w.runInitContainers(pod) {
		w.runContainers(pod)
	}
	if phase := w.terminalPhase(pod); phase != "" {
		w.terminal = phase
		w.stopAll(gracePeriod(pod), "") // sidecars
		w.releaseNetwork()
	}
	w.updateStatus(false)
	return false
}

func gracePeriod(p *corev1.Pod) time.Duration {
	if p.DeletionGracePeriodSeconds != nil {
		return time.Duration(*p.DeletionGracePeriodSeconds) * time.Second
	}
	if p.Spec.TerminationGracePeriodSeconds != nil {
		return time.Duration(*p.Spec.TerminationGracePeriodSeconds) * time.Second
	}
	return 30 * time.Second
}

// ensureSandbox creates the Pod's network namespace and its /etc files.
func (w *podWorker) ensureSandbox(pod *corev1.Pod) bool {
	if w.sandboxReady {
		return true
	}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		w.sandboxErr = err.Error()
		return false
	}
	if pod.Spec.HostNetwork {
		w.podIP = w.a.hostIP.String()
	} else if w.net == nil {
		// The address it had under an earlier run of the agent, if still free.
		n, err := w.a.nets.Setup(w.uid, pod.Namespace+"/"+pod.Name, net.ParseIP(pod.Status.PodIP))
		if err != nil {
			w.sandboxErr = err.Error()
			w.a.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
			w.wakeAt(time.Now().Add(2 * time.Second))
			return false
		}
		w.mu.Lock()
		w.net = n
		w.podIP = n.IP.String()
		w.mu.Unlock()
	}
	if err := w.writeEtcFiles(pod); err != nil {
		w.sandboxErr = err.Error()
		w.wakeAt(time.Now().Add(2 * time.Second))
		return false
	}
	w.sandboxReady, w.sandboxErr = true, ""
	return true
}

// ensureVolumes prepares every volume, and refreshes them once a minute.
func (w *podWorker) ensureVolumes(pod *corev1.Pod) bool {
	w.mu.Lock()
	if w.metaChanged {
		w.metaChanged = false
		w.volumesAt = time.Time{}
	}
	w.mu.Unlock()
	if w.volumeErr == "" && !w.volumesAt.IsZero() && time.Since(w.volumesAt) < resyncPeriod && !w.tokenDue() {
		return true
	}
	if err := w.syncVolumes(pod); err != nil {
		first := w.volumeErr == ""
		w.volumeErr = err.Error()
		if first || w.volumesAt.IsZero() {
			w.a.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedMount", "MountVolume.SetUp failed: %v", err)
		}
		// A ConfigMap may just be late (kube-root-ca.crt appears with a new namespace):
		// retry soon, then less often.
		w.volumeRetry = min(max(2*w.volumeRetry, 50*time.Millisecond), 2*time.Second)
		w.wakeAt(time.Now().Add(w.volumeRetry))
		// Volumes that were fine keep working for running containers.
		return !w.volumesAt.IsZero()
	}
	w.volumeErr, w.volumeRetry = "", 0
	w.volumesAt = time.Now()
	w.wakeAt(w.volumesAt.Add(resyncPeriod))
	return true
}

// reapExited records containers that exited since the last sync.
func (w *podWorker) reapExited() {
	for _, c := range w.containers {
		if c.proc == nil || c.running() {
			continue
		}
		w.recordExit(c)
	}
}

func (w *podWorker) recordExit(c *ctr) {
	p := c.proc
	reason := reasonCompleted
	if p.ExitCode() != 0 {
		reason = reasonError
	}
	t := &corev1.ContainerStateTerminated{
		ExitCode:    int32(p.ExitCode()),
		Signal:      int32(p.Signaled()),
		Reason:      reason,
		StartedAt:   metav1.NewTime(c.startedAt),
		FinishedAt:  metav1.NewTime(p.Finished()),
		ContainerID: c.containerID,
	}
	t.Message = w.terminationMessage(c, p.ExitCode() != 0)
	if c.probes != nil {
		c.probes.stop()
	}
	w.mu.Lock()
	c.proc = nil
	c.terminated = t
	c.waiting = nil
	c.ready = false
	c.killing = false
	if c.init && !c.sidecar() && p.ExitCode() == 0 {
		c.completedRun = true
	}
	w.mu.Unlock()
	removeContainerDir(c.procSpec)
	// A container that ran long enough starts its backoff afresh, as with a kubelet.
	if time.Since(c.startedAt) > 10*time.Minute {
		c.backoff = 0
	}
}

// runInitContainers runs init containers in order; true once all have completed (or,
// for sidecars, started).
func (w *podWorker) runInitContainers(pod *corev1.Pod) bool {
	for _, c := range w.containers {
		if !c.init {
			continue
		}
		if c.sidecar() {
			w.keepRunning(pod, c, true)
			if !c.running() || !w.startupDone(c) {
				return false
			}
			continue
		}
		if c.completedRun {
			continue
		}
		if c.running() {
			return false
		}
		if c.terminated != nil && c.terminated.ExitCode != 0 && pod.Spec.RestartPolicy == corev1.RestartPolicyNever {
			return false // the Pod fails
		}
		w.startWithBackoff(pod, c)
		return false
	}
	return true
}

func (w *podWorker) startupDone(c *ctr) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return c.spec.StartupProbe == nil || c.startupDone
}

// runContainers starts app containers that should run.
func (w *podWorker) runContainers(pod *corev1.Pod) {
	for _, c := range w.containers {
		if c.init || c.running() {
			continue
		}
		if c.terminated == nil { // never started, or waiting for an image or its config
			w.startWithBackoff(pod, c)
			continue
		}
		switch pod.Spec.RestartPolicy {
		case corev1.RestartPolicyNever:
		case corev1.RestartPolicyOnFailure:
			if c.terminated.ExitCode != 0 {
				w.startWithBackoff(pod, c)
			}
		default:
			w.startWithBackoff(pod, c)
		}
	}
}

// keepRunning (re)starts a container that must always run (a sidecar).
func (w *podWorker) keepRunning(pod *corev1.Pod, c *ctr, _ bool) {
	if !c.running() {
		w.startWithBackoff(pod, c)
	}
}

// startWithBackoff starts c now, or schedules it: a restart waits for the crash-loop
// backoff (none before the first restart, then BackoffInitial doubling up to
// BackoffMax), an image or configuration retry for its own short delay.
func (w *podWorker) startWithBackoff(pod *corev1.Pod, c *ctr) {
	if c.running() {
		return
	}
	now := time.Now()
	if c.terminated != nil {
		if c.backoffUntil.IsZero() {
			c.backoffUntil = c.terminated.FinishedAt.Add(c.backoff)
		}
		if now.Before(c.backoffUntil) {
			w.mu.Lock()
			c.waiting = &corev1.ContainerStateWaiting{Reason: reasonCrashLoopBackOff,
				Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)",
					c.backoff.Round(time.Second), c.spec.Name, pod.Name, pod.Namespace, pod.UID)}
			w.mu.Unlock()
			w.wakeAt(c.backoffUntil)
			return
		}
	}
	if now.Before(c.retryAt) {
		w.wakeAt(c.retryAt)
		return
	}
	if err := w.startContainer(pod, c); err != nil {
		w.log.Debugw("container did not start", "container", c.spec.Name, zap.Error(err))
	}
}

// nextBackoff is the crash-loop delay before the restart after next.
func (w *podWorker) nextBackoff(d time.Duration) time.Duration {
	if d == 0 {
		return w.a.cfg.BackoffInitial
	}
	return min(2*d, w.a.cfg.BackoffMax)
}

// terminalPhase is Succeeded or Failed once nothing will run again.
func (w *podWorker) terminalPhase(pod *corev1.Pod) corev1.PodPhase {
	policy := pod.Spec.RestartPolicy
	for _, c := range w.containers {
		if c.init && !c.sidecar() && !c.completedRun {
			if c.terminated != nil && c.terminated.ExitCode != 0 && policy == corev1.RestartPolicyNever {
				return corev1.PodFailed
			}
		}
	}
	failed := false
	for _, c := range w.containers {
		if c.init {
			continue
		}
		if c.running() || c.terminated == nil {
			return ""
		}
		switch policy {
		case corev1.RestartPolicyAlways, "":
			return ""
		case corev1.RestartPolicyOnFailure:
			if c.terminated.ExitCode != 0 {
				return ""
			}
		}
		if c.terminated.ExitCode != 0 {
			failed = true
		}
	}
	if failed {
		return corev1.PodFailed
	}
	return corev1.PodSucceeded
}

// stopAll stops every running container: app containers first (in parallel), then
// sidecars, as a kubelet does; grace bounds the whole, preStop hooks included.
func (w *podWorker) stopAll(grace time.Duration, why string) {
	deadline := time.Now().Add(grace)
	stop := func(init bool) {
		var wg sync.WaitGroup
		for _, c := range w.containers {
			if c.init != init || !c.running() {
				continue
			}
			wg.Add(1)
			go func(c *ctr) {
				defer wg.Done()
				w.killContainer(c, time.Until(deadline), why)
			}(c)
		}
		wg.Wait()
	}
	stop(false)
	stop(true)
	w.reapExited()
}

// killContainer runs the preStop hook, sends SIGTERM, and SIGKILL after grace.
func (w *podWorker) killContainer(c *ctr, grace time.Duration, why string) {
	w.mu.Lock()
	p, pod := c.proc, w.pod
	c.killing = true
	w.mu.Unlock()
	if p == nil {
		return
	}
	msg := fmt.Sprintf("Stopping container %s", c.spec.Name)
	if why != "" {
		msg += ": " + why
	}
	w.a.recorder.Event(pod, corev1.EventTypeNormal, "Killing", msg)
	deadline := time.Now().Add(grace)
	if c.spec.Lifecycle != nil && c.spec.Lifecycle.PreStop != nil && grace > 0 {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		if err := w.runHandler(ctx, c, c.spec.Lifecycle.PreStop); err != nil {
			w.a.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedPreStopHook", "PreStopHook failed: %v", err)
		}
		cancel()
	}
	p.Stop(max(time.Until(deadline), 0))
}

// teardown removes everything the Pod had on the host: processes are gone by now.
func (w *podWorker) teardown() {
	w.cancel()
	for _, c := range w.containers {
		if c.probes != nil {
			c.probes.stop()
		}
	}
	w.releaseNetwork()
	w.unmountVolumes()
	if err := os.RemoveAll(w.dir); err != nil {
		w.log.Warnw("removing pod directory", zap.Error(err))
	}
}

func (w *podWorker) releaseNetwork() {
	w.mu.Lock()
	n := w.net
	w.net = nil
	w.mu.Unlock()
	if n != nil {
		if err := w.a.nets.Teardown(n); err != nil {
			w.log.Warnw("tearing down pod network", zap.Error(err))
		}
	}
}

// finalizeDelete removes the Pod object once its containers are gone, as a kubelet does
// after graceful termination.
func (w *podWorker) finalizeDelete(pod *corev1.Pod) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	uid := pod.UID
	err := w.a.kube.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr.To(int64(0)),
		Preconditions:      &metav1.Preconditions{UID: &uid},
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		w.log.Warnw("deleting pod", zap.Error(err))
	}
}

// terminationMessage reads the container's termination log (or, with
// FallbackToLogsOnError, the tail of its log after a failure).
func (w *podWorker) terminationMessage(c *ctr, failed bool) string {
	const limit = 4096
	var msg string
	if path := termLogPath(c.procSpec); path != "" {
		if b, err := os.ReadFile(path); err == nil {
			if len(b) > limit {
				b = b[len(b)-limit:]
			}
			msg = string(b)
		}
	}
	if msg == "" && failed && c.spec.TerminationMessagePolicy == corev1.TerminationMessageFallbackToLogsOnError && c.log != nil {
		msg = c.log.tail(80, limit)
	}
	return strings.TrimRight(msg, "\n")
}

func termLogPath(s container.Spec) string {
	for _, m := range s.Mounts {
		if filepath.Base(m.Source) == "termination-log" {
			return m.Source
		}
	}
	return ""
}

var errStopped = errors.New("pod is being stopped")

// removeContainerDir removes a finished run's directory (its copy-on-write layer,
// /tmp and termination log); its log is kept elsewhere.
func removeContainerDir(s container.Spec) {
	if s.Dir != "" {
		os.RemoveAll(filepath.Dir(s.Dir))
	}
}
