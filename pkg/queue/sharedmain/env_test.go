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

package sharedmain

import (
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kelseyhightower/envconfig"
	netheader "knative.dev/networking/pkg/http/header"
)

// upstreamEnv is what upstream's revision reconciler sets on queue-proxy.
var upstreamEnv = map[string]string{
	"SERVING_NAMESPACE":                                "default",
	"SERVING_SERVICE":                                  "hello",
	"SERVING_CONFIGURATION":                            "hello",
	"SERVING_REVISION":                                 "hello-00001",
	"QUEUE_SERVING_PORT":                               "8012",
	"QUEUE_SERVING_TLS_PORT":                           "8112",
	"CONTAINER_CONCURRENCY":                            "10",
	"REVISION_TIMEOUT_SECONDS":                         "300",
	"REVISION_RESPONSE_START_TIMEOUT_SECONDS":          "0",
	"REVISION_IDLE_TIMEOUT_SECONDS":                    "0",
	"SERVING_POD":                                      "hello-00001-deployment-abc",
	"SERVING_POD_IP":                                   "10.244.0.5",
	"SERVING_LOGGING_CONFIG":                           "",
	"SERVING_LOGGING_LEVEL":                            "",
	"SERVING_REQUEST_LOG_TEMPLATE":                     "",
	"SERVING_ENABLE_REQUEST_LOG":                       "false",
	"SERVING_REQUEST_METRICS_BACKEND":                  "prometheus",
	"SERVING_REQUEST_METRICS_REPORTING_PERIOD_SECONDS": "5",
	"TRACING_CONFIG_BACKEND":                           "none",
	"TRACING_CONFIG_ZIPKIN_ENDPOINT":                   "",
	"TRACING_CONFIG_DEBUG":                             "false",
	"TRACING_CONFIG_SAMPLE_RATE":                       "0.1",
	"USER_PORT":                                        "8080",
	"SYSTEM_NAMESPACE":                                 "knative-serving",
	"METRICS_DOMAIN":                                   "knative.dev/internal/serving",
	"SERVING_READINESS_PROBE":                          `{"tcpSocket":{"port":8080,"host":"127.0.0.1"},"successThreshold":1}`,
	"ENABLE_PROFILING":                                 "false",
	"SERVING_ENABLE_PROBE_REQUEST_LOG":                 "false",
	"METRICS_COLLECTOR_ADDRESS":                        "",
	"HOST_IP":                                          "10.0.0.1",
	"ENABLE_HTTP2_AUTO_DETECTION":                      "false",
	"ENABLE_HTTP_FULL_DUPLEX":                          "false",
	"ROOT_CA":                                          "",
	"ENABLE_MULTI_CONTAINER_PROBES":                    "false",
}

