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
package trigger

import (
	"sort"
	"testing"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/configmap"
	. "knative.dev/pkg/reconciler/testing"

	. "github.com/skiffhq/skiff/pkg/reconciler/testing/eventing"
	. "github.com/skiffhq/skiff/pkg/testing/eventing"

	// Fake injection informers and clients.
	_ "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/broker/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/trigger/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/messaging/v1/subscription/fake"
	_ "knative.dev/pkg/client/injection/ducks/duck/v1/addressable/fake"
	_ "knative.dev/pkg/client/injection/ducks/duck/v1/source/fake"
	_ "knative.dev/pkg/injection/clients/dynamicclient/fake"
)

func TestNewController(t *testing.T) {
	ctx, _ := SetupFakeContext(t)
	if c := NewController(ctx, configmap.NewStaticWatcher()); c == nil {
		t.Fatal("Expected NewController to return a non-nil value")
	}
}

func TestFilterTriggersAndTriggersOf(t *testing.T) {
	ls := NewListers([]runtime.Object{
		NewBroker("default", testNS),
		NewBroker("other", testNS, WithBrokerClass("OtherBrokerClass")),
		NewTrigger("t1", testNS, "default"),
		NewTrigger("t2", testNS, "default"),
		NewTrigger("t3", testNS, "other"),
		NewTrigger("t4", "elsewhere", "default"),
	})
	ours := filterTriggers(ls.GetBrokerLister())
	for _, tc := range []struct {
		obj  interface{}
		want bool
	}{
		{NewTrigger("t1", testNS, "default"), true},
		{NewTrigger("t3", testNS, "other"), false},
		{NewTrigger("t5", testNS, "missing"), false},
		{NewBroker("default", testNS), false},
	} {
		if got := ours(tc.obj); got != tc.want {
			t.Errorf("filterTriggers(%T %s) = %v, want %v", tc.obj, tc.obj.(metav1.Object).GetName(), got, tc.want)
		}
	}

	var names []string
	for _, tr := range triggersOf(zap.NewNop().Sugar(), ls.GetTriggerLister(), NewBroker("default", testNS)) {
		names = append(names, tr.Namespace+"/"+tr.Name)
	}
	sort.Strings(names)
	if want := []string{testNS + "/t1", testNS + "/t2"}; !equality.Semantic.DeepEqual(names, want) {
		t.Errorf("triggersOf(default) = %v, want %v", names, want)
	}
}
