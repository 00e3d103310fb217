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

// The masks below copy only the fields Knative's API allows from a
// Kubernetes type into a fresh value (a shallow copy). Validation then
// compares the original with its mask through apis.CheckDisallowedFields,
// so any field set in the original but missing from the mask is reported as
// "must not set the field(s)" at its exact path. Fields gated by
// config-features are copied only when their flag is not Disabled.
// The masks do not validate values.

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	"github.com/skiffhq/skiff/pkg/apis/config"
)

// VolumeMask keeps the allowed fields of a Volume.
func VolumeMask(_ context.Context, in *corev1.Volume) *corev1.Volume {
	if in == nil {
		return nil
	}
	return &corev1.Volume{
		Name:         in.Name,
		VolumeSource: in.VolumeSource,
	}
}

// VolumeSourceMask keeps the allowed volume kinds: secret, configMap and
// projected always; emptyDir, persistentVolumeClaim and hostPath unless
// their feature flag is Disabled.
func VolumeSourceMask(ctx context.Context, in *corev1.VolumeSource) *corev1.VolumeSource {
	if in == nil {
		return nil
	}
	features := config.FromContextOrDefaults(ctx).Features
	out := &corev1.VolumeSource{
		Secret:    in.Secret,
		ConfigMap: in.ConfigMap,
		Projected: in.Projected,
	}
	if features.PodSpecVolumesEmptyDir != config.Disabled {
		out.EmptyDir = in.EmptyDir
	}
	if features.PodSpecPersistentVolumeClaim != config.Disabled {
		out.PersistentVolumeClaim = in.PersistentVolumeClaim
	}
	if features.PodSpecVolumesHostPath != config.Disabled {
		out.HostPath = in.HostPath
	}
	return out
}

// VolumeProjectionMask keeps the allowed projected volume sources.
func VolumeProjectionMask(in *corev1.VolumeProjection) *corev1.VolumeProjection {
	if in == nil {
		return nil
	}
	return &corev1.VolumeProjection{
		Secret:              in.Secret,
		ConfigMap:           in.ConfigMap,
		ServiceAccountToken: in.ServiceAccountToken,
		DownwardAPI:         in.DownwardAPI,
	}
}

// ConfigMapProjectionMask keeps the allowed fields of a ConfigMapProjection.
func ConfigMapProjectionMask(in *corev1.ConfigMapProjection) *corev1.ConfigMapProjection {
	if in == nil {
		return nil
	}
	return &corev1.ConfigMapProjection{
		LocalObjectReference: in.LocalObjectReference,
		Items:                in.Items,
		Optional:             in.Optional,
	}
}

// SecretProjectionMask keeps the allowed fields of a SecretProjection.
func SecretProjectionMask(in *corev1.SecretProjection) *corev1.SecretProjection {
	if in == nil {
		return nil
	}
	return &corev1.SecretProjection{
		LocalObjectReference: in.LocalObjectReference,
		Items:                in.Items,
		Optional:             in.Optional,
	}
}

// ServiceAccountTokenProjectionMask keeps the allowed fields of a
// ServiceAccountTokenProjection.
func ServiceAccountTokenProjectionMask(in *corev1.ServiceAccountTokenProjection) *corev1.ServiceAccountTokenProjection {
	if in == nil {
		return nil
	}
	return &corev1.ServiceAccountTokenProjection{
		Audience:          in.Audience,
		ExpirationSeconds: in.ExpirationSeconds,
		Path:              in.Path,
	}
}

// DownwardAPIProjectionMask keeps the allowed fields of a DownwardAPIProjection.
func DownwardAPIProjectionMask(in *corev1.DownwardAPIProjection) *corev1.DownwardAPIProjection {
	if in == nil {
		return nil
	}
	return &corev1.DownwardAPIProjection{
		Items: append([]corev1.DownwardAPIVolumeFile(nil), in.Items...),
	}
}

