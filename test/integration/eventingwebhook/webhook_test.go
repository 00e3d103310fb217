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

// Package eventingwebhook runs Skiff's Eventing webhook against a real
// kube-apiserver and applies the seed's broker.yaml and trigger.yaml
// through it.
package eventingwebhook

import (
	"strings"
	"testing"

	"knative.dev/pkg/injection"

	"github.com/skiffhq/skiff/pkg/test/harness"
	"github.com/skiffhq/skiff/pkg/test/webhooktest"
	"github.com/skiffhq/skiff/pkg/webhook/eventing"
)

func TestMain(m *testing.M) { harness.Main(m) }

// broker.yaml and trigger.yaml of shared/seeds/000_675ba232e13c1954.txt
// (namespace knative-samples there; the test's own namespace here).
const seedBroker = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec: {}
`

const seedTrigger = `
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

const badTrigger = `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: bad-filter
spec:
  broker: default
  filter:
    attributes:
      Type!: dev.knative.samples.helloworld
  subscriber:
    uri: http://example.com/
`

const badPing = `
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata:
  name: bad-schedule
spec:
  schedule: "every now and then"
  sink:
    uri: http://example.com/
`

func header(out string) string {
	return strings.Join(strings.Fields(strings.SplitN(out, "\n", 2)[0]), " ")
}

func TestEventingWebhookOnARealAPIServer(t *testing.T) {
	env := harness.Get(t)
	w := webhooktest.Webhook{
		Namespace: "knative-eventing", Service: "eventing-webhook", Secret: "eventing-webhook-certs", ConfigDir: "eventing",
		Controllers: []injection.ControllerConstructor{
			eventing.NewDefaultingAdmissionController,
			eventing.NewValidationAdmissionController,
			eventing.NewConfigValidationController,
		},
	}
	webhooktest.InstallConfig(t, env, w)
	webhooktest.Run(t, env, w)
	ns := env.Namespace(t)

	t.Run("the seed's broker.yaml gets the default class", func(t *testing.T) {
		env.Apply(t, ns, seedBroker)
		b := env.Get(t, harness.Ref("eventing.knative.dev/v1", "Broker", ns, "default"))
		if class := b.GetAnnotations()["eventing.knative.dev/broker.class"]; class != "MTChannelBasedBroker" {
			t.Errorf("broker class = %q, want MTChannelBasedBroker from config-br-defaults", class)
		}
	})

	t.Run("the seed's trigger.yaml gets the broker label", func(t *testing.T) {
		env.Apply(t, ns, seedTrigger)
		tr := env.Get(t, harness.Ref("eventing.knative.dev/v1", "Trigger", ns, "hello-go"))
		if got := tr.GetLabels()["eventing.knative.dev/broker"]; got != "default" {
			t.Errorf("trigger label eventing.knative.dev/broker = %q, want default", got)
		}
	})

	for _, tc := range []struct{ resource, want string }{
		{"broker", "NAME URL AGE READY REASON"},
		{"trigger", "NAME BROKER SUBSCRIBER_URI AGE READY REASON"},
	} {
		t.Run("kubectl get "+tc.resource+" prints the seed's columns", func(t *testing.T) {
			if got := header(env.Kubectl(t, "get", tc.resource, "-n", ns)); got != tc.want {
				t.Errorf("header = %q, want %q", got, tc.want)
			}
		})
	}

	for _, tc := range []struct{ name, manifest, field string }{
		{"a filter attribute that is no CloudEvents name is rejected", badTrigger, "spec.filter.attributes"},
		{"a bad cron schedule is rejected", badPing, "spec.schedule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := env.ApplyErr(t, ns, tc.manifest)
			if err == nil {
				t.Fatal("the apiserver accepted an invalid object")
			}
			if !strings.Contains(err.Error(), "validation.webhook.eventing.knative.dev") || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("rejection %q does not come from the webhook naming %s", err, tc.field)
			}
		})
	}

	t.Run("changing the broker class is rejected", func(t *testing.T) {
		err := env.ApplyErr(t, ns, strings.Replace(seedBroker, "  name: default\n",
			"  name: default\n  annotations:\n    eventing.knative.dev/broker.class: OtherBroker\n", 1))
		if err == nil || !strings.Contains(err.Error(), "broker.class") {
			t.Fatalf("changing an existing broker's class: %v; want a rejection naming the annotation", err)
		}
	})
}
