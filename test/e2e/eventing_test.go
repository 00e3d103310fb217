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
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skiffhq/skiff/pkg/local/platform/platformtest"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

const (
	samplesNS     = "knative-samples"
	brokerURL     = "http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default"
	helloType     = "dev.knative.samples.helloworld"
	helloSource   = "dev.knative.samples/helloworldsource"
	recorderImage = "dev.local/event-recorder:e2e"
)

// The sinks beside the seed's objects: event-display records dead letters; flaky
// answers 503 to everything, so its Trigger's retries can be counted.
const sinks = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: event-display, namespace: knative-samples}
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
metadata: {name: event-display, namespace: knative-samples}
spec:
  selector: {app: event-display}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: flaky, namespace: knative-samples}
spec:
  selector: {matchLabels: {app: flaky}}
  template:
    metadata: {labels: {app: flaky}}
    spec:
      containers:
      - name: flaky
        image: dev.local/event-recorder:e2e
        env: [{name: STATUS, value: "503"}]
---
apiVersion: v1
kind: Service
metadata: {name: flaky, namespace: knative-samples}
spec:
  selector: {app: flaky}
  ports: [{port: 80, targetPort: 8080}]
---
# The seed's receiver again, for events whose data it rejects: a 400 is final (as
# upstream's SelectiveRetry decides), so the event goes to the dead-letter sink at once.
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: hello-go-rejects, namespace: knative-samples}
spec:
  broker: default
  filter: {attributes: {type: dev.knative.samples.rejected}}
  subscriber: {ref: {apiVersion: v1, kind: Service, name: hello-go}}
  delivery:
    retry: 2
    backoffPolicy: linear
    backoffDelay: PT0.2S
    deadLetterSink: {ref: {apiVersion: v1, kind: Service, name: event-display}}
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: flaky, namespace: knative-samples}
spec:
  broker: default
  filter: {attributes: {type: dev.knative.samples.flaky}}
  subscriber: {ref: {apiVersion: v1, kind: Service, name: flaky}}
  delivery:
    retry: 2
    backoffPolicy: linear
    backoffDelay: PT0.2S
    deadLetterSink: {ref: {apiVersion: v1, kind: Service, name: event-display}}
