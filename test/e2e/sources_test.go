/*
Copyright 2025 The Skiff Authors

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

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/skiffhq/skiff/pkg/local/platform/platformtest"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

const senderImage = "dev.local/sources-sender:e2e"

// The receivers of the sources walkthrough, in a namespace of its own: the seed's
// hello-go (logs the msg of each event), event-display (logs type and data of each
// event) behind a Broker and a Trigger for the ApiServerSource's add events, and the
// ServiceAccount the ApiServerSource watches Events with.
const sourcesReceivers = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: hello-go}
spec:
  selector: {matchLabels: {app: hello-go}}
  template:
    metadata: {labels: {app: hello-go}}
    spec:
      containers:
      - {name: hello-go, image: dev.local/hello-go:eventing}
---
apiVersion: v1
kind: Service
metadata: {name: hello-go}
spec:
  selector: {app: hello-go}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: event-display}
spec:
  selector: {matchLabels: {app: event-display}}
  template:
    metadata: {labels: {app: event-display}}
    spec:
      containers:
      - {name: display, image: dev.local/event-recorder:e2e}
---
apiVersion: v1
kind: Service
metadata: {name: event-display}
spec:
  selector: {app: event-display}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: default}
spec: {}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: apiserver-add}
spec:
  broker: default
  filter: {attributes: {type: dev.knative.apiserver.resource.add}}
  subscriber: {ref: {apiVersion: v1, kind: Service, name: event-display}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: events-sa}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: event-watcher}
rules:
- apiGroups: [""]
  resources: [events]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: events-sa-event-watcher}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: event-watcher}
subjects:
- {kind: ServiceAccount, name: events-sa}
`

// pingSource is upstream's PingSource sample, every second (the seconds field is
// optional in the schedule, as upstream).
const pingSource = `
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: {name: test-ping-source}
spec:
  schedule: "* * * * * *"
  contentType: application/json
  data: '{"msg":"hello, world!"}'
  sink:
    ref: {apiVersion: v1, kind: Service, name: hello-go}
`

// apiServerSource is upstream's ApiServerSource sample: Events of its namespace, in
// Resource mode, to the Broker.
const apiServerSource = `
apiVersion: sources.knative.dev/v1
kind: ApiServerSource
metadata: {name: testevents}
spec:
  serviceAccountName: events-sa
  mode: Resource
  resources:
  - {apiVersion: v1, kind: Event}
  sink:
    ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: default}
`

// containerSource runs the sender; its SinkBinding gives it K_SINK.
const containerSource = `
apiVersion: sources.knative.dev/v1
kind: ContainerSource
metadata: {name: test-container-source}
spec:
  template:
    spec:
      containers:
      - name: sender
        image: dev.local/sources-sender:e2e
        env:
        - {name: MSG, value: from the containersource}
  sink:
    ref: {apiVersion: v1, kind: Service, name: hello-go}
`

// boundSender is a plain Deployment of the sender, bound to hello-go by a SinkBinding
// (by name, as upstream's sample).
const boundSender = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: bound-sender}
spec:
  selector: {matchLabels: {app: bound-sender}}
  template:
    metadata: {labels: {app: bound-sender}}
    spec:
      containers:
      - name: sender
        image: dev.local/sources-sender:e2e
        env:
        - {name: MSG, value: from the sinkbinding}
---
apiVersion: sources.knative.dev/v1
kind: SinkBinding
metadata: {name: bind-sender}
spec:
  subject: {apiVersion: apps/v1, kind: Deployment, name: bound-sender}
  sink:
    ref: {apiVersion: v1, kind: Service, name: hello-go}
  ceOverrides:
    extensions: {sink: bound}
`

// TestSources walks through the four sources of sources.knative.dev/v1 on the local
// platform as a user would: apply each source, wait for it to be Ready, `kubectl get`
// it, read the receiver's `kubectl logs`, delete it and see its events stop.
func TestSources(t *testing.T) {
	p := platformtest.Get(t)
	p.RequireComponents(t, "knative-eventing/eventing-controller", "knative-eventing/eventing-webhook",
		"knative-eventing/imc-controller", "knative-eventing/imc-dispatcher",
		"knative-eventing/mt-broker-ingress", "knative-eventing/mt-broker-filter")
	p.AddImage(t, "dev.local/hello-go:eventing", "examples/hello-eventing")
	p.AddImage(t, recorderImage, "test/e2e/testdata/eventrecorder")
	// skiff image add dev.local/sources-sender:e2e test/e2e/testdata/sources/sender
	p.AddImage(t, senderImage, "test/e2e/testdata/sources/sender")
	ns := p.Namespace(t)

	p.Apply(t, ns, sourcesReceivers)
	apps := [][2]string{{ns, "hello-go"}, {ns, "event-display"}}
	for _, d := range apps {
		if got := p.WaitFor(t, harness.Ref("apps/v1", "Deployment", ns, d[1]), harness.HasCondition("Available", "True")); got == nil {
			fatalf(t, p, apps, "Deployment %s not available", d[1])
		}
	}
	p.WaitForCondition(t, harness.Ref("eventing.knative.dev/v1", "Broker", ns, "default"), "Ready", "True")
	p.WaitForCondition(t, harness.Ref("eventing.knative.dev/v1", "Trigger", ns, "apiserver-add"), "Ready", "True")

	hello := func(msg string) string { return `Hello World Message from received event "` + msg + `"` }
	// stops deletes a source and checks that the receiver's count of want stays put
	// once what was in flight at the deletion has landed.
	// podsOf are the source's own Pods (selector "" for none): they are
	// garbage-collected after the source, so that is waited for (bounded) first.
	stops := func(t *testing.T, ref interface{ GetName() string }, kind, apiVersion, podsOf, selector, want string) {
		t.Helper()
		p.Delete(t, harness.Ref(apiVersion, kind, ns, ref.GetName()))
		p.WaitFor(t, harness.Ref(apiVersion, kind, ns, ref.GetName()), harness.Gone)
		if podsOf != "" {
			waitPodsGone(t, p, ns, podsOf, 90*time.Second)
		}
		time.Sleep(3 * time.Second)
		before := countLines(logsOf(t, p, ns, selector), want)
		time.Sleep(4 * time.Second)
		if after := countLines(logsOf(t, p, ns, selector), want); after != before {
			t.Errorf("%s %s deleted, yet the receiver logged %d more %q", kind, ref.GetName(), after-before, want)
		}
	}

	t.Run("PingSource", func(t *testing.T) {
		// kubectl apply -f ping-source.yaml
		objs := p.Apply(t, ns, pingSource)
		src := harness.Ref("sources.knative.dev/v1", "PingSource", ns, "test-ping-source")
		p.WaitForCondition(t, src, "Ready", "True")
		// kubectl get pingsource
		r := kubectlGet(t, p, []string{"NAME", "SINK", "SCHEDULE", "AGE", "READY", "REASON"}, "test-ping-source", "pingsource", "-n", ns)
		wantCells(t, "pingsource", r, map[string]string{"SINK": "http://hello-go." + ns + ".svc.cluster.local",
			"SCHEDULE": "* * * * * *", "AGE": "*", "READY": "True", "REASON": ""})

		// kubectl logs -l app=hello-go: one tick a second, so a few in a bounded wait.
		want := hello("hello, world!")
		waitLogs(t, p, ns, "app=hello-go", 60*time.Second, "three pings", func(s string) bool { return countLines(s, want) >= 3 })
		stops(t, objs[0], "PingSource", "sources.knative.dev/v1", "", "app=hello-go", want)
	})

	t.Run("ApiServerSource", func(t *testing.T) {
		objs := p.Apply(t, ns, apiServerSource)
		src := harness.Ref("sources.knative.dev/v1", "ApiServerSource", ns, "testevents")
		if got := p.WaitFor(t, src, harness.HasCondition("Ready", "True")); got == nil {
			t.Fatal("ApiServerSource not Ready")
		}
		r := kubectlGet(t, p, []string{"NAME", "SINK", "AGE", "READY", "REASON"}, "testevents", "apiserversource", "-n", ns)
		wantCells(t, "apiserversource", r, map[string]string{"SINK": "*", "READY": "True", "REASON": ""})

		// An Event in the namespace, as `kubectl run` would cause one.
		p.Apply(t, ns, `
apiVersion: v1
kind: Event
metadata: {name: e2e-sources-event}
involvedObject: {apiVersion: v1, kind: ServiceAccount, name: events-sa, namespace: `+ns+`}
reason: E2ESources
message: watched by the ApiServerSource
type: Normal
`)
		logs := waitLogs(t, p, ns, "app=event-display", 60*time.Second, "the add event of e2e-sources-event",
			func(s string) bool {
				for _, l := range strings.Split(s, "\n") {
					if strings.Contains(l, "type=dev.knative.apiserver.resource.add") && strings.Contains(l, "e2e-sources-event") {
						return true
					}
				}
				return false
			})
		line := grepLine(logs, "e2e-sources-event")
		for _, want := range []string{"type=dev.knative.apiserver.resource.add", "E2ESources"} {
			if !strings.Contains(line, want) {
				t.Errorf("the event-display line of the add event lacks %q: %s", want, line)
			}
		}
		p.Delete(t, harness.Ref("sources.knative.dev/v1", "ApiServerSource", ns, objs[0].GetName()))
		p.WaitFor(t, src, harness.Gone)
	})

	t.Run("ContainerSource", func(t *testing.T) {
		objs := p.Apply(t, ns, containerSource)
		src := harness.Ref("sources.knative.dev/v1", "ContainerSource", ns, "test-container-source")
		p.WaitForCondition(t, src, "Ready", "True")
		r := kubectlGet(t, p, []string{"NAME", "SINK", "AGE", "READY", "REASON"}, "test-container-source", "containersource", "-n", ns)
		wantCells(t, "containersource", r, map[string]string{"SINK": "http://hello-go." + ns + ".svc.cluster.local",
			"READY": "True", "REASON": ""})
		want := hello("from the containersource")
		waitLogs(t, p, ns, "app=hello-go", 90*time.Second, "the containersource's events",
			func(s string) bool { return countLines(s, want) >= 2 })
		// Its Deployment is owned by the source: the garbage collector removes it.
		stops(t, objs[0], "ContainerSource", "sources.knative.dev/v1",
			"sources.knative.dev/containerSource=test-container-source", "app=hello-go", want)
	})

	t.Run("SinkBinding", func(t *testing.T) {
		objs := p.Apply(t, ns, boundSender)
		sb := harness.Ref("sources.knative.dev/v1", "SinkBinding", ns, "bind-sender")
		p.WaitForCondition(t, sb, "Ready", "True")
		r := kubectlGet(t, p, []string{"NAME", "SINK", "AGE", "READY", "REASON"}, "bind-sender", "sinkbinding", "-n", ns)
		wantCells(t, "sinkbinding", r, map[string]string{"SINK": "http://hello-go." + ns + ".svc.cluster.local",
			"READY": "True", "REASON": ""})
		// The webhook injected K_SINK and K_CE_OVERRIDES into the Deployment's template.
		env := p.Kubectl(t, "get", "deployment", "bound-sender", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].env}")
		for _, want := range []string{"K_SINK", "http://hello-go." + ns + ".svc.cluster.local", "K_CE_OVERRIDES"} {
			if !strings.Contains(env, want) {
				t.Errorf("bound-sender env lacks %q: %s", want, env)
			}
		}
		want := hello("from the sinkbinding")
		waitLogs(t, p, ns, "app=hello-go", 90*time.Second, "the bound sender's events",
			func(s string) bool { return countLines(s, want) >= 2 })
		// Deleting the binding removes K_SINK again: the new Pods send nothing.
		stops(t, objs[1], "SinkBinding", "sources.knative.dev/v1", "", "app=hello-go", want)
		env = p.Kubectl(t, "get", "deployment", "bound-sender", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].env}")
		if strings.Contains(env, "K_SINK") {
			t.Errorf("bound-sender still has K_SINK after its SinkBinding was deleted: %s", env)
		}
	})
}

// waitPodsGone waits until no Pod of ns matches selector (a Deployment and its Pods
// going after their owner, through the garbage collector and the node agent).
func waitPodsGone(t testing.TB, p *platformtest.Platform, ns, selector string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out, err := p.KubectlErr("get", "pods", "-n", ns, "-l", selector, "-o", "name")
		if err == nil && strings.TrimSpace(out) == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pods %s in %s still there after %s (last error: %v):\n%s", selector, ns, timeout, err, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
