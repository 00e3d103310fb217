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
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/skiffhq/skiff/pkg/local/container"
)

// fileData is one file of a ConfigMap, Secret, downward-API or projected volume.
type fileData struct {
	data []byte
	mode os.FileMode
}

const defaultFileMode = 0o644

// syncVolumes prepares (or refreshes) every volume of the Pod under its directory.
func (w *podWorker) syncVolumes(pod *corev1.Pod) error {
	var errs []error
	for _, v := range pod.Spec.Volumes {
		dir := filepath.Join(w.dir, "volumes", v.Name)
		path, err := w.syncVolume(pod, v, dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("volume %q: %w", v.Name, err))
			continue
		}
		w.mu.Lock()
		w.volumes[v.Name] = path
		w.mu.Unlock()
	}
	return errors.Join(errs...)
}

func (w *podWorker) syncVolume(pod *corev1.Pod, v corev1.Volume, dir string) (string, error) {
	vs := v.VolumeSource
	mode := func(m *int32) os.FileMode {
		if m == nil {
			return defaultFileMode
		}
		return os.FileMode(*m)
	}
	switch {
	case vs.EmptyDir != nil:
		if _, err := os.Stat(dir); err == nil {
			return dir, nil
		}
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return "", err
		}
		os.Chmod(dir, 0o777) // writable by any container user, as a kubelet makes it
		if vs.EmptyDir.Medium == corev1.StorageMediumMemory {
			opts := "mode=1777"
			if vs.EmptyDir.SizeLimit != nil && !vs.EmptyDir.SizeLimit.IsZero() {
				opts += fmt.Sprintf(",size=%d", vs.EmptyDir.SizeLimit.Value())
			}
			if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
				return "", fmt.Errorf("mounting tmpfs: %w", err)
			}
		}
		return dir, nil
	case vs.HostPath != nil:
		return hostPathVolume(vs.HostPath)
	case vs.ConfigMap != nil:
		files, err := w.configMapFiles(pod, vs.ConfigMap.Name, vs.ConfigMap.Items, vs.ConfigMap.Optional, mode(vs.ConfigMap.DefaultMode))
		if err != nil {
			return "", err
		}
		return dir, writeAtomic(dir, files)
	case vs.Secret != nil:
		files, err := w.secretFiles(pod, vs.Secret.SecretName, vs.Secret.Items, vs.Secret.Optional, mode(vs.Secret.DefaultMode))
		if err != nil {
			return "", err
		}
		return dir, writeAtomic(dir, files)
	case vs.DownwardAPI != nil:
		files, err := w.downwardFiles(pod, vs.DownwardAPI.Items, mode(vs.DownwardAPI.DefaultMode))
		if err != nil {
			return "", err
		}
		return dir, writeAtomic(dir, files)
	case vs.Projected != nil:
		files := map[string]fileData{}
		def := mode(vs.Projected.DefaultMode)
		for _, src := range vs.Projected.Sources {
			var part map[string]fileData
			var err error
			switch {
			case src.ConfigMap != nil:
				part, err = w.configMapFiles(pod, src.ConfigMap.Name, src.ConfigMap.Items, src.ConfigMap.Optional, def)
			case src.Secret != nil:
				part, err = w.secretFiles(pod, src.Secret.Name, src.Secret.Items, src.Secret.Optional, def)
			case src.DownwardAPI != nil:
				part, err = w.downwardFiles(pod, src.DownwardAPI.Items, def)
			case src.ServiceAccountToken != nil:
				part, err = w.tokenFile(pod, src.ServiceAccountToken, def, filepath.Join(dir, src.ServiceAccountToken.Path))
			default:
				err = errors.New("unsupported projected volume source")
			}
			if err != nil {
				return "", err
			}
			for k, f := range part {
				files[k] = f
			}
		}
		return dir, writeAtomic(dir, files)
	}
	return "", errors.New("volume type not supported by the skiff node (supported: emptyDir, configMap, secret, downwardAPI, projected, hostPath)")
}

func hostPathVolume(hp *corev1.HostPathVolumeSource) (string, error) {
	t := corev1.HostPathUnset
	if hp.Type != nil {
		t = *hp.Type
	}
	st, err := os.Stat(hp.Path)
	switch t {
	case corev1.HostPathDirectoryOrCreate:
		if err != nil {
			return hp.Path, os.MkdirAll(hp.Path, 0o755)
		}
	case corev1.HostPathFileOrCreate:
		if err != nil {
			os.MkdirAll(filepath.Dir(hp.Path), 0o755)
			f, err := os.OpenFile(hp.Path, os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return "", err
			}
			return hp.Path, f.Close()
		}
	case corev1.HostPathDirectory:
		if err != nil || !st.IsDir() {
			return "", fmt.Errorf("hostPath type check failed: %s is not a directory", hp.Path)
		}
	case corev1.HostPathFile:
		if err != nil || !st.Mode().IsRegular() {
			return "", fmt.Errorf("hostPath type check failed: %s is not a file", hp.Path)
		}
	default:
		if err != nil {
			return "", err
		}
	}
	return hp.Path, nil
}

