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
	"encoding/json"
	"testing"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ktesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"knative.dev/pkg/client/injection/ducks/duck/v1/addressable"
	"knative.dev/pkg/client/injection/ducks/duck/v1/source"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	fakedynamicclient "knative.dev/pkg/injection/clients/dynamicclient/fake"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/reconciler"
	. "knative.dev/pkg/reconciler/testing" //nolint:revive // the table-test vocabulary reads best unqualified

	fakeclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
)

// maxEventBufferSize bounds the events one reconciliation may record.
const maxEventBufferSize = 20

// Ctor builds the reconciler under test from the fakes in ctx.
type Ctor func(context.Context, *Listers, configmap.Watcher) controller.Reconciler

// MakeFactory returns a table-test Factory: the row's objects are served by
// listers, by fake kube and Skiff clientsets and, as Unstructured, by a fake
// dynamic client behind the Addressable, Channelable and Source duck
// informers. ConfigMaps among the objects also feed a static watcher. Every
// create/update/patch is recorded; the row's reactors are installed on all
// three clients.
func MakeFactory(ctor Ctor, logger *zap.SugaredLogger) Factory {
	return func(t *testing.T, r *TableRow) (controller.Reconciler, ActionRecorderList, EventList) {
		ls := NewListers(r.Objects)

		if r.Ctx == nil {
			// Reconcile gets r.Ctx: give it the test logger too.
			r.Ctx = logging.WithLogger(context.Background(), logger)
		}
		ctx := logging.WithLogger(r.Ctx, logger)

		ctx, kubeClient := fakekubeclient.With(ctx, ls.GetKubeObjects()...)
		ctx, client := fakeclient.With(ctx, ls.GetSkiffObjects()...)
		ctx, dynamicClient := fakedynamicclient.With(ctx, NewScheme(), ToUnstructured(t, r.Objects)...)
		ctx = addressable.WithDuck(ctx)
		ctx = channelable.WithDuck(ctx)
		ctx = source.WithDuck(ctx)

		// The fake dynamic client cannot apply patches to Unstructured
		// objects reliably; record them and report success.
		dynamicClient.PrependReactor("patch", "*", func(ktesting.Action) (bool, runtime.Object, error) {
			return true, nil, nil
		})

		eventRecorder := record.NewFakeRecorder(maxEventBufferSize)
		ctx = controller.WithEventRecorder(ctx, eventRecorder)

		var cms []*corev1.ConfigMap
		for _, obj := range r.Objects {
			if cm, ok := obj.(*corev1.ConfigMap); ok {
				cms = append(cms, cm)
			}
		}

		c := ctor(ctx, &ls, configmap.NewStaticWatcher(cms...))
		if la, ok := c.(reconciler.LeaderAware); ok {
			la.Promote(reconciler.UniversalBucket(), func(reconciler.Bucket, types.NamespacedName) {})
		}

		// Everything the reconciler creates or updates must be valid, as the
		// webhook would insist.
		client.PrependReactor("create", "*", func(action ktesting.Action) (bool, runtime.Object, error) {
			return ValidateCreates(ctx, action)
		})
		client.PrependReactor("update", "*", func(action ktesting.Action) (bool, runtime.Object, error) {
			return ValidateUpdates(ctx, action)
		})

		for _, reactor := range r.WithReactors {
			kubeClient.PrependReactor("*", "*", reactor)
			client.PrependReactor("*", "*", reactor)
			dynamicClient.PrependReactor("*", "*", reactor)
		}

		return c, ActionRecorderList{dynamicClient, client, kubeClient}, EventList{Recorder: eventRecorder}
	}
}

// ToUnstructured converts objects to Unstructured with their TypeMeta set
// from the scheme, as the fake dynamic client needs.
func ToUnstructured(t *testing.T, objs []runtime.Object) []runtime.Object {
	t.Helper()
	sch := NewScheme()
	us := make([]runtime.Object, 0, len(objs))
	for _, obj := range objs {
		obj = obj.DeepCopyObject()
		gvks, _, err := sch.ObjectKinds(obj)
		if err != nil {
			t.Fatal("Unable to determine kind for type:", err)
		}
		apiv, k := gvks[0].ToAPIVersionAndKind()
		ta, err := meta.TypeAccessor(obj)
		if err != nil {
			t.Fatal("Unable to create type accessor:", err)
		}
		ta.SetAPIVersion(apiv)
		ta.SetKind(k)

		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal("Unable to marshal:", err)
		}
		u := &unstructured.Unstructured{}
		if err := json.Unmarshal(b, u); err != nil {
			t.Fatal("Unable to unmarshal:", err)
		}
		us = append(us, u)
	}
	return us
}
