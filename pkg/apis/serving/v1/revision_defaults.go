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

package v1

import (
	"context"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/config"
)

// SetDefaults implements apis.Defaultable.
func (r *Revision) SetDefaults(ctx context.Context) {
	// The revision spec is immutable, and defaulting on update could change
	// it (e.g. after a config-defaults change); see knative/serving#8128.
	if apis.IsInUpdate(ctx) {
		return
	}
	r.Spec.SetDefaults(apis.WithinSpec(ctx))
}

// SetDefaults implements apis.Defaultable.
func (rts *RevisionTemplateSpec) SetDefaults(ctx context.Context) {
	rts.Spec.SetDefaults(apis.WithinSpec(ctx))
}

// SetDefaults implements apis.Defaultable. Values come from config-defaults
// and config-features in ctx (config.FromContextOrDefaults).
func (rs *RevisionSpec) SetDefaults(ctx context.Context) {
	cfg := config.FromContextOrDefaults(ctx)

	if rs.TimeoutSeconds == nil || *rs.TimeoutSeconds == 0 {
		rs.TimeoutSeconds = ptr.Int64(cfg.Defaults.RevisionTimeoutSeconds)
	}

	// The idle and response-start timeouts are defaulted only to a non-zero
	// value below the revision timeout: zero (or nil) means queue-proxy sets
	// up no timer at all.
	if rs.IdleTimeoutSeconds == nil {
		if d := cfg.Defaults.RevisionIdleTimeoutSeconds; d != 0 && d < *rs.TimeoutSeconds {
			rs.IdleTimeoutSeconds = ptr.Int64(d)
		}
	}
	if rs.ResponseStartTimeoutSeconds == nil {
		if d := cfg.Defaults.RevisionResponseStartTimeoutSeconds; d != 0 && d < *rs.TimeoutSeconds {
			rs.ResponseStartTimeoutSeconds = ptr.Int64(d)
		}
	}

	if rs.ContainerConcurrency == nil {
		rs.ContainerConcurrency = ptr.Int64(cfg.Defaults.ContainerConcurrency)
	}

	// Generated names must not clash with the ones users chose.
	containerNames := make(sets.Set[string], len(rs.PodSpec.Containers)+len(rs.PodSpec.InitContainers))
	for idx := range rs.PodSpec.Containers {
		containerNames.Insert(rs.PodSpec.Containers[idx].Name)
	}
	for idx := range rs.PodSpec.InitContainers {
		containerNames.Insert(rs.PodSpec.InitContainers[idx].Name)
	}
	applyDefaultContainerNames(rs.PodSpec.Containers, containerNames, cfg.Defaults.UserContainerName(ctx))
	applyDefaultContainerNames(rs.PodSpec.InitContainers, containerNames, cfg.Defaults.InitContainerName(ctx))

	for idx := range rs.PodSpec.Containers {
		rs.applyDefault(ctx, &rs.PodSpec.Containers[idx], cfg)
		rs.defaultSecurityContext(rs.PodSpec.SecurityContext, &rs.PodSpec.Containers[idx], cfg)
	}
	for idx := range rs.PodSpec.InitContainers {
		rs.defaultSecurityContext(rs.PodSpec.SecurityContext, &rs.PodSpec.InitContainers[idx], cfg)
	}
}

func (rs *RevisionSpec) applyDefault(ctx context.Context, container *corev1.Container, cfg *config.Config) {
	if container.Resources.Requests == nil {
		container.Resources.Requests = corev1.ResourceList{}
	}
	if container.Resources.Limits == nil {
		container.Resources.Limits = corev1.ResourceList{}
	}
	for _, r := range []struct {
		Name    corev1.ResourceName
		Request *resource.Quantity
		Limit   *resource.Quantity
	}{{
		Name:    corev1.ResourceCPU,
		Request: cfg.Defaults.RevisionCPURequest,
		Limit:   cfg.Defaults.RevisionCPULimit,
	}, {
		Name:    corev1.ResourceMemory,
		Request: cfg.Defaults.RevisionMemoryRequest,
		Limit:   cfg.Defaults.RevisionMemoryLimit,
	}, {
		Name:    corev1.ResourceEphemeralStorage,
		Request: cfg.Defaults.RevisionEphemeralStorageRequest,
		Limit:   cfg.Defaults.RevisionEphemeralStorageLimit,
	}} {
		if _, ok := container.Resources.Requests[r.Name]; !ok && r.Request != nil {
			container.Resources.Requests[r.Name] = *r.Request
		}
		if _, ok := container.Resources.Limits[r.Name]; !ok && r.Limit != nil {
			container.Resources.Limits[r.Name] = *r.Limit
		}
	}

	// Only the serving container (the only one, or the one with a port)
	// gets the default readiness probe; sidecars need none.
	if len(rs.PodSpec.Containers) == 1 || len(container.Ports) != 0 {
		rs.applyUserContainerDefaultReadinessProbe(container)
	}
	rs.applyReadinessProbeDefaults(container)
	rs.applyGRPCProbeDefaults(container)

	if rs.PodSpec.EnableServiceLinks == nil && apis.IsInCreate(ctx) {
		rs.PodSpec.EnableServiceLinks = cfg.Defaults.EnableServiceLinks
	}

	// Mounts of volumes that cannot be written to are made read-only.
	writable := make(sets.Set[string])
	for _, v := range rs.PodSpec.Volumes {
		if v.EmptyDir != nil || v.PersistentVolumeClaim != nil {
			writable.Insert(v.Name)
		}
	}
	for i := range container.VolumeMounts {
		if !writable.Has(container.VolumeMounts[i].Name) {
			container.VolumeMounts[i].ReadOnly = true
		}
	}
}

