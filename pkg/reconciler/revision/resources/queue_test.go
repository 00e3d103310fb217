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
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/ptr"

	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
)

func queueContainer(t *testing.T, rev *v1.Revision, cfg *config.Config) *corev1.Container {
	t.Helper()
	c, err := makeQueueContainer(rev, cfg)
	if err != nil {
		t.Fatal("makeQueueContainer() =", err)
	}
	return c
}

// TestQueueContainerEnv pins queue-proxy's whole environment: cmd/queue
// reads these exact names.
func TestQueueContainerEnv(t *testing.T) {
	cfg := testConfig(t)
	c := queueContainer(t, testRevision(), cfg)

	got := map[string]string{}
	from := map[string]string{}
	for _, e := range c.Env {
		if _, dup := got[e.Name]; dup {
			t.Errorf("env %s set twice", e.Name)
		}
		got[e.Name] = e.Value
		if e.ValueFrom != nil {
			from[e.Name] = e.ValueFrom.FieldRef.FieldPath
		}
	}
	want := map[string]string{
		"SERVING_NAMESPACE":                                "foo",
		"SERVING_SERVICE":                                  "svc",
		"SERVING_CONFIGURATION":                            "cfg",
		"SERVING_REVISION":                                 "bar",
		"QUEUE_SERVING_PORT":                               "8012",
		"QUEUE_SERVING_TLS_PORT":                           "8112",
		"CONTAINER_CONCURRENCY":                            "0",
		"REVISION_TIMEOUT_SECONDS":                         "300",
		"REVISION_RESPONSE_START_TIMEOUT_SECONDS":          "0",
		"REVISION_IDLE_TIMEOUT_SECONDS":                    "0",
		"SERVING_POD":                                      "",
		"SERVING_POD_IP":                                   "",
		"SERVING_LOGGING_CONFIG":                           cfg.Logging.LoggingConfig,
		"SERVING_LOGGING_LEVEL":                            "debug",
		"SERVING_REQUEST_LOG_TEMPLATE":                     cfg.Observability.RequestLogTemplate,
		"SERVING_ENABLE_REQUEST_LOG":                       "false",
		"SERVING_REQUEST_METRICS_BACKEND":                  cfg.Observability.RequestMetricsBackend,
		"SERVING_REQUEST_METRICS_REPORTING_PERIOD_SECONDS": "0", // unset in config-observability
		"TRACING_CONFIG_BACKEND":                           "none",
		"TRACING_CONFIG_ZIPKIN_ENDPOINT":                   "",
		"TRACING_CONFIG_DEBUG":                             "false",
		"TRACING_CONFIG_SAMPLE_RATE":                       "0",
		"USER_PORT":                                        "8080",
		"SYSTEM_NAMESPACE":                                 "knative-testing",
		"METRICS_DOMAIN":                                   "",
		"SERVING_READINESS_PROBE":                          `{"tcpSocket":{"port":8080,"host":"127.0.0.1"},"successThreshold":1}`,
		"ENABLE_PROFILING":                                 "false",
		"SERVING_ENABLE_PROBE_REQUEST_LOG":                 "false",
		"METRICS_COLLECTOR_ADDRESS":                        "",
		"HOST_IP":                                          "",
		"ENABLE_HTTP2_AUTO_DETECTION":                      "false",
		"ENABLE_HTTP_FULL_DUPLEX":                          "false",
		"ROOT_CA":                                          "",
		"ENABLE_MULTI_CONTAINER_PROBES":                    "false",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("queue-proxy env (-want,+got):", diff)
	}
	if diff := cmp.Diff(map[string]string{
		"SERVING_POD": "metadata.name", "SERVING_POD_IP": "status.podIP", "HOST_IP": "status.hostIP",
	}, from); diff != "" {
		t.Error("queue-proxy env from fields (-want,+got):", diff)
	}
	if c.Image != "queue:latest" {
		t.Errorf("image = %q, want the config-deployment image", c.Image)
	}
	if diff := cmp.Diff(queueSecurityContext, c.SecurityContext); diff != "" {
		t.Error("securityContext (-want,+got):", diff)
	}
}

func TestQueueContainerEnvVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		rev  *v1.Revision
		cfg  func(*config.Config)
		want map[string]string
	}{{
		name: "timeouts and concurrency",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.TimeoutSeconds = ptr.Int64(45)
			r.Spec.ResponseStartTimeoutSeconds = ptr.Int64(10)
			r.Spec.IdleTimeoutSeconds = ptr.Int64(20)
			r.Spec.ContainerConcurrency = ptr.Int64(7)
		}),
		want: map[string]string{
			"REVISION_TIMEOUT_SECONDS":                "45",
			"REVISION_RESPONSE_START_TIMEOUT_SECONDS": "10",
			"REVISION_IDLE_TIMEOUT_SECONDS":           "20",
			"CONTAINER_CONCURRENCY":                   "7",
		},
	}, {
		name: "revision without a configuration or service",
		rev: testRevision(func(r *v1.Revision) {
			r.OwnerReferences = nil
			delete(r.Labels, serving.ServiceLabelKey)
		}),
		want: map[string]string{"SERVING_CONFIGURATION": "", "SERVING_SERVICE": ""},
	}, {
		name: "h2c serves on 8013",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "h2c", ContainerPort: 8080}}
		}),
		want: map[string]string{"QUEUE_SERVING_PORT": "8013"},
	}, {
		name: "full duplex asked for",
		rev:  testRevision(func(r *v1.Revision) { r.Annotations[apiconfig.AllowHTTPFullDuplexFeatureKey] = "Enabled" }),
		want: map[string]string{"ENABLE_HTTP_FULL_DUPLEX": "true"},
	}, {
		name: "features and observability",
		rev:  testRevision(),
		cfg: func(c *config.Config) {
			c.Features.AutoDetectHTTP2 = apiconfig.Enabled
			c.Observability.EnableProfiling = true
			c.Observability.EnableRequestLog = true
			c.Deployment.QueueSidecarRootCA = "pem"
		},
		want: map[string]string{
			"ENABLE_HTTP2_AUTO_DETECTION": "true",
			"ENABLE_PROFILING":            "true",
			"SERVING_ENABLE_REQUEST_LOG":  "true",
			"ROOT_CA":                     "pem",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			c := queueContainer(t, tc.rev, cfg)
			for k, v := range tc.want {
				if got, ok := envValue(*c, k); !ok || got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestQueueContainerPorts(t *testing.T) {
	base := []corev1.ContainerPort{
		{Name: "http-queueadm", ContainerPort: 8022},
		{Name: "http-autometric", ContainerPort: 9090},
		{Name: "http-usermetric", ContainerPort: 9091},
	}
	for _, tc := range []struct {
		name string
		rev  *v1.Revision
		cfg  func(*config.Config)
		want []corev1.ContainerPort
	}{{
		name: "http1",
		rev:  testRevision(),
		want: append(append([]corev1.ContainerPort{}, base...),
			corev1.ContainerPort{Name: "queue-port", ContainerPort: 8012},
			corev1.ContainerPort{Name: "https-port", ContainerPort: 8112}),
	}, {
		name: "h2c",
		rev: testRevision(func(r *v1.Revision) {
			r.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "h2c"}}
		}),
		want: append(append([]corev1.ContainerPort{}, base...),
			corev1.ContainerPort{Name: "queue-port", ContainerPort: 8013},
			corev1.ContainerPort{Name: "https-port", ContainerPort: 8112}),
	}, {
		name: "profiling",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Observability.EnableProfiling = true },
		want: append(append([]corev1.ContainerPort{}, base...),
			corev1.ContainerPort{Name: "profiling-port", ContainerPort: 8008},
			corev1.ContainerPort{Name: "queue-port", ContainerPort: 8012},
			corev1.ContainerPort{Name: "https-port", ContainerPort: 8112}),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			if diff := cmp.Diff(tc.want, queueContainer(t, tc.rev, cfg).Ports); diff != "" {
				t.Error("ports (-want,+got):", diff)
			}
		})
	}
	// Building containers must not grow the shared port list.
	if len(queueNonServingPorts) != 3 {
		t.Errorf("queueNonServingPorts was modified: %v", queueNonServingPorts)
	}
}

