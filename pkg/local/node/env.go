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
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// envList is an ordered environment where later settings win.
type envList struct {
	order []string
	vals  map[string]string
}

func (e *envList) set(k, v string) {
	if e.vals == nil {
		e.vals = map[string]string{}
	}
	if _, ok := e.vals[k]; !ok {
		e.order = append(e.order, k)
	}
	e.vals[k] = v
}

func (e *envList) lookup(k string) (string, bool) {
	v, ok := e.vals[k]
	return v, ok
}

func (e *envList) list() []string {
	out := make([]string, 0, len(e.order))
	for _, k := range e.order {
		out = append(out, k+"="+e.vals[k])
	}
	return out
}

// expand replaces $(VAR) references with values from lookup, as Kubernetes does for
// env values, command and args: $$ escapes a dollar, unknown references stay as they are.
func expand(s string, lookup func(string) (string, bool)) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := lookup(name); ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

func expandAll(in []string, env []string) []string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	lookup := func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = expand(s, lookup)
	}
	return out
}

var envNameRE = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)

// containerEnv computes a container's environment: the image's defaults, Service
// links, envFrom, then env (later entries win), with $(VAR) expansion.
func (a *Agent) containerEnv(ctx context.Context, pod *corev1.Pod, c *corev1.Container, imageEnv []string, podIP string) ([]string, error) {
	var env envList
	env.set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	env.set("HOSTNAME", podHostname(pod))
	for _, kv := range imageEnv {
		k, v, _ := strings.Cut(kv, "=")
		env.set(k, v)
	}
	for _, kv := range a.serviceEnv(pod) {
		env.set(kv[0], kv[1])
	}

	cms := map[string]*corev1.ConfigMap{}
	secrets := map[string]*corev1.Secret{}
	getCM := func(name string) (*corev1.ConfigMap, error) {
		if cm, ok := cms[name]; ok {
			return cm, nil
		}
		cm, err := a.kube.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		cms[name] = cm
		return cm, nil
	}
	getSecret := func(name string) (*corev1.Secret, error) {
		if s, ok := secrets[name]; ok {
			return s, nil
		}
		s, err := a.kube.CoreV1().Secrets(pod.Namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		secrets[name] = s
		return s, nil
	}
	optional := func(b *bool) bool { return b != nil && *b }

	for _, ef := range c.EnvFrom {
		var data map[string]string
		switch {
		case ef.ConfigMapRef != nil:
			cm, err := getCM(ef.ConfigMapRef.Name)
			if apierrors.IsNotFound(err) && optional(ef.ConfigMapRef.Optional) {
				continue
			}
			if err != nil {
				return nil, refError("configmap", ef.ConfigMapRef.Name, err)
			}
			data = cm.Data
		case ef.SecretRef != nil:
			s, err := getSecret(ef.SecretRef.Name)
			if apierrors.IsNotFound(err) && optional(ef.SecretRef.Optional) {
				continue
			}
			if err != nil {
				return nil, refError("secret", ef.SecretRef.Name, err)
			}
			data = map[string]string{}
			for k, v := range s.Data {
				data[k] = string(v)
			}
		}
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if name := ef.Prefix + k; envNameRE.MatchString(name) {
				env.set(name, data[k])
			}
		}
	}

	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env.set(e.Name, expand(e.Value, env.lookup))
			continue
		}
		vf := e.ValueFrom
		switch {
		case vf.FieldRef != nil:
			v, err := a.podField(pod, vf.FieldRef.FieldPath, podIP)
			if err != nil {
				return nil, err
			}
			env.set(e.Name, v)
		case vf.ResourceFieldRef != nil:
			v, err := a.resourceField(pod, c, vf.ResourceFieldRef)
			if err != nil {
				return nil, err
			}
			env.set(e.Name, v)
		case vf.ConfigMapKeyRef != nil:
			ref := vf.ConfigMapKeyRef
			cm, err := getCM(ref.Name)
			if err != nil {
				if apierrors.IsNotFound(err) && optional(ref.Optional) {
					continue
				}
				return nil, refError("configmap", ref.Name, err)
			}
			v, ok := cm.Data[ref.Key]
			if !ok {
				if b, isBin := cm.BinaryData[ref.Key]; isBin {
					v, ok = string(b), true
				}
			}
			if !ok {
				if optional(ref.Optional) {
					continue
				}
				return nil, fmt.Errorf("couldn't find key %s in ConfigMap %s/%s", ref.Key, pod.Namespace, ref.Name)
			}
			env.set(e.Name, v)
		case vf.SecretKeyRef != nil:
			ref := vf.SecretKeyRef
			s, err := getSecret(ref.Name)
			if err != nil {
				if apierrors.IsNotFound(err) && optional(ref.Optional) {
					continue
				}
				return nil, refError("secret", ref.Name, err)
			}
			v, ok := s.Data[ref.Key]
			if !ok {
				if optional(ref.Optional) {
					continue
				}
				return nil, fmt.Errorf("couldn't find key %s in Secret %s/%s", ref.Key, pod.Namespace, ref.Name)
			}
			env.set(e.Name, string(v))
		}
	}
	return env.list(), nil
}

func refError(kind, name string, err error) error {
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("%s %q not found", kind, name)
	}
	return fmt.Errorf("getting %s %q: %w", kind, name, err)
}