`

// TestEventing is the seed's Eventing walkthrough: the CloudEvents receiver as a plain
// Deployment and Service in knative-samples, the default Broker, the hello-go Trigger,
// an event POSTed to the broker-ingress by its cluster name, and the receiver's log.
func TestEventing(t *testing.T) {
	p := platformtest.Get(t)
	p.RequireComponents(t, "knative-eventing/eventing-controller", "knative-eventing/eventing-webhook",
		"knative-eventing/imc-controller", "knative-eventing/imc-dispatcher",
		"knative-eventing/mt-broker-ingress", "knative-eventing/mt-broker-filter")
	p.AddImage(t, "dev.local/hello-go:eventing", "examples/hello-eventing")
	p.AddImage(t, recorderImage, "test/e2e/testdata/eventrecorder")
	ex := filepath.Join(p.Root, "examples", "hello-eventing")
	t.Cleanup(func() { p.KubectlErr("delete", "namespace", samplesNS, "--wait=false") })

	// kubectl apply -f app.yaml; kubectl apply -f broker.yaml; kubectl apply -f trigger.yaml
	p.ApplyFiles(t, "", filepath.Join(ex, "app.yaml"))
	p.ApplyFiles(t, "", filepath.Join(ex, "broker.yaml"))
	p.ApplyFiles(t, "", filepath.Join(ex, "trigger.yaml"))
	p.Apply(t, "", sinks)
	apps := [][2]string{{samplesNS, "hello-go"}, {samplesNS, "event-display"}, {samplesNS, "flaky"}}
	for _, d := range apps {
		if got := p.WaitFor(t, harness.Ref("apps/v1", "Deployment", d[0], d[1]), harness.HasCondition("Available", "True")); got == nil {
			fatalf(t, p, apps, "Deployment %s not available", d[1])
		}
	}
	broker := p.WaitForCondition(t, harness.Ref("eventing.knative.dev/v1", "Broker", samplesNS, "default"), "Ready", "True")
	for _, name := range []string{"hello-go", "hello-go-rejects", "flaky"} {
		p.WaitForCondition(t, harness.Ref("eventing.knative.dev/v1", "Trigger", samplesNS, name), "Ready", "True")
	}

	t.Run("kubectl get shows the seed's objects", func(t *testing.T) {
		r := kubectlGet(t, p, []string{"NAME", "URL", "AGE", "READY", "REASON"}, "default", "broker", "-n", samplesNS)
		wantCells(t, "broker", r, map[string]string{"URL": brokerURL, "AGE": "*", "READY": "True", "REASON": ""})

		channel := "http://default-kne-trigger-kn-channel.knative-samples.svc.cluster.local"
		if got := broker.GetAnnotations()["knative.dev/channelAddress"]; got != channel {
			// Status annotations of the Broker (upstream keeps it in status.annotations).
			st, _, _ := unstructuredString(broker.Object, "status", "annotations", "knative.dev/channelAddress")
			if st != channel {
				t.Errorf("broker knative.dev/channelAddress = %q (status: %q), want %q", got, st, channel)
			}
		}
		r = kubectlGet(t, p, []string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"},
			"default-kne-trigger-kn-channel", "svc", "-n", samplesNS)
		wantCells(t, "channel service", r, map[string]string{"TYPE": "ExternalName", "CLUSTER-IP": "<none>",
			"EXTERNAL-IP": "imc-dispatcher.knative-eventing.svc.cluster.local"})

		r = kubectlGet(t, p, []string{"NAME", "URL", "AGE", "READY", "REASON"}, "default-kne-trigger", "imc", "-n", samplesNS)
		wantCells(t, "imc", r, map[string]string{"URL": channel, "READY": "True", "REASON": ""})

		trig := p.Get(t, harness.Ref("eventing.knative.dev/v1", "Trigger", samplesNS, "hello-go"))
		// kubectl -n knative-samples get imc default-kne-trigger -o yaml | grep subscriberUri
		subs := p.Kubectl(t, "get", "imc", "default-kne-trigger", "-n", samplesNS, "-o", "jsonpath={.spec.subscribers[*].subscriberUri}")
		wantSub := "http://broker-filter.knative-eventing.svc.cluster.local/triggers/knative-samples/hello-go/" + string(trig.GetUID())
		if !strings.Contains(subs, wantSub) {
			t.Errorf("imc subscribers %q lack the broker-filter URI %q", subs, wantSub)
		}

		r = kubectlGet(t, p, []string{"NAME", "BROKER", "SUBSCRIBER_URI", "AGE", "READY", "REASON"}, "hello-go", "trigger", "-n", samplesNS)
		wantCells(t, "trigger", r, map[string]string{"BROKER": "default",
			"SUBSCRIBER_URI": "http://hello-go.knative-samples.svc.cluster.local/", "READY": "True", "REASON": ""})
	})

	client := clusterClient(p, 10*time.Second)
	send := func(t *testing.T, id, typ, contentType, data string) {
		t.Helper()
		// curl "http://broker-ingress.knative-eventing.svc.cluster.local/knative-samples/default" -X POST \
		//   -H "Ce-Id: ..." -H "Ce-Specversion: 1.0" -H "Ce-Type: ..." -H "Ce-Source: ..." -H "Content-Type: ..." -d ...
		req, _ := http.NewRequest(http.MethodPost, brokerURL, strings.NewReader(data))
		req.Header.Set("Ce-Id", id)
		req.Header.Set("Ce-Specversion", "1.0")
		req.Header.Set("Ce-Type", typ)
		req.Header.Set("Ce-Source", helloSource)
		req.Header.Set("Content-Type", contentType)
		resp, err := client.Do(req)
		if err != nil {
			fatalf(t, p, [][2]string{{"knative-eventing", "mt-broker-ingress"}}, "POST %s: %v", brokerURL, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("POST %s (event %s) = %d %s, want 202", brokerURL, id, resp.StatusCode, body)
		}
	}

	t.Run("an event reaches the receiver", func(t *testing.T) {
		send(t, "e2e-hello", helloType, "application/json", `{"msg":"hello, world!"}`)
		// kubectl -n knative-samples logs -l app=hello-go
		want := `Hello World Message from received event "hello, world!"`
		waitLogs(t, p, samplesNS, "app=hello-go", 30*time.Second, want, func(s string) bool { return strings.Contains(s, want) })
	})

	t.Run("an event of another type is not delivered", func(t *testing.T) {
		send(t, "e2e-other", "dev.knative.samples.other", "application/json", `{"msg":"not for hello-go"}`)
		// An event sent after it that the trigger does match shows the filter has seen
		// both; the other one must not have been delivered by then, nor a moment later.
		send(t, "e2e-after", helloType, "application/json", `{"msg":"after the other type"}`)
		after := `Hello World Message from received event "after the other type"`
		waitLogs(t, p, samplesNS, "app=hello-go", 30*time.Second, after, func(s string) bool { return strings.Contains(s, after) })
		time.Sleep(time.Second)
		if logs := logsOf(t, p, samplesNS, "app=hello-go"); strings.Contains(logs, "not for hello-go") {
			t.Errorf("the event of another type reached hello-go:\n%s", logs)
		}
	})

	t.Run("rejected data goes to the dead-letter sink", func(t *testing.T) {
		send(t, "e2e-rejected", "dev.knative.samples.rejected", "application/json", `not json e2e-rejected`)
		dl := waitLogs(t, p, samplesNS, "app=event-display", 30*time.Second, "the dead letter e2e-rejected",
			func(s string) bool { return strings.Contains(s, "received id=e2e-rejected ") })
		line := grepLine(dl, "received id=e2e-rejected ")
		for _, want := range []string{"type=dev.knative.samples.rejected", "knativeerrorcode=400",
			"knativeerrordest=http://hello-go.knative-samples.svc.cluster.local/", "data=not json e2e-rejected"} {
			if !strings.Contains(line, want) {
				t.Errorf("dead letter lacks %q: %s", want, line)
			}
		}
		// The receiver saw it once: 400 is not retried.
		if n := countLines(logsOf(t, p, samplesNS, "app=hello-go"), `found bytes "not json e2e-rejected"`); n != 1 {
			t.Errorf("hello-go rejected the event %d times, want once (a 400 is final)", n)
		}
	})

	t.Run("failed deliveries are retried, then dead-lettered", func(t *testing.T) {
		begin := time.Now()
		send(t, "e2e-flaky", "dev.knative.samples.flaky", "application/json", `{"msg":"flaky"}`)
		dl := waitLogs(t, p, samplesNS, "app=event-display", 30*time.Second, "the dead letter e2e-flaky",
			func(s string) bool { return strings.Contains(s, "received id=e2e-flaky ") })
		took := time.Since(begin)
		line := grepLine(dl, "received id=e2e-flaky ")
		for _, want := range []string{"knativeerrorcode=503", "knativeerrordest=http://flaky.knative-samples.svc.cluster.local/"} {
			if !strings.Contains(line, want) {
				t.Errorf("dead letter lacks %q: %s", want, line)
			}
		}
		// retry: 2 → three attempts, 0.2s and 0.4s apart (linear).
		if n := countLines(logsOf(t, p, samplesNS, "app=flaky"), "received id=e2e-flaky "); n != 3 {
			t.Errorf("flaky got the event %d times, want 3 (1 + retry 2)", n)
		}
		if took < 600*time.Millisecond {
			t.Errorf("dead-lettered after %s, before the linear backoff (0.2s + 0.4s) elapsed", took)
		}
	})
}

func grepLine(s, substr string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}

func unstructuredString(obj map[string]interface{}, path ...string) (string, bool, error) {
	cur := interface{}(obj)
	for _, p := range path {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return "", false, fmt.Errorf("%v is not an object", cur)
		}
		cur, ok = m[p]
		if !ok {
			return "", false, nil
		}
	}
	s, ok := cur.(string)
	return s, ok, nil
}