// DownwardAPIVolumeFileMask keeps the allowed fields of a DownwardAPIVolumeFile.
func DownwardAPIVolumeFileMask(in *corev1.DownwardAPIVolumeFile) *corev1.DownwardAPIVolumeFile {
	if in == nil {
		return nil
	}
	return &corev1.DownwardAPIVolumeFile{
		Path:             in.Path,
		FieldRef:         in.FieldRef,
		ResourceFieldRef: in.ResourceFieldRef,
		Mode:             in.Mode,
	}
}

// KeyToPathMask keeps the allowed fields of a KeyToPath.
func KeyToPathMask(in *corev1.KeyToPath) *corev1.KeyToPath {
	if in == nil {
		return nil
	}
	return &corev1.KeyToPath{
		Key:  in.Key,
		Path: in.Path,
		Mode: in.Mode,
	}
}

// PodSpecMask keeps the allowed PodSpec fields. Scheduling, DNS, host
// namespace, security context and init container fields are behind
// config-features flags. restartPolicy, terminationGracePeriodSeconds,
// activeDeadlineSeconds, nodeName, hostname, subdomain, priority and
// readinessGates (among others) are never allowed.
func PodSpecMask(ctx context.Context, in *corev1.PodSpec) *corev1.PodSpec {
	if in == nil {
		return nil
	}
	features := config.FromContextOrDefaults(ctx).Features
	out := &corev1.PodSpec{
		ServiceAccountName: in.ServiceAccountName,
		Containers:         in.Containers,
		Volumes:            in.Volumes,
		ImagePullSecrets:   in.ImagePullSecrets,
		EnableServiceLinks: in.EnableServiceLinks,
	}
	// Opting out of the token mount is safe; opting in explicitly is not allowed.
	if in.AutomountServiceAccountToken != nil && !*in.AutomountServiceAccountToken {
		out.AutomountServiceAccountToken = in.AutomountServiceAccountToken
	}

	allowed := func(f config.Flag) bool { return f != config.Disabled }
	if allowed(features.PodSpecAffinity) {
		out.Affinity = in.Affinity
	}
	if allowed(features.PodSpecTopologySpreadConstraints) {
		out.TopologySpreadConstraints = in.TopologySpreadConstraints
	}
	if allowed(features.PodSpecHostAliases) {
		out.HostAliases = in.HostAliases
	}
	if allowed(features.PodSpecNodeSelector) {
		out.NodeSelector = in.NodeSelector
	}
	if allowed(features.PodSpecRuntimeClassName) {
		out.RuntimeClassName = in.RuntimeClassName
	}
	if allowed(features.PodSpecTolerations) {
		out.Tolerations = in.Tolerations
	}
	// With secure-pod-defaults a (restricted) pod security context is let
	// through as well; PodSecurityContextMask decides which of its fields.
	if allowed(features.PodSpecSecurityContext) || allowed(features.SecurePodDefaults) {
		out.SecurityContext = in.SecurityContext
	}
	if allowed(features.PodSpecShareProcessNamespace) {
		out.ShareProcessNamespace = in.ShareProcessNamespace
	}
	if allowed(features.PodSpecPriorityClassName) {
		out.PriorityClassName = in.PriorityClassName
	}
	if allowed(features.PodSpecSchedulerName) {
		out.SchedulerName = in.SchedulerName
	}
	if allowed(features.PodSpecInitContainers) {
		out.InitContainers = in.InitContainers
	}
	if allowed(features.PodSpecDNSPolicy) {
		out.DNSPolicy = in.DNSPolicy
	}
	if allowed(features.PodSpecDNSConfig) {
		out.DNSConfig = in.DNSConfig
	}
	if allowed(features.PodSpecHostIPC) {
		out.HostIPC = in.HostIPC
	}
	if allowed(features.PodSpecHostPID) {
		out.HostPID = in.HostPID
	}
	if allowed(features.PodSpecHostNetwork) {
		out.HostNetwork = in.HostNetwork
	}
	return out
}