// podField resolves a downward-API field path.
func (a *Agent) podField(pod *corev1.Pod, path, podIP string) (string, error) {
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "spec.nodeName":
		return a.name, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.hostIPs":
		return a.hostIP.String(), nil
	case "status.podIP", "status.podIPs":
		return podIP, nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	}
	for _, f := range []struct {
		prefix string
		m      map[string]string
	}{{"metadata.labels", pod.Labels}, {"metadata.annotations", pod.Annotations}} {
		if rest, ok := strings.CutPrefix(path, f.prefix+"['"); ok && strings.HasSuffix(rest, "']") {
			return f.m[strings.TrimSuffix(rest, "']")], nil
		}
	}
	return "", fmt.Errorf("unsupported fieldRef %q", path)
}

// formatMap renders labels or annotations as a downward-API file does.
func formatMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(k + "=" + strconv.Quote(m[k]))
	}
	return b.String()
}

// resourceField resolves a resourceFieldRef; an unset limit is the node's allocatable.
func (a *Agent) resourceField(pod *corev1.Pod, c *corev1.Container, ref *corev1.ResourceFieldSelector) (string, error) {
	target := c
	if ref.ContainerName != "" {
		target = nil
		for i := range pod.Spec.Containers {
			if pod.Spec.Containers[i].Name == ref.ContainerName {
				target = &pod.Spec.Containers[i]
			}
		}
		for i := range pod.Spec.InitContainers {
			if pod.Spec.InitContainers[i].Name == ref.ContainerName {
				target = &pod.Spec.InitContainers[i]
			}
		}
		if target == nil {
			return "", fmt.Errorf("resourceFieldRef: no container %q", ref.ContainerName)
		}
	}
	kind, res, ok := strings.Cut(ref.Resource, ".")
	if !ok {
		return "", fmt.Errorf("unsupported resourceFieldRef %q", ref.Resource)
	}
	name := corev1.ResourceName(res)
	var q resource.Quantity
	var found bool
	switch kind {
	case "limits":
		q, found = target.Resources.Limits[name]
	case "requests":
		q, found = target.Resources.Requests[name]
		if !found {
			q, found = target.Resources.Limits[name]
		}
		if !found {
			return "0", nil
		}
	default:
		return "", fmt.Errorf("unsupported resourceFieldRef %q", ref.Resource)
	}
	if !found {
		q = a.capacity[name]
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	if name == corev1.ResourceCPU {
		return strconv.FormatInt(int64(math.Ceil(float64(q.MilliValue())/float64(divisor.MilliValue()))), 10), nil
	}
	return strconv.FormatInt(int64(math.Ceil(float64(q.Value())/float64(divisor.Value()))), 10), nil
}

// serviceEnv lists the Service link variables a kubelet injects: for every Service of
// the Pod's namespace (unless enableServiceLinks is false) and always for the
// `kubernetes` Service, {NAME}_SERVICE_HOST/_PORT and the Docker-link style variables.
func (a *Agent) serviceEnv(pod *corev1.Pod) [][2]string {
	var svcs []*corev1.Service
	if pod.Spec.EnableServiceLinks == nil || *pod.Spec.EnableServiceLinks {
		svcs, _ = a.services.Services(pod.Namespace).List(labels.Everything())
	}
	if pod.Namespace != metav1.NamespaceDefault || (pod.Spec.EnableServiceLinks != nil && !*pod.Spec.EnableServiceLinks) {
		if k, err := a.services.Services(metav1.NamespaceDefault).Get("kubernetes"); err == nil {
			svcs = append(svcs, k)
		}
	}
	sort.Slice(svcs, func(i, j int) bool { return svcs[i].Name < svcs[j].Name })
	var out [][2]string
	seen := map[string]bool{}
	for _, s := range svcs {
		ip := s.Spec.ClusterIP
		if ip == "" || ip == corev1.ClusterIPNone || len(s.Spec.Ports) == 0 || seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		n := strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
		out = append(out, [2]string{n + "_SERVICE_HOST", ip}, [2]string{n + "_SERVICE_PORT", strconv.Itoa(int(s.Spec.Ports[0].Port))})
		for _, p := range s.Spec.Ports {
			if p.Name != "" {
				out = append(out, [2]string{n + "_SERVICE_PORT_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_")), strconv.Itoa(int(p.Port))})
			}
		}
		first := s.Spec.Ports[0]
		out = append(out, [2]string{n + "_PORT", fmt.Sprintf("%s://%s:%d", strings.ToLower(string(protocol(first))), ip, first.Port)})
		for _, p := range s.Spec.Ports {
			proto := strings.ToLower(string(protocol(p)))
			pre := fmt.Sprintf("%s_PORT_%d_%s", n, p.Port, strings.ToUpper(proto))
			out = append(out,
				[2]string{pre, fmt.Sprintf("%s://%s:%d", proto, ip, p.Port)},
				[2]string{pre + "_PROTO", proto},
				[2]string{pre + "_PORT", strconv.Itoa(int(p.Port))},
				[2]string{pre + "_ADDR", ip})
		}
	}
	return out
}

func protocol(p corev1.ServicePort) corev1.Protocol {
	if p.Protocol == "" {
		return corev1.ProtocolTCP
	}
	return p.Protocol
}
