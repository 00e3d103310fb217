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
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// Manifests as users and upstream Knative write them. Decoding into the Go
// types and encoding again must keep every field: a field dropped here has
// a wrong or missing json tag.
var roundTripManifests = map[string]struct {
	obj      interface{}
	manifest string
}{
	"Service": {&Service{}, `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: default
  annotations:
    serving.knative.dev/creator: alice
spec:
  template:
    metadata:
      name: hello-v1
      annotations:
        autoscaling.knative.dev/min-scale: "1"
    spec:
      containerConcurrency: 10
      timeoutSeconds: 300
      responseStartTimeoutSeconds: 100
      idleTimeoutSeconds: 50
      serviceAccountName: robot
      containers:
      - image: ko.local/hello
        name: user-container
        ports:
        - containerPort: 8080
          name: h2c
        env:
        - name: TARGET
          value: world
        readinessProbe:
          successThreshold: 1
          tcpSocket:
            port: 0
  traffic:
  - latestRevision: false
    percent: 80
    revisionName: hello-v1
    tag: current
  - latestRevision: true
    percent: 20
status:
  observedGeneration: 2
  conditions:
  - type: Ready
    status: "True"
    lastTransitionTime: "2026-01-01T00:00:00Z"
  latestCreatedRevisionName: hello-v1
  latestReadyRevisionName: hello-v1
  url: http://hello.default.example.com
  address:
    url: http://hello.default.svc.cluster.local
  traffic:
  - latestRevision: false
    percent: 100
    revisionName: hello-v1
    tag: current
    url: http://current-hello.default.example.com
`},
	"Revision": {&Revision{}, `
apiVersion: serving.knative.dev/v1
kind: Revision
metadata:
  name: hello-00001
spec:
  containerConcurrency: 0
  timeoutSeconds: 300
  containers:
  - image: ko.local/hello
    name: user-container
status:
  observedGeneration: 1
  logUrl: http://logs/hello-00001
  actualReplicas: 1
  desiredReplicas: 2
  containerStatuses:
  - name: user-container
    imageDigest: ko.local/hello@sha256:abc
  initContainerStatuses:
  - name: init
    imageDigest: ko.local/init@sha256:def
  conditions:
  - type: Active
    status: "False"
    reason: NoTraffic
    lastTransitionTime: "2026-01-01T00:00:00Z"
`},
	"Configuration": {&Configuration{}, `
apiVersion: serving.knative.dev/v1
kind: Configuration
metadata:
  name: hello
spec:
  template:
    spec:
      containers:
      - image: ko.local/hello
        name: user-container
status:
  latestCreatedRevisionName: hello-00002
  latestReadyRevisionName: hello-00001
`},
	"Route": {&Route{}, `
apiVersion: serving.knative.dev/v1
kind: Route
metadata:
  name: hello
spec:
  traffic:
  - configurationName: hello
    latestRevision: true
    percent: 100
status:
  url: http://hello.default.example.com
  address:
    url: http://hello.default.svc.cluster.local
  traffic:
  - revisionName: hello-00001
    percent: 100
    latestRevision: true
`},
}

func TestManifestRoundTrip(t *testing.T) {
	for name, test := range roundTripManifests {
		t.Run(name, func(t *testing.T) {
			want := map[string]interface{}{}
			if err := yaml.Unmarshal([]byte(test.manifest), &want); err != nil {
				t.Fatal("yaml.Unmarshal(map) =", err)
			}
			if err := yaml.Unmarshal([]byte(test.manifest), test.obj); err != nil {
				t.Fatal("yaml.Unmarshal(typed) =", err)
			}
			b, err := json.Marshal(test.obj)
			if err != nil {
				t.Fatal("json.Marshal() =", err)
			}
			got := map[string]interface{}{}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal("json.Unmarshal() =", err)
			}
			// metadata gains creationTimestamp: null; that is apimachinery's doing.
			if md, ok := got["metadata"].(map[string]interface{}); ok {
				delete(md, "creationTimestamp")
			}
			if spec, ok := got["spec"].(map[string]interface{}); ok {
				if tmpl, ok := spec["template"].(map[string]interface{}); ok {
					if md, ok := tmpl["metadata"].(map[string]interface{}); ok {
						delete(md, "creationTimestamp")
						if len(md) == 0 {
							delete(tmpl, "metadata")
						}
					}
					stripContainerResources(tmpl["spec"])
				}
				stripContainerResources(spec)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-manifest, +typed):\n%s", diff)
			}
		})
	}
}

// stripContainerResources drops the "resources: {}" corev1.Container always
// encodes.
func stripContainerResources(spec interface{}) {
	s, ok := spec.(map[string]interface{})
	if !ok {
		return
	}
	cs, _ := s["containers"].([]interface{})
	for _, c := range cs {
		if m, ok := c.(map[string]interface{}); ok {
			if r, ok := m["resources"].(map[string]interface{}); ok && len(r) == 0 {
				delete(m, "resources")
			}
		}
	}
}
