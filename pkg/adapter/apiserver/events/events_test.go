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

package events

import (
	"context"
	"encoding/json"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
)

func pod() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   map[string]interface{}{"name": "web-1", "namespace": "shop"},
		"spec":       map[string]interface{}{"nodeName": "node-a"},
	}}
}

func deployment() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]interface{}{"name": "web", "namespace": "shop"},
	}}
}

func TestMakeEvents(t *testing.T) {
	const source = "https://10.96.0.1:443"
	tests := []struct {
		name        string
		obj         *unstructured.Unstructured
		ref         bool
		wantType    string
		wantSubject string
		wantRef     bool
	}{
		{name: "add, resource mode", obj: pod(), wantType: "dev.knative.apiserver.resource.add", wantSubject: "/apis/v1/namespaces/shop/pods/web-1"},
		{name: "update, reference mode", obj: pod(), ref: true, wantType: "dev.knative.apiserver.ref.update", wantSubject: "/apis/v1/namespaces/shop/pods/web-1", wantRef: true},
		{name: "delete of a grouped kind, reference mode", obj: deployment(), ref: true, wantType: "dev.knative.apiserver.ref.delete", wantSubject: "/apis/apps/v1/namespaces/shop/deployments/web", wantRef: true},
		{name: "delete, resource mode", obj: deployment(), wantType: "dev.knative.apiserver.resource.delete", wantSubject: "/apis/apps/v1/namespaces/shop/deployments/web"},
	}
	makers := map[string]func(string, string, interface{}, bool) (ctxEvent, error){
		"add":    wrap(MakeAddEvent),
		"update": wrap(MakeUpdateEvent),
		"delete": wrap(MakeDeleteEvent),
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			verb := tc.wantType[len("dev.knative.apiserver.resource."):]
			if tc.ref {
				verb = tc.wantType[len("dev.knative.apiserver.ref."):]
			}
			got, err := makers[verb](source, "my-source", tc.obj, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			ev := got.event
			if ev.Type() != tc.wantType || ev.Source() != source || ev.Subject() != tc.wantSubject {
				t.Errorf("type/source/subject = %q %q %q, want %q %q %q", ev.Type(), ev.Source(), ev.Subject(), tc.wantType, source, tc.wantSubject)
			}
			ext := ev.Extensions()
			if ext["name"] != tc.obj.GetName() || ext["namespace"] != "shop" || ext["kind"] != tc.obj.GetKind() || ext["apiversion"] != tc.obj.GetAPIVersion() {
				t.Errorf("extensions = %v", ext)
			}
			if ev.DataContentType() != "application/json" {
				t.Errorf("datacontenttype = %q", ev.DataContentType())
			}
			if tc.wantRef {
				var ref corev1.ObjectReference
				if err := json.Unmarshal(ev.Data(), &ref); err != nil {
					t.Fatal(err)
				}
				want := corev1.ObjectReference{APIVersion: tc.obj.GetAPIVersion(), Kind: tc.obj.GetKind(), Name: tc.obj.GetName(), Namespace: "shop"}
				if ref != want {
					t.Errorf("data = %+v, want %+v", ref, want)
				}
			} else {
				var obj map[string]interface{}
				if err := json.Unmarshal(ev.Data(), &obj); err != nil {
					t.Fatal(err)
				}
				if obj["kind"] != tc.obj.GetKind() {
					t.Errorf("data = %v, want the whole object", obj)
				}
			}
			if tag := adapter.MetricTagFromContext(got.ctx); tag.Name != "my-source" || tag.Namespace != "shop" || tag.ResourceGroup != resourceGroup {
				t.Errorf("metric tag = %+v", tag)
			}
		})
	}
}

func TestMakeEventErrors(t *testing.T) {
	if _, _, err := MakeAddEvent("s", "n", nil, false); err == nil {
		t.Error("a nil object made an event")
	}
	if _, _, err := MakeUpdateEvent("s", "n", "not an object", false); err == nil {
		t.Error("a string made an event")
	}
}

type ctxEvent struct {
	ctx   context.Context
	event cloudevents.Event
}

func wrap(f func(string, string, interface{}, bool) (context.Context, cloudevents.Event, error)) func(string, string, interface{}, bool) (ctxEvent, error) {
	return func(s, n string, o interface{}, ref bool) (ctxEvent, error) {
		ctx, ev, err := f(s, n, o, ref)
		return ctxEvent{ctx: ctx, event: ev}, err
	}
}
