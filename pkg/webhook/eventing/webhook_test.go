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

package eventing

import (
	"context"
	"reflect"
	"strings"
	"testing"

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

type admissionController interface {
	Admit(context.Context, *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse
}

func admitter(t *testing.T, ctor func(context.Context, configmap.Watcher) *controller.Impl) func(*admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	t.Helper()
	ctx, _ := rtesting.SetupFakeContext(t)
	ctx = webhook.WithOptions(ctx, webhook.Options{SecretName: "eventing-webhook-certs"})
	// The ConfigMaps as shipped, in the namespace the test's system
	// package reports.
	var cms []*corev1.ConfigMap
	for _, cm := range configmaps.Shipped(t, "eventing/configmaps") {
		cm.Namespace = system.Namespace()
		cms = append(cms, cm)
	}
	cmw := configmap.NewStaticWatcher(cms...)
	ac, ok := ctor(ctx, cmw).Reconciler.(admissionController)
	if !ok {
		t.Fatal("the controller's reconciler is not an admission controller")
	}
	return func(req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse { return ac.Admit(ctx, req) }
}

func create(kind, resource, raw string) *admissionv1.AdmissionRequest {
	gv := strings.SplitN(strings.Split(raw, `"apiVersion":"`)[1], `"`, 2)[0]
	group, version, _ := strings.Cut(gv, "/")
	return &admissionv1.AdmissionRequest{
		Operation: admissionv1.Create,
		Kind:      metav1.GroupVersionKind{Group: group, Version: version, Kind: kind},
		Resource:  metav1.GroupVersionResource{Group: group, Version: version, Resource: resource},
		Namespace: "knative-samples",
		Object:    runtime.RawExtension{Raw: []byte(raw)},
	}
}

// The seed's trigger.yaml, with a filter attribute that is not a
// CloudEvents attribute name.
const badTrigger = `{"apiVersion":"eventing.knative.dev/v1","kind":"Trigger",
 "metadata":{"name":"hello-go","namespace":"knative-samples"},
 "spec":{"broker":"default","filter":{"attributes":{"Type!":"dev.knative.samples.helloworld"}},
         "subscriber":{"ref":{"apiVersion":"v1","kind":"Service","name":"hello-go"}}}}`

const seedTrigger = `{"apiVersion":"eventing.knative.dev/v1","kind":"Trigger",
 "metadata":{"name":"hello-go","namespace":"knative-samples"},
 "spec":{"broker":"default","filter":{"attributes":{"type":"dev.knative.samples.helloworld","source":"dev.knative.samples/helloworldsource"}},
         "subscriber":{"ref":{"apiVersion":"v1","kind":"Service","name":"hello-go","namespace":"knative-samples"}}}}`

const seedBroker = `{"apiVersion":"eventing.knative.dev/v1","kind":"Broker",
 "metadata":{"name":"default","namespace":"knative-samples"},"spec":{}}`

const badPing = `{"apiVersion":"sources.knative.dev/v1","kind":"PingSource",
 "metadata":{"name":"every-second","namespace":"knative-samples"},
 "spec":{"schedule":"every now and then","sink":{"uri":"http://example.com"}}}`

func TestValidation(t *testing.T) {
	admit := admitter(t, NewValidationAdmissionController)
	for _, tc := range []struct {
		name      string
		req       *admissionv1.AdmissionRequest
		wantField string // empty: admitted
	}{
		{"seed trigger", create("Trigger", "triggers", seedTrigger), ""},
		{"bad filter attribute", create("Trigger", "triggers", badTrigger), "spec.filter.attributes"},
		{"bad cron schedule", create("PingSource", "pingsources", badPing), "spec.schedule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := admit(tc.req)
			if tc.wantField == "" {
				if !resp.Allowed {
					t.Fatalf("rejected: %v", resp.Result)
				}
				return
			}
			if resp.Allowed {
				t.Fatal("admitted an invalid object")
			}
			if !strings.Contains(resp.Result.Message, tc.wantField) {
				t.Errorf("rejection %q does not name %s", resp.Result.Message, tc.wantField)
			}
		})
	}
}

func TestDefaultingSetsTheBrokerClass(t *testing.T) {
	admit := admitter(t, NewDefaultingAdmissionController)
	resp := admit(create("Broker", "brokers", seedBroker))
	if !resp.Allowed {
		t.Fatalf("defaulting refused the seed's broker.yaml: %v", resp.Result)
	}
	// config-br-defaults' cluster default: the class annotation and the
	// channel config of MTChannelBasedBroker.
	for _, want := range []string{`"eventing.knative.dev/broker.class":"MTChannelBasedBroker"`, `"name":"config-br-default-channel"`, `"retry":10`} {
		if !strings.Contains(string(resp.Patch), want) {
			t.Errorf("defaulting patch lacks %s:\n%s", want, resp.Patch)
		}
	}
}

// TestShippedConfigMapsAreValid: the config webhook must accept every
// knative-eventing ConfigMap exactly as config/ ships it.
func TestShippedConfigMapsAreValid(t *testing.T) {
	for _, cm := range configmaps.Shipped(t, "eventing/configmaps") {
		ctor, ok := ConfigConstructors[cm.Name]
		if !ok {
			// config-br-default-channel is a channel template read by the
			// broker reconciler, not a component configuration.
			continue
		}
		out := reflect.ValueOf(ctor).Call([]reflect.Value{reflect.ValueOf(cm)})
		if err, _ := out[1].Interface().(error); err != nil {
			t.Errorf("shipped %s does not parse: %v", cm.Name, err)
		}
	}
}
