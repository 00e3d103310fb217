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

package serving

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/system"
	"knative.dev/pkg/webhook"

	_ "knative.dev/pkg/client/injection/kube/informers/admissionregistration/v1/mutatingwebhookconfiguration/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/admissionregistration/v1/validatingwebhookconfiguration/fake"
	_ "knative.dev/pkg/injection/clients/namespacedkube/informers/core/v1/secret/fake"
	rtesting "knative.dev/pkg/reconciler/testing"
	_ "knative.dev/pkg/system/testing"

	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

// seedService is shared/seeds' service.yaml.
const seedService = `{"apiVersion":"serving.knative.dev/v1","kind":"Service",
 "metadata":{"name":"hello-go","namespace":"default"},
 "spec":{"template":{"spec":{"containers":[{"image":"dev.local/hello-go:serving"}]}}}}`

// trafficTo90 routes only 90% of the traffic.
const trafficTo90 = `{"apiVersion":"serving.knative.dev/v1","kind":"Service",
 "metadata":{"name":"hello-go","namespace":"default"},
 "spec":{"template":{"spec":{"containers":[{"image":"dev.local/hello-go:serving"}]}},
         "traffic":[{"latestRevision":true,"percent":90}]}}`

// watcher serves the ConfigMaps as shipped in config/core.
func watcher(t *testing.T) configmap.Watcher {
	var cms []*corev1.ConfigMap
	for _, cm := range configmaps.Shipped(t, "core/configmaps") {
		cm.Namespace = system.Namespace()
		cms = append(cms, cm)
	}
	return configmap.NewStaticWatcher(cms...)
}

type admissionController interface {
	Admit(context.Context, *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse
}

// admitter builds one of the webhook's admission controllers on fake
// injection and returns its Admit, as the webhook's HTTP handler calls it.
func admitter(t *testing.T, ctor func(context.Context, configmap.Watcher) *controller.Impl) func(*admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	t.Helper()
	ctx, _ := rtesting.SetupFakeContext(t)
	ctx = webhook.WithOptions(ctx, webhook.Options{SecretName: "webhook-certs"})
	ac, ok := ctor(ctx, watcher(t)).Reconciler.(admissionController)
	if !ok {
		t.Fatal("the controller's reconciler is not an admission controller")
	}
	return func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse { return ac.Admit(ctx, req) }
}

func createService(raw string) *admissionv1.AdmissionRequest {
	return &admissionv1.AdmissionRequest{
		Operation: admissionv1.Create,
		Kind:      metav1.GroupVersionKind{Group: "serving.knative.dev", Version: "v1", Kind: "Service"},
		Resource:  metav1.GroupVersionResource{Group: "serving.knative.dev", Version: "v1", Resource: "services"},
		Name:      "hello-go",
		Namespace: "default",
		Object:    runtime.RawExtension{Raw: []byte(raw)},
	}
}

func TestValidationRejectsTrafficNotSummingTo100(t *testing.T) {
	admit := admitter(t, NewValidationAdmissionController)
	resp := admit(createService(trafficTo90))
	if resp.Allowed {
		t.Fatal("a ksvc routing 90% of its traffic was admitted")
	}
	if msg := resp.Result.Message; !strings.Contains(msg, "spec.traffic") {
		t.Errorf("rejection %q does not name spec.traffic", msg)
	}
}

func TestValidationAdmitsTheSeedService(t *testing.T) {
	admit := admitter(t, NewValidationAdmissionController)
	// As the apiserver calls it: after defaulting routed all traffic to the
	// latest revision.
	defaulted := strings.Replace(seedService, `}]}}}}`, `}]}},"traffic":[{"latestRevision":true,"percent":100}]}}`, 1)
	if resp := admit(createService(defaulted)); !resp.Allowed {
		t.Fatalf("the seed's service.yaml was rejected: %v", resp.Result)
	}
}

func TestValidationRejectsUnknownFields(t *testing.T) {
	admit := admitter(t, NewValidationAdmissionController)
	raw := strings.Replace(seedService, `"image":`, `"imagge":"x","image":`, 1)
	resp := admit(createService(raw))
	if resp.Allowed {
		t.Fatal("a ksvc with an unknown field was admitted")
	}
	if !strings.Contains(resp.Result.Message, "imagge") {
		t.Errorf("rejection %q does not name the unknown field", resp.Result.Message)
	}
}

func TestDefaultingFillsInTheSeedService(t *testing.T) {
	admit := admitter(t, NewDefaultingAdmissionController)
	resp := admit(createService(seedService))
	if !resp.Allowed {
		t.Fatalf("defaulting refused the seed's service.yaml: %v", resp.Result)
	}
	var patch []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(resp.Patch, &patch); err != nil {
		t.Fatalf("patch is not JSON: %v\n%s", err, resp.Patch)
	}
	got := map[string]string{}
	for _, p := range patch {
		got[p.Path] = string(p.Value)
	}
	// Upstream's defaults: a named user container, the default request
	// timeout and unlimited container concurrency, and 100% of traffic to
	// the latest revision.
	want := map[string]string{
		"/spec/template/spec/containerConcurrency": "0",
		"/spec/template/spec/timeoutSeconds":       "300",
		"/spec/template/spec/containers/0/name":    `"user-container"`,
		"/spec/traffic":                            `[{"latestRevision":true,"percent":100}]`,
	}
	for path, v := range want {
		if diff := cmp.Diff(v, got[path]); diff != "" {
			t.Errorf("patch at %s (-want +got): %s\nwhole patch: %s", path, diff, resp.Patch)
		}
	}
}

// TestShippedConfigMapsAreValid: the config webhook must accept every
// knative-serving ConfigMap exactly as config/ ships it, and must know how
// to validate each of them.
func TestShippedConfigMapsAreValid(t *testing.T) {
	for _, cm := range configmaps.Shipped(t, "core/configmaps") {
		ctor, ok := ConfigConstructors[cm.Name]
		if !ok {
			t.Errorf("config/core ships %s but the config webhook does not validate it", cm.Name)
			continue
		}
		// configmap.Constructors holds typed functions; call through reflection
		// as the webhook itself does.
		out := reflect.ValueOf(ctor).Call([]reflect.Value{reflect.ValueOf(cm)})
		if err, _ := out[1].Interface().(error); err != nil {
			t.Errorf("shipped %s does not parse: %v", cm.Name, err)
		}
	}
}