func TestQueueContainerReadinessProbes(t *testing.T) {
	probeHeader := []corev1.HTTPHeader{{Name: "K-Network-Probe", Value: "queue"}}
	for _, tc := range []struct {
		name      string
		userProbe *corev1.Probe
		userPort  int32
		protocol  networking.ProtocolType
		// wantQP is kubelet's probe of queue-proxy, wantEnv what queue-proxy
		// runs against the user container.
		wantQP  *corev1.Probe
		wantEnv *corev1.Probe
	}{{
		name: "default TCP probe on the user port",
		userProbe: &corev1.Probe{
			ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{}},
			SuccessThreshold: 1,
		},
		wantQP: &corev1.Probe{
			ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8012), HTTPHeaders: probeHeader}},
			SuccessThreshold: 1,
		},
		wantEnv: &corev1.Probe{
			ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "127.0.0.1", Port: intstr.FromInt(8080)}},
			SuccessThreshold: 1,
		},
	}, {
		name: "HTTP probe keeps the user's timing, path and headers",
		userProbe: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: "/healthz", HTTPHeaders: []corev1.HTTPHeader{{Name: "X", Value: "y"}},
			}},
			PeriodSeconds:    5,
			FailureThreshold: 3,
			SuccessThreshold: 1,
		},
		userPort: 9000,
		wantQP: &corev1.Probe{
			ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8012), HTTPHeaders: probeHeader}},
			PeriodSeconds:    5,
			FailureThreshold: 3,
			SuccessThreshold: 1,
		},
		wantEnv: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: "/healthz", Host: "127.0.0.1", Port: intstr.FromInt(9000), Scheme: corev1.URISchemeHTTP,
				HTTPHeaders: []corev1.HTTPHeader{{Name: "X", Value: "y"}},
			}},
			PeriodSeconds:    5,
			TimeoutSeconds:   1,
			FailureThreshold: 3,
			SuccessThreshold: 1,
		},
	}, {
		name: "HTTP probe on its own port, h2c revision",
		userProbe: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8181), Scheme: corev1.URISchemeHTTPS}},
		},
		protocol: networking.ProtocolH2C,
		wantQP: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8013), HTTPHeaders: probeHeader}},
		},
		wantEnv: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Host: "127.0.0.1", Port: intstr.FromInt(8181), Scheme: corev1.URISchemeHTTPS}},
		},
	}, {
		name: "TCP probe on its own port",
		userProbe: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt(12345)}},
		},
		wantQP: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8012), HTTPHeaders: probeHeader}},
		},
		wantEnv: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "127.0.0.1", Port: intstr.FromInt(12345)}},
		},
	}, {
		name: "exec probe becomes a TCP check of the user port",
		userProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}},
			PeriodSeconds: 2,
		},
		wantQP: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8012), HTTPHeaders: probeHeader}},
			PeriodSeconds: 2,
		},
		wantEnv: &corev1.Probe{
			ProbeHandler:   corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "127.0.0.1", Port: intstr.FromInt(8080)}},
			PeriodSeconds:  2,
			TimeoutSeconds: 1,
		},
	}, {
		name: "gRPC probe gets the user port",
		userProbe: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Service: ptr.String("svc")}},
		},
		wantQP: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt(8012), HTTPHeaders: probeHeader}},
		},
		wantEnv: &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8080, Service: ptr.String("svc")}},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rev := testRevision(func(r *v1.Revision) {
				r.Spec.Containers[0].ReadinessProbe = tc.userProbe
				if tc.userPort != 0 || tc.protocol != "" {
					name := ""
					if tc.protocol == networking.ProtocolH2C {
						name = "h2c"
					}
					r.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: name, ContainerPort: tc.userPort}}
				}
			})
			c := queueContainer(t, rev, testConfig(t))
			if diff := cmp.Diff(tc.wantQP, c.ReadinessProbe); diff != "" {
				t.Error("queue-proxy readiness probe (-want,+got):", diff)
			}
			env, _ := envValue(*c, "SERVING_READINESS_PROBE")
			got := &corev1.Probe{}
			if err := json.Unmarshal([]byte(env), got); err != nil {
				t.Fatalf("SERVING_READINESS_PROBE %q: %v", env, err)
			}
			if diff := cmp.Diff(tc.wantEnv, got); diff != "" {
				t.Error("SERVING_READINESS_PROBE (-want,+got):", diff)
			}
			// The revision itself is not changed.
			if rev.Spec.Containers[0].ReadinessProbe != tc.userProbe {
				t.Error("the revision's probe was replaced")
			}
		})
	}
}

