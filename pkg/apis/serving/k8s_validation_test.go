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
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/config"
)

// withFeatures returns a context whose config-features are the defaults
// changed by each of fs.
func withFeatures(fs ...func(*config.Features)) context.Context {
	cfg := config.FromContextOrDefaults(context.Background())
	for _, f := range fs {
		f(cfg.Features)
	}
	return config.ToContext(context.Background(), cfg)
}

// errorsOf renders the error-level diagnostics of fe, dropping warnings.
func errorsOf(fe *apis.FieldError) string {
	return fe.Filter(apis.ErrorLevel).Error()
}

func checkErrors(t *testing.T, got, want *apis.FieldError) {
	t.Helper()
	if diff := cmp.Diff(want.Error(), errorsOf(got)); diff != "" {
		t.Errorf("errors (-want, +got):\n%s", diff)
	}
}

var (
	okContainer = corev1.Container{Image: "busybox"}
	okProbe     = &corev1.Probe{
		SuccessThreshold: 1,
		ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{}},
	}
	secretVolume = corev1.Volume{
		Name:         "the-name",
		VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "foo"}},
	}
	secretMount = corev1.VolumeMount{Name: "the-name", MountPath: "/mount/path", ReadOnly: true}
)

func TestValidatePodSpec(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		ps   corev1.PodSpec
		want *apis.FieldError
	}{{
		name: "valid",
		ps:   corev1.PodSpec{Containers: []corev1.Container{okContainer}},
	}, {
		name: "valid with allowed fields",
		ps: corev1.PodSpec{
			ServiceAccountName:           "robot",
			ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "creds"}},
			EnableServiceLinks:           ptr.Bool(false),
			AutomountServiceAccountToken: ptr.Bool(false),
			Containers:                   []corev1.Container{okContainer},
		},
	}, {
		name: "no containers",
		ps:   corev1.PodSpec{},
		want: apis.ErrMissingField("containers"),
	}, {
		name: "fields never allowed",
		ps: corev1.PodSpec{
			Containers:                    []corev1.Container{okContainer},
			RestartPolicy:                 corev1.RestartPolicyNever,
			NodeName:                      "node-1",
			TerminationGracePeriodSeconds: ptr.Int64(10),
			Hostname:                      "me",
		},
		want: apis.ErrDisallowedFields("hostname", "nodeName", "restartPolicy", "terminationGracePeriodSeconds"),
	}, {
		name: "automountServiceAccountToken true is not allowed",
		ps: corev1.PodSpec{
			Containers:                   []corev1.Container{okContainer},
			AutomountServiceAccountToken: ptr.Bool(true),
		},
		want: apis.ErrDisallowedFields("automountServiceAccountToken"),
	}, {
		name: "bad service account name",
		ps: corev1.PodSpec{
			ServiceAccountName: "foo@bar.baz",
			Containers:         []corev1.Container{okContainer},
		},
		want: apis.ErrInvalidValue("foo@bar.baz", "serviceAccountName",
			`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`),
	}, {
		name: "container errors carry the index",
		ps:   corev1.PodSpec{Containers: []corev1.Container{{Name: "no-image"}}},
		want: apis.ErrMissingField("containers[0].image"),
	}, {
		name: "volume and mount",
		ps: corev1.PodSpec{
			Containers: []corev1.Container{{Image: "busybox", VolumeMounts: []corev1.VolumeMount{secretMount}}},
			Volumes:    []corev1.Volume{secretVolume},
		},
	}, {
		name: "volume not mounted",
		ps: corev1.PodSpec{
			Containers: []corev1.Container{okContainer},
			Volumes:    []corev1.Volume{secretVolume},
		},
		want: &apis.FieldError{Message: `volume with name "the-name" not mounted`, Paths: []string{"volumes[0].name"}},
	}, {
		name: "duplicate volume names",
		ps: corev1.PodSpec{
			Containers: []corev1.Container{{Image: "busybox", VolumeMounts: []corev1.VolumeMount{secretMount}}},
			Volumes:    []corev1.Volume{secretVolume, secretVolume},
		},
		want: &apis.FieldError{Message: `duplicate volume name "the-name"`, Paths: []string{"volumes[1].name"}},
	}, {
		name: "mount without volume",
		ps: corev1.PodSpec{
			Containers: []corev1.Container{{Image: "busybox", VolumeMounts: []corev1.VolumeMount{secretMount}}},
		},
		want: &apis.FieldError{Message: "volumeMount has no matching volume", Paths: []string{"containers[0].volumeMounts[0].name"}},
	}, {
		name: "affinity is feature gated: off",
		ps: corev1.PodSpec{
			Containers: []corev1.Container{okContainer},
			Affinity:   &corev1.Affinity{},
		},
		want: apis.ErrDisallowedFields("affinity"),
	}, {
		name: "affinity is feature gated: on",
		ctx:  withFeatures(func(f *config.Features) { f.PodSpecAffinity = config.Enabled }),
		ps: corev1.PodSpec{
			Containers: []corev1.Container{okContainer},
			Affinity:   &corev1.Affinity{},
		},
	}, {
		name: "allowed counts as on",
		ctx:  withFeatures(func(f *config.Features) { f.PodSpecNodeSelector = config.Allowed }),
		ps: corev1.PodSpec{
			Containers:   []corev1.Container{okContainer},
			NodeSelector: map[string]string{"disk": "ssd"},
		},
	}, {
		name: "every gated pod field off",
		ps: corev1.PodSpec{
			Containers:                []corev1.Container{okContainer},
			TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1}},
			HostAliases:               []corev1.HostAlias{{IP: "127.0.0.1"}},
			NodeSelector:              map[string]string{"a": "b"},
			RuntimeClassName:          ptr.String("gvisor"),
			Tolerations:               []corev1.Toleration{{Key: "k"}},
			SecurityContext:           &corev1.PodSecurityContext{},
			ShareProcessNamespace:     ptr.Bool(true),
			PriorityClassName:         "high",
			SchedulerName:             "other",
			DNSPolicy:                 corev1.DNSDefault,
			DNSConfig:                 &corev1.PodDNSConfig{},
			HostIPC:                   true,
			HostPID:                   true,
			HostNetwork:               true,
		},
		want: apis.ErrDisallowedFields("dnsConfig", "dnsPolicy", "hostAliases", "hostIPC", "hostNetwork", "hostPID",
			"nodeSelector", "priorityClassName", "runtimeClassName", "schedulerName", "securityContext",
			"shareProcessNamespace", "tolerations", "topologySpreadConstraints"),
	}, {
		name: "every gated pod field on",
		ctx: withFeatures(func(f *config.Features) {
			f.PodSpecTopologySpreadConstraints = config.Enabled
			f.PodSpecHostAliases = config.Enabled
			f.PodSpecNodeSelector = config.Enabled
			f.PodSpecRuntimeClassName = config.Enabled
			f.PodSpecTolerations = config.Enabled
			f.PodSpecSecurityContext = config.Enabled
			f.PodSpecShareProcessNamespace = config.Enabled
			f.PodSpecPriorityClassName = config.Enabled
			f.PodSpecSchedulerName = config.Enabled
			f.PodSpecDNSPolicy = config.Enabled
			f.PodSpecDNSConfig = config.Enabled
			f.PodSpecHostIPC = config.Enabled
			f.PodSpecHostPID = config.Enabled
			f.PodSpecHostNetwork = config.Enabled
		}),
		ps: corev1.PodSpec{
			Containers:                []corev1.Container{okContainer},
			TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1}},
			HostAliases:               []corev1.HostAlias{{IP: "127.0.0.1"}},
			NodeSelector:              map[string]string{"a": "b"},
			RuntimeClassName:          ptr.String("gvisor"),
			Tolerations:               []corev1.Toleration{{Key: "k"}},
			SecurityContext:           &corev1.PodSecurityContext{},
			ShareProcessNamespace:     ptr.Bool(true),
			PriorityClassName:         "high",
			SchedulerName:             "other",
			DNSPolicy:                 corev1.DNSDefault,
			DNSConfig:                 &corev1.PodDNSConfig{},
			HostIPC:                   true,
			HostPID:                   true,
			HostNetwork:               true,
		},
	}, {
		name: "multi container: valid",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "serving", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "sidecar", Image: "envoy"},
		}},
	}, {
		name: "multi container: disabled",
		ctx:  withFeatures(func(f *config.Features) { f.MultiContainer = config.Disabled }),
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "serving", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "sidecar", Image: "envoy"},
		}},
		want: &apis.FieldError{Message: "multi-container is off, but found 2 containers"},
	}, {
		name: "multi container: no port",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "one", Image: "busybox"},
			{Name: "two", Image: "envoy"},
		}},
		want: apis.ErrMissingField("containers[*].ports"),
	}, {
		name: "multi container: two ports",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "one", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "two", Image: "envoy", Ports: []corev1.ContainerPort{{ContainerPort: 9999}}},
		}},
		want: &apis.FieldError{
			Message: "more than one container port is set",
			Paths:   []string{"containers[*].ports"},
			Details: "Only a single port is allowed across all containers",
		},
	}, {
		name: "single container: two ports",
		ps: corev1.PodSpec{Containers: []corev1.Container{{
			Image: "busybox",
			Ports: []corev1.ContainerPort{{ContainerPort: 8888}, {ContainerPort: 9999}},
		}}},
		want: &apis.FieldError{
			Message: "more than one container port is set",
			Paths:   []string{"containers[*].ports"},
			Details: "Only a single port is allowed across all containers",
		},
	}, {
		name: "multi container: duplicate names",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "same", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "same", Image: "envoy"},
		}},
		want: &apis.FieldError{Message: `duplicate container name "same"`, Paths: []string{"containers[1].name"}},
	}, {
		name: "multi container: duplicate name does not move other errors",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "same", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "same", Image: "envoy"},
		}},
		want: apis.ErrMissingField("containers[0].image").Also(
			&apis.FieldError{Message: `duplicate container name "same"`, Paths: []string{"containers[1].name"}}),
	}, {
		name: "multi container: sidecar may set PORT but not K_SERVICE",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "serving", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "sidecar", Image: "envoy", Env: []corev1.EnvVar{{Name: "PORT", Value: "1"}, {Name: "K_SERVICE", Value: "x"}}},
		}},
		want: &apis.FieldError{Message: `"K_SERVICE" is a reserved environment variable`, Paths: []string{"containers[1].env[1].name"}},
	}, {
		name: "multi container: sidecar probes need multi-container-probing",
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "serving", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "sidecar", Image: "envoy", ReadinessProbe: okProbe, LivenessProbe: okProbe},
		}},
		// The handler is an inline struct, so it is reported as the probe itself.
		want: apis.ErrDisallowedFields("containers[1].livenessProbe", "containers[1].livenessProbe.successThreshold",
			"containers[1].readinessProbe", "containers[1].readinessProbe.successThreshold"),
	}, {
		name: "multi container: sidecar probes with multi-container-probing",
		ctx:  withFeatures(func(f *config.Features) { f.MultiContainerProbing = config.Enabled }),
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "serving", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "sidecar", Image: "envoy", ReadinessProbe: &corev1.Probe{
				SuccessThreshold: 1,
				ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(9000)}},
			}},
		}},
	}, {
		name: "multi container: sidecar probe needs a port",
		ctx:  withFeatures(func(f *config.Features) { f.MultiContainerProbing = config.Enabled }),
		ps: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "serving", Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8888}}},
			{Name: "sidecar", Image: "envoy", ReadinessProbe: &corev1.Probe{
				SuccessThreshold: 1,
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{}},
			}},
		}},
		want: apis.ErrInvalidValue("0", "containers[1].readinessProbe.httpGet.port", "Probe port must be specified"),
	}, {
		name: "init containers: disabled",
		ps: corev1.PodSpec{
			Containers:     []corev1.Container{okContainer},
			InitContainers: []corev1.Container{{Name: "init", Image: "busybox"}},
		},
		want: apis.ErrDisallowedFields("initContainers").Also(
			&apis.FieldError{Message: "pod spec support for init-containers is off, but found 1 init containers"}),
	}, {
		name: "init containers: enabled",
		ctx:  withFeatures(func(f *config.Features) { f.PodSpecInitContainers = config.Enabled }),
		ps: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main", Image: "busybox"}},
			InitContainers: []corev1.Container{{
				Name:  "init",
				Image: "busybox",
				// Init containers may use PORT and several ports, even reserved-free ones.
				Env:   []corev1.EnvVar{{Name: "PORT", Value: "9"}},
				Ports: []corev1.ContainerPort{{ContainerPort: 1}, {ContainerPort: 2, Protocol: corev1.ProtocolUDP}},
			}},
		},
	}, {
		name: "init containers: duplicate name, probes and lifecycle",
		ctx:  withFeatures(func(f *config.Features) { f.PodSpecInitContainers = config.Enabled }),
		ps: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main", Image: "busybox"}},
			InitContainers: []corev1.Container{{
				Name:           "main",
				Image:          "busybox",
				ReadinessProbe: okProbe,
				LivenessProbe:  okProbe,
				StartupProbe:   okProbe,
				Lifecycle:      &corev1.Lifecycle{},
			}},
		},
		want: (&apis.FieldError{Message: `duplicate container name "main"`, Paths: []string{"initContainers[0].name"}}).Also(
			(&apis.FieldError{
				Message: "field not allowed in an init container",
				Paths:   []string{"lifecycle", "livenessProbe", "readinessProbe", "startupProbe"},
			}).ViaFieldIndex("initContainers", 0),
			apis.ErrDisallowedFields("initContainers[0].lifecycle")),
	}, {
		name: "init container ports are still not reserved ones",
		ctx:  withFeatures(func(f *config.Features) { f.PodSpecInitContainers = config.Enabled }),
		ps: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main", Image: "busybox"}},
			InitContainers: []corev1.Container{{
				Name:  "init",
				Image: "busybox",
				Ports: []corev1.ContainerPort{{ContainerPort: 8022}},
			}},
		},
		want: apis.ErrInvalidValue("8022 is a reserved port", "initContainers[0].ports.containerPort",
			"8022 is a reserved port, please use a different value"),
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			checkErrors(t, ValidatePodSpec(ctx, test.ps), test.want)
		})
	}
}

