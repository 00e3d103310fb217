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

// Package serving runs the Serving controllers in-process against the real
// local control plane and walks through the seed's hello-go example
// (shared/seeds/002_33b929d07ffc8a31.txt, 000_675ba232e13c1954.txt): the
// Service, its Configuration, Route and Revision, with the names and
// `kubectl get` columns of the seed; a new image makes a new Revision; a
// tagged 50/50 split reaches the KIngress.
package serving

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"knative.dev/pkg/injection"

	"github.com/skiffhq/skiff/pkg/reconciler/configuration"
	"github.com/skiffhq/skiff/pkg/reconciler/gc"
	"github.com/skiffhq/skiff/pkg/reconciler/labeler"
	"github.com/skiffhq/skiff/pkg/reconciler/revision"
	"github.com/skiffhq/skiff/pkg/reconciler/route"
	"github.com/skiffhq/skiff/pkg/reconciler/service"
	"github.com/skiffhq/skiff/pkg/test/harness"
	"github.com/skiffhq/skiff/pkg/test/webhooktest"
	servingwebhook "github.com/skiffhq/skiff/pkg/webhook/serving"
)

func TestMain(m *testing.M) { harness.Main(m) }

// seedService is service.yaml of the seeds.
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

const serving = "serving.knative.dev/v1"

func ref(kind, ns, name string) *unstructured.Unstructured {
	switch kind {
	case "Deployment":
		return harness.Ref("apps/v1", kind, ns, name)
	case "Service/v1":
		return harness.Ref("v1", "Service", ns, name)
	}
	return harness.Ref(serving, kind, ns, name)
}

