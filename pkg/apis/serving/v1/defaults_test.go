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
	"testing"

	"github.com/google/go-cmp/cmp"
	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// withConfig returns a context whose config is the defaults changed by f.
func withConfig(f func(*config.Config)) context.Context {
	cfg := config.FromContextOrDefaults(context.Background())
	f(cfg)
	return config.ToContext(context.Background(), cfg)
}

// defaultProbe is the readiness probe a serving container gets by default.
func defaultProbe() *corev1.Probe {
	return &corev1.Probe{
		SuccessThreshold: 1,
		ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{}},
	}
}

var emptyResources = corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}

func TestRevisionDefaulting(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		in   *Revision
		want *Revision
	}{{
		name: "empty",
		in:   &Revision{},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:              ptr.Int64(config.DefaultRevisionTimeoutSeconds),
			ContainerConcurrency:        ptr.Int64(config.DefaultContainerConcurrency),
			ResponseStartTimeoutSeconds: nil, // equal to the timeout, so not set
		}},
	}, {
		name: "one container",
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{
			Containers: []corev1.Container{{Image: "busybox"}},
		}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:           config.DefaultUserContainerName,
				Image:          "busybox",
				Resources:      emptyResources,
				ReadinessProbe: defaultProbe(),
			}}},
		}},
	}, {
		name: "values set by the user are kept",
		in: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:              ptr.Int64(99),
			ContainerConcurrency:        ptr.Int64(7),
			ResponseStartTimeoutSeconds: ptr.Int64(11),
			IdleTimeoutSeconds:          ptr.Int64(12),
			PodSpec: corev1.PodSpec{
				EnableServiceLinks: ptr.Bool(true),
				Containers: []corev1.Container{{
					Name:  "mine",
					Image: "busybox",
					ReadinessProbe: &corev1.Probe{
						ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz"}},
						SuccessThreshold: 2,
					},
				}},
			},
		}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:              ptr.Int64(99),
			ContainerConcurrency:        ptr.Int64(7),
			ResponseStartTimeoutSeconds: ptr.Int64(11),
			IdleTimeoutSeconds:          ptr.Int64(12),
			PodSpec: corev1.PodSpec{
				EnableServiceLinks: ptr.Bool(true),
				Containers: []corev1.Container{{
					Name:      "mine",
					Image:     "busybox",
					Resources: emptyResources,
					ReadinessProbe: &corev1.Probe{
						ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz"}},
						SuccessThreshold: 2,
					},
				}},
			},
		}},
	}, {
		name: "timeout 0 means the default",
		in:   &Revision{Spec: RevisionSpec{TimeoutSeconds: ptr.Int64(0)}},
		want: &Revision{Spec: RevisionSpec{TimeoutSeconds: ptr.Int64(300), ContainerConcurrency: ptr.Int64(0)}},
	}, {
		name: "timeouts and concurrency from config-defaults",
		ctx: withConfig(func(c *config.Config) {
			c.Defaults.RevisionTimeoutSeconds = 120
			c.Defaults.RevisionResponseStartTimeoutSeconds = 60
			c.Defaults.RevisionIdleTimeoutSeconds = 30
			c.Defaults.ContainerConcurrency = 10
		}),
		in: &Revision{},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:              ptr.Int64(120),
			ResponseStartTimeoutSeconds: ptr.Int64(60),
			IdleTimeoutSeconds:          ptr.Int64(30),
			ContainerConcurrency:        ptr.Int64(10),
		}},
	}, {
		name: "idle and response start defaults not below the revision timeout are skipped",
		ctx: withConfig(func(c *config.Config) {
			c.Defaults.RevisionResponseStartTimeoutSeconds = 60
			c.Defaults.RevisionIdleTimeoutSeconds = 90
		}),
		in: &Revision{Spec: RevisionSpec{TimeoutSeconds: ptr.Int64(60)}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(60),
			ContainerConcurrency: ptr.Int64(0),
		}},
	}, {
		name: "resources from config-defaults, user values win",
		ctx: withConfig(func(c *config.Config) {
			c.Defaults.RevisionCPURequest = resource.NewMilliQuantity(100, resource.DecimalSI)
			c.Defaults.RevisionCPULimit = resource.NewMilliQuantity(1000, resource.DecimalSI)
			c.Defaults.RevisionMemoryRequest = resource.NewQuantity(1<<20, resource.BinarySI)
			c.Defaults.RevisionEphemeralStorageLimit = resource.NewQuantity(1<<30, resource.BinarySI)
		}),
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "c",
			Image: "busybox",
			Resources: corev1.ResourceRequirements{
				Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
			},
		}}}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:  "c",
				Image: "busybox",
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{
						corev1.ResourceCPU:    *resource.NewMilliQuantity(100, resource.DecimalSI),
						corev1.ResourceMemory: *resource.NewQuantity(1<<20, resource.BinarySI),
					},
					Limits: corev1.ResourceList{
						corev1.ResourceCPU:              resource.MustParse("2"),
						corev1.ResourceEphemeralStorage: *resource.NewQuantity(1<<30, resource.BinarySI),
					},
				},
				ReadinessProbe: defaultProbe(),
			}}},
		}},
	}, {
		name: "readiness probe with a period gets kubernetes defaults",
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "c",
			Image: "busybox",
			ReadinessProbe: &corev1.Probe{
				PeriodSeconds: 5,
				ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
			},
		}}}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:      "c",
				Image:     "busybox",
				Resources: emptyResources,
				ReadinessProbe: &corev1.Probe{
					PeriodSeconds:    5,
					SuccessThreshold: 1,
					FailureThreshold: 3,
					TimeoutSeconds:   1,
					ProbeHandler:     corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
				},
			}}},
		}},
	}, {
		name: "grpc probes get an empty service",
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:           "c",
			Image:          "busybox",
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080}}},
			LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080}}},
			StartupProbe:   &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080, Service: ptr.String("s")}}},
		}}}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:      "c",
				Image:     "busybox",
				Resources: emptyResources,
				ReadinessProbe: &corev1.Probe{
					SuccessThreshold: 1,
					ProbeHandler:     corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080, Service: ptr.String("")}},
				},
				LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080, Service: ptr.String("")}}},
				StartupProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080, Service: ptr.String("s")}}},
			}}},
		}},
	}, {
		name: "multiple containers: numbered names, probe only on the serving one",
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{
			{Image: "sidecar"},
			{Image: "serving", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "user-container-1", Image: "named"},
		}}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:      "user-container-0",
				Image:     "sidecar",
				Resources: emptyResources,
			}, {
				// -1 is taken by the user's container.
				Name:           "user-container-2",
				Image:          "serving",
				Ports:          []corev1.ContainerPort{{ContainerPort: 8888}},
				Resources:      emptyResources,
				ReadinessProbe: defaultProbe(),
			}, {
				Name:      "user-container-1",
				Image:     "named",
				Resources: emptyResources,
			}}},
		}},
	}, {
		name: "single container whose default name is taken by an init container",
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "user-container", Image: "init"}, {Image: "init2"}},
			Containers:     []corev1.Container{{Image: "busybox"}},
		}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "user-container", Image: "init"}, {Name: "init-container-0", Image: "init2"}},
				Containers: []corev1.Container{{
					Name:           "user-container-0",
					Image:          "busybox",
					Resources:      emptyResources,
					ReadinessProbe: defaultProbe(),
				}},
			},
		}},
	}, {
		name: "volume mounts of read-only volumes become read-only",
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{
			Volumes: []corev1.Volume{
				{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{}}},
				{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				{Name: "claim", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{}}},
			},
			Containers: []corev1.Container{{
				Name:  "c",
				Image: "busybox",
				VolumeMounts: []corev1.VolumeMount{
					{Name: "secret", MountPath: "/s"},
					{Name: "scratch", MountPath: "/tmp"},
					{Name: "claim", MountPath: "/data"},
				},
			}},
		}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{
				Volumes: []corev1.Volume{
					{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{}}},
					{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					{Name: "claim", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{}}},
				},
				Containers: []corev1.Container{{
					Name:      "c",
					Image:     "busybox",
					Resources: emptyResources,
					VolumeMounts: []corev1.VolumeMount{
						{Name: "secret", MountPath: "/s", ReadOnly: true},
						{Name: "scratch", MountPath: "/tmp"},
						{Name: "claim", MountPath: "/data"},
					},
					ReadinessProbe: defaultProbe(),
				}},
			},
		}},
	}, {
		name: "enableServiceLinks from config-defaults on create",
		ctx: apis.WithinCreate(withConfig(func(c *config.Config) {
			c.Defaults.EnableServiceLinks = ptr.Bool(true)
		})),
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{
				EnableServiceLinks: ptr.Bool(true),
				Containers: []corev1.Container{{
					Name:           "c",
					Image:          "busybox",
					Resources:      emptyResources,
					ReadinessProbe: defaultProbe(),
				}},
			},
		}},
	}, {
		name: "no defaulting on update: the spec is immutable",
		ctx:  apis.WithinUpdate(context.Background(), &Revision{}),
		in:   &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox"}}}}},
		want: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox"}}}}},
	}, {
		name: "container name template uses the parent",
		ctx: apis.WithinParent(withConfig(func(c *config.Config) {
			var err error
			c.Defaults, err = config.NewDefaultsConfigFromMap(map[string]string{"container-name-template": "{{.Name}}-app"})
			if err != nil {
				panic(err)
			}
		}), metav1.ObjectMeta{Name: "parent"}),
		in: &Revision{Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox"}}}}},
		want: &Revision{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
				Name:           "parent-app",
				Image:          "busybox",
				Resources:      emptyResources,
				ReadinessProbe: defaultProbe(),
			}}},
		}},
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := test.in.DeepCopy()
			got.SetDefaults(ctx)
			if diff := cmp.Diff(test.want, got); diff != "" {
				t.Errorf("SetDefaults (-want, +got):\n%s", diff)
			}
		})
	}
}