func TestQueueContainerMultiContainerProbes(t *testing.T) {
	cfg := testConfig(t)
	cfg.Features.MultiContainerProbing = apiconfig.Enabled
	rev := testRevision(func(r *v1.Revision) {
		r.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8888}}
		r.Spec.Containers = append(r.Spec.Containers,
			corev1.Container{
				Name:           "probed",
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt(7777)}}},
			},
			corev1.Container{Name: "unprobed"})
	})
	c := queueContainer(t, rev, cfg)
	if v, _ := envValue(*c, "ENABLE_MULTI_CONTAINER_PROBES"); v != "true" {
		t.Errorf("ENABLE_MULTI_CONTAINER_PROBES = %q", v)
	}
	env, _ := envValue(*c, "SERVING_READINESS_PROBE")
	var got []*corev1.Probe
	if err := json.Unmarshal([]byte(env), &got); err != nil {
		t.Fatalf("SERVING_READINESS_PROBE %q: %v", env, err)
	}
	want := []*corev1.Probe{{
		ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "127.0.0.1", Port: intstr.FromInt(8888)}},
		SuccessThreshold: 1,
	}, {
		ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "127.0.0.1", Port: intstr.FromInt(7777)}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error("probes (-want,+got):", diff)
	}
}

func TestQueueContainerResources(t *testing.T) {
	q := resource.MustParse
	for _, tc := range []struct {
		name string
		rev  *v1.Revision
		cfg  func(*config.Config)
		want corev1.ResourceRequirements
	}{{
		name: "config-deployment default: a CPU request only",
		rev:  testRevision(),
		want: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("25m")}},
	}, {
		name: "queueproxy.resource-defaults",
		rev:  testRevision(),
		cfg:  func(c *config.Config) { c.Features.QueueProxyResourceDefaults = apiconfig.Enabled },
		want: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("25m"), corev1.ResourceMemory: q("400Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: q("1000m"), corev1.ResourceMemory: q("800Mi")},
		},
	}, {
		name: "config-deployment values",
		rev:  testRevision(),
		cfg: func(c *config.Config) {
			c.Deployment.QueueSidecarMemoryRequest = ptrQ("100Mi")
			c.Deployment.QueueSidecarEphemeralStorageLimit = ptrQ("1Gi")
		},
		want: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("25m"), corev1.ResourceMemory: q("100Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceEphemeralStorage: q("1Gi")},
		},
	}, {
		name: "percentage of the user container, clamped to the boundaries",
		rev: testRevision(func(r *v1.Revision) {
			r.Annotations[serving.QueueSidecarResourcePercentageAnnotationKey] = "10"
			r.Spec.Containers[0].Resources = corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: q("500m"), corev1.ResourceMemory: q("10Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: q("2")},
			}
		}),
		want: corev1.ResourceRequirements{
			// 10% of 500m is 50m; 10% of 10Gi is past the 200Mi maximum;
			// 10% of 2 CPUs is 200m.
			Requests: corev1.ResourceList{corev1.ResourceCPU: *resource.NewMilliQuantity(50, resource.BinarySI), corev1.ResourceMemory: q("200Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: *resource.NewMilliQuantity(200, resource.BinarySI)},
		},
	}, {
		name: "explicit annotations win over the percentage",
		rev: testRevision(func(r *v1.Revision) {
			r.Annotations[serving.QueueSidecarResourcePercentageAnnotationKey] = "10"
			r.Annotations[serving.QueueSidecarCPUResourceRequestAnnotationKey] = "300m"
			r.Annotations[serving.QueueSidecarMemoryResourceLimitAnnotationKey] = "1Gi"
			r.Annotations[serving.QueueSidecarEphemeralStorageResourceRequestAnnotationKey] = "2Gi"
			r.Spec.Containers[0].Resources = corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: q("1")},
			}
		}),
		want: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("300m"), corev1.ResourceEphemeralStorage: q("2Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("1Gi")},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.cfg != nil {
				tc.cfg(cfg)
			}
			got := queueContainer(t, tc.rev, cfg).Resources
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })); diff != "" {
				t.Error("resources (-want,+got):", diff)
			}
		})
	}
}

func ptrQ(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}

func TestResourceBoundary(t *testing.T) {
	b := resourceBoundary{min: resource.MustParse("10m"), max: resource.MustParse("100m")}
	for in, want := range map[string]string{"1m": "10m", "50m": "50m", "1": "100m"} {
		if got := b.applyBoundary(resource.MustParse(in)); got.Cmp(resource.MustParse(want)) != 0 {
			t.Errorf("applyBoundary(%s) = %s, want %s", in, got.String(), want)
		}
	}
}
