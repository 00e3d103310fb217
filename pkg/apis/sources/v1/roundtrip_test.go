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

package v1

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// Upstream manifests (every field the kinds have, spelled as
// sources.knative.dev/v1 spells them) must decode into our types and encode
// back to the same document: nothing dropped, nothing renamed.
func TestUpstreamManifestsRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		obj      interface{}
		manifest string
	}{{
		name: "PingSource",
		obj:  &PingSource{},
		manifest: `
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: {name: ping, namespace: ns, creationTimestamp: null}
spec:
  schedule: "*/2 * * * *"
  timezone: Europe/Paris
  contentType: application/json
  data: '{"message": "Hello world!"}'
  sink:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: event-display, namespace: ns}
    uri: /path
    CACerts: pem
    audience: aud
  ceOverrides:
    extensions: {foo: bar}
status:
  observedGeneration: 2
  conditions:
  - {type: Ready, status: "True", lastTransitionTime: "2026-01-01T00:00:00Z"}
  sinkUri: http://event-display.ns.svc.cluster.local/path
  sinkCACerts: pem
  sinkAudience: aud
  ceAttributes:
  - {type: dev.knative.sources.ping, source: /apis/v1/namespaces/ns/pingsources/ping}
  auth: {serviceAccountName: oidc-sa}
`,
	}, {
		name: "PingSource with dataBase64",
		obj:  &PingSource{},
		manifest: `
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: {name: ping, namespace: ns, creationTimestamp: null}
spec:
  schedule: "@hourly"
  dataBase64: aGVsbG8=
  sink: {uri: "http://example.com/"}
status: {}
`,
	}, {
		name: "ApiServerSource",
		obj:  &ApiServerSource{},
		manifest: `
apiVersion: sources.knative.dev/v1
kind: ApiServerSource
metadata: {name: api, namespace: ns, creationTimestamp: null}
spec:
  mode: Resource
  serviceAccountName: events-sa
  resources:
  - apiVersion: v1
    kind: Event
    selector:
      matchLabels: {app: x}
      matchExpressions: [{key: tier, operator: In, values: [web]}]
  owner: {apiVersion: apps/v1, kind: Deployment}
  namespaceSelector:
    matchLabels: {env: test}
  filters:
  - exact: {type: dev.knative.apiserver.resource.add}
  - any: [{prefix: {source: /apis}}, {suffix: {subject: x}}]
  - all: [{cesql: "type = 'a'"}]
  - not: {exact: {type: b}}
  sink:
    ref: {apiVersion: v1, kind: Service, name: display, namespace: ns}
status:
  sinkUri: http://display.ns.svc.cluster.local
  namespaces: [ns, other]
`,
	}, {
		name: "ContainerSource",
		obj:  &ContainerSource{},
		manifest: `
apiVersion: sources.knative.dev/v1
kind: ContainerSource
metadata: {name: heartbeats, namespace: ns, creationTimestamp: null}
spec:
  template:
    metadata:
      creationTimestamp: null
      labels: {app: heartbeats}
    spec:
      containers:
      - name: heartbeats
        image: ko://heartbeats
        args: [--period=1]
        env: [{name: POD_NAME, value: x}]
        resources: {}
  sink:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: event-display}
status:
  sinkUri: http://event-display.ns.svc.cluster.local
`,
	}, {
		name: "SinkBinding",
		obj:  &SinkBinding{},
		manifest: `
apiVersion: sources.knative.dev/v1
kind: SinkBinding
metadata: {name: bind, namespace: ns, creationTimestamp: null}
spec:
  subject:
    apiVersion: batch/v1
    kind: Job
    namespace: ns
    selector:
      matchLabels: {app: heartbeat-cron}
  sink:
    ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: event-display}
  ceOverrides:
    extensions: {sink: bound}
status:
  sinkUri: http://event-display.ns.svc.cluster.local
  oidcTokenSecretName: bind-oidc-token
`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := yaml.YAMLToJSON([]byte(tc.manifest))
			if err != nil {
				t.Fatal("YAMLToJSON() =", err)
			}
			dec := json.NewDecoder(bytesReader(want))
			dec.DisallowUnknownFields()
			if err := dec.Decode(tc.obj); err != nil {
				t.Fatal("decoding an upstream manifest:", err)
			}
			got, err := json.Marshal(tc.obj)
			if err != nil {
				t.Fatal("Marshal() =", err)
			}
			var wantDoc, gotDoc interface{}
			if err := json.Unmarshal(want, &wantDoc); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &gotDoc); err != nil {
				t.Fatal(err)
			}
			// ApiServerSource's status.namespaces has no omitempty upstream
			// either; everything else must come back byte-for-byte in meaning.
			if diff := cmp.Diff(wantDoc, gotDoc); diff != "" {
				t.Error("round trip (-upstream, +ours):", diff)
			}
		})
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
