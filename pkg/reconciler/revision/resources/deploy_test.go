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

package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/deployment"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
)

func makeDeployment(t *testing.T, rev *v1.Revision, cfg *config.Config) *appsv1.Deployment {
	t.Helper()
	d, err := MakeDeployment(rev, cfg)
	if err != nil {
		t.Fatal("MakeDeployment() =", err)
	}
	return d
}

func containerNamed(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	for _, c := range spec.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %q in %v", name, spec.Containers)
	return corev1.Container{}
}

func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func TestMakeDeploymentShape(t *testing.T) {
	rev := testRevision(func(r *v1.Revision) {
		r.Labels[serving.RoutingStateLabelKey] = "active"
		r.Labels[serving.RouteLabelKey] = "route"
		r.Annotations[serving.RoutesAnnotationKey] = "route"
		r.Annotations[serving.RoutingStateModifiedAnnotationKey] = "now"
	})
	d := makeDeployment(t, rev, testConfig(t))

	if d.Name != "bar-deployment" || d.Namespace != "foo" {
		t.Errorf("name = %s/%s, want foo/bar-deployment", d.Namespace, d.Name)
	}
	wantLabels := map[string]string{
		serving.ConfigurationLabelKey: "cfg",
		serving.ServiceLabelKey:       "svc",
		serving.RevisionLabelKey:      "bar",
		serving.RevisionUID:           "1234",
		AppLabelKey:                   "bar",
	}
	if diff := cmp.Diff(wantLabels, d.Labels); diff != "" {
		t.Error("labels (-want,+got), routing labels must not be copied:", diff)
	}
	if diff := cmp.Diff(wantLabels, d.Spec.Template.Labels); diff != "" {
		t.Error("pod labels (-want,+got):", diff)
	}
	if diff := cmp.Diff(map[string]string{"a": "b"}, d.Annotations); diff != "" {
		t.Error("annotations (-want,+got), routing annotations must not be copied:", diff)
	}
	if diff := cmp.Diff(map[string]string{"a": "b", DefaultContainerAnnotationName: "user-container"}, d.Spec.Template.Annotations); diff != "" {
		t.Error("pod annotations (-want,+got):", diff)
	}
	if len(d.OwnerReferences) != 1 || d.OwnerReferences[0].Kind != "Revision" || d.OwnerReferences[0].Name != "bar" ||
		!ptr.BoolValue(d.OwnerReferences[0].Controller) {
		t.Errorf("owner references = %v, want the revision as controller", d.OwnerReferences)
	}
	if diff := cmp.Diff(&metav1.LabelSelector{MatchLabels: map[string]string{serving.RevisionUID: "1234"}}, d.Spec.Selector); diff != "" {
		t.Error("selector (-want,+got):", diff)
	}
	maxUnavailable := intstr.FromInt(0)
	if diff := cmp.Diff(appsv1.DeploymentStrategy{
		Type:          appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &maxUnavailable},
	}, d.Spec.Strategy); diff != "" {
		t.Error("strategy (-want,+got):", diff)
	}
	if got := ptr.Int32Value(d.Spec.Replicas); got != 1 {
		t.Errorf("replicas = %d, want initial scale 1", got)
	}
	if got := ptr.Int32Value(d.Spec.ProgressDeadlineSeconds); got != 600 {
		t.Errorf("progressDeadlineSeconds = %d, want 600", got)
	}
	if got := ptr.Int32Value(d.Spec.RevisionHistoryLimit); got != 0 {
		t.Errorf("revisionHistoryLimit = %d, want 0", got)
	}

	pod := d.Spec.Template.Spec
	if got := ptr.Int64Value(pod.TerminationGracePeriodSeconds); got != 300 {
		t.Errorf("terminationGracePeriodSeconds = %d, want the revision timeout 300", got)
	}
	if pod.EnableServiceLinks == nil || *pod.EnableServiceLinks {
		t.Errorf("enableServiceLinks = %v, want false", pod.EnableServiceLinks)
	}
	if len(pod.Containers) != 2 || pod.Containers[0].Name != "user-container" || pod.Containers[1].Name != QueueContainerName {
		t.Fatalf("containers = %v, want user-container then queue-proxy", pod.Containers)
	}
	if diff := cmp.Diff(&corev1.Affinity{PodAntiAffinity: makePreferSpreadRevisionOverNodes("bar")}, pod.Affinity); diff != "" {
		t.Error("affinity (-want,+got):", diff)
	}

	user := pod.Containers[0]
	if diff := cmp.Diff([]corev1.ContainerPort{{Name: "user-port", ContainerPort: 8080}}, user.Ports); diff != "" {
		t.Error("user ports (-want,+got):", diff)
	}
	if diff := cmp.Diff([]corev1.EnvVar{
		{Name: "PORT", Value: "8080"},
		{Name: "K_REVISION", Value: "bar"},
		{Name: "K_CONFIGURATION", Value: "cfg"},
		{Name: "K_SERVICE", Value: "svc"},
	}, user.Env); diff != "" {
		t.Error("user env (-want,+got):", diff)
	}
	if diff := cmp.Diff(&corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{
		Port: intstr.FromInt(8022), Path: "/wait-for-drain",
	}}}, user.Lifecycle); diff != "" {
		t.Error("user lifecycle (-want,+got):", diff)
	}
	if user.ReadinessProbe != nil {
		t.Errorf("user readiness probe = %v, want it moved to queue-proxy", user.ReadinessProbe)
	}
	if user.TerminationMessagePolicy != corev1.TerminationMessageFallbackToLogsOnError {
		t.Errorf("terminationMessagePolicy = %q", user.TerminationMessagePolicy)
	}
}