// ContainerMask keeps the allowed Container fields. lifecycle, stdin,
// stdinOnce, tty and volumeDevices are not allowed.
func ContainerMask(in *corev1.Container) *corev1.Container {
	if in == nil {
		return nil
	}
	return &corev1.Container{
		Name:                     in.Name,
		Args:                     in.Args,
		Command:                  in.Command,
		Env:                      in.Env,
		WorkingDir:               in.WorkingDir,
		EnvFrom:                  in.EnvFrom,
		Image:                    in.Image,
		ImagePullPolicy:          in.ImagePullPolicy,
		LivenessProbe:            in.LivenessProbe,
		Ports:                    in.Ports,
		ReadinessProbe:           in.ReadinessProbe,
		Resources:                in.Resources,
		SecurityContext:          in.SecurityContext,
		StartupProbe:             in.StartupProbe,
		TerminationMessagePath:   in.TerminationMessagePath,
		TerminationMessagePolicy: in.TerminationMessagePolicy,
		VolumeMounts:             in.VolumeMounts,
	}
}

// VolumeMountMask keeps the allowed VolumeMount fields (no mountPropagation).
func VolumeMountMask(in *corev1.VolumeMount) *corev1.VolumeMount {
	if in == nil {
		return nil
	}
	return &corev1.VolumeMount{
		Name:      in.Name,
		ReadOnly:  in.ReadOnly,
		MountPath: in.MountPath,
		SubPath:   in.SubPath,
	}
}

// ProbeMask keeps the allowed Probe fields.
func ProbeMask(in *corev1.Probe) *corev1.Probe {
	if in == nil {
		return nil
	}
	return &corev1.Probe{
		ProbeHandler:        in.ProbeHandler,
		InitialDelaySeconds: in.InitialDelaySeconds,
		TimeoutSeconds:      in.TimeoutSeconds,
		PeriodSeconds:       in.PeriodSeconds,
		SuccessThreshold:    in.SuccessThreshold,
		FailureThreshold:    in.FailureThreshold,
	}
}

// HandlerMask keeps the allowed ProbeHandler fields.
func HandlerMask(in *corev1.ProbeHandler) *corev1.ProbeHandler {
	if in == nil {
		return nil
	}
	return &corev1.ProbeHandler{
		Exec:      in.Exec,
		HTTPGet:   in.HTTPGet,
		TCPSocket: in.TCPSocket,
		GRPC:      in.GRPC,
	}
}

// ExecActionMask keeps the allowed ExecAction fields.
func ExecActionMask(in *corev1.ExecAction) *corev1.ExecAction {
	if in == nil {
		return nil
	}
	return &corev1.ExecAction{Command: in.Command}
}

// HTTPGetActionMask keeps the allowed HTTPGetAction fields.
func HTTPGetActionMask(in *corev1.HTTPGetAction) *corev1.HTTPGetAction {
	if in == nil {
		return nil
	}
	return &corev1.HTTPGetAction{
		Host:        in.Host,
		Path:        in.Path,
		Scheme:      in.Scheme,
		HTTPHeaders: in.HTTPHeaders,
		Port:        in.Port,
	}
}

// TCPSocketActionMask keeps the allowed TCPSocketAction fields.
func TCPSocketActionMask(in *corev1.TCPSocketAction) *corev1.TCPSocketAction {
	if in == nil {
		return nil
	}
	return &corev1.TCPSocketAction{
		Host: in.Host,
		Port: in.Port,
	}
}

// GRPCActionMask keeps the allowed GRPCAction fields.
func GRPCActionMask(in *corev1.GRPCAction) *corev1.GRPCAction {
	if in == nil {
		return nil
	}
	return &corev1.GRPCAction{
		Port:    in.Port,
		Service: in.Service,
	}
}

