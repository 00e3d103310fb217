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
// Service, its Configuration, Route and Revision, the Revision's Deployment,
// PodAutoscaler and ServerlessService, the Route's KIngress and the three
// Services, with the seed's names and `kubectl get` columns; a new image
// makes a new Revision; a tagged 50/50 split reaches the KIngress; without
// traffic the revisions scale to zero (NoTraffic, SKS Proxy).
//
// A fake kubelet (kubelet_test.go) reports the Pods of the Deployments
// running, so revisions become Ready without a node agent; fake deciders
// (deciders_test.go) stand in for the autoscaler's metrics, and a fake
// ingress (ingress_test.go) for the gateway that makes KIngresses ready.
package serving

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/autoscaling/kpa"
	"github.com/skiffhq/skiff/pkg/reconciler/configuration"
	"github.com/skiffhq/skiff/pkg/reconciler/gc"
	"github.com/skiffhq/skiff/pkg/reconciler/labeler"
	"github.com/skiffhq/skiff/pkg/reconciler/revision"
	"github.com/skiffhq/skiff/pkg/reconciler/route"
	"github.com/skiffhq/skiff/pkg/reconciler/serverlessservice"
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

// TestHelloGo is the seed's walkthrough: apply service.yaml, watch the
// controllers create its object graph, then roll out a new image, split
// traffic, and let it all scale to zero.
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
	// Scale to zero within seconds rather than minutes: the shortest stable
	// window, a 1s grace period, and the activator taken as always in the
	// path (target-burst-capacity -1), since none runs here to be probed.
	env.Kubectl(t, "-n", "knative-serving", "patch", "configmap", "config-autoscaler", "--type=merge", "-p",
		`{"data":{"stable-window":"6s","scale-to-zero-grace-period":"1s","target-burst-capacity":"-1"}}`)

	startFakeKubelet(t, env.Kube, "skiff-fake-node", env.Cluster.Network.HostIP.String())
	deciders := newFakeDeciders()
	startControllers(t, env,
		// cmd/controller's reconcilers...
		configuration.NewController,
		labeler.NewController,
		revision.NewController,
		route.NewController,
		serverlessservice.NewController,
		service.NewController,
		gc.NewController,
		// ...and the autoscaler's kpa reconciler.
		func(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
			return kpa.NewController(ctx, cmw, deciders)
		},
	)
	ns := env.Namespace(t)
	startFakeIngress(t, env.Config, ns)
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
	})

	t.Run("the revision yields its Deployment, kpa, sks and Services", func(t *testing.T) {
		d := &appsv1.Deployment{}
		waitTyped(t, env, ref("Deployment", ns, "hello-go-00001-deployment"), d, func() bool { return true })
		var names []string
		for _, c := range d.Spec.Template.Spec.Containers {
			names = append(names, c.Name)
		}
		if strings.Join(names, ",") != "user-container,queue-proxy" {
			t.Errorf("deployment containers = %v, want user-container and queue-proxy", names)
		}

		pa := &autoscalingv1alpha1.PodAutoscaler{}
		waitTyped(t, env, ref("PodAutoscaler", ns, "hello-go-00001"), pa, func() bool { return true })
		if class := pa.Annotations["autoscaling.knative.dev/class"]; class != "kpa.autoscaling.knative.dev" {
			t.Errorf("PodAutoscaler class = %q, want kpa.autoscaling.knative.dev", class)
		}

		sks := &netv1alpha1.ServerlessService{}
		waitTyped(t, env, ref("ServerlessService", ns, "hello-go-00001"), sks, func() bool {
			return sks.Status.ServiceName != "" && sks.Status.PrivateServiceName != ""
		})
		if sks.Status.ServiceName != "hello-go-00001" || sks.Status.PrivateServiceName != "hello-go-00001-private" {
			t.Errorf("sks services = %q, %q; want hello-go-00001, hello-go-00001-private",
				sks.Status.ServiceName, sks.Status.PrivateServiceName)
		}

		public := &corev1.Service{}
		waitTyped(t, env, ref("Service/v1", ns, "hello-go-00001"), public, func() bool { return true })
		if len(public.Spec.Selector) != 0 || len(public.Spec.Ports) != 1 || public.Spec.Ports[0].Port != 80 ||
			public.Spec.Ports[0].TargetPort.IntValue() != 8012 {
			t.Errorf("public Service hello-go-00001: selector %v, ports %v; want none and 80->8012",
				public.Spec.Selector, public.Spec.Ports)
		}
		private := &corev1.Service{}
		waitTyped(t, env, ref("Service/v1", ns, "hello-go-00001-private"), private, func() bool { return true })
		var ports []string
		for _, p := range private.Spec.Ports {
			ports = append(ports, fmt.Sprint(p.Port))
		}
		if len(private.Spec.Selector) == 0 || strings.Join(ports, ",") != "80,9090,9091,8022" {
			t.Errorf("private Service hello-go-00001-private: selector %v, ports %v; want a selector and 80,9090,9091,8022",
				private.Spec.Selector, ports)
		}
	})

	t.Run("the revision becomes ready and the route programs KIngress hello-go", func(t *testing.T) {
		ksvc := &v1.Service{}
		waitTyped(t, env, ref("Service", ns, "hello-go"), ksvc, ksvc.IsReady)
		if want := fmt.Sprintf("http://hello-go.%s.example.com", ns); ksvc.Status.URL.String() != want {
			t.Errorf("ksvc URL = %s, want %s", ksvc.Status.URL, want)
		}
		if ksvc.Status.LatestReadyRevisionName != "hello-go-00001" {
			t.Errorf("ksvc latestReadyRevisionName = %q, want hello-go-00001", ksvc.Status.LatestReadyRevisionName)
		}

		king := &netv1alpha1.Ingress{}
		waitTyped(t, env, ref("Ingress", ns, "hello-go"), king, func() bool { return true })
		if class := king.Annotations["networking.knative.dev/ingress.class"]; class != "skiff.ingress.networking.knative.dev" {
			t.Errorf("KIngress class = %q, want skiff.ingress.networking.knative.dev", class)
		}
		if splits := ingressSplits(king, fmt.Sprintf("hello-go.%s.example.com", ns)); splits != "hello-go-00001=100" {
			t.Errorf("KIngress splits for the external host = %q, want hello-go-00001=100", splits)
		}

		placeholder := &corev1.Service{}
		waitTyped(t, env, ref("Service/v1", ns, "hello-go"), placeholder, func() bool { return true })
		if placeholder.Spec.Type != corev1.ServiceTypeExternalName ||
			placeholder.Spec.ExternalName != "skiff-gateway-internal.knative-serving.svc.cluster.local" {
			t.Errorf("placeholder Service hello-go: type %s, externalName %q; want ExternalName to the gateway's internal Service",
				placeholder.Spec.Type, placeholder.Spec.ExternalName)
		}
	})

	t.Run("kubectl get prints the seed's columns", func(t *testing.T) {
		url := fmt.Sprintf("http://hello-go.%s.example.com", ns)
		for _, tc := range []struct {
			resource string
			header   []string
			row      []string
		}{
			{"ksvc", []string{"NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, []string{"hello-go", url, "hello-go-00001", "hello-go-00001", "True"}},
			{"rt", []string{"NAME", "URL", "READY", "REASON"}, []string{"hello-go", url}},
			{"cfg", []string{"NAME", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}, []string{"hello-go", "hello-go-00001", "hello-go-00001", "True"}},
			{"rev", []string{"NAME", "CONFIG NAME", "K8S SERVICE NAME", "GENERATION", "READY", "REASON"}, []string{"hello-go-00001", "hello-go", "hello-go-00001", "1", "True"}},
			{"king", []string{"NAME", "READY", "REASON"}, []string{"hello-go", "True"}},
			{"kpa", []string{"NAME", "DESIREDSCALE", "ACTUALSCALE", "READY", "REASON"}, []string{"hello-go-00001"}},
			{"sks", []string{"NAME", "MODE", "ACTIVATORS", "SERVICENAME", "PRIVATESERVICENAME", "READY", "REASON"}, []string{"hello-go-00001"}},
		} {
			checkKubectlGet(t, env, ns, tc.resource, tc.header, tc.row)
		}
	})

	t.Run("a new image creates hello-go-00002, which takes the traffic", func(t *testing.T) {
		env.Kubectl(t, "-n", ns, "patch", "ksvc", "hello-go", "--type=json",
			"-p", `[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"dev.local/hello-go:v2"}]`)
		rev := env.WaitFor(t, ref("Revision", ns, "hello-go-00002"), harness.Exists)
		if got := rev.GetLabels()["serving.knative.dev/configurationGeneration"]; got != "2" {
			t.Errorf("hello-go-00002 configurationGeneration = %q, want 2", got)
		}
		ksvc := &v1.Service{}
		waitTyped(t, env, ref("Service", ns, "hello-go"), ksvc, func() bool {
			return ksvc.IsReady() && ksvc.Status.LatestReadyRevisionName == "hello-go-00002" &&
				len(ksvc.Status.Traffic) == 1 && ksvc.Status.Traffic[0].RevisionName == "hello-go-00002"
		})
		king := &netv1alpha1.Ingress{}
		waitTyped(t, env, ref("Ingress", ns, "hello-go"), king, func() bool {
			return ingressSplits(king, fmt.Sprintf("hello-go.%s.example.com", ns)) == "hello-go-00002=100"
		})
	})

	t.Run("a tagged 50/50 split shows up in the KIngress", func(t *testing.T) {
		env.Kubectl(t, "-n", ns, "patch", "ksvc", "hello-go", "--type=merge", "-p",
			`{"spec":{"traffic":[{"revisionName":"hello-go-00001","percent":50},{"latestRevision":true,"percent":50,"tag":"candidate"}]}}`)
		host := fmt.Sprintf("hello-go.%s.example.com", ns)
		tagHost := fmt.Sprintf("candidate-hello-go.%s.example.com", ns)
		king := &netv1alpha1.Ingress{}
		waitTyped(t, env, ref("Ingress", ns, "hello-go"), king, func() bool {
			return ingressSplits(king, host) == "hello-go-00001=50,hello-go-00002=50" &&
				ingressSplits(king, tagHost) == "hello-go-00002=100"
		})
		rt := &v1.Route{}
		waitTyped(t, env, ref("Route", ns, "hello-go"), rt, func() bool { return len(rt.Status.Traffic) == 2 })
		if tt := rt.Status.Traffic[1]; tt.Tag != "candidate" || tt.URL == nil || tt.URL.Host != tagHost {
			t.Errorf("route status traffic[1] = %+v, want tag candidate at http://%s", tt, tagHost)
		}
	})

	t.Run("without traffic the revisions scale to zero: kpa NoTraffic, sks Proxy", func(t *testing.T) {
		deciders.setDesiredScale(0)
		for _, name := range []string{"hello-go-00001", "hello-go-00002"} {
			pa := &autoscalingv1alpha1.PodAutoscaler{}
			waitTyped(t, env, ref("PodAutoscaler", ns, name), pa, func() bool {
				c := pa.Status.GetCondition(autoscalingv1alpha1.PodAutoscalerConditionActive)
				return c.IsFalse() && c.Reason == "NoTraffic" &&
					pa.Status.DesiredScale != nil && *pa.Status.DesiredScale == 0 &&
					pa.Status.ActualScale != nil && *pa.Status.ActualScale == 0
			})
			sks := &netv1alpha1.ServerlessService{}
			waitTyped(t, env, ref("ServerlessService", ns, name), sks, func() bool {
				return sks.Spec.Mode == netv1alpha1.SKSOperationModeProxy
			})
		}
		checkKubectlGet(t, env, ns, "kpa", []string{"NAME", "DESIREDSCALE", "ACTUALSCALE", "READY", "REASON"},
			[]string{"hello-go-00001", "0", "0", "False", "NoTraffic"})
		checkKubectlGet(t, env, ns, "sks", []string{"NAME", "MODE", "ACTIVATORS", "SERVICENAME", "PRIVATESERVICENAME"},
			[]string{"hello-go-00001", "Proxy", "2", "hello-go-00001", "hello-go-00001-private"})
		// Scaled to zero is not broken: the service stays Ready.
		ksvc := &v1.Service{}
		waitTyped(t, env, ref("Service", ns, "hello-go"), ksvc, ksvc.IsReady)
	})
}

func ref(kind, ns, name string) *unstructured.Unstructured {
	switch kind {
	case "Deployment":
		return harness.Ref("apps/v1", kind, ns, name)
	case "Service/v1":
		return harness.Ref("v1", "Service", ns, name)
	case "PodAutoscaler":
		return harness.Ref("autoscaling.internal.knative.dev/v1alpha1", kind, ns, name)
	case "ServerlessService", "Ingress":
		return harness.Ref("networking.internal.knative.dev/v1alpha1", kind, ns, name)
	}
	return harness.Ref("serving.knative.dev/v1", kind, ns, name)
}

// waitTyped waits until the object exists and cond, evaluated on it decoded
// into obj, holds; obj is left holding the last state seen.
func waitTyped(t *testing.T, env *harness.Env, r *unstructured.Unstructured, obj runtime.Object, cond func() bool) {
	t.Helper()
	env.WaitFor(t, r, func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, nil
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
			return false, err
		}
		return cond(), nil
	})
}