// applyUserContainerDefaultReadinessProbe gives the serving container a TCP
// probe (on the serving port, filled in by the reconciler) if it has none.
func (*RevisionSpec) applyUserContainerDefaultReadinessProbe(container *corev1.Container) {
	if container.ReadinessProbe == nil {
		container.ReadinessProbe = &corev1.Probe{}
	}
	p := container.ReadinessProbe
	if p.TCPSocket == nil && p.HTTPGet == nil && p.Exec == nil && p.GRPC == nil {
		p.TCPSocket = &corev1.TCPSocketAction{}
	}
}

func (*RevisionSpec) applyReadinessProbeDefaults(container *corev1.Container) {
	p := container.ReadinessProbe
	if p == nil {
		// Sidecars may go without a readiness probe; leave them be.
		return
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	// periodSeconds 0 selects Knative's aggressive probing, which has no
	// failureThreshold or timeout; otherwise apply Kubernetes' defaults.
	if p.PeriodSeconds != 0 {
		if p.FailureThreshold == 0 {
			p.FailureThreshold = 3
		}
		if p.TimeoutSeconds == 0 {
			p.TimeoutSeconds = 1
		}
	}
}

func (*RevisionSpec) applyGRPCProbeDefaults(container *corev1.Container) {
	for _, p := range []*corev1.Probe{container.ReadinessProbe, container.LivenessProbe, container.StartupProbe} {
		if p != nil && p.GRPC != nil && p.GRPC.Service == nil {
			p.GRPC.Service = ptr.String("")
		}
	}
}

// defaultSecurityContext moves the container (with the pod-level context
// psc) to the "restricted" profile's settings when secure-pod-defaults is
// Enabled. runAsNonRoot is set only when the pod level leaves it unset.
func (rs *RevisionSpec) defaultSecurityContext(psc *corev1.PodSecurityContext, container *corev1.Container, cfg *config.Config) {
	if cfg.Features.SecurePodDefaults != config.Enabled {
		return
	}
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}

	updatedSC := container.SecurityContext
	if updatedSC == nil {
		updatedSC = &corev1.SecurityContext{}
	}

	if updatedSC.AllowPrivilegeEscalation == nil {
		updatedSC.AllowPrivilegeEscalation = ptr.Bool(false)
	}
	if psc.SeccompProfile == nil || psc.SeccompProfile.Type == "" {
		if updatedSC.SeccompProfile == nil {
			updatedSC.SeccompProfile = &corev1.SeccompProfile{}
		}
		if updatedSC.SeccompProfile.Type == "" {
			updatedSC.SeccompProfile.Type = corev1.SeccompProfileTypeRuntimeDefault
		}
	}
	if updatedSC.Capabilities == nil {
		updatedSC.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
		// Keep binding to low ports possible for containers that serve on one.
		for _, p := range container.Ports {
			if p.ContainerPort < 1024 {
				updatedSC.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
				break
			}
		}
	}
	if psc.RunAsNonRoot == nil {
		updatedSC.RunAsNonRoot = ptr.Bool(true)
	}

	if *updatedSC != (corev1.SecurityContext{}) {
		container.SecurityContext = updatedSC
	}
}

// applyDefaultContainerNames names unnamed containers defaultContainerName;
// with several containers, or when that name is taken, a numeric suffix
// ("-0", "-1", ...) is added, skipping names already in use.
func applyDefaultContainerNames(containers []corev1.Container, containerNames sets.Set[string], defaultContainerName string) {
	nextSuffix := 0
	for idx := range containers {
		if containers[idx].Name != "" {
			continue
		}
		name := defaultContainerName
		if len(containers) > 1 || containerNames.Has(name) {
			for {
				name = kmeta.ChildName(defaultContainerName, "-"+strconv.Itoa(nextSuffix))
				nextSuffix++
				if !containerNames.Has(name) {
					break
				}
			}
		}
		containers[idx].Name = name
	}
}