func TestRevisionSecurePodDefaults(t *testing.T) {
	ctx := withConfig(func(c *config.Config) { c.Features.SecurePodDefaults = config.Enabled })
	tests := []struct {
		name string
		psc  *corev1.PodSecurityContext
		c    corev1.Container
		want *corev1.SecurityContext
	}{{
		name: "nothing set",
		c:    corev1.Container{Name: "c", Image: "busybox"},
		want: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.Bool(false),
			RunAsNonRoot:             ptr.Bool(true),
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}, {
		name: "low port keeps NET_BIND_SERVICE",
		c:    corev1.Container{Name: "c", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 80}}},
		want: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.Bool(false),
			RunAsNonRoot:             ptr.Bool(true),
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			Capabilities: &corev1.Capabilities{
				Drop: []corev1.Capability{"ALL"},
				Add:  []corev1.Capability{"NET_BIND_SERVICE"},
			},
		},
	}, {
		name: "pod level settings are respected",
		psc: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.Bool(false),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined},
		},
		c: corev1.Container{Name: "c", Image: "busybox"},
		want: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.Bool(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}, {
		name: "user settings are kept",
		c: corev1.Container{Name: "c", Image: "busybox", SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.Bool(true),
			RunAsNonRoot:             ptr.Bool(false),
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.String("p")},
			Capabilities:             &corev1.Capabilities{},
		}},
		want: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.Bool(true),
			// Set only when the pod does not decide.
			RunAsNonRoot:   ptr.Bool(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.String("p")},
			Capabilities:   &corev1.Capabilities{},
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			rs := &RevisionSpec{PodSpec: corev1.PodSpec{
				SecurityContext: test.psc,
				Containers:      []corev1.Container{test.c},
				InitContainers:  []corev1.Container{{Name: "init", Image: "busybox"}},
			}}
			rs.SetDefaults(ctx)
			if diff := cmp.Diff(test.want, rs.Containers[0].SecurityContext); diff != "" {
				t.Errorf("container securityContext (-want, +got):\n%s", diff)
			}
			if rs.InitContainers[0].SecurityContext == nil {
				t.Error("init container got no securityContext")
			}
		})
	}

	// Without the feature nothing is touched.
	rs := &RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox"}}}}
	rs.SetDefaults(context.Background())
	if rs.Containers[0].SecurityContext != nil {
		t.Errorf("securityContext = %v without secure-pod-defaults", rs.Containers[0].SecurityContext)
	}
}