// The serving port validateContainersPorts derives for a container
// without ports.
var defaultPort = corev1.ContainerPort{Name: "http", ContainerPort: 8080}

func TestValidateUserContainer(t *testing.T) {
	tests := []struct {
		name    string
		ctx     context.Context
		c       corev1.Container
		volumes map[string]corev1.Volume
		want    *apis.FieldError
	}{{
		name: "valid",
		c:    corev1.Container{Name: "user", Image: "gcr.io/foo/bar:baz", Args: []string{"-v"}, WorkingDir: "/app"},
	}, {
		name: "empty container",
		c:    corev1.Container{},
		want: apis.ErrMissingField(apis.CurrentField),
	}, {
		name: "missing image",
		c:    corev1.Container{Name: "x"},
		want: apis.ErrMissingField("image"),
	}, {
		name: "invalid image",
		c:    corev1.Container{Image: "foo:bar:baz"},
		want: &apis.FieldError{
			Message: "Failed to parse image reference",
			Paths:   []string{"image"},
			Details: `image: "foo:bar:baz", error: could not parse reference: foo:bar:baz`,
		},
	}, {
		name: "reserved container name",
		c:    corev1.Container{Name: "queue-proxy", Image: "busybox"},
		want: &apis.FieldError{Message: `"queue-proxy" is a reserved container name`, Paths: []string{"name"}},
	}, {
		name: "fields never allowed",
		c: corev1.Container{
			Image:         "busybox",
			Lifecycle:     &corev1.Lifecycle{},
			Stdin:         true,
			TTY:           true,
			VolumeDevices: []corev1.VolumeDevice{{Name: "d", DevicePath: "/dev/d"}},
		},
		want: apis.ErrDisallowedFields("lifecycle", "stdin", "tty", "volumeDevices"),
	}, {
		name: "reserved env vars",
		c: corev1.Container{Image: "busybox", Env: []corev1.EnvVar{
			{Name: "PORT", Value: "1"},
			{Name: "OK", Value: "1"},
			{Name: "K_SERVICE", Value: "1"},
			{Name: "K_CONFIGURATION", Value: "1"},
			{Name: "K_REVISION", Value: "1"},
			{Value: "nameless"},
		}},
		want: (&apis.FieldError{Message: `"PORT" is a reserved environment variable`, Paths: []string{"env[0].name"}}).Also(
			&apis.FieldError{Message: `"K_SERVICE" is a reserved environment variable`, Paths: []string{"env[2].name"}},
			&apis.FieldError{Message: `"K_CONFIGURATION" is a reserved environment variable`, Paths: []string{"env[3].name"}},
			&apis.FieldError{Message: `"K_REVISION" is a reserved environment variable`, Paths: []string{"env[4].name"}},
			apis.ErrMissingField("env[5].name")),
	}, {
		name: "env fieldRef needs its feature",
		c: corev1.Container{Image: "busybox", Env: []corev1.EnvVar{{
			Name:      "NODE",
			ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}},
		}}},
		want: apis.ErrDisallowedFields("env[0].valueFrom.fieldRef"),
	}, {
		name: "env fieldRef with its feature",
		ctx:  withFeatures(func(f *config.Features) { f.PodSpecFieldRef = config.Enabled }),
		c: corev1.Container{Image: "busybox", Env: []corev1.EnvVar{{
			Name:      "NODE",
			ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}},
		}}},
	}, {
		name: "env from secret and configmap",
		c: corev1.Container{Image: "busybox", EnvFrom: []corev1.EnvFromSource{{
			ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}},
		}, {
			Prefix:    "S_",
			SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}},
		}}},
	}, {
		name: "env from needs exactly one source",
		c: corev1.Container{Image: "busybox", EnvFrom: []corev1.EnvFromSource{{
			Prefix: "x",
		}, {
			ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}},
			SecretRef:    &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}},
		}}},
		want: apis.ErrMissingOneOf("envFrom[0].configMapRef", "envFrom[0].secretRef").Also(
			apis.ErrMultipleOneOf("envFrom[1].configMapRef", "envFrom[1].secretRef")),
	}, {
		name: "port h2c",
		c:    corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{Name: "h2c", ContainerPort: 8080}}},
	}, {
		name: "port http1 TCP",
		c:    corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{Name: "http1", ContainerPort: 80, Protocol: corev1.ProtocolTCP}}},
	}, {
		name: "port with another name",
		c:    corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 8080}}},
		want: &apis.FieldError{
			Message: "Port name web is not allowed",
			Paths:   []string{"ports"},
			Details: "Name must be empty, or one of: 'h2c', 'http1'",
		},
	}, {
		name: "port UDP",
		c:    corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: corev1.ProtocolUDP}}},
		want: apis.ErrInvalidValue("UDP", "ports.protocol"),
	}, {
		name: "port with host fields",
		c:    corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8080, HostPort: 80, HostIP: "1.2.3.4"}}},
		want: apis.ErrDisallowedFields("ports.hostIP", "ports.hostPort"),
	}, {
		name: "port out of range",
		c:    corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 70000}}},
		want: apis.ErrOutOfBoundsValue(70000, 0, 65535, "ports.containerPort"),
	}, {
		name: "readiness probe on the serving port name",
		c: corev1.Container{
			Image: "busybox",
			ReadinessProbe: &corev1.Probe{
				SuccessThreshold: 1,
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("http")}},
			},
		},
	}, {
		name: "readiness probe on another port name",
		c: corev1.Container{
			Image: "busybox",
			ReadinessProbe: &corev1.Probe{
				SuccessThreshold: 1,
				ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("admin")}},
			},
		},
		want: apis.ErrInvalidValue("admin", "readinessProbe.tcpSocket.port", "Probe port must match container port"),
	}, {
		name: "readiness probe without handler",
		c:    corev1.Container{Image: "busybox", ReadinessProbe: &corev1.Probe{SuccessThreshold: 1}},
		want: apis.ErrMissingOneOf("readinessProbe.exec", "readinessProbe.grpc", "readinessProbe.httpGet", "readinessProbe.tcpSocket"),
	}, {
		name: "readiness probe with two handlers",
		c: corev1.Container{Image: "busybox", ReadinessProbe: &corev1.Probe{
			SuccessThreshold: 1,
			ProbeHandler: corev1.ProbeHandler{
				Exec:      &corev1.ExecAction{Command: []string{"true"}},
				TCPSocket: &corev1.TCPSocketAction{},
			},
		}},
		want: apis.ErrMultipleOneOf("readinessProbe.exec", "readinessProbe.tcpSocket"),
	}, {
		name: "readiness probe with periodSeconds 0 rejects timeout and failureThreshold",
		c: corev1.Container{Image: "busybox", ReadinessProbe: &corev1.Probe{
			SuccessThreshold: 1,
			FailureThreshold: 3,
			TimeoutSeconds:   1,
			ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{}},
		}},
		want: (&apis.FieldError{
			Message: "failureThreshold is disallowed when periodSeconds is zero",
			Paths:   []string{"readinessProbe.failureThreshold"},
		}).Also(&apis.FieldError{
			Message: "timeoutSeconds is disallowed when periodSeconds is zero",
			Paths:   []string{"readinessProbe.timeoutSeconds"},
		}),
	}, {
		name: "readiness probe bounds",
		c: corev1.Container{Image: "busybox", ReadinessProbe: &corev1.Probe{
			PeriodSeconds:       -1,
			InitialDelaySeconds: -1,
			ProbeHandler:        corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{}},
		}},
		want: apis.ErrOutOfBoundsValue(-1, 0, math.MaxInt32, "readinessProbe.periodSeconds").Also(
			apis.ErrOutOfBoundsValue(-1, 0, math.MaxInt32, "readinessProbe.initialDelaySeconds"),
			apis.ErrOutOfBoundsValue(0, 1, math.MaxInt32, "readinessProbe.successThreshold"),
			apis.ErrOutOfBoundsValue(0, 1, math.MaxInt32, "readinessProbe.timeoutSeconds"),
			apis.ErrOutOfBoundsValue(0, 1, math.MaxInt32, "readinessProbe.failureThreshold")),
	}, {
		name: "liveness probe grpc",
		c: corev1.Container{Image: "busybox", LivenessProbe: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080}},
		}},
	}, {
		name: "liveness probe with disallowed fields",
		c: corev1.Container{Image: "busybox", LivenessProbe: &corev1.Probe{
			TerminationGracePeriodSeconds: ptr.Int64(3),
			ProbeHandler:                  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
		}},
		want: apis.ErrDisallowedFields("livenessProbe.terminationGracePeriodSeconds"),
	}, {
		name: "resources",
		c: corev1.Container{Image: "busybox", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")},
		}},
	}, {
		name: "resource claims",
		c: corev1.Container{Image: "busybox", Resources: corev1.ResourceRequirements{
			Claims: []corev1.ResourceClaim{{Name: "gpu"}},
		}},
		want: apis.ErrDisallowedFields("resources.claims"),
	}, {
		name: "security context",
		c: corev1.Container{Image: "busybox", SecurityContext: &corev1.SecurityContext{
			RunAsUser:                ptr.Int64(1000),
			RunAsGroup:               ptr.Int64(1000),
			RunAsNonRoot:             ptr.Bool(true),
			ReadOnlyRootFilesystem:   ptr.Bool(true),
			AllowPrivilegeEscalation: ptr.Bool(false),
			Privileged:               ptr.Bool(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}},
	}, {
		name: "security context: privileged, SELinux, added capabilities",
		c: corev1.Container{Image: "busybox", SecurityContext: &corev1.SecurityContext{
			Privileged:     ptr.Bool(true),
			SELinuxOptions: &corev1.SELinuxOptions{},
			Capabilities:   &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}},
		}},
		want: apis.ErrDisallowedFields("securityContext.privileged", "securityContext.seLinuxOptions").Also(
			apis.ErrDisallowedFields("securityContext.capabilities.add")),
	}, {
		name: "security context: added capabilities with their feature",
		ctx:  withFeatures(func(f *config.Features) { f.ContainerSpecAddCapabilities = config.Enabled }),
		c: corev1.Container{Image: "busybox", SecurityContext: &corev1.SecurityContext{
			Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}},
		}},
	}, {
		name: "security context: NET_BIND_SERVICE with secure-pod-defaults",
		ctx:  withFeatures(func(f *config.Features) { f.SecurePodDefaults = config.Enabled }),
		c: corev1.Container{Image: "busybox", SecurityContext: &corev1.SecurityContext{
			Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE"}},
		}},
	}, {
		name: "security context: ids out of range",
		c: corev1.Container{Image: "busybox", SecurityContext: &corev1.SecurityContext{
			RunAsUser:  ptr.Int64(-10),
			RunAsGroup: ptr.Int64(math.MaxInt32 + 1),
		}},
		want: apis.ErrOutOfBoundsValue(-10, 0, math.MaxInt32, "securityContext.runAsUser").Also(
			apis.ErrOutOfBoundsValue(int64(math.MaxInt32+1), 0, math.MaxInt32, "securityContext.runAsGroup")),
	}, {
		name: "termination message policy",
		c:    corev1.Container{Image: "busybox", TerminationMessagePolicy: "Never"},
		want: apis.ErrInvalidValue("Never", "terminationMessagePolicy"),
	}, {
		name: "volume mounts",
		c: corev1.Container{Image: "busybox", VolumeMounts: []corev1.VolumeMount{
			{Name: "secret", MountPath: "/secret", ReadOnly: true},
			{Name: "scratch", MountPath: "/tmp/scratch"},
		}},
		volumes: map[string]corev1.Volume{
			"secret":  {Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{}}},
			"scratch": {Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}, {
		name: "volume mount problems",
		c: corev1.Container{Image: "busybox", VolumeMounts: []corev1.VolumeMount{
			{Name: "secret", MountPath: "/dev/log", ReadOnly: true},
			{Name: "secret", MountPath: "relative", ReadOnly: true},
			{Name: "secret", MountPath: "/a", ReadOnly: true},
			{Name: "secret", MountPath: "/a/", ReadOnly: true},
			{Name: "secret", MountPath: "/b"},
			{Name: "secret", ReadOnly: true},
			{Name: "claim", MountPath: "/c"},
			{Name: "secret", MountPath: "/d", ReadOnly: true, MountPropagation: &bidirectional},
		}},
		volumes: map[string]corev1.Volume{
			"secret": {Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{}}},
			"claim": {Name: "claim", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: "c", ReadOnly: true,
			}}},
		},
		want: (&apis.FieldError{Message: `mountPath "/dev/log" is a reserved path`, Paths: []string{"volumeMounts[0].mountPath"}}).Also(
			apis.ErrInvalidValue("relative", "volumeMounts[1].mountPath"),
			apis.ErrInvalidValue(`"/a/" must be unique`, "volumeMounts[3].mountPath"),
			&apis.FieldError{Message: "volume mount should be readOnly for this type of volume", Paths: []string{"volumeMounts[4].readOnly"}},
			apis.ErrMissingField("volumeMounts[5].mountPath"),
			&apis.FieldError{Message: "volume is readOnly but volume mount is not", Paths: []string{"volumeMounts[6].readOnly"}},
			apis.ErrDisallowedFields("volumeMounts[7].mountPropagation")),
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			checkErrors(t, ValidateUserContainer(ctx, test.c, test.volumes, defaultPort), test.want)
		})
	}
}