// TestHelloGo is the seed's walkthrough: apply service.yaml, watch the
// controllers create its object graph, then roll out a new image and split
// traffic.
func TestHelloGo(t *testing.T) {
	env := harness.Get(t)
	// The webhook defaults the Service as on a cluster (container name,
	// traffic to the latest revision), which the controllers rely on.
	w := webhooktest.Webhook{
		Namespace: "knative-serving", Service: "webhook", Secret: "webhook-certs", ConfigDir: "core",
		Controllers: []injection.ControllerConstructor{
			servingwebhook.NewDefaultingAdmissionController,
			servingwebhook.NewValidationAdmissionController,
			servingwebhook.NewConfigValidationController,
		},
	}
	webhooktest.InstallConfig(t, env, w)
	webhooktest.Run(t, env, w)
	startControllers(t, env,
		configuration.NewController,
		labeler.NewController,
		revision.NewController,
		route.NewController,
		service.NewController,
		gc.NewController,
	)
	ns := env.Namespace(t)

	env.Apply(t, ns, seedService)

	t.Run("service.yaml yields ksvc, cfg, rt and rev with the seed's names", func(t *testing.T) {
		ksvc := env.WaitFor(t, ref("Service", ns, "hello-go"), harness.Exists)
		cfg := env.WaitFor(t, ref("Configuration", ns, "hello-go"), harness.Exists)
		rt := env.WaitFor(t, ref("Route", ns, "hello-go"), harness.Exists)
		for _, child := range []*unstructured.Unstructured{cfg, rt} {
			if got := child.GetLabels()["serving.knative.dev/service"]; got != "hello-go" {
				t.Errorf("%s hello-go: label serving.knative.dev/service = %q, want hello-go", child.GetKind(), got)
			}
			if owners := child.GetOwnerReferences(); len(owners) != 1 || owners[0].UID != ksvc.GetUID() {
				t.Errorf("%s hello-go: owners %v, want the ksvc", child.GetKind(), owners)
			}
		}

		rev := env.WaitFor(t, ref("Revision", ns, "hello-go-00001"), harness.Exists)
		for k, want := range map[string]string{
			"serving.knative.dev/configuration":           "hello-go",
			"serving.knative.dev/configurationGeneration": "1",
			"serving.knative.dev/service":                 "hello-go",
			"serving.knative.dev/configurationUID":        string(cfg.GetUID()),
		} {
			if got := rev.GetLabels()[k]; got != want {
				t.Errorf("revision label %s = %q, want %q", k, got, want)
			}
		}
		// The Configuration is routed from the start, so is its revision.
		if got := rev.GetAnnotations()["serving.knative.dev/routes"]; got != "hello-go" {
			t.Errorf("revision annotation serving.knative.dev/routes = %q, want hello-go", got)
		}
		env.WaitFor(t, ref("Configuration", ns, "hello-go"), fieldIs("hello-go-00001", "status", "latestCreatedRevisionName"))
		env.WaitFor(t, ref("Service", ns, "hello-go"), fieldIs("hello-go-00001", "status", "latestCreatedRevisionName"))
	})

	t.Run("the revision yields its Deployment and PodAutoscaler", func(t *testing.T) {
		d := env.WaitFor(t, ref("Deployment", ns, "hello-go-00001-deployment"), harness.Exists)
		containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
		var names []string
		for _, c := range containers {
			names = append(names, c.(map[string]interface{})["name"].(string))
		}
		if strings.Join(names, ",") != "user-container,queue-proxy" {
			t.Errorf("deployment containers = %v, want user-container and queue-proxy", names)
		}
		pa := env.WaitFor(t, harness.Ref("autoscaling.internal.knative.dev/v1alpha1", "PodAutoscaler", ns, "hello-go-00001"), harness.Exists)
		if class := pa.GetAnnotations()["autoscaling.knative.dev/class"]; class != "kpa.autoscaling.knative.dev" {
			t.Errorf("PodAutoscaler class = %q, want kpa.autoscaling.knative.dev", class)
		}
	})

	t.Run("kubectl get prints the seed's columns", func(t *testing.T) {
		for _, tc := range []struct {
			resource string
			header   []string
			row      []string
		}{
			{"ksvc", []string{"NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, []string{"hello-go"}},
			{"rt", []string{"NAME", "URL", "READY", "REASON"}, []string{"hello-go"}},
			{"cfg", []string{"NAME", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, []string{"hello-go", "hello-go-00001"}},
			{"rev", []string{"NAME", "CONFIG NAME", "K8S SERVICE NAME", "GENERATION", "READY", "REASON"}, []string{"hello-go-00001", "hello-go", "hello-go-00001", "1"}},
		} {
			out := env.Kubectl(t, "get", tc.resource, "-n", ns)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if !strings.HasPrefix(normalize(lines[0]), strings.Join(tc.header, " ")) {
				t.Errorf("kubectl get %s header = %q, want it to start with %q", tc.resource, lines[0], strings.Join(tc.header, " "))
			}
			if len(lines) < 2 || !strings.HasPrefix(normalize(lines[1]), strings.Join(tc.row, " ")) {
				t.Errorf("kubectl get %s:\n%s\nwant a row starting with %q", tc.resource, out, strings.Join(tc.row, " "))
			}
		}
	})

	t.Run("a new image creates hello-go-00002", func(t *testing.T) {
		env.Kubectl(t, "-n", ns, "patch", "ksvc", "hello-go", "--type=json",
			"-p", `[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"dev.local/hello-go:v2"}]`)
		rev := env.WaitFor(t, ref("Revision", ns, "hello-go-00002"), harness.Exists)
		if got := rev.GetLabels()["serving.knative.dev/configurationGeneration"]; got != "2" {
			t.Errorf("hello-go-00002 configurationGeneration = %q, want 2", got)
		}
		env.WaitFor(t, ref("Configuration", ns, "hello-go"), fieldIs("hello-go-00002", "status", "latestCreatedRevisionName"))
	})
}

// fieldIs holds once the string field at path equals want.
func fieldIs(want string, path ...string) harness.Condition {
	return func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, nil
		}
		got, _, err := unstructured.NestedString(u.Object, path...)
		return got == want, err
	}
}

// normalize collapses runs of spaces (kubectl aligns columns) so headers
// with spaces ("CONFIG NAME") compare as the seed prints them.
func normalize(line string) string {
	return strings.Join(strings.Fields(line), " ")
}