func TestConfigurationDefaulting(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		in   *Configuration
		want *Configuration
	}{{
		name: "empty",
		in:   &Configuration{},
		want: &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{
			TimeoutSeconds:       ptr.Int64(300),
			ContainerConcurrency: ptr.Int64(0),
		}}}},
	}, {
		name: "template is defaulted with the parent's name",
		ctx: withConfig(func(c *config.Config) {
			c.Defaults, _ = config.NewDefaultsConfigFromMap(map[string]string{"container-name-template": "{{.Name}}"})
		}),
		in: &Configuration{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg"},
			Spec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{PodSpec: corev1.PodSpec{
				Containers: []corev1.Container{{Image: "busybox"}},
			}}}},
		},
		want: &Configuration{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg"},
			Spec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{
				TimeoutSeconds:       ptr.Int64(300),
				ContainerConcurrency: ptr.Int64(0),
				PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:           "cfg",
					Image:          "busybox",
					Resources:      emptyResources,
					ReadinessProbe: defaultProbe(),
				}}},
			}}},
		},
	}, {
		name: "keeping a BYO revision name skips defaulting",
		ctx: apis.WithinUpdate(context.Background(), &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg-byo"},
		}}}),
		in: &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg-byo"},
		}}},
		want: &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg-byo"},
		}}},
	}, {
		name: "changing a BYO revision name defaults",
		ctx: apis.WithinUpdate(context.Background(), &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg-byo"},
		}}}),
		in: &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg-byo-2"},
		}}},
		want: &Configuration{Spec: ConfigurationSpec{Template: RevisionTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg-byo-2"},
			Spec:       RevisionSpec{TimeoutSeconds: ptr.Int64(300), ContainerConcurrency: ptr.Int64(0)},
		}}},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := test.in.DeepCopy()
			got.SetDefaults(ctx)
			if diff := cmp.Diff(test.want, got); diff != "" {
				t.Errorf("SetDefaults (-want, +got):\n%s", diff)
			}
		})
	}
}

