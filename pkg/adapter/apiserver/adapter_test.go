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

package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

// receiver is a CloudEvents sink on 127.0.0.1.
type receiver struct {
	srv    *httptest.Server
	events chan cloudevents.Event
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{events: make(chan cloudevents.Event, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(req)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.events <- *ev
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) next(t *testing.T) cloudevents.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(60 * time.Second):
		t.Fatal("no event arrived")
		return cloudevents.Event{}
	}
}

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// start runs an adapter for cfg against the local apiserver until the test
// ends, sending to rcv, one sender (so the order of the events is the
// order of the changes, across objects).
func start(t *testing.T, env *harness.Env, rcv *receiver, cfg Config) {
	t.Helper()
	ce, err := adapter.NewClient(adapter.ClientConfig{Env: &adapter.EnvConfig{Sink: rcv.srv.URL, Namespace: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	kc, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := dynamic.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(logtesting.TestContextWithLogger(t))
	a := New(ctx, Args{
		Discovery: kc.Discovery(),
		Dynamic:   dc,
		Client:    ce,
		Source:    env.Config.Host,
		Name:      "test-source",
		Config:    cfg,
		Senders:   1,
	})
	done := make(chan error, 1)
	go func() { done <- a.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error("Start:", err)
		}
	})
}

// sentinel creates a ConfigMap whose add event marks that every change
// made before it has been sent.
func sentinel(t *testing.T, env *harness.Env, ns string, labels map[string]string) {
	t.Helper()
	createCM(t, env, ns, "zz-sentinel", labels, nil)
}

func createCM(t *testing.T, env *harness.Env, ns, name string, labels map[string]string, owner *metav1.OwnerReference) *corev1.ConfigMap {
	t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels}, Data: map[string]string{"k": "v1"}}
	if owner != nil {
		cm.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	got, err := env.Kube.CoreV1().ConfigMaps(ns).Create(context.Background(), cm, metav1.CreateOptions{})
	if err != nil {
		t.Fatal("creating ConfigMap:", err)
	}
	return got
}

// waitWatching creates probe ConfigMaps until the adapter reports one
// (its informers have listed and are watching), then drains the events of
// the other probes.
func waitWatching(t *testing.T, env *harness.Env, rcv *receiver, ns string, labels map[string]string) {
	t.Helper()
	for i := 0; ; i++ {
		if i == 60 {
			t.Fatal("the adapter never reported a change")
		}
		createCM(t, env, ns, fmt.Sprintf("probe-%d", i), labels, nil)
		select {
		case <-rcv.events:
			drain(rcv)
			return
		case <-time.After(time.Second):
		}
	}
}

// drain discards events until none came for half a second.
func drain(rcv *receiver) {
	for {
		select {
		case <-rcv.events:
		case <-time.After(500 * time.Millisecond):
			return
		}
	}
}