func TestReservedPorts(t *testing.T) {
	for _, port := range []int32{8012, 8013, 8022, 9090, 9091, 8008} {
		c := corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: port}}}
		got := ValidatePodSpec(context.Background(), corev1.PodSpec{Containers: []corev1.Container{c}})
		want := apis.ErrInvalidValue(fmt.Sprint(port, " is a reserved port"), "containers[0].ports.containerPort",
			fmt.Sprint(port, " is a reserved port, please use a different value"))
		checkErrors(t, got, want)
	}
	// A neighbour of a reserved port is fine.
	c := corev1.Container{Image: "busybox", Ports: []corev1.ContainerPort{{ContainerPort: 8011}}}
	checkErrors(t, ValidatePodSpec(context.Background(), corev1.PodSpec{Containers: []corev1.Container{c}}), nil)
}

var bidirectional = corev1.MountPropagationBidirectional

func TestValidateVolumes(t *testing.T) {
	secret := corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}
	emptyDir := corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	claim := func(ro bool) corev1.VolumeSource {
		return corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c", ReadOnly: ro}}
	}
	hostPath := corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var"}}

	tests := []struct {
		name    string
		ctx     context.Context
		volumes []corev1.Volume
		want    *apis.FieldError
	}{{
		name: "secret, configMap and projected",
		volumes: []corev1.Volume{{
			Name:         "secret",
			VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{Items: []corev1.KeyToPath{{Key: "k", Path: "p"}}}},
		}, {
			Name: "cm",
			VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "cm"},
			}},
		}, {
			Name: "projected",
			VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{
				Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}},
			}, {
				ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}},
			}, {
				ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", Audience: "me"},
			}, {
				DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
					Path:     "labels",
					FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"},
				}}},
			}}}},
		}},
	}, {
		name:    "missing name",
		volumes: []corev1.Volume{{VolumeSource: secret}},
		want:    apis.ErrMissingField("[0].name"),
	}, {
		name:    "bad name",
		volumes: []corev1.Volume{{Name: "Not_OK", VolumeSource: secret}},
		want:    apis.ErrInvalidValue("Not_OK", "[0].name"),
	}, {
		name:    "no source",
		volumes: []corev1.Volume{{Name: "v"}},
		want:    apis.ErrMissingOneOf("[0].configMap", "[0].emptyDir", "[0].projected", "[0].secret"),
	}, {
		name: "no source names the enabled kinds",
		ctx: withFeatures(func(f *config.Features) {
			f.PodSpecPersistentVolumeClaim = config.Enabled
			f.PodSpecVolumesHostPath = config.Enabled
		}),
		volumes: []corev1.Volume{{Name: "v"}},
		want: apis.ErrMissingOneOf("[0].configMap", "[0].emptyDir", "[0].hostPath",
			"[0].persistentVolumeClaim", "[0].projected", "[0].secret"),
	}, {
		name: "two sources",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{
			Secret:    &corev1.SecretVolumeSource{},
			ConfigMap: &corev1.ConfigMapVolumeSource{},
		}}},
		want: apis.ErrMultipleOneOf("[0].configMap", "[0].secret"),
	}, {
		name:    "unsupported source",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{GitRepo: &corev1.GitRepoVolumeSource{}}}},
		want: apis.ErrDisallowedFields("[0].gitRepo").Also(
			apis.ErrMissingOneOf("[0].configMap", "[0].emptyDir", "[0].projected", "[0].secret")),
	}, {
		name: "key to path needs key and path",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{Items: []corev1.KeyToPath{{}}},
		}}},
		want: apis.ErrMissingField("[0].items[0].key", "[0].items[0].path"),
	}, {
		name: "projection problems",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			Sources: []corev1.VolumeProjection{
				{},
				{Secret: &corev1.SecretProjection{}, ConfigMap: &corev1.ConfigMapProjection{}},
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{}}}},
			},
		}}}},
		want: apis.ErrMissingOneOf("[0].projected[0].configMap", "[0].projected[0].downwardAPI",
			"[0].projected[0].secret", "[0].projected[0].serviceAccountToken").Also(
			apis.ErrMultipleOneOf("[0].projected[1].configMap", "[0].projected[1].secret"),
			apis.ErrMissingField("[0].projected[1].configMap.name", "[0].projected[1].secret.name",
				"[0].projected[2].serviceAccountToken.path", "[0].projected[3].downwardAPI.items[0].path"),
			apis.ErrMissingOneOf("[0].projected[3].downwardAPI.items[0].fieldRef",
				"[0].projected[3].downwardAPI.items[0].resourceFieldRef")),
	}, {
		name: "emptyDir",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory},
		}}},
	}, {
		name: "emptyDir with a bad medium",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: "Disk"},
		}}},
		want: apis.ErrInvalidValue("Disk", "[0].emptyDir.medium"),
	}, {
		name:    "emptyDir disabled",
		ctx:     withFeatures(func(f *config.Features) { f.PodSpecVolumesEmptyDir = config.Disabled }),
		volumes: []corev1.Volume{{Name: "v", VolumeSource: emptyDir}},
		want: (&apis.FieldError{Message: "EmptyDir volume support is disabled, but found EmptyDir volume v"}).ViaIndex(0).Also(
			apis.ErrDisallowedFields("[0].emptyDir")),
	}, {
		name:    "persistent volume claim disabled",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: claim(true)}},
		want: (&apis.FieldError{Message: "Persistent volume claim support is disabled, but found persistent volume claim c"}).ViaIndex(0).Also(
			apis.ErrDisallowedFields("[0].persistentVolumeClaim")),
	}, {
		name:    "read-only persistent volume claim",
		ctx:     withFeatures(func(f *config.Features) { f.PodSpecPersistentVolumeClaim = config.Enabled }),
		volumes: []corev1.Volume{{Name: "v", VolumeSource: claim(true)}},
	}, {
		name:    "writable persistent volume claim needs its feature",
		ctx:     withFeatures(func(f *config.Features) { f.PodSpecPersistentVolumeClaim = config.Enabled }),
		volumes: []corev1.Volume{{Name: "v", VolumeSource: claim(false)}},
		want: (&apis.FieldError{
			Message: "Persistent volume write support is disabled, but found persistent volume claim c that is not read-only",
		}).ViaIndex(0),
	}, {
		name: "writable persistent volume claim with its feature",
		ctx: withFeatures(func(f *config.Features) {
			f.PodSpecPersistentVolumeClaim = config.Enabled
			f.PodSpecPersistentVolumeWrite = config.Enabled
		}),
		volumes: []corev1.Volume{{Name: "v", VolumeSource: claim(false)}},
	}, {
		name:    "hostPath disabled",
		volumes: []corev1.Volume{{Name: "v", VolumeSource: hostPath}},
		want: (&apis.FieldError{Message: "HostPath volume support is disabled, but found HostPath volume v"}).ViaIndex(0).Also(
			apis.ErrDisallowedFields("[0].hostPath")),
	}, {
		name:    "hostPath enabled",
		ctx:     withFeatures(func(f *config.Features) { f.PodSpecVolumesHostPath = config.Enabled }),
		volumes: []corev1.Volume{{Name: "v", VolumeSource: hostPath}},
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			mounted := AllMountedVolumes(nil)
			for _, v := range test.volumes {
				mounted.Insert(v.Name)
			}
			got, err := ValidateVolumes(ctx, test.volumes, mounted)
			checkErrors(t, err, test.want)
			if err == nil && len(got) != len(test.volumes) {
				t.Errorf("ValidateVolumes returned %d volumes, want %d", len(got), len(test.volumes))
			}
		})
	}
}

