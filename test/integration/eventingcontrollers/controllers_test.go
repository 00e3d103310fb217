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

// Package eventingcontrollers runs Skiff's Eventing control plane (the
// eventing-controller's and imc-controller's reconcilers, and the eventing
// webhook) in-process against a real kube-apiserver, as their
// ServiceAccounts (impersonated, so config/'s RBAC is exercised), and
// walks the seed's broker and trigger to Ready. The data planes do not run
// here: the shared Services broker-ingress, broker-filter and
// imc-dispatcher point at the test host, and the test plays the
// dispatcher's part of marking subscribers ready.
package eventingcontrollers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	cminformer "knative.dev/pkg/configmap/informer"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/reconciler/broker"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/trigger"
	"github.com/skiffhq/skiff/pkg/reconciler/channel"
	imccontroller "github.com/skiffhq/skiff/pkg/reconciler/inmemorychannel/controller"
	"github.com/skiffhq/skiff/pkg/reconciler/subscription"
	"github.com/skiffhq/skiff/pkg/test/harness"
	"github.com/skiffhq/skiff/pkg/test/webhooktest"
	"github.com/skiffhq/skiff/pkg/webhook/eventing"
)

func TestMain(m *testing.M) { harness.Main(m) }

const ns = "knative-samples"

// The seed's app Service, broker.yaml and trigger.yaml
// (shared/seeds/000_675ba232e13c1954.txt).
const seed = `
apiVersion: v1
kind: Service
metadata:
  name: hello-go
spec:
  selector:
    app: hello-go
  ports:
  - protocol: TCP
    port: 80
    targetPort: 8080
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec: {}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: hello-go
spec:
  broker: default
  filter:
    attributes:
      type: dev.knative.samples.helloworld
      source: dev.knative.samples/helloworldsource
  subscriber:
    ref:
      apiVersion: v1
      kind: Service
      name: hello-go
`

const readEverything = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: test-read-everything
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: test-read-everything
subjects:
- kind: ServiceAccount
  name: eventing-controller
  namespace: knative-eventing
- kind: ServiceAccount
  name: imc-controller
  namespace: knative-eventing
roleRef:
  kind: ClusterRole
  name: test-read-everything
  apiGroup: rbac.authorization.k8s.io
`

const dispatcherDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: imc-dispatcher
spec:
  selector:
    matchLabels:
      app: imc-dispatcher
  template:
    metadata:
      labels:
        app: imc-dispatcher
    spec:
      containers:
      - name: dispatcher
        image: ko://github.com/skiffhq/skiff/cmd/imc-dispatcher
`

// hostServices stand for the data planes: selector-less, so their
// Endpoints (the test host) stay as set.
var hostServices = []string{"broker-ingress", "broker-filter", "imc-dispatcher"}

