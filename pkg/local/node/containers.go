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
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/skiffhq/skiff/pkg/local/container"
	"github.com/skiffhq/skiff/pkg/local/image"
)

// configError is a problem with a container's configuration (a missing ConfigMap key,
// runAsNonRoot with a root image): CreateContainerConfigError.
type configError struct{ error }

// startContainer resolves the image, assembles the container and starts it.
func (w *podWorker) startContainer(pod *corev1.Pod, c *ctr) error {
	retry := func(reason string, err error, event string) error {
		w.mu.Lock()
		c.waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: err.Error()}
		w.mu.Unlock()
		c.retryDelay = min(max(2*c.retryDelay, time.Second), 10*time.Second)
		c.retryAt = time.Now().Add(c.retryDelay)
		w.wakeAt(c.retryAt)
		w.a.recorder.Event(pod, corev1.EventTypeWarning, "Failed", event)
		return err
	}

	w.mu.Lock()
	if c.waiting == nil {
		c.waiting = &corev1.ContainerStateWaiting{Reason: reasonContainerCreating}
	}
	w.mu.Unlock()
	if c.img == nil {
		// Resolving may build for minutes: show the Pod as ContainerCreating meanwhile.
		w.updateStatus(false)
		w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Pulling", "Pulling image %q", c.spec.Image)
	}
	begin := time.Now()
	img, err := w.a.cfg.Images.Resolve(w.ctx, c.spec.Image)
	if err != nil {
		if w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		return retry(reasonErrImagePull, err, fmt.Sprintf("Failed to pull image %q: %v", c.spec.Image, err))
	}
	if img.Built {
		w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Pulled", "Successfully built image %q in %s", c.spec.Image, time.Since(begin).Round(time.Millisecond))
	} else if c.img == nil {
		w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Pulled", "Container image %q already present on machine", c.spec.Image)
	}
	c.img = img

	spec, err := w.containerSpec(pod, c, img)
	if err != nil {
		return retry(reasonCreateConfigError, err, "Error: "+err.Error())
	}
	c.retryDelay, c.retryAt = 0, time.Time{}

	attempt := c.starts
	lf, outW, errW, err := newLogFile(filepath.Join(w.dir, "logs", c.spec.Name, strconv.Itoa(int(attempt))+".log"))
	if err != nil {
		return retry(reasonCreateConfigError, err, "Error: "+err.Error())
	}
	proc, err := container.Start(spec, outW, errW)
	outW.Close()
	errW.Close()

	w.mu.Lock()
	c.starts++
	c.prevLog, c.log = c.log, lf
	if c.terminated != nil {
		c.lastTerm = c.terminated
	}
	c.terminated, c.waiting = nil, nil
	c.backoffUntil = time.Time{}
	if attempt > 0 {
		c.backoff = w.nextBackoff(c.backoff)
	}
	c.procSpec = spec
	c.containerID = fmt.Sprintf("skiff://%s-%s-%d", w.uid[:min(8, len(w.uid))], c.spec.Name, attempt)
	if err != nil {
		now := metav1.Now()
		c.terminated = &corev1.ContainerStateTerminated{ExitCode: 128, Reason: reasonStartError,
			Message: strings.TrimPrefix(err.Error(), container.ErrStart.Error()+": "), StartedAt: metav1.Unix(0, 0),
			FinishedAt: now, ContainerID: c.containerID}
		w.mu.Unlock()
		lf.finish()
		removeContainerDir(spec)
		w.a.recorder.Eventf(pod, corev1.EventTypeWarning, "Failed", "Error: %v", err)
		return err
	}
	c.proc = proc
	c.startedAt = proc.Started
	c.ready, c.startupDone = false, false
	w.mu.Unlock()
	w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Created", "Created container %s", c.spec.Name)
	w.a.recorder.Eventf(pod, corev1.EventTypeNormal, "Started", "Started container %s", c.spec.Name)
	go func() {
		<-proc.Done()
		lf.finish()
		w.wake()
	}()

	if c.spec.Lifecycle != nil && c.spec.Lifecycle.PostStart != nil {
		ctx, cancel := context.WithTimeout(w.ctx, 2*time.Minute)
		err := w.runHandler(ctx, c, c.spec.Lifecycle.PostStart)
		cancel()
		if err != nil {
			w.a.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedPostStartHook", "PostStartHook failed: %v", err)
			go w.killContainer(c, gracePeriod(pod), "FailedPostStartHook")
			return err
		}
	}
	c.probes = w.startProbes(pod, c)
	return nil
}