func TestValidatePodSecurityContext(t *testing.T) {
	full := &corev1.PodSecurityContext{
		RunAsUser:          ptr.Int64(1000),
		RunAsGroup:         ptr.Int64(1000),
		RunAsNonRoot:       ptr.Bool(true),
		FSGroup:            ptr.Int64(2000),
		SupplementalGroups: []int64{3000},
		SeccompProfile:     &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	securityContextOn := withFeatures(func(f *config.Features) { f.PodSpecSecurityContext = config.Enabled })
	secureDefaultsOn := withFeatures(func(f *config.Features) { f.SecurePodDefaults = config.Enabled })

	tests := []struct {
		name string
		ctx  context.Context
		sc   *corev1.PodSecurityContext
		want *apis.FieldError
	}{{
		name: "nil",
	}, {
		name: "everything allowed with the feature",
		ctx:  securityContextOn,
		sc:   full,
	}, {
		name: "nothing allowed without the feature",
		sc:   full,
		want: apis.ErrDisallowedFields("fsGroup", "runAsGroup", "runAsNonRoot", "runAsUser", "seccompProfile", "supplementalGroups"),
	}, {
		name: "seccomp RuntimeDefault with secure-pod-defaults",
		ctx:  secureDefaultsOn,
		sc:   &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
	}, {
		name: "seccomp Unconfined with secure-pod-defaults",
		ctx:  secureDefaultsOn,
		sc:   &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}},
	}, {
		name: "seccomp Localhost with only secure-pod-defaults",
		ctx:  secureDefaultsOn,
		sc: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{
			Type:             corev1.SeccompProfileTypeLocalhost,
			LocalhostProfile: ptr.String("profile.json"),
		}},
		want: apis.ErrDisallowedFields("seccompProfile"),
	}, {
		name: "never allowed fields",
		ctx:  securityContextOn,
		sc:   &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{}, Sysctls: []corev1.Sysctl{{Name: "a"}}},
		want: apis.ErrDisallowedFields("seLinuxOptions", "sysctls"),
	}, {
		name: "ids out of range",
		ctx:  securityContextOn,
		sc: &corev1.PodSecurityContext{
			RunAsUser:          ptr.Int64(-1),
			RunAsGroup:         ptr.Int64(-1),
			FSGroup:            ptr.Int64(math.MaxInt32 + 1),
			SupplementalGroups: []int64{1, -5},
		},
		want: apis.ErrOutOfBoundsValue(-1, 0, math.MaxInt32, "runAsUser").Also(
			apis.ErrOutOfBoundsValue(-1, 0, math.MaxInt32, "runAsGroup"),
			apis.ErrOutOfBoundsValue(int64(math.MaxInt32+1), 0, math.MaxInt32, "fsGroup"),
			apis.ErrOutOfBoundsValue(-5, 0, math.MaxInt32, "supplementalGroups[1]")),
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := test.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			checkErrors(t, ValidatePodSecurityContext(ctx, test.sc), test.want)
		})
	}
}