// ContainerPortMask keeps the allowed ContainerPort fields (no hostIP, hostPort).
func ContainerPortMask(in *corev1.ContainerPort) *corev1.ContainerPort {
	if in == nil {
		return nil
	}
	return &corev1.ContainerPort{
		ContainerPort: in.ContainerPort,
		Name:          in.Name,
		Protocol:      in.Protocol,
	}
}

// EnvVarMask keeps the allowed EnvVar fields.
func EnvVarMask(in *corev1.EnvVar) *corev1.EnvVar {
	if in == nil {
		return nil
	}
	return &corev1.EnvVar{
		Name:      in.Name,
		Value:     in.Value,
		ValueFrom: in.ValueFrom,
	}
}

// EnvVarSourceMask keeps the allowed EnvVarSource fields; fieldRef and
// resourceFieldRef only when fieldRef is true (kubernetes.podspec-fieldref).
func EnvVarSourceMask(in *corev1.EnvVarSource, fieldRef bool) *corev1.EnvVarSource {
	if in == nil {
		return nil
	}
	out := &corev1.EnvVarSource{
		ConfigMapKeyRef: in.ConfigMapKeyRef,
		SecretKeyRef:    in.SecretKeyRef,
	}
	if fieldRef {
		out.FieldRef = in.FieldRef
		out.ResourceFieldRef = in.ResourceFieldRef
	}
	return out
}

// LocalObjectReferenceMask keeps the allowed LocalObjectReference fields.
func LocalObjectReferenceMask(in *corev1.LocalObjectReference) *corev1.LocalObjectReference {
	if in == nil {
		return nil
	}
	return &corev1.LocalObjectReference{Name: in.Name}
}

// ConfigMapKeySelectorMask keeps the allowed ConfigMapKeySelector fields.
func ConfigMapKeySelectorMask(in *corev1.ConfigMapKeySelector) *corev1.ConfigMapKeySelector {
	if in == nil {
		return nil
	}
	return &corev1.ConfigMapKeySelector{
		Key:                  in.Key,
		Optional:             in.Optional,
		LocalObjectReference: in.LocalObjectReference,
	}
}

// SecretKeySelectorMask keeps the allowed SecretKeySelector fields.
func SecretKeySelectorMask(in *corev1.SecretKeySelector) *corev1.SecretKeySelector {
	if in == nil {
		return nil
	}
	return &corev1.SecretKeySelector{
		Key:                  in.Key,
		Optional:             in.Optional,
		LocalObjectReference: in.LocalObjectReference,
	}
}

// ConfigMapEnvSourceMask keeps the allowed ConfigMapEnvSource fields.
func ConfigMapEnvSourceMask(in *corev1.ConfigMapEnvSource) *corev1.ConfigMapEnvSource {
	if in == nil {
		return nil
	}
	return &corev1.ConfigMapEnvSource{
		Optional:             in.Optional,
		LocalObjectReference: in.LocalObjectReference,
	}
}

// SecretEnvSourceMask keeps the allowed SecretEnvSource fields.
func SecretEnvSourceMask(in *corev1.SecretEnvSource) *corev1.SecretEnvSource {
	if in == nil {
		return nil
	}
	return &corev1.SecretEnvSource{
		Optional:             in.Optional,
		LocalObjectReference: in.LocalObjectReference,
	}
}

// EnvFromSourceMask keeps the allowed EnvFromSource fields.
func EnvFromSourceMask(in *corev1.EnvFromSource) *corev1.EnvFromSource {
	if in == nil {
		return nil
	}
	return &corev1.EnvFromSource{
		Prefix:       in.Prefix,
		ConfigMapRef: in.ConfigMapRef,
		SecretRef:    in.SecretRef,
	}
}

// ResourceRequirementsMask keeps limits and requests (no claims).
func ResourceRequirementsMask(in *corev1.ResourceRequirements) *corev1.ResourceRequirements {
	if in == nil {
		return nil
	}
	return &corev1.ResourceRequirements{
		Limits:   in.Limits,
		Requests: in.Requests,
	}
}