func TestSeedBrokerAndTrigger(t *testing.T) {
	env := harness.Get(t)
	installConfig(t, env)
	webhooktest.Run(t, env, webhooktest.Webhook{
		Namespace: "knative-eventing", Service: "eventing-webhook", Secret: "eventing-webhook-certs", ConfigDir: "eventing",
		Controllers: []injection.ControllerConstructor{
			eventing.NewDefaultingAdmissionController,
			eventing.NewValidationAdmissionController,
			eventing.NewConfigValidationController,
		},
	})
	for _, name := range hostServices {
		exposeHost(t, env, name)
	}
	// This test binary registers the informers of every component it runs
	// (webhook, both controllers) with every one of them; let both
	// ServiceAccounts read everything, so informers the real binaries do not
	// have can sync. What they may write is still config/'s RBAC.
	env.Apply(t, "", readEverything)
	// The imc-controller requires the dispatcher's Deployment (its pods
	// never start here: its availability does not gate the channels).
	env.Apply(t, "knative-eventing", dispatcherDeployment)
	startControllers(t, env, "eventing-controller", channel.NewController, subscription.NewController, broker.NewController, trigger.NewController)
	startControllers(t, env, "imc-controller", imccontroller.NewController)

	env.Apply(t, "", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+ns+"\n")
	env.Apply(t, ns, seed)

	brokerRef := harness.Ref("eventing.knative.dev/v1", "Broker", ns, "default")
	imcRef := harness.Ref("messaging.knative.dev/v1", "InMemoryChannel", ns, "default-kne-trigger")
	triggerRef := harness.Ref("eventing.knative.dev/v1", "Trigger", ns, "hello-go")

	t.Run("broker default becomes ready at the shared ingress", func(t *testing.T) {
		b := env.WaitForCondition(t, brokerRef, "Ready", "True")
		if got, want := str(b, "status", "address", "url"), "http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default"; got != want {
			t.Errorf("status.address.url = %q, want %q", got, want)
		}
		if got, want := str(b, "status", "annotations", "knative.dev/channelAddress"), "http://default-kne-trigger-kn-channel.knative-samples.svc.cluster.local"; got != want {
			t.Errorf("knative.dev/channelAddress = %q, want %q", got, want)
		}
		out := env.Kubectl(t, "-n", ns, "get", "broker")
		if !strings.Contains(out, "default   http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default") {
			t.Errorf("kubectl get broker:\n%s", out)
		}
	})

	t.Run("the broker's InMemoryChannel points at the dispatcher", func(t *testing.T) {
		env.WaitForCondition(t, imcRef, "Ready", "True")
		svc, err := env.Kube.CoreV1().Services(ns).Get(context.Background(), "default-kne-trigger-kn-channel", metav1.GetOptions{})
		if err != nil {
			t.Fatal("channel service:", err)
		}
		if svc.Spec.Type != corev1.ServiceTypeExternalName || svc.Spec.ExternalName != "imc-dispatcher.knative-eventing.svc.cluster.local" {
			t.Errorf("channel service = %s %q", svc.Spec.Type, svc.Spec.ExternalName)
		}
		out := env.Kubectl(t, "-n", ns, "get", "imc")
		if !strings.Contains(out, "default-kne-trigger   http://default-kne-trigger-kn-channel.knative-samples.svc.cluster.local") {
			t.Errorf("kubectl get imc:\n%s", out)
		}
	})

	var uid string
	t.Run("the trigger resolves hello-go and subscribes the broker-filter to the channel", func(t *testing.T) {
		tr := env.WaitFor(t, triggerRef, func(u *unstructured.Unstructured) (bool, error) {
			return u != nil && str(u, "status", "subscriberUri") != "", nil
		})
		uid = string(tr.GetUID())
		if got, want := str(tr, "status", "subscriberUri"), "http://hello-go.knative-samples.svc.cluster.local/"; got != want {
			t.Errorf("status.subscriberUri = %q, want %q", got, want)
		}
		imc := env.WaitFor(t, imcRef, func(u *unstructured.Unstructured) (bool, error) {
			subs, _, _ := unstructured.NestedSlice(u.Object, "spec", "subscribers")
			return len(subs) == 1, nil
		})
		subs, _, _ := unstructured.NestedSlice(imc.Object, "spec", "subscribers")
		sub := subs[0].(map[string]interface{})
		if got, want := sub["subscriberUri"], "http://broker-filter.knative-eventing.svc.cluster.local/triggers/knative-samples/hello-go/"+uid; got != want {
			t.Errorf("channel subscriberUri = %v, want %v", got, want)
		}
		if got, want := sub["replyUri"], "http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default"; got != want {
			t.Errorf("channel replyUri = %v, want %v", got, want)
		}
		// The broker's delivery defaults (config-br-defaults) go with the
		// subscriber, so the dispatcher retries.
		if d, _ := sub["delivery"].(map[string]interface{}); d["retry"] != int64(10) || d["backoffPolicy"] != "exponential" {
			t.Errorf("channel subscriber delivery = %v, want config-br-defaults' retry 10, exponential", sub["delivery"])
		}
	})

	t.Run("once the dispatcher has the subscriber, the trigger is ready", func(t *testing.T) {
		markSubscribersReady(t, env, imcRef)
		env.WaitForCondition(t, triggerRef, "Ready", "True")
		// The Subscription as the webhook defaulted it still matches what the
		// trigger wants: it is not replaced over and over.
		subRef := harness.Ref("messaging.knative.dev/v1", "Subscription", ns, "default-hello-go-"+uid)
		before := env.Get(t, subRef)
		time.Sleep(2 * time.Second)
		if after := env.Get(t, subRef); before == nil || after == nil || after.GetUID() != before.GetUID() {
			t.Errorf("the trigger's Subscription was replaced (or is missing): before %v, after %v", before != nil, after != nil)
		}
		out := env.Kubectl(t, "-n", ns, "get", "trigger")
		if !strings.Contains(out, "hello-go   default   http://hello-go.knative-samples.svc.cluster.local/") || !strings.Contains(out, "True") {
			t.Errorf("kubectl get trigger:\n%s", out)
		}
	})

	t.Run("deleting the trigger removes its subscriber from the channel", func(t *testing.T) {
		env.Delete(t, triggerRef)
		env.WaitFor(t, imcRef, func(u *unstructured.Unstructured) (bool, error) {
			subs, _, _ := unstructured.NestedSlice(u.Object, "spec", "subscribers")
			return len(subs) == 0, nil
		})
	})
}

func str(u *unstructured.Unstructured, fields ...string) string {
	s, _, _ := unstructured.NestedString(u.Object, fields...)
	return s
}

