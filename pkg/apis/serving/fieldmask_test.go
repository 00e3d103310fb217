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
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	kptr "k8s.io/utils/ptr"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/config"
)

// The masks must copy exactly the allowed fields. These tests fill every
// field of the input and check which survive, so a field added to a
// Kubernetes type (and thus missing from a mask) shows up as disallowed
// rather than silently allowed.

func TestMasksOfNil(t *testing.T) {
	ctx := context.Background()
	for name, got := range map[string]interface{}{
		"Volume":                        VolumeMask(ctx, nil),
		"VolumeSource":                  VolumeSourceMask(ctx, nil),
		"VolumeProjection":              VolumeProjectionMask(nil),
		"ConfigMapProjection":           ConfigMapProjectionMask(nil),
		"SecretProjection":              SecretProjectionMask(nil),
		"ServiceAccountTokenProjection": ServiceAccountTokenProjectionMask(nil),
		"DownwardAPIProjection":         DownwardAPIProjectionMask(nil),
		"DownwardAPIVolumeFile":         DownwardAPIVolumeFileMask(nil),
		"KeyToPath":                     KeyToPathMask(nil),
		"PodSpec":                       PodSpecMask(ctx, nil),
		"Container":                     ContainerMask(nil),
		"VolumeMount":                   VolumeMountMask(nil),
		"Probe":                         ProbeMask(nil),
		"ProbeHandler":                  HandlerMask(nil),
		"ExecAction":                    ExecActionMask(nil),
		"HTTPGetAction":                 HTTPGetActionMask(nil),
		"TCPSocketAction":               TCPSocketActionMask(nil),
		"GRPCAction":                    GRPCActionMask(nil),
		"ContainerPort":                 ContainerPortMask(nil),
		"EnvVar":                        EnvVarMask(nil),
		"EnvVarSource":                  EnvVarSourceMask(nil, true),
		"LocalObjectReference":          LocalObjectReferenceMask(nil),
		"ConfigMapKeySelector":          ConfigMapKeySelectorMask(nil),
		"SecretKeySelector":             SecretKeySelectorMask(nil),
		"ConfigMapEnvSource":            ConfigMapEnvSourceMask(nil),
		"SecretEnvSource":               SecretEnvSourceMask(nil),
		"EnvFromSource":                 EnvFromSourceMask(nil),
		"ResourceRequirements":          ResourceRequirementsMask(nil),
		"PodSecurityContext":            PodSecurityContextMask(ctx, nil),
		"SecurityContext":               SecurityContextMask(ctx, nil),
		"Capabilities":                  CapabilitiesMask(ctx, nil),
		"ObjectReference":               NamespacedObjectReferenceMask(nil),
	} {
		if !reflect.ValueOf(got).IsNil() {
			t.Errorf("%sMask(nil) = %v, want nil", name, got)
		}
	}
}

func TestContainerMask(t *testing.T) {
	in := &corev1.Container{
		Name:                     "foo",
		Image:                    "bar",
		Command:                  []string{"cmd"},
		Args:                     []string{"arg"},
		WorkingDir:               "/dir",
		Ports:                    []corev1.ContainerPort{{}},
		EnvFrom:                  []corev1.EnvFromSource{{}},
		Env:                      []corev1.EnvVar{{}},
		Resources:                corev1.ResourceRequirements{Limits: corev1.ResourceList{}},
		VolumeMounts:             []corev1.VolumeMount{{}},
		LivenessProbe:            &corev1.Probe{},
		ReadinessProbe:           &corev1.Probe{},
		StartupProbe:             &corev1.Probe{},
		TerminationMessagePath:   "/path",
		TerminationMessagePolicy: corev1.TerminationMessageReadFile,
		ImagePullPolicy:          corev1.PullAlways,
		SecurityContext:          &corev1.SecurityContext{},
		// Not allowed:
		Lifecycle:     &corev1.Lifecycle{},
		Stdin:         true,
		StdinOnce:     true,
		TTY:           true,
		VolumeDevices: []corev1.VolumeDevice{{}},
		ResizePolicy:  []corev1.ContainerResizePolicy{{}},
		RestartPolicy: kptr.To(corev1.ContainerRestartPolicyAlways),
	}
	want := in.DeepCopy()
	want.Lifecycle, want.Stdin, want.StdinOnce, want.TTY = nil, false, false, false
	want.VolumeDevices, want.ResizePolicy, want.RestartPolicy = nil, nil, nil

	if diff := cmp.Diff(want, ContainerMask(in)); diff != "" {
		t.Errorf("ContainerMask (-want, +got):\n%s", diff)
	}
}

