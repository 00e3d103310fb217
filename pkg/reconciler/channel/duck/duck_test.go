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
package duck

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	fakedynamicclient "knative.dev/pkg/injection/clients/dynamicclient/fake"
	"knative.dev/pkg/tracker"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
)

func TestNewPhysicalChannel(t *testing.T) {
	tm := metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"}
	om := metav1.ObjectMeta{Name: "c", Namespace: "ns"}
	for _, tc := range []struct {
		name     string
		opts     []PhysicalChannelOption
		wantSpec interface{}
	}{{
		name: "no spec",
	}, {
		name:     "empty channelable spec is left out",
		opts:     []PhysicalChannelOption{WithChannelableSpec(eventingduckv1.ChannelableSpec{})},
		wantSpec: nil,
	}, {
		name: "template fields win over channelable ones",
		opts: []PhysicalChannelOption{
			WithChannelableSpec(eventingduckv1.ChannelableSpec{Delivery: &eventingduckv1.DeliverySpec{Timeout: strp("PT1S")}}),
			WithPhysicalChannelSpec(&runtime.RawExtension{Raw: []byte(`{"delivery":{"retry":5},"x":"y"}`)}),
		},
		wantSpec: map[string]interface{}{"delivery": map[string]interface{}{"retry": int64(5)}, "x": "y"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := NewPhysicalChannel(tm, om, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if u.GetAPIVersion() != tm.APIVersion || u.GetKind() != tm.Kind || u.GetName() != "c" || u.GetNamespace() != "ns" {
				t.Errorf("object = %v", u.Object)
			}
			if diff := cmp.Diff(tc.wantSpec, u.Object["spec"]); diff != "" {
				t.Error("spec (-want, +got):", diff)
			}
		})
	}
}

func strp(s string) *string { return &s }

func TestListableTracker(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := messagingv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	imc := &messagingv1.InMemoryChannel{
		TypeMeta:   metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"},
		ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"},
	}
	ctx, dc := fakedynamicclient.With(context.Background(), scheme, imc)
	ctx = channelable.WithDuck(ctx)

	enqueued := make(chan types.NamespacedName, 10)
	tr := NewListableTrackerFromTracker(ctx, channelable.Get, tracker.New(func(k types.NamespacedName) { enqueued <- k }, time.Minute))
	ref := corev1.ObjectReference{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel", Name: "c"}

	if _, err := tr.ListerFor(ref); err == nil {
		t.Error("ListerFor before tracking succeeded")
	}
	if err := tr.TrackInNamespace(ctx, &metav1.ObjectMeta{Name: "parent", Namespace: "ns"})(corev1.ObjectReference{Name: "c"}); err == nil {
		t.Error("tracking a reference without a kind succeeded")
	}
	parent := &messagingv1.Subscription{ObjectMeta: metav1.ObjectMeta{Name: "parent", Namespace: "ns"}}
	if err := tr.TrackInNamespace(ctx, parent)(ref); err != nil {
		t.Fatal("TrackInNamespace:", err)
	}
	lister, err := tr.ListerForKReference(duckv1.KReference{APIVersion: ref.APIVersion, Kind: ref.Kind})
	if err != nil {
		t.Fatal("ListerForKReference:", err)
	}
	obj, err := lister.ByNamespace("ns").Get("c")
	if err != nil {
		t.Fatal("Get:", err)
	}
	if _, ok := obj.(*eventingduckv1.Channelable); !ok {
		t.Errorf("lister returned a %T, want a Channelable", obj)
	}

	// A change to the tracked channel brings the parent back. (Forget the
	// informer's initial replay first.)
	time.Sleep(200 * time.Millisecond)
	for len(enqueued) > 0 {
		<-enqueued
	}
	u, err := dc.Resource(messagingv1.SchemeGroupVersion.WithResource("inmemorychannels")).Namespace("ns").Get(ctx, "c", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	u.SetLabels(map[string]string{"changed": "true"})
	if _, err := dc.Resource(messagingv1.SchemeGroupVersion.WithResource("inmemorychannels")).Namespace("ns").Update(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-enqueued:
		if want := (types.NamespacedName{Namespace: "ns", Name: "parent"}); got != want {
			t.Errorf("enqueued %v, want %v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Error("changing the tracked channel did not enqueue its tracker")
	}
}