// installConfig applies config/eventing as `skiff up` would, except what
// runs in this process: the Deployments, and the Services of the webhook
// and of the data planes.
func installConfig(t *testing.T, env *harness.Env) {
	t.Helper()
	files, err := cluster.ManifestFiles(filepath.Join(env.ConfigDir(t), "eventing"))
	if err != nil {
		t.Fatal("listing config/eventing:", err)
	}
	all, err := cluster.ReadManifests(files)
	if err != nil {
		t.Fatal("reading config/eventing:", err)
	}
	skip := map[string]bool{"eventing-webhook": true}
	for _, name := range hostServices {
		skip[name] = true
	}
	var ms []cluster.Manifest
	for _, m := range all {
		if kind := m.Object.GetKind(); kind == "Deployment" || (kind == "Service" && skip[m.Object.GetName()]) {
			continue
		}
		ms = append(ms, m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Applier.ApplyManifests(ctx, ms, nil); err != nil {
		t.Fatal("applying config/eventing:", err)
	}
}

// exposeHost makes Service knative-eventing/name a selector-less Service
// whose Endpoints are the test host, as if its pods were ready.
func exposeHost(t *testing.T, env *harness.Env, name string) {
	t.Helper()
	ctx := context.Background()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "knative-eventing", Name: name},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{
			Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}
	if _, err := env.Kube.CoreV1().Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating service %s: %v", name, err)
	}
	ep := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: svc.Namespace, Name: name},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: env.Cluster.Network.HostIP.String()}},
			Ports:     []corev1.EndpointPort{{Name: "http", Port: 8080}},
		}},
	}
	if _, err := env.Kube.CoreV1().Endpoints(svc.Namespace).Create(ctx, ep, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating endpoints %s: %v", name, err)
	}
}

// startControllers runs ctors in this process as ServiceAccount
// knative-eventing/sa, without leader election (every reconciler leads
// every bucket).
func startControllers(t *testing.T, env *harness.Env, sa string, ctors ...injection.ControllerConstructor) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ctx = logging.WithLogger(ctx, testLogger(t).Named(sa))

	cfg := rest.CopyConfig(env.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: fmt.Sprintf("system:serviceaccount:%s:%s", system.Namespace(), sa)}
	ctx, informers := injection.Default.SetupInformers(ctx, cfg)
	cmw := cminformer.NewInformedWatcher(kubeclient.Get(ctx), system.Namespace())

	impls := make([]*controller.Impl, 0, len(ctors))
	for _, ctor := range ctors {
		impls = append(impls, ctor(ctx, cmw))
	}
	if err := cmw.Start(ctx.Done()); err != nil {
		t.Fatalf("watching the ConfigMaps of %s: %v", system.Namespace(), err)
	}
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		t.Fatalf("starting informers: %v", err)
	}
	go controller.StartAll(ctx, impls...)
}

// markSubscribersReady does what the imc-dispatcher does once it serves a
// channel's subscribers: report each of them ready in status.subscribers.
func markSubscribersReady(t *testing.T, env *harness.Env, ref *unstructured.Unstructured) {
	t.Helper()
	imc := env.Get(t, ref)
	subs, _, _ := unstructured.NestedSlice(imc.Object, "spec", "subscribers")
	statuses := make([]string, 0, len(subs))
	for _, s := range subs {
		s := s.(map[string]interface{})
		statuses = append(statuses, fmt.Sprintf(`{"uid":%q,"observedGeneration":%d,"ready":"True"}`, s["uid"], s["generation"]))
	}
	patch := `{"status":{"subscribers":[` + strings.Join(statuses, ",") + `]}}`
	gvr := imc.GroupVersionKind().GroupVersion().WithResource("inmemorychannels")
	if _, err := env.Dynamic.Resource(gvr).Namespace(ref.GetNamespace()).Patch(context.Background(), ref.GetName(),
		types.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal("marking subscribers ready:", err)
	}
}

// testLogger logs warnings and errors to stderr ($SKIFF_TEST_LOG_LEVEL,
// e.g. "debug", shows more); the controllers may log after the test ends.
func testLogger(t *testing.T) *zap.SugaredLogger {
	cfg := zap.NewDevelopmentConfig()
	level := zap.WarnLevel
	if l := os.Getenv("SKIFF_TEST_LOG_LEVEL"); l != "" {
		if err := level.UnmarshalText([]byte(l)); err != nil {
			t.Fatalf("SKIFF_TEST_LOG_LEVEL=%q: %v", l, err)
		}
	}
	cfg.Level = zap.NewAtomicLevelAt(level)
	logger, err := cfg.Build()
	if err != nil {
		t.Fatal("building a logger:", err)
	}
	return logger.Sugar()
}
