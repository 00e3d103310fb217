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
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
)

// podChanged hands the latest state of a Pod bound to this node to its worker,
// starting one for a Pod seen for the first time.
func (a *Agent) podChanged(p *corev1.Pod) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return
	}
	uid := string(p.UID)
	w := a.workers[uid]
	if w == nil {
		// A Pod that finished before this agent started has nothing left to run.
		if (p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed) && p.DeletionTimestamp == nil {
			return
		}
		w = newPodWorker(a, p, filepath.Join(a.podsDir, uid))
		a.workers[uid] = w
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			w.run()
			a.mu.Lock()
			if a.workers[uid] == w {
				delete(a.workers, uid)
			}
			a.mu.Unlock()
		}()
	}
	w.update(p)
}

// podRemoved tells a worker its Pod is gone from the API (force-deleted, or deleted
// after this agent finished it).
func (a *Agent) podRemoved(p *corev1.Pod) {
	a.mu.Lock()
	w := a.workers[string(p.UID)]
	a.mu.Unlock()
	if w != nil {
		w.markRemoved()
	}
}

// worker finds the worker of namespace/name (for the kubelet API).
func (a *Agent) worker(namespace, name string) *podWorker {
	a.mu.Lock()
	defer a.mu.Unlock()
	var found *podWorker
	for _, w := range a.workers {
		p := w.currentPod()
		if p.Namespace == namespace && p.Name == name {
			// Several workers can share a name while an old Pod terminates; prefer the
			// one still wanted.
			if found == nil || p.DeletionTimestamp == nil {
				found = w
			}
		}
	}
	return found
}

// Pods lists the Pods this agent runs (for the kubelet API's /pods).
func (a *Agent) Pods() []*corev1.Pod {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*corev1.Pod, 0, len(a.workers))
	for _, w := range a.workers {
		out = append(out, w.currentPod())
	}
	return out
}