func TestPodSpecMask(t *testing.T) {
	in := &corev1.PodSpec{
		ServiceAccountName:           "sa",
		Containers:                   []corev1.Container{{Image: "busybox"}},
		Volumes:                      []corev1.Volume{{}},
		ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "s"}},
		EnableServiceLinks:           ptr.Bool(true),
		AutomountServiceAccountToken: ptr.Bool(false),
		// Gated:
		Affinity:                  &corev1.Affinity{},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{}},
		HostAliases:               []corev1.HostAlias{{}},
		NodeSelector:              map[string]string{"a": "b"},
		RuntimeClassName:          ptr.String("rc"),
		Tolerations:               []corev1.Toleration{{}},
		SecurityContext:           &corev1.PodSecurityContext{},
		ShareProcessNamespace:     ptr.Bool(true),
		PriorityClassName:         "pc",
		SchedulerName:             "sched",
		InitContainers:            []corev1.Container{{}},
		DNSPolicy:                 corev1.DNSDefault,
		DNSConfig:                 &corev1.PodDNSConfig{},
		HostIPC:                   true,
		HostPID:                   true,
		HostNetwork:               true,
		// Never:
		RestartPolicy:                 corev1.RestartPolicyAlways,
		TerminationGracePeriodSeconds: ptr.Int64(1),
		ActiveDeadlineSeconds:         ptr.Int64(1),
		NodeName:                      "n",
		Hostname:                      "h",
		Subdomain:                     "s",
		Priority:                      ptr.Int32(1),
		ReadinessGates:                []corev1.PodReadinessGate{{}},
	}
	allowed := &corev1.PodSpec{
		ServiceAccountName:           in.ServiceAccountName,
		Containers:                   in.Containers,
		Volumes:                      in.Volumes,
		ImagePullSecrets:             in.ImagePullSecrets,
		EnableServiceLinks:           in.EnableServiceLinks,
		AutomountServiceAccountToken: in.AutomountServiceAccountToken,
	}

	t.Run("features disabled", func(t *testing.T) {
		if diff := cmp.Diff(allowed, PodSpecMask(context.Background(), in)); diff != "" {
			t.Errorf("PodSpecMask (-want, +got):\n%s", diff)
		}
	})

	t.Run("features enabled", func(t *testing.T) {
		ctx := withFeatures(func(f *config.Features) {
			f.PodSpecAffinity = config.Enabled
			f.PodSpecTopologySpreadConstraints = config.Enabled
			f.PodSpecHostAliases = config.Enabled
			f.PodSpecNodeSelector = config.Enabled
			f.PodSpecRuntimeClassName = config.Enabled
			f.PodSpecTolerations = config.Enabled
			f.PodSpecSecurityContext = config.Enabled
			f.PodSpecShareProcessNamespace = config.Enabled
			f.PodSpecPriorityClassName = config.Enabled
			f.PodSpecSchedulerName = config.Enabled
			f.PodSpecInitContainers = config.Enabled
			f.PodSpecDNSPolicy = config.Enabled
			f.PodSpecDNSConfig = config.Enabled
			f.PodSpecHostIPC = config.Enabled
			f.PodSpecHostPID = config.Enabled
			f.PodSpecHostNetwork = config.Enabled
		})
		want := in.DeepCopy()
		want.RestartPolicy, want.TerminationGracePeriodSeconds, want.ActiveDeadlineSeconds = "", nil, nil
		want.NodeName, want.Hostname, want.Subdomain, want.Priority, want.ReadinessGates = "", "", "", nil, nil
		if diff := cmp.Diff(want, PodSpecMask(ctx, in)); diff != "" {
			t.Errorf("PodSpecMask (-want, +got):\n%s", diff)
		}
	})

	t.Run("secure pod defaults let the security context through", func(t *testing.T) {
		ctx := withFeatures(func(f *config.Features) { f.SecurePodDefaults = config.Enabled })
		if got := PodSpecMask(ctx, in); got.SecurityContext != in.SecurityContext {
			t.Error("securityContext was masked")
		}
	})

	t.Run("automountServiceAccountToken true is masked", func(t *testing.T) {
		in := &corev1.PodSpec{AutomountServiceAccountToken: ptr.Bool(true)}
		if got := PodSpecMask(context.Background(), in); got.AutomountServiceAccountToken != nil {
			t.Error("automountServiceAccountToken=true was kept")
		}
	})
}