// ingressSplits renders the splits of the KIngress rule serving host as
// "service=percent,...", sorted as the KIngress lists them.
func ingressSplits(king *netv1alpha1.Ingress, host string) string {
	for _, rule := range king.Spec.Rules {
		if rule.HTTP == nil || !contains(rule.Hosts, host) {
			continue
		}
		var out []string
		for _, path := range rule.HTTP.Paths {
			for _, s := range path.Splits {
				out = append(out, fmt.Sprintf("%s=%d", s.ServiceName, s.Percent))
			}
		}
		return strings.Join(out, ",")
	}
	return ""
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// checkKubectlGet checks that `kubectl get resource` prints header and a row
// starting with row's cells (columns after them may hold anything).
func checkKubectlGet(t *testing.T, env *harness.Env, ns, resource string, header, row []string) {
	t.Helper()
	out := env.Kubectl(t, "get", resource, "-n", ns)
	t.Logf("kubectl get %s:\n%s", resource, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(normalize(lines[0]), strings.Join(header, " ")) {
		t.Errorf("kubectl get %s header = %q, want it to start with %q", resource, lines[0], strings.Join(header, " "))
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(normalize(l)+" ", strings.Join(row, " ")+" ") {
			return
		}
	}
	t.Errorf("kubectl get %s:\n%s\nwant a row starting with %q", resource, out, strings.Join(row, " "))
}

// normalize collapses runs of spaces (kubectl aligns columns) so headers
// with spaces ("CONFIG NAME") compare as the seed prints them.
func normalize(line string) string {
	return strings.Join(strings.Fields(line), " ")
}