// containerSpec turns a Pod container into what package container runs.
func (w *podWorker) containerSpec(pod *corev1.Pod, c *ctr, img *image.Image) (container.Spec, error) {
	env, err := w.a.containerEnv(w.ctx, pod, &c.spec, img.Env, w.podIP)
	if err != nil {
		return container.Spec{}, configError{err}
	}
	args := make([]string, 0, len(c.spec.Command)+len(c.spec.Args)+1)
	if len(c.spec.Command) == 0 {
		args = append(args, img.Entrypoint)
	} else {
		args = append(args, expandAll(c.spec.Command, env)...)
	}
	args = append(args, expandAll(c.spec.Args, env)...)

	cdir := filepath.Join(w.dir, "containers", fmt.Sprintf("%s-%d", c.spec.Name, c.starts))
	os.RemoveAll(cdir)
	for _, d := range []string{cdir, filepath.Join(cdir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return container.Spec{}, err
		}
	}
	os.Chmod(filepath.Join(cdir, "tmp"), 0o1777)
	termLog := filepath.Join(cdir, "termination-log")
	if err := os.WriteFile(termLog, nil, 0o666); err != nil {
		return container.Spec{}, err
	}
	os.Chmod(termLog, 0o666)
	termPath := c.spec.TerminationMessagePath
	if termPath == "" {
		termPath = corev1.TerminationMessagePathDefault
	}

	spec := container.Spec{
		Dir:        filepath.Join(cdir, "fs"),
		Hostname:   podHostname(pod),
		Args:       args,
		Env:        env,
		WorkingDir: c.spec.WorkingDir,
		Mounts: []container.Mount{
			{Source: img.Binary, Target: img.Entrypoint, ReadOnly: true},
			{Source: filepath.Join(w.dir, "etc", "hosts"), Target: "/etc/hosts"},
			{Source: filepath.Join(w.dir, "etc", "resolv.conf"), Target: "/etc/resolv.conf"},
			{Source: filepath.Join(w.dir, "etc", "hostname"), Target: "/etc/hostname"},
			{Source: filepath.Join(cdir, "tmp"), Target: "/tmp"},
			{Source: termLog, Target: termPath},
		},
	}
	if img.KoData != "" {
		spec.Mounts = append(spec.Mounts, container.Mount{Source: img.KoData, Target: image.KoDataPath, ReadOnly: true})
	}
	w.mu.Lock()
	if w.net != nil {
		spec.NetNS = w.net.NetNS
	}
	w.mu.Unlock()
	vm, err := w.volumeMounts(pod, &c.spec, env)
	if err != nil {
		return container.Spec{}, configError{err}
	}
	spec.Mounts = append(spec.Mounts, vm...)
	if err := applySecurityContext(&spec, pod, &c.spec, img); err != nil {
		return container.Spec{}, configError{err}
	}
	return spec, nil
}

func podHostname(pod *corev1.Pod) string {
	h := pod.Name
	if pod.Spec.Hostname != "" {
		h = pod.Spec.Hostname
	}
	if len(h) > 63 {
		h = strings.TrimRight(h[:63], "-.")
	}
	return h
}

// applySecurityContext resolves user, groups, capabilities and file system flags from
// the Pod's and the container's security contexts and the image's default user.
func applySecurityContext(spec *container.Spec, pod *corev1.Pod, c *corev1.Container, img *image.Image) error {
	psc := pod.Spec.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	sc := c.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	uid := img.UID
	if psc.RunAsUser != nil {
		uid = *psc.RunAsUser
	}
	if sc.RunAsUser != nil {
		uid = *sc.RunAsUser
	}
	gid := int64(0)
	if uid == image.NonRootUID && img.UID == image.NonRootUID {
		gid = image.NonRootUID
	}
	if psc.RunAsGroup != nil {
		gid = *psc.RunAsGroup
	}
	if sc.RunAsGroup != nil {
		gid = *sc.RunAsGroup
	}
	nonRoot := psc.RunAsNonRoot
	if sc.RunAsNonRoot != nil {
		nonRoot = sc.RunAsNonRoot
	}
	if nonRoot != nil && *nonRoot && uid == 0 {
		return errors.New("container has runAsNonRoot and image will run as root (pod: \"" + pod.Name + "_" + pod.Namespace +
			"(" + string(pod.UID) + ")\", container: " + c.Name + ")")
	}
	spec.UID, spec.GID = uint32(uid), uint32(gid)
	for _, g := range psc.SupplementalGroups {
		spec.Groups = append(spec.Groups, uint32(g))
	}
	if psc.FSGroup != nil {
		spec.Groups = append(spec.Groups, uint32(*psc.FSGroup))
	}
	spec.ReadOnlyRoot = sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
	spec.NoNewPrivs = sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation

	if sc.Privileged != nil && *sc.Privileged {
		spec.Capabilities = container.AllCapabilities()
		spec.NoNewPrivs = false
		return nil
	}
	caps := map[string]bool{}
	for _, n := range container.DefaultCapabilities {
		caps[n] = true
	}
	if sc.Capabilities != nil {
		for _, d := range sc.Capabilities.Drop {
			if strings.EqualFold(string(d), "ALL") {
				caps = map[string]bool{}
				continue
			}
			delete(caps, capName(d))
		}
		for _, a := range sc.Capabilities.Add {
			if strings.EqualFold(string(a), "ALL") {
				for _, n := range container.AllCapabilities() {
					caps[n] = true
				}
				continue
			}
			if n := capName(a); container.KnownCapability(n) {
				caps[n] = true
			}
		}
	}
	spec.Capabilities = []string{}
	for n := range caps {
		spec.Capabilities = append(spec.Capabilities, n)
	}
	return nil
}

func capName(c corev1.Capability) string {
	n := strings.ToUpper(string(c))
	if !strings.HasPrefix(n, "CAP_") {
		n = "CAP_" + n
	}
	return n
}