func itemMode(m *int32, def os.FileMode) os.FileMode {
	if m != nil {
		return os.FileMode(*m)
	}
	return def
}

func selectItems(data map[string][]byte, items []corev1.KeyToPath, def os.FileMode, what string) (map[string]fileData, error) {
	files := map[string]fileData{}
	if len(items) == 0 {
		for k, v := range data {
			files[k] = fileData{data: v, mode: def}
		}
		return files, nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return nil, fmt.Errorf("configmap references non-existent config key: %s", it.Key)
		}
		files[it.Path] = fileData{data: v, mode: itemMode(it.Mode, def)}
	}
	_ = what
	return files, nil
}

func (w *podWorker) configMapFiles(pod *corev1.Pod, name string, items []corev1.KeyToPath, optional *bool, def os.FileMode) (map[string]fileData, error) {
	cm, err := w.a.kube.CoreV1().ConfigMaps(pod.Namespace).Get(w.ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return map[string]fileData{}, nil
	}
	if err != nil {
		return nil, refError("configmap", name, err)
	}
	data := map[string][]byte{}
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return selectItems(data, items, def, "configmap")
}

func (w *podWorker) secretFiles(pod *corev1.Pod, name string, items []corev1.KeyToPath, optional *bool, def os.FileMode) (map[string]fileData, error) {
	s, err := w.a.kube.CoreV1().Secrets(pod.Namespace).Get(w.ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return map[string]fileData{}, nil
	}
	if err != nil {
		return nil, refError("secret", name, err)
	}
	return selectItems(s.Data, items, def, "secret")
}

func (w *podWorker) downwardFiles(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile, def os.FileMode) (map[string]fileData, error) {
	files := map[string]fileData{}
	for _, it := range items {
		var v string
		var err error
		switch {
		case it.FieldRef != nil:
			v, err = w.a.podField(pod, it.FieldRef.FieldPath, w.podIP)
		case it.ResourceFieldRef != nil:
			var c *corev1.Container
			for i := range pod.Spec.Containers {
				if pod.Spec.Containers[i].Name == it.ResourceFieldRef.ContainerName {
					c = &pod.Spec.Containers[i]
				}
			}
			if c == nil {
				err = fmt.Errorf("resourceFieldRef: no container %q", it.ResourceFieldRef.ContainerName)
			} else {
				v, err = w.a.resourceField(pod, c, it.ResourceFieldRef)
			}
		}
		if err != nil {
			return nil, err
		}
		files[it.Path] = fileData{data: []byte(v), mode: itemMode(it.Mode, def)}
	}
	return files, nil
}

// tokenFile requests a service-account token bound to the Pod, refreshed at 80% of its
// lifetime as a kubelet does.
func (w *podWorker) tokenFile(pod *corev1.Pod, src *corev1.ServiceAccountTokenProjection, mode os.FileMode, key string) (map[string]fileData, error) {
	w.mu.Lock()
	refresh, have := w.tokens[key]
	w.mu.Unlock()
	if have && time.Now().Before(refresh) {
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(key), "..data", src.Path)); err == nil {
			return map[string]fileData{src.Path: {data: b, mode: mode}}, nil
		}
	}
	exp := int64(3600)
	if src.ExpirationSeconds != nil {
		exp = *src.ExpirationSeconds
	}
	tr := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		ExpirationSeconds: ptr.To(exp),
		BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	if src.Audience != "" {
		tr.Spec.Audiences = []string{src.Audience}
	}
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	got, err := w.a.kube.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(w.ctx, sa, tr, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("requesting a token for service account %s/%s: %w", pod.Namespace, sa, err)
	}
	life := time.Until(got.Status.ExpirationTimestamp.Time)
	w.mu.Lock()
	w.tokens[key] = time.Now().Add(life * 8 / 10)
	w.mu.Unlock()
	return map[string]fileData{src.Path: {data: []byte(got.Status.Token), mode: mode}}, nil
}

func (w *podWorker) tokenDue() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.tokens {
		if time.Now().After(t) {
			return true
		}
	}
	return false
}

