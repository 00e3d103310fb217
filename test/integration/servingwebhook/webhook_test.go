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

// Package servingwebhook runs Skiff's Serving webhook against a real
// kube-apiserver and applies the seed's manifests through it.
package servingwebhook

import (
	"strings"
	"testing"

	"knative.dev/pkg/injection"

	"github.com/skiffhq/skiff/pkg/test/harness"
	"github.com/skiffhq/skiff/pkg/test/webhooktest"
	"github.com/skiffhq/skiff/pkg/webhook/serving"
)

func TestMain(m *testing.M) { harness.Main(m) }

// seedService is service.yaml of shared/seeds/000_675ba232e13c1954.txt.
const seedService = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello-go
spec:
  template:
    spec:
      containers:
      - image: dev.local/hello-go:serving
`

const trafficTo90 = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: split
spec:
  template:
    spec:
      containers:
      - image: dev.local/hello-go:serving
  traffic:
  - latestRevision: true
    percent: 90
`

const reservedPort = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: reserved
spec:
  template:
    spec:
      containers:
      - image: dev.local/hello-go:serving
        ports:
        - containerPort: 8012
`

func TestServingWebhookOnARealAPIServer(t *testing.T) {
	env := harness.Get(t)
	w := webhooktest.Webhook{
		Namespace: "knative-serving", Service: "webhook", Secret: "webhook-certs", ConfigDir: "core",
		Controllers: []injection.ControllerConstructor{
			serving.NewDefaultingAdmissionController,
			serving.NewValidationAdmissionController,
			serving.NewConfigValidationController,
		},
	}
	webhooktest.InstallConfig(t, env, w)
	webhooktest.Run(t, env, w)
	ns := env.Namespace(t)

	t.Run("the seed's service.yaml is accepted and defaulted", func(t *testing.T) {
		env.Apply(t, ns, seedService)
		ksvc := env.Get(t, harness.Ref("serving.knative.dev/v1", "Service", ns, "hello-go"))
		traffic, _, _ := unstructuredSlice(ksvc.Object, "spec", "traffic")
		if len(traffic) != 1 {
			t.Fatalf("spec.traffic = %v, want the defaulted 100%% to the latest revision", traffic)
		}
		containers, _, _ := unstructuredSlice(ksvc.Object, "spec", "template", "spec", "containers")
		if name := containers[0].(map[string]any)["name"]; name != "user-container" {
			t.Errorf("container name = %v, want the default user-container", name)
		}
		if ann := ksvc.GetAnnotations()["serving.knative.dev/creator"]; ann == "" {
			t.Error("no serving.knative.dev/creator annotation: the user was not recorded")
		}
	})

	t.Run("kubectl get ksvc prints the seed's columns", func(t *testing.T) {
		out := env.Kubectl(t, "get", "ksvc", "-n", ns)
		header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
		want := []string{"NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}
		if strings.Join(header, " ") != strings.Join(want, " ") {
			t.Errorf("kubectl get ksvc header = %v, want %v\n%s", header, want, out)
		}
		if !strings.Contains(out, "hello-go") {
			t.Errorf("kubectl get ksvc does not list hello-go:\n%s", out)
		}
	})

	for _, tc := range []struct{ name, manifest, field string }{
		{"traffic summing to 90 is rejected naming spec.traffic", trafficTo90, "spec.traffic"},
		{"a reserved port is rejected naming the port", reservedPort, "spec.template.spec.containers[0].ports.containerPort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := env.ApplyErr(t, ns, tc.manifest)
			if err == nil {
				t.Fatal("the apiserver accepted an invalid ksvc")
			}
			if !strings.Contains(err.Error(), "validation.webhook.serving.knative.dev") || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("rejection %q does not come from the webhook naming %s", err, tc.field)
			}
		})
	}

	t.Run("a bad config-autoscaler value is rejected", func(t *testing.T) {
		err := env.ApplyErr(t, "knative-serving", `
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-autoscaler
  labels:
    app.kubernetes.io/name: knative-serving
    app.kubernetes.io/component: autoscaler
data:
  container-concurrency-target-default: "-3"
`)
		if err == nil || !strings.Contains(err.Error(), "config.webhook.serving.knative.dev") {
			t.Fatalf("applying a negative concurrency target: %v; want a rejection by the config webhook", err)
		}
	})
}