func TestResourceModeAddUpdateDelete(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	rcv := newReceiver(t)
	watched := map[string]string{"watched": "yes"}
	start(t, env, rcv, Config{
		Namespaces: []string{ns},
		Resources:  []ResourceWatch{{GVR: configMaps, LabelSelector: "watched=yes"}},
		EventMode:  v1.ResourceMode,
	})
	waitWatching(t, env, rcv, ns, watched)

	ctx := context.Background()
	cms := env.Kube.CoreV1().ConfigMaps(ns)
	// Not selected: never an event.
	createCM(t, env, ns, "ignored", map[string]string{"watched": "no"}, nil)
	cm := createCM(t, env, ns, "hello", watched, nil)
	cm.Data["k"] = "v2"
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "hello", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	sentinel(t, env, ns, watched)

	want := []struct{ typ, name, data string }{
		{"dev.knative.apiserver.resource.add", "hello", "v1"},
		{"dev.knative.apiserver.resource.update", "hello", "v2"},
		{"dev.knative.apiserver.resource.delete", "hello", "v2"},
		{"dev.knative.apiserver.resource.add", "zz-sentinel", "v1"},
	}
	for _, w := range want {
		ev := rcv.next(t)
		if ev.Type() != w.typ {
			t.Fatalf("event type %q (%s), want %q", ev.Type(), ev.Extensions()["name"], w.typ)
		}
		if ev.Source() != env.Config.Host {
			t.Errorf("source = %q, want the apiserver %q", ev.Source(), env.Config.Host)
		}
		if got, want := ev.Subject(), "/apis/v1/namespaces/"+ns+"/configmaps/"+w.name; got != want {
			t.Errorf("subject = %q, want %q", got, want)
		}
		ext := ev.Extensions()
		if ext["name"] != w.name || ext["namespace"] != ns || ext["kind"] != "ConfigMap" || ext["apiversion"] != "v1" {
			t.Errorf("extensions = %v", ext)
		}
		var obj corev1.ConfigMap
		if err := json.Unmarshal(ev.Data(), &obj); err != nil {
			t.Fatalf("data is not the object: %v", err)
		}
		if obj.Name != w.name || obj.Data["k"] != w.data {
			t.Errorf("data is %s with k=%q, want %s with k=%q", obj.Name, obj.Data["k"], w.name, w.data)
		}
	}
}

func TestReferenceModeOwnerAndFilters(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	rcv := newReceiver(t)
	owner := &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "1234", Controller: ptr.Bool(true)}
	start(t, env, rcv, Config{
		Namespaces:    []string{ns},
		Resources:     []ResourceWatch{{GVR: configMaps}},
		EventMode:     v1.ReferenceMode,
		ResourceOwner: &v1.APIVersionKind{APIVersion: "apps/v1", Kind: "Deployment"},
		// Deletions only.
		Filters: []eventingv1.SubscriptionsAPIFilter{{Exact: map[string]string{"type": "dev.knative.apiserver.ref.delete"}}},
	})
	// Probes carry the owner too, but are adds: filtered out. Wait for
	// the watch by deleting probes instead.
	var watching bool
	for i := 0; i < 60 && !watching; i++ {
		name := fmt.Sprintf("probe-%d", i)
		createCM(t, env, ns, name, nil, owner)
		if err := env.Kube.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-rcv.events:
			watching = true
		case <-time.After(time.Second):
		}
	}
	if !watching {
		t.Fatal("the adapter never reported a deletion")
	}
	drain(rcv)

	ctx := context.Background()
	cms := env.Kube.CoreV1().ConfigMaps(ns)
	createCM(t, env, ns, "orphan", nil, nil)
	createCM(t, env, ns, "owned", nil, owner)
	for _, name := range []string{"orphan", "owned"} {
		if err := cms.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	createCM(t, env, ns, "zz-sentinel", nil, owner)
	if err := cms.Delete(ctx, "zz-sentinel", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"owned", "zz-sentinel"} {
		ev := rcv.next(t)
		if ev.Type() != "dev.knative.apiserver.ref.delete" {
			t.Errorf("type = %q, want only deletions", ev.Type())
		}
		var ref corev1.ObjectReference
		if err := json.Unmarshal(ev.Data(), &ref); err != nil {
			t.Fatal(err)
		}
		want := corev1.ObjectReference{APIVersion: "v1", Kind: "ConfigMap", Name: name, Namespace: ns}
		if ref != want {
			t.Errorf("data = %+v, want the reference %+v (the orphan is never sent)", ref, want)
		}
	}
}

func TestUnknownResourceIsSkipped(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	rcv := newReceiver(t)
	start(t, env, rcv, Config{
		Namespaces: []string{ns},
		Resources: []ResourceWatch{
			{GVR: schema.GroupVersionResource{Version: "v1", Resource: "nosuchthings"}},
			{GVR: configMaps},
		},
		EventMode: v1.ReferenceMode,
	})
	// The resource that exists is still watched.
	waitWatching(t, env, rcv, ns, nil)
}