func TestSecurityContextMasks(t *testing.T) {
	sc := &corev1.SecurityContext{
		Capabilities:             &corev1.Capabilities{},
		Privileged:               ptr.Bool(true),
		SELinuxOptions:           &corev1.SELinuxOptions{},
		RunAsUser:                ptr.Int64(1),
		RunAsGroup:               ptr.Int64(1),
		RunAsNonRoot:             ptr.Bool(true),
		ReadOnlyRootFilesystem:   ptr.Bool(true),
		AllowPrivilegeEscalation: ptr.Bool(false),
		ProcMount:                kptr.To(corev1.DefaultProcMount),
		SeccompProfile:           &corev1.SeccompProfile{},
	}
	want := sc.DeepCopy()
	want.Privileged, want.SELinuxOptions, want.ProcMount = nil, nil, nil
	if diff := cmp.Diff(want, SecurityContextMask(context.Background(), sc)); diff != "" {
		t.Errorf("SecurityContextMask (-want, +got):\n%s", diff)
	}

	sc.Privileged = ptr.Bool(false)
	if got := SecurityContextMask(context.Background(), sc); got.Privileged == nil || *got.Privileged {
		t.Error("privileged=false was not kept")
	}

	caps := &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE"}, Drop: []corev1.Capability{"ALL"}}
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		caps    *corev1.Capabilities
		wantAdd []corev1.Capability
	}{
		{"default", context.Background(), caps, nil},
		{"add capabilities", withFeatures(func(f *config.Features) { f.ContainerSpecAddCapabilities = config.Enabled }),
			&corev1.Capabilities{Add: []corev1.Capability{"SYS_ADMIN"}}, []corev1.Capability{"SYS_ADMIN"}},
		{"secure defaults, bind", withFeatures(func(f *config.Features) { f.SecurePodDefaults = config.Enabled }),
			caps, []corev1.Capability{"NET_BIND_SERVICE"}},
		{"secure defaults, other", withFeatures(func(f *config.Features) { f.SecurePodDefaults = config.Enabled }),
			&corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE", "SYS_ADMIN"}}, nil},
	} {
		got := CapabilitiesMask(tc.ctx, tc.caps)
		if diff := cmp.Diff(tc.wantAdd, got.Add); diff != "" {
			t.Errorf("%s: CapabilitiesMask add (-want, +got):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(tc.caps.Drop, got.Drop); diff != "" {
			t.Errorf("%s: CapabilitiesMask drop (-want, +got):\n%s", tc.name, diff)
		}
	}
}

func TestEnvVarSourceMask(t *testing.T) {
	in := &corev1.EnvVarSource{
		FieldRef:         &corev1.ObjectFieldSelector{},
		ResourceFieldRef: &corev1.ResourceFieldSelector{},
		ConfigMapKeyRef:  &corev1.ConfigMapKeySelector{},
		SecretKeyRef:     &corev1.SecretKeySelector{},
	}
	if diff := cmp.Diff(in, EnvVarSourceMask(in, true)); diff != "" {
		t.Errorf("EnvVarSourceMask(fieldRef) (-want, +got):\n%s", diff)
	}
	want := &corev1.EnvVarSource{ConfigMapKeyRef: in.ConfigMapKeyRef, SecretKeyRef: in.SecretKeyRef}
	if diff := cmp.Diff(want, EnvVarSourceMask(in, false)); diff != "" {
		t.Errorf("EnvVarSourceMask(no fieldRef) (-want, +got):\n%s", diff)
	}
}

func TestVolumeSourceMask(t *testing.T) {
	in := &corev1.VolumeSource{
		Secret:                &corev1.SecretVolumeSource{},
		ConfigMap:             &corev1.ConfigMapVolumeSource{},
		Projected:             &corev1.ProjectedVolumeSource{},
		EmptyDir:              &corev1.EmptyDirVolumeSource{},
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{},
		HostPath:              &corev1.HostPathVolumeSource{},
		NFS:                   &corev1.NFSVolumeSource{},
	}
	want := &corev1.VolumeSource{Secret: in.Secret, ConfigMap: in.ConfigMap, Projected: in.Projected, EmptyDir: in.EmptyDir}
	if diff := cmp.Diff(want, VolumeSourceMask(context.Background(), in)); diff != "" {
		t.Errorf("VolumeSourceMask(defaults) (-want, +got):\n%s", diff)
	}

	ctx := withFeatures(func(f *config.Features) {
		f.PodSpecVolumesEmptyDir = config.Disabled
		f.PodSpecPersistentVolumeClaim = config.Allowed
		f.PodSpecVolumesHostPath = config.Enabled
	})
	want = &corev1.VolumeSource{Secret: in.Secret, ConfigMap: in.ConfigMap, Projected: in.Projected,
		PersistentVolumeClaim: in.PersistentVolumeClaim, HostPath: in.HostPath}
	if diff := cmp.Diff(want, VolumeSourceMask(ctx, in)); diff != "" {
		t.Errorf("VolumeSourceMask(features) (-want, +got):\n%s", diff)
	}
}