// writeAtomic publishes files in dir the way a kubelet's atomic writer does: the files
// live in a timestamped directory, `..data` points at it, and each top-level name is a
// link through `..data`. An update swaps `..data` in one rename, so readers never see a
// half-written set, and programs watching the directory see the change.
func writeAtomic(dir string, files map[string]fileData) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dataLink := filepath.Join(dir, "..data")
	if cur, err := os.Readlink(dataLink); err == nil && sameFiles(filepath.Join(dir, cur), files) {
		return nil
	}
	ts := filepath.Join(dir, ".."+time.Now().UTC().Format("2006_01_02_15_04_05.")+fmt.Sprint(rand.Uint32()))
	if err := os.MkdirAll(ts, 0o755); err != nil {
		return err
	}
	for p, f := range files {
		if strings.Contains(p, "..") || filepath.IsAbs(p) {
			return fmt.Errorf("invalid path %q", p)
		}
		full := filepath.Join(ts, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, f.data, f.mode.Perm()); err != nil {
			return err
		}
		os.Chmod(full, f.mode.Perm())
	}
	old, _ := os.Readlink(dataLink)
	tmp := filepath.Join(dir, "..data_tmp")
	os.Remove(tmp)
	if err := os.Symlink(filepath.Base(ts), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dataLink); err != nil {
		return err
	}
	top := map[string]bool{}
	for p := range files {
		top[strings.Split(filepath.ToSlash(p), "/")[0]] = true
	}
	for name := range top {
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); err != nil {
			if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
				return err
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "..") || top[n] {
			continue
		}
		if t, err := os.Readlink(filepath.Join(dir, n)); err == nil && strings.HasPrefix(t, "..data/") {
			os.Remove(filepath.Join(dir, n))
		}
	}
	if old != "" && old != filepath.Base(ts) {
		os.RemoveAll(filepath.Join(dir, old))
	}
	return nil
}

func sameFiles(dir string, files map[string]fileData) bool {
	count := 0
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		f, ok := files[rel]
		if !ok || info.Mode().Perm() != f.mode.Perm() {
			return errors.New("differs")
		}
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(b, f.data) {
			return errors.New("differs")
		}
		count++
		return nil
	})
	return err == nil && count == len(files)
}

// volumeMounts maps a container's volumeMounts to bind mounts of the volume
// directories. ConfigMap, Secret, downward-API and projected volumes are read-only, as
// on a kubelet.
func (w *podWorker) volumeMounts(pod *corev1.Pod, c *corev1.Container, env []string) ([]container.Mount, error) {
	kinds := map[string]corev1.VolumeSource{}
	for _, v := range pod.Spec.Volumes {
		kinds[v.Name] = v.VolumeSource
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []container.Mount
	mounts := append([]corev1.VolumeMount(nil), c.VolumeMounts...)
	sort.SliceStable(mounts, func(i, j int) bool {
		return strings.Count(filepath.Clean(mounts[i].MountPath), "/") < strings.Count(filepath.Clean(mounts[j].MountPath), "/")
	})
	for _, vm := range mounts {
		src, ok := w.volumes[vm.Name]
		if !ok {
			return nil, fmt.Errorf("volume %q is not ready", vm.Name)
		}
		vs := kinds[vm.Name]
		ro := vm.ReadOnly || vs.ConfigMap != nil || vs.Secret != nil || vs.DownwardAPI != nil || vs.Projected != nil
		sub := vm.SubPath
		if vm.SubPathExpr != "" {
			sub = expandAll([]string{vm.SubPathExpr}, env)[0]
		}
		if sub != "" {
			if strings.Contains(sub, "..") || filepath.IsAbs(sub) {
				return nil, fmt.Errorf("invalid subPath %q", sub)
			}
			src = filepath.Join(src, sub)
			if _, err := os.Lstat(src); err != nil {
				if !ro {
					os.MkdirAll(src, 0o777)
					os.Chmod(src, 0o777)
				} else {
					return nil, fmt.Errorf("subPath %q of volume %q does not exist", sub, vm.Name)
				}
			}
		}
		out = append(out, container.Mount{Source: src, Target: vm.MountPath, ReadOnly: ro})
	}
	return out, nil
}

// unmountVolumes undoes host mounts (memory-backed emptyDirs).
func (w *podWorker) unmountVolumes() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.volumes {
		if strings.HasPrefix(p, w.dir+string(filepath.Separator)) {
			unix.Unmount(p, unix.MNT_DETACH)
		}
	}
}