// PodSecurityContextMask keeps the allowed PodSecurityContext fields. With
// kubernetes.podspec-securitycontext not Disabled: runAsUser, runAsGroup,
// runAsNonRoot, fsGroup, supplementalGroups and seccompProfile. With only
// secure-pod-defaults Enabled: a seccompProfile of type RuntimeDefault or
// Unconfined, so users can opt out of (or restate) the secure default.
func PodSecurityContextMask(ctx context.Context, in *corev1.PodSecurityContext) *corev1.PodSecurityContext {
	if in == nil {
		return nil
	}
	features := config.FromContextOrDefaults(ctx).Features
	out := &corev1.PodSecurityContext{}

	if features.SecurePodDefaults == config.Enabled && in.SeccompProfile != nil {
		// Mirrors RevisionSpec.defaultSecurityContext in serving/v1.
		switch t := in.SeccompProfile.Type; t {
		case corev1.SeccompProfileTypeRuntimeDefault, corev1.SeccompProfileTypeUnconfined:
			out.SeccompProfile = &corev1.SeccompProfile{Type: t}
		}
	}

	if features.PodSpecSecurityContext == config.Disabled {
		return out
	}

	out.RunAsUser = in.RunAsUser
	out.RunAsGroup = in.RunAsGroup
	out.RunAsNonRoot = in.RunAsNonRoot
	out.FSGroup = in.FSGroup
	out.SupplementalGroups = in.SupplementalGroups
	out.SeccompProfile = in.SeccompProfile
	return out
}

// SecurityContextMask keeps the allowed container SecurityContext fields.
// privileged may only be set to false; seLinuxOptions and procMount are
// never allowed.
func SecurityContextMask(_ context.Context, in *corev1.SecurityContext) *corev1.SecurityContext {
	if in == nil {
		return nil
	}
	out := &corev1.SecurityContext{
		Capabilities:           in.Capabilities,
		ReadOnlyRootFilesystem: in.ReadOnlyRootFilesystem,
		RunAsUser:              in.RunAsUser,
		RunAsGroup:             in.RunAsGroup,
		// Unset behaves like false; setting it to true must be possible.
		RunAsNonRoot: in.RunAsNonRoot,
		// Unset can behave like true; setting it to false must be possible.
		AllowPrivilegeEscalation: in.AllowPrivilegeEscalation,
		SeccompProfile:           in.SeccompProfile,
	}
	if in.Privileged != nil && !*in.Privileged {
		out.Privileged = in.Privileged
	}
	return out
}

// CapabilitiesMask keeps capabilities.drop always, and capabilities.add when
// kubernetes.containerspec-addcapabilities is Enabled, or, with
// secure-pod-defaults Enabled, when it is exactly [NET_BIND_SERVICE].
func CapabilitiesMask(ctx context.Context, in *corev1.Capabilities) *corev1.Capabilities {
	if in == nil {
		return nil
	}
	features := config.FromContextOrDefaults(ctx).Features
	out := &corev1.Capabilities{Drop: in.Drop}

	switch {
	case features.ContainerSpecAddCapabilities == config.Enabled:
		out.Add = in.Add
	case features.SecurePodDefaults == config.Enabled:
		if len(in.Add) == 1 && in.Add[0] == "NET_BIND_SERVICE" {
			out.Add = in.Add
		}
	}
	return out
}

// NamespacedObjectReferenceMask keeps apiVersion, kind and name of an
// ObjectReference: the referent must live in the referrer's namespace.
func NamespacedObjectReferenceMask(in *corev1.ObjectReference) *corev1.ObjectReference {
	if in == nil {
		return nil
	}
	return &corev1.ObjectReference{
		APIVersion: in.APIVersion,
		Kind:       in.Kind,
		Name:       in.Name,
	}
}