func TestInsecureSecurityContextWarnings(t *testing.T) {
	warn := func(path string) *apis.FieldError {
		return apis.ErrGeneric("Kubernetes default value is insecure, Knative may default this to secure in a future release",
			path).At(apis.WarningLevel)
	}
	tests := []struct {
		name string
		psc  *corev1.PodSecurityContext
		sc   *corev1.SecurityContext
		want *apis.FieldError
	}{{
		name: "nothing set",
		want: warn("containers[0].securityContext.allowPrivilegeEscalation").Also(
			warn("containers[0].securityContext.capabilities"),
			warn("containers[0].securityContext.runAsNonRoot"),
			warn("containers[0].securityContext.seccompProfile")),
	}, {
		name: "restricted",
		sc: &corev1.SecurityContext{
			RunAsNonRoot:             ptr.Bool(true),
			AllowPrivilegeEscalation: ptr.Bool(false),
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}, {
		name: "pod level settings count",
		psc: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.Bool(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		sc: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.Bool(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}, {
		name: "empty seccomp type, no drop, misspelt all",
		sc: &corev1.SecurityContext{
			RunAsNonRoot:             ptr.Bool(true),
			AllowPrivilegeEscalation: ptr.Bool(false),
			SeccompProfile:           &corev1.SeccompProfile{},
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"all"}},
		},
		want: warn("containers[0].securityContext.seccompProfile.type").Also(
			apis.ErrInvalidValue("all", "containers[0].securityContext.capabilities.drop", "Must be spelled as 'ALL'").At(apis.WarningLevel)),
	}}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ctx := withFeatures(func(f *config.Features) { f.PodSpecSecurityContext = config.Enabled })
			ps := corev1.PodSpec{
				SecurityContext: test.psc,
				Containers:      []corev1.Container{{Image: "busybox", SecurityContext: test.sc}},
			}
			got := ValidatePodSpec(ctx, ps)
			if errs := got.Filter(apis.ErrorLevel); errs != nil {
				t.Fatal("unexpected errors:", errs)
			}
			if diff := cmp.Diff(test.want.Error(), got.Filter(apis.WarningLevel).Error()); diff != "" {
				t.Errorf("warnings (-want, +got):\n%s", diff)
			}
		})
	}
}