func TestMakeDeploymentVariants(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rev    *v1.Revision
		cfg    func(*config.Config)
		verify func(*testing.T, *appsv1.Deployment)
	}{{
		name: "resolved digest replaces the tag",
		rev: testRevision(func(r *v1.Revision) {
			r.Status.ContainerStatuses = []v1.ContainerStatus{{Name: "user-container", ImageDigest: "busybox@sha256:deadbeef"}}
		}),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := d.Spec.Template.Spec.Containers[0].Image; got != "busybox@sha256:deadbeef" {
				t.Errorf("image = %q, want the digest", got)
			}
		},
	}, {
		name: "unresolved digest keeps the tag",
		rev: testRevision(func(r *v1.Revision) {
			r.Status.ContainerStatuses = []v1.ContainerStatus{{Name: "user-container"}}
		}),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := d.Spec.Template.Spec.Containers[0].Image; got != "busybox" {
				t.Errorf("image = %q, want busybox", got)
			}
		},
	}, {
		name: "custom user port",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "h2c", ContainerPort: 9000}}
			r.Spec.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/live"}}}
		}),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			user := d.Spec.Template.Spec.Containers[0]
			if diff := cmp.Diff([]corev1.ContainerPort{{Name: "user-port", ContainerPort: 9000}}, user.Ports); diff != "" {
				t.Error("ports (-want,+got):", diff)
			}
			if v, _ := envValue(user, "PORT"); v != "9000" {
				t.Errorf("PORT = %q, want 9000", v)
			}
			if got := user.LivenessProbe.HTTPGet.Port; got != intstr.FromInt(9000) {
				t.Errorf("liveness probe port = %v, want the user port", got)
			}
		},
	}, {
		name: "sidecar is not a serving container",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8888}}
			r.Spec.Containers = append(r.Spec.Containers, corev1.Container{Name: "sidecar", Image: "side"})
		}),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			side := containerNamed(t, d.Spec.Template.Spec, "sidecar")
			if _, ok := envValue(side, "PORT"); ok || len(side.Ports) != 0 {
				t.Errorf("sidecar got a serving port: %v %v", side.Env, side.Ports)
			}
			if v, _ := envValue(side, "K_REVISION"); v != "bar" {
				t.Errorf("sidecar K_REVISION = %q", v)
			}
			if side.Lifecycle == nil || side.Lifecycle.PreStop == nil {
				t.Error("sidecar has no drain preStop hook")
			}
		},
	}, {
		name: "exec readiness probe stays with kubelet",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}
		}),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if p := d.Spec.Template.Spec.Containers[0].ReadinessProbe; p == nil || p.Exec == nil {
				t.Errorf("user readiness probe = %v, want the exec probe", p)
			}
		},
	}, {
		name: "initial scale from the annotation",
		rev:  testRevision(func(r *v1.Revision) { r.Annotations[autoscaling.InitialScaleAnnotationKey] = "3" }),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := ptr.Int32Value(d.Spec.Replicas); got != 3 {
				t.Errorf("replicas = %d, want 3", got)
			}
		},
	}, {
		name: "initial scale from config-autoscaler",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Autoscaler.InitialScale = 0 },
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := ptr.Int32Value(d.Spec.Replicas); got != 0 {
				t.Errorf("replicas = %d, want 0", got)
			}
		},
	}, {
		name: "progress deadline from the annotation",
		rev:  testRevision(func(r *v1.Revision) { r.Annotations[serving.ProgressDeadlineAnnotationKey] = "42s" }),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := ptr.Int32Value(d.Spec.ProgressDeadlineSeconds); got != 42 {
				t.Errorf("progressDeadlineSeconds = %d, want 42", got)
			}
		},
	}, {
		name: "user app label is kept",
		rev:  testRevision(func(r *v1.Revision) { r.Labels[AppLabelKey] = "mine" }),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := d.Spec.Template.Labels[AppLabelKey]; got != "mine" {
				t.Errorf("app label = %q, want mine", got)
			}
		},
	}, {
		name: "affinity off",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Deployment.DefaultAffinityType = deployment.None },
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if d.Spec.Template.Spec.Affinity != nil {
				t.Errorf("affinity = %v, want none", d.Spec.Template.Spec.Affinity)
			}
		},
	}, {
		name: "user affinity wins",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{}}
		}),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if a := d.Spec.Template.Spec.Affinity; a == nil || a.NodeAffinity == nil || a.PodAntiAffinity != nil {
				t.Errorf("affinity = %v, want the user's", a)
			}
		},
	}, {
		name: "runtime class from config-deployment",
		rev:  testRevision(),
		cfg: func(c *config.Config) {
			c.Deployment.RuntimeClassNames = map[string]deployment.RuntimeClassNameLabelSelector{"gvisor": {}}
		},
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if got := d.Spec.Template.Spec.RuntimeClassName; got == nil || *got != "gvisor" {
				t.Errorf("runtimeClassName = %v, want gvisor", got)
			}
		},
	}, {
		name: "var log collection",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Observability.EnableVarLogCollection = true },
		verify: func(t *testing.T, d *appsv1.Deployment) {
			spec := d.Spec.Template.Spec
			if !hasVolume(spec, "knative-var-log") {
				t.Error("no knative-var-log volume")
			}
			user := containerNamed(t, spec, "user-container")
			if len(user.VolumeMounts) != 1 || user.VolumeMounts[0].SubPathExpr != "$(K_INTERNAL_POD_NAMESPACE)_$(K_INTERNAL_POD_NAME)_user-container" {
				t.Errorf("user mounts = %v", user.VolumeMounts)
			}
			if _, ok := envValue(user, "K_INTERNAL_POD_NAME"); !ok {
				t.Error("no K_INTERNAL_POD_NAME")
			}
			if qp := containerNamed(t, spec, QueueContainerName); len(qp.VolumeMounts) != 0 {
				t.Errorf("queue-proxy mounts = %v, want none", qp.VolumeMounts)
			}
		},
	}, {
		name: "pod info allowed and asked for",
		rev:  testRevision(func(r *v1.Revision) { r.Annotations[apiconfig.QueueProxyPodInfoFeatureKey] = "enabled" }),
		cfg:  func(c *config.Config) { c.Features.QueueProxyMountPodInfo = apiconfig.Allowed },
		verify: func(t *testing.T, d *appsv1.Deployment) {
			qp := containerNamed(t, d.Spec.Template.Spec, QueueContainerName)
			if !hasVolume(d.Spec.Template.Spec, "pod-info") || len(qp.VolumeMounts) != 1 || qp.VolumeMounts[0].MountPath != "/etc/podinfo" {
				t.Errorf("pod-info not mounted into queue-proxy: %v", qp.VolumeMounts)
			}
		},
	}, {
		name: "pod info allowed but not asked for",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Features.QueueProxyMountPodInfo = apiconfig.Allowed },
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if hasVolume(d.Spec.Template.Spec, "pod-info") {
				t.Error("pod-info mounted without the annotation")
			}
		},
	}, {
		name: "token audiences",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Deployment.QueueSidecarTokenAudiences = sets.New("b-aud", "a-aud", "") },
		verify: func(t *testing.T, d *appsv1.Deployment) {
			var vol *corev1.Volume
			for i, v := range d.Spec.Template.Spec.Volumes {
				if v.Name == "knative-token-volume" {
					vol = &d.Spec.Template.Spec.Volumes[i]
				}
			}
			if vol == nil {
				t.Fatal("no token volume")
			}
			var got []string
			for _, s := range vol.Projected.Sources {
				got = append(got, s.ServiceAccountToken.Audience)
			}
			if diff := cmp.Diff([]string{"a-aud", "b-aud"}, got); diff != "" {
				t.Error("audiences (-want,+got):", diff)
			}
			qp := containerNamed(t, d.Spec.Template.Spec, QueueContainerName)
			if len(qp.VolumeMounts) != 1 || qp.VolumeMounts[0].MountPath != "/var/run/secrets/tokens" {
				t.Errorf("queue-proxy mounts = %v", qp.VolumeMounts)
			}
		},
	}, {
		name: "empty audience makes no token volume",
		rev:  testRevision(),
		verify: func(t *testing.T, d *appsv1.Deployment) {
			if hasVolume(d.Spec.Template.Spec, "knative-token-volume") {
				t.Error("token volume without audiences")
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			tc.verify(t, makeDeployment(t, tc.rev, cfg))
		})
	}
}

func hasVolume(spec corev1.PodSpec, name string) bool {
	for _, v := range spec.Volumes {
		if v.Name == name {
			return true
		}
	}
	return false
}

func TestMakeDeploymentBadSidecarProbe(t *testing.T) {
	cfg := testConfig(t)
	cfg.Features.MultiContainerProbing = apiconfig.Enabled
	rev := testRevision(func(r *v1.Revision) {
		r.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8888}}
		r.Spec.Containers = append(r.Spec.Containers, corev1.Container{
			Name:           "sidecar",
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/"}}},
		})
	})
	if _, err := MakeDeployment(rev, cfg); err == nil {
		t.Error("MakeDeployment() succeeded with a sidecar probe that has no port")
	}
}