func TestRouteDefaulting(t *testing.T) {
	tests := []struct {
		name string
		in   *Route
		want *Route
	}{{
		name: "empty stays empty",
		in:   &Route{},
		want: &Route{},
	}, {
		name: "targets get latestRevision and percent",
		in: &Route{Spec: RouteSpec{Traffic: []TrafficTarget{
			{ConfigurationName: "cfg", Percent: ptr.Int64(90)},
			{RevisionName: "rev"},
			{RevisionName: "rev2", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(10)},
		}}},
		want: &Route{Spec: RouteSpec{Traffic: []TrafficTarget{
			{ConfigurationName: "cfg", Percent: ptr.Int64(90), LatestRevision: ptr.Bool(true)},
			{RevisionName: "rev", Percent: ptr.Int64(0), LatestRevision: ptr.Bool(false)},
			// Validation, not defaulting, rejects this one.
			{RevisionName: "rev2", LatestRevision: ptr.Bool(true), Percent: ptr.Int64(10)},
		}}},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := test.in.DeepCopy()
			got.SetDefaults(context.Background())
			if diff := cmp.Diff(test.want, got); diff != "" {
				t.Errorf("SetDefaults (-want, +got):\n%s", diff)
			}
		})
	}
}

func TestServiceDefaulting(t *testing.T) {
	tests := []struct {
		name string
		in   *Service
		want *Service
	}{{
		name: "run latest",
		in: &Service{Spec: ServiceSpec{ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{
			Spec: RevisionSpec{PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "busybox"}}}},
		}}}},
		want: &Service{Spec: ServiceSpec{
			ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{
				TimeoutSeconds:       ptr.Int64(300),
				ContainerConcurrency: ptr.Int64(0),
				PodSpec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:           "user-container",
					Image:          "busybox",
					Resources:      emptyResources,
					ReadinessProbe: defaultProbe(),
				}}},
			}}},
			RouteSpec: RouteSpec{Traffic: []TrafficTarget{{Percent: ptr.Int64(100), LatestRevision: ptr.Bool(true)}}},
		}},
	}, {
		name: "explicit traffic is defaulted, not replaced",
		in: &Service{Spec: ServiceSpec{RouteSpec: RouteSpec{Traffic: []TrafficTarget{
			{RevisionName: "svc-00001", Percent: ptr.Int64(50)},
			{Percent: ptr.Int64(50), Tag: "latest"},
		}}}},
		want: &Service{Spec: ServiceSpec{
			ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{
				TimeoutSeconds:       ptr.Int64(300),
				ContainerConcurrency: ptr.Int64(0),
			}}},
			RouteSpec: RouteSpec{Traffic: []TrafficTarget{
				{RevisionName: "svc-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false)},
				{Percent: ptr.Int64(50), Tag: "latest", LatestRevision: ptr.Bool(true)},
			}},
		}},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got := test.in.DeepCopy()
			got.SetDefaults(context.Background())
			if diff := cmp.Diff(test.want, got); diff != "" {
				t.Errorf("SetDefaults (-want, +got):\n%s", diff)
			}
		})
	}
}

