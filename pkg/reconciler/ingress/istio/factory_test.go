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

package istio

import (
	"context"
	"encoding/json"
	"testing"

	"istio.io/client-go/pkg/apis/networking/v1beta1"
	fakeistioclientset "istio.io/client-go/pkg/clientset/versioned/fake"
	istiolisters "istio.io/client-go/pkg/listers/networking/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	fakekubeclientset "k8s.io/client-go/kubernetes/fake"
	ktesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/reconciler"
	rtesting "knative.dev/pkg/reconciler/testing"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	fakeskiffclientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned/fake"
	fakeskiffclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	fakeistioclient "github.com/skiffhq/skiff/pkg/client/istio/injection/client/fake"
	networkinglisters "github.com/skiffhq/skiff/pkg/client/listers/networking/v1alpha1"
)

// The table-test factory of the net-istio reconciler: the shared serving
// factory (pkg/reconciler/testing/v1) plus Istio's fake client and listers.

var testSchemes = []func(*runtime.Scheme) error{
	fakekubeclientset.AddToScheme,
	fakeskiffclientset.AddToScheme,
	fakeistioclientset.AddToScheme,
}

type listers struct {
	sorter rtesting.ObjectSorter
}

func newListers(objs []runtime.Object) *listers {
	scheme := runtime.NewScheme()
	for _, add := range testSchemes {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	ls := &listers{sorter: rtesting.NewObjectSorter(scheme)}
	ls.sorter.AddObjects(objs...)
	return ls
}

func (l *listers) objectsFor(add func(*runtime.Scheme) error) []runtime.Object {
	return l.sorter.ObjectsForSchemeFunc(add)
}

func (l *listers) ingresses() networkinglisters.IngressLister {
	return networkinglisters.NewIngressLister(l.sorter.IndexerForObjectType(&v1alpha1.Ingress{}))
}

func (l *listers) virtualServices() istiolisters.VirtualServiceLister {
	return istiolisters.NewVirtualServiceLister(l.sorter.IndexerForObjectType(&v1beta1.VirtualService{}))
}

type ctor func(context.Context, *listers, configmap.Watcher) controller.Reconciler

func makeFactory(c ctor) rtesting.Factory {
	return func(t *testing.T, r *rtesting.TableRow) (controller.Reconciler, rtesting.ActionRecorderList, rtesting.EventList) {
		ls := newListers(r.Objects)
		ctx := r.Ctx
		if ctx == nil {
			ctx = context.Background()
		}
		ctx = logging.WithLogger(ctx, logtesting.TestLogger(t))
		ctx, kubeClient := fakekubeclient.With(ctx, ls.objectsFor(fakekubeclientset.AddToScheme)...)
		ctx, client := fakeskiffclient.With(ctx, ls.objectsFor(fakeskiffclientset.AddToScheme)...)
		ctx, istioClient := fakeistioclient.With(ctx, ls.objectsFor(fakeistioclientset.AddToScheme)...)
		recorder := record.NewFakeRecorder(20)
		ctx = controller.WithEventRecorder(ctx, recorder)

		rec := c(ctx, ls, configmap.NewStaticWatcher())
		r.Ctx = ctx //nolint:fatcontext
		if la, ok := rec.(reconciler.LeaderAware); ok {
			la.Promote(reconciler.UniversalBucket(), func(reconciler.Bucket, types.NamespacedName) {})
		}
		for _, reactor := range r.WithReactors {
			kubeClient.PrependReactor("*", "*", reactor)
			client.PrependReactor("*", "*", reactor)
			istioClient.PrependReactor("*", "*", reactor)
		}
		// Validate Ingress writes as the webhook would.
		client.PrependReactor("update", "*", func(action ktesting.Action) (bool, runtime.Object, error) {
			return rtesting.ValidateUpdates(ctx, action)
		})
		return rec, rtesting.ActionRecorderList{istioClient, client, kubeClient}, rtesting.EventList{Recorder: recorder}
	}
}

// patchFinalizers is the merge patch setting the Ingress's finalizers.
func patchFinalizers(ns, name string, finalizers ...string) ktesting.PatchActionImpl {
	if finalizers == nil {
		finalizers = []string{}
	}
	b, _ := json.Marshal(map[string]any{"metadata": map[string]any{"finalizers": finalizers, "resourceVersion": ""}})
	return ktesting.PatchActionImpl{
		ActionImpl: ktesting.ActionImpl{Namespace: ns},
		Name:       name,
		Patch:      b,
	}
}

func (l *listers) gateways() istiolisters.GatewayLister {
	return istiolisters.NewGatewayLister(l.sorter.IndexerForObjectType(&v1beta1.Gateway{}))
}