func TestValidateNamespacedObjectReference(t *testing.T) {
	tests := []struct {
		name string
		ref  *corev1.ObjectReference
		want *apis.FieldError
	}{{
		name: "nil",
	}, {
		name: "valid",
		ref:  &corev1.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "foo"},
	}, {
		name: "missing everything",
		ref:  &corev1.ObjectReference{},
		want: apis.ErrMissingField("apiVersion", "kind", "name"),
	}, {
		name: "namespace and others not allowed",
		ref: &corev1.ObjectReference{
			APIVersion: "apps/v1", Kind: "Deployment", Name: "foo",
			Namespace: "other", FieldPath: "spec", UID: "1",
		},
		want: apis.ErrDisallowedFields("fieldPath", "namespace", "uid"),
	}, {
		name: "bad values",
		ref:  &corev1.ObjectReference{APIVersion: "a/b/c", Kind: "Deploy-ment", Name: "Foo"},
		want: apis.ErrInvalidValue(
			`a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
			"apiVersion").Also(
			apis.ErrInvalidValue(`a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')`, "kind"),
			apis.ErrInvalidValue(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`, "name")),
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			checkErrors(t, ValidateNamespacedObjectReference(test.ref), test.want)
		})
	}
}

func TestContainerContexts(t *testing.T) {
	ctx := context.Background()
	if IsInSidecarContainer(ctx) || IsInitContainer(ctx) {
		t.Error("a plain context is in a sidecar or init container")
	}
	if !IsInSidecarContainer(WithinSidecarContainer(ctx)) {
		t.Error("WithinSidecarContainer not detected")
	}
	if !IsInitContainer(WithinInitContainer(ctx)) {
		t.Error("WithinInitContainer not detected")
	}
	if IsInSidecarContainer(WithinUserContainer(ctx)) || IsInitContainer(WithinUserContainer(ctx)) {
		t.Error("WithinUserContainer marks a sidecar or init container")
	}
}