// TestUserInfoAnnotations checks the creator/lastModifier annotations of
// each kind that carries them: set on create, lastModifier moved on a spec
// change, untouched when the spec does not change, and skipped for
// Service-owned Configurations and Routes.
func TestUserInfoAnnotations(t *testing.T) {
	const u1, u2 = "alice@example.com", "bob@example.com"
	withUser := func(ctx context.Context, u string) context.Context {
		return apis.WithUserInfo(ctx, &authv1.UserInfo{Username: u})
	}
	created := map[string]string{serving.CreatorAnnotation: u1, serving.UpdaterAnnotation: u1}
	modified := map[string]string{serving.CreatorAnnotation: u1, serving.UpdaterAnnotation: u2}
	owner := []metav1.OwnerReference{{Kind: "Service", Name: "svc"}}

	type object interface {
		apis.Defaultable
		GetAnnotations() map[string]string
	}
	// Builders copy annos: defaulting writes into the object's map.
	copyOf := func(m map[string]string) map[string]string {
		if m == nil {
			return nil
		}
		c := make(map[string]string, len(m))
		for k, v := range m {
			c[k] = v
		}
		return c
	}
	svc := func(img string, annos map[string]string) *Service {
		return &Service{
			ObjectMeta: metav1.ObjectMeta{Name: "svc", Annotations: copyOf(annos)},
			Spec: ServiceSpec{ConfigurationSpec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{
				PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: img}}},
			}}}},
		}
	}
	cfg := func(img string, annos map[string]string, owners []metav1.OwnerReference) *Configuration {
		return &Configuration{
			ObjectMeta: metav1.ObjectMeta{Name: "cfg", Annotations: copyOf(annos), OwnerReferences: owners},
			Spec: ConfigurationSpec{Template: RevisionTemplateSpec{Spec: RevisionSpec{
				PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: img}}},
			}}},
		}
	}
	route := func(rev string, annos map[string]string, owners []metav1.OwnerReference) *Route {
		return &Route{
			ObjectMeta: metav1.ObjectMeta{Name: "route", Annotations: copyOf(annos), OwnerReferences: owners},
			Spec:       RouteSpec{Traffic: []TrafficTarget{{RevisionName: rev, Percent: ptr.Int64(100)}}},
		}
	}
	// Baselines are defaulted, as the webhook sees them on update.
	defaulted := func(o object) object { o.SetDefaults(context.Background()); return o }

	tests := []struct {
		name string
		ctx  context.Context
		obj  object
		want map[string]string
	}{
		{"service create", withUser(context.Background(), u1), svc("a", nil), created},
		{"service update", withUser(apis.WithinUpdate(context.Background(), defaulted(svc("a", created))), u2), svc("b", created), modified},
		{"service no-op update", withUser(apis.WithinUpdate(context.Background(), defaulted(svc("a", created))), u2), svc("a", created), created},
		{"configuration create", withUser(context.Background(), u1), cfg("a", nil, nil), created},
		{"configuration update", withUser(apis.WithinUpdate(context.Background(), defaulted(cfg("a", created, nil))), u2), cfg("b", created, nil), modified},
		{"configuration owned by a service", withUser(context.Background(), u1), cfg("a", nil, owner), nil},
		{"route create", withUser(context.Background(), u1), route("r1", nil, nil), created},
		{"route update", withUser(apis.WithinUpdate(context.Background(), defaulted(route("r1", created, nil))), u2), route("r2", created, nil), modified},
		{"route no-op update", withUser(apis.WithinUpdate(context.Background(), defaulted(route("r1", created, nil))), u2), route("r1", created, nil), created},
		{"route owned by a service", withUser(context.Background(), u1), route("r1", nil, owner), nil},
		{"no user", context.Background(), svc("a", nil), nil},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			test.obj.SetDefaults(test.ctx)
			if diff := cmp.Diff(test.want, test.obj.GetAnnotations()); diff != "" {
				t.Errorf("annotations (-want, +got):\n%s", diff)
			}
		})
	}
}