func TestEnv(t *testing.T) {
	tests := []struct {
		name    string
		set     map[string]string
		unset   []string
		want    func(*config)
		wantErr string
	}{{
		name: "upstream reconciler's environment",
		want: func(*config) {},
	}, {
		name: "Skiff extensions",
		set: map[string]string{
			"SKIFF_QUEUE_ADMIN_PORT":   "18022",
			"SKIFF_QUEUE_METRICS_PORT": "19090",
			"SKIFF_QUEUE_BIND_ADDRESS": "127.0.0.1",
			"SKIFF_DRAIN_QUIET_PERIOD": "2s",
		},
		want: func(c *config) {
			c.QueueAdminPort, c.QueueMetricsPort, c.BindAddress, c.DrainQuietPeriod = 18022, 19090, "127.0.0.1", 2*time.Second
		},
	}, {
		name:    "missing required variable",
		unset:   []string{"SERVING_POD"},
		wantErr: "SERVING_POD",
	}, {
		name:    "malformed number",
		set:     map[string]string{"CONTAINER_CONCURRENCY": "ten"},
		wantErr: "CONTAINER_CONCURRENCY",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range upstreamEnv {
				t.Setenv(k, v)
			}
			for k, v := range tc.set {
				t.Setenv(k, v)
			}
			for _, k := range tc.unset {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			var got config
			err := envconfig.Process("", &got)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Process error = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("Process:", err)
			}
			want := config{
				ContainerConcurrency:                        10,
				QueueServingPort:                            "8012",
				QueueServingTLSPort:                         "8112",
				UserPort:                                    "8080",
				RevisionTimeoutSeconds:                      300,
				ServingReadinessProbe:                       upstreamEnv["SERVING_READINESS_PROBE"],
				ServingRequestMetricsBackend:                "prometheus",
				ServingRequestMetricsReportingPeriodSeconds: 5,
				TracingConfigBackend:                        "none",
				TracingConfigSampleRate:                     0.1,
				QueueAdminPort:                              8022,
				QueueMetricsPort:                            9090,
				DrainQuietPeriod:                            30 * time.Second,
				Env: Env{
					ServingNamespace:     "default",
					ServingService:       "hello",
					ServingConfiguration: "hello",
					ServingRevision:      "hello-00001",
					ServingPod:           "hello-00001-deployment-abc",
					ServingPodIP:         "10.244.0.5",
				},
			}
			tc.want(&want)
			if !cmp.Equal(got, want) {
				t.Errorf("config (-got,+want): %s", cmp.Diff(got, want))
			}
		})
	}
}

// mainRan records that Main ran: knative's signal handler can be set up
// only once per process, so with -count > 1 the test runs once.
var mainRan bool

// TestMainDrainsOnSIGTERM runs the real Main, as the binary does, and sends
// this process SIGTERM. It must be the only test calling Main.
func TestMainDrainsOnSIGTERM(t *testing.T) {
	if mainRan {
		t.Skip("Main can run once per process (signal handler)")
	}
	mainRan = true
	app := startApp(t)
	ports := map[string]string{}
	for _, k := range []string{"QUEUE_SERVING_PORT", "SKIFF_QUEUE_ADMIN_PORT", "SKIFF_QUEUE_METRICS_PORT"} {
		ports[k] = freePort(t)
	}
	for k, v := range upstreamEnv {
		t.Setenv(k, v)
	}
	for k, v := range ports {
		t.Setenv(k, v)
	}
	t.Setenv("USER_PORT", app.port)
	t.Setenv("SERVING_READINESS_PROBE", `{"tcpSocket":{"port":`+app.port+`,"host":"127.0.0.1"},"successThreshold":1}`)
	t.Setenv("SERVING_REQUEST_METRICS_BACKEND", "") // no :9091 server in tests
	t.Setenv("SKIFF_QUEUE_BIND_ADDRESS", "127.0.0.1")
	t.Setenv("SKIFF_DRAIN_QUIET_PERIOD", "100ms")
	t.Setenv("SERVING_LOGGING_LEVEL", "error")

	done := make(chan error)
	go func() { done <- Main() }()

	url := "http://127.0.0.1:" + ports["QUEUE_SERVING_PORT"]
	// Ready once the readiness probe passes (and, by then, the signal
	// handler is installed: Main sets it up first).
	for {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set(netheader.ProbeKey, "queue")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
	}

	inflight := make(chan string)
	go func() {
		resp, err := http.Get(url + "/slow?ms=300")
		if err != nil {
			inflight <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		inflight <- strconv.Itoa(resp.StatusCode) + " " + string(body)
	}()
	for app.inFlight() != 1 {
		time.Sleep(time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal("kill:", err)
	}
	if got := <-inflight; got != "200 done" {
		t.Errorf("in-flight request = %q, want 200 done", got)
	}
	if err := <-done; err != nil {
		t.Errorf("Main = %v", err)
	}
	if _, err := net.Dial("tcp", "127.0.0.1:"+ports["QUEUE_SERVING_PORT"]); err == nil {
		t.Error("serving port still open after Main returned")
	}
}
