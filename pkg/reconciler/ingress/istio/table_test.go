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
	"errors"
	"testing"

	"google.golang.org/protobuf/testing/protocmp"
	"istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	. "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	fakeskiffclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	ingressreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/networking/v1alpha1/ingress"
	fakeistioclient "github.com/skiffhq/skiff/pkg/client/istio/injection/client/fake"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/resources"
	. "github.com/skiffhq/skiff/pkg/testing"
)

const finalizer = "ingresses.networking.internal.knative.dev"

var (
	publicLB  = "istio-ingressgateway.istio-system.svc.cluster.local"
	privateLB = "knative-local-gateway.istio-system.svc.cluster.local"
)

// gateways are the default Gateways of config-istio, per visibility.
func gateways() map[v1alpha1.IngressVisibility]sets.Set[string] {
	return map[v1alpha1.IngressVisibility]sets.Set[string]{
		v1alpha1.IngressVisibilityExternalIP:   sets.New(system.Namespace() + "/knative-ingress-gateway"),
		v1alpha1.IngressVisibilityClusterLocal: sets.New(system.Namespace() + "/knative-local-gateway"),
	}
}

// fakeStatus answers IsReady as told and counts the calls.
type fakeStatus struct {
	ready bool
	err   error
	calls int
}

func (s *fakeStatus) IsReady(context.Context, *v1alpha1.Ingress) (bool, error) {
	s.calls++
	return s.ready, s.err
}

type statusKey struct{}

func withStatus(ready bool, err error) context.Context {
	return context.WithValue(context.Background(), statusKey{}, &fakeStatus{ready: ready, err: err})
}

func probed(n int) func(*testing.T, *TableRow) {
	return func(t *testing.T, r *TableRow) {
		t.Helper()
		if got := r.Ctx.Value(statusKey{}).(*fakeStatus).calls; got != n {
			t.Errorf("prober asked %d times, want %d", got, n)
		}
	}
}

func ing(name string, opts ...IngressOption) *v1alpha1.Ingress {
	paths := []v1alpha1.HTTPIngressPath{{Splits: []v1alpha1.IngressBackendSplit{{
		IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "default", ServiceName: name + "-00001", ServicePort: intstr.FromInt(80)},
		Percent:        100,
		AppendHeaders:  map[string]string{"Knative-Serving-Revision": name + "-00001", "Knative-Serving-Namespace": "default"},
	}}}}
	base := []IngressOption{
		WithIngressClass(netcfg.IstioIngressClassName),
		WithIngressGeneration(1),
		WithIngressRules(
			v1alpha1.IngressRule{Hosts: []string{name + ".default.svc.cluster.local"}, Visibility: v1alpha1.IngressVisibilityClusterLocal,
				HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: paths}},
			v1alpha1.IngressRule{Hosts: []string{name + ".default.example.com"}, Visibility: v1alpha1.IngressVisibilityExternalIP,
				HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: paths}},
		),
		func(i *v1alpha1.Ingress) {
			i.Labels = map[string]string{serving.RouteLabelKey: name, serving.RouteNamespaceLabelKey: "default"}
			i.Namespace = "default"
		},
	}
	return Ingress("default", name, append(base, opts...)...)
}

func withFinalizer(i *v1alpha1.Ingress) { i.Finalizers = []string{finalizer} }

func withDeletion(i *v1alpha1.Ingress) {
	now := metav1.Now()
	i.DeletionTimestamp = &now
}

func withInit(i *v1alpha1.Ingress) { i.Status.InitializeConditions() }

func publicOnly(i *v1alpha1.Ingress) { i.Spec.Rules = i.Spec.Rules[1:] }

// vses are the VirtualServices the reconciler makes for i (mesh first).
func vses(i *v1alpha1.Ingress) []*v1beta1.VirtualService {
	out, err := resources.MakeVirtualServices(i, gateways())
	if err != nil {
		panic(err)
	}
	return out
}

func meshVS(i *v1alpha1.Ingress) *v1beta1.VirtualService { return vses(i)[0] }
func ingressVS(i *v1alpha1.Ingress) *v1beta1.VirtualService {
	v := vses(i)
	return v[len(v)-1]
}

func drifted(vs *v1beta1.VirtualService) *v1beta1.VirtualService {
	vs = vs.DeepCopy()
	vs.Spec.Http[0].Route[0].Weight = 50
	vs.Spec.Hosts = append(vs.Spec.Hosts, "evil.example.com")
	return vs
}

func notOwned(vs *v1beta1.VirtualService) *v1beta1.VirtualService {
	vs = vs.DeepCopy()
	vs.OwnerReferences = nil
	return vs
}

func objects(i *v1alpha1.Ingress, vs ...*v1beta1.VirtualService) []runtime.Object {
	out := []runtime.Object{i}
	for _, v := range vs {
		out = append(out, v)
	}
	return out
}

func TestReconcile(t *testing.T) {
	ready := []IngressOption{withFinalizer, withInit, WithNetworkConfigured, WithLoadBalancerReady(publicLB, privateLB), WithIngressObservedGeneration(1)}
	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
		Ctx:  withStatus(false, nil),
	}, {
		Name: "key not found",
		Key:  "default/not-found",
		Ctx:  withStatus(false, nil),
	}, {
		Name:        "first reconcile: finalizer, <name>-mesh and <name>-ingress created, load balancer not ready while probing",
		Key:         "default/hello-go",
		Ctx:         withStatus(false, nil),
		Objects:     objects(ing("hello-go")),
		WantCreates: []runtime.Object{meshVS(ing("hello-go")), ingressVS(ing("hello-go"))},
		WantPatches: []clientgotesting.PatchActionImpl{patchFinalizers("default", "hello-go", finalizer)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			// The status is written on the lister's copy, before the patch.
			Object: ing("hello-go", withInit, WithNetworkConfigured, WithLoadBalancerNotReady, WithIngressObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated "hello-go" finalizers`),
			Eventf(corev1.EventTypeNormal, "Created", `Created VirtualService "hello-go-mesh"`),
			Eventf(corev1.EventTypeNormal, "Created", `Created VirtualService "hello-go-ingress"`),
		},
		PostConditions: []func(*testing.T, *TableRow){probed(1)},
	}, {
		Name:    "gateway pods serve it: Ready with the Istio gateway Services as load balancers",
		Key:     "default/hello-go",
		Ctx:     withStatus(true, nil),
		Objects: objects(ing("hello-go", withFinalizer), vses(ing("hello-go"))...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ing("hello-go", ready...),
		}},
		PostConditions: []func(*testing.T, *TableRow){probed(1)},
	}, {
		Name:           "steady state: nothing written, not probed again",
		Key:            "default/hello-go",
		Ctx:            withStatus(false, errors.New("must not be probed")),
		Objects:        objects(ing("hello-go", ready...), vses(ing("hello-go"))...),
		PostConditions: []func(*testing.T, *TableRow){probed(0)},
	}, {
		Name:    "drifted VirtualService is repaired",
		Key:     "default/hello-go",
		Ctx:     withStatus(false, errors.New("must not be probed")),
		Objects: objects(ing("hello-go", ready...), meshVS(ing("hello-go")), drifted(ingressVS(ing("hello-go")))),
		WantUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ingressVS(ing("hello-go")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "Updated", "Updated VirtualService default/hello-go-ingress"),
		},
	}, {
		Name:    "no cluster-local rule any more: the mesh VirtualService is deleted",
		Key:     "default/hello-go",
		Ctx:     withStatus(true, nil),
		Objects: objects(ing("hello-go", append(ready, publicOnly)...), meshVS(ing("hello-go")), ingressVS(ing("hello-go", publicOnly))),
		WantDeletes: []clientgotesting.DeleteActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{Namespace: "default", Verb: "delete",
				Resource: v1beta1.SchemeGroupVersion.WithResource("virtualservices")},
			Name: "hello-go-mesh",
		}},
	}, {
		Name:    "a VirtualService of the same name that is not ours: NotOwned",
		Key:     "default/hello-go",
		Ctx:     withStatus(true, nil),
		Objects: objects(ing("hello-go", withFinalizer), notOwned(meshVS(ing("hello-go")))),
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ing("hello-go", withFinalizer, withInit, WithIngressObservedGeneration(1), func(i *v1alpha1.Ingress) {
				i.Status.MarkResourceNotOwned("VirtualService", "hello-go-mesh")
				i.Status.MarkLoadBalancerFailed("ReconcileVirtualServiceFailed",
					`notowned: owner: hello-go with Type *v1alpha1.Ingress does not own VirtualService: "hello-go-mesh"`)
				i.Status.MarkIngressNotReady("ReconcileIngressFailed", "Ingress reconciliation failed")
			}),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", `notowned: owner: hello-go with Type *v1alpha1.Ingress does not own VirtualService: "hello-go-mesh"`),
		},
	}, {
		Name:    "creating a VirtualService fails: load balancer failed, events",
		Key:     "default/hello-go",
		Ctx:     withStatus(true, nil),
		Objects: objects(ing("hello-go", withFinalizer)),
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("create", "virtualservices"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{meshVS(ing("hello-go"))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ing("hello-go", withFinalizer, withInit, WithIngressObservedGeneration(1), func(i *v1alpha1.Ingress) {
				i.Status.MarkLoadBalancerFailed("ReconcileVirtualServiceFailed",
					"failed to create VirtualService: inducing failure for create virtualservices")
				i.Status.MarkIngressNotReady("ReconcileIngressFailed", "Ingress reconciliation failed")
			}),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "CreationFailed", "Failed to create VirtualService default/hello-go-mesh: inducing failure for create virtualservices"),
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to create VirtualService: inducing failure for create virtualservices"),
		},
	}, {
		Name:    "probing fails: error, network configured",
		Key:     "default/hello-go",
		Ctx:     withStatus(false, errors.New("no gateway")),
		Objects: objects(ing("hello-go", withFinalizer), vses(ing("hello-go"))...),
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: ing("hello-go", withFinalizer, withInit, WithNetworkConfigured, WithIngressObservedGeneration(1),
				WithIngressNotReady("ReconcileIngressFailed", "Ingress reconciliation failed")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to probe Ingress default/hello-go: no gateway"),
		},
	}, {
		Name:    "deleted: the finalizer deletes the VirtualServices, then lets go",
		Key:     "default/hello-go",
		Ctx:     withStatus(true, nil),
		Objects: objects(ing("hello-go", append(ready, withDeletion)...), vses(ing("hello-go"))...),
		WantDeletes: []clientgotesting.DeleteActionImpl{{
			ActionImpl: clientgotesting.ActionImpl{Namespace: "default", Verb: "delete",
				Resource: v1beta1.SchemeGroupVersion.WithResource("virtualservices")},
			Name: "hello-go-ingress",
		}, {
			ActionImpl: clientgotesting.ActionImpl{Namespace: "default", Verb: "delete",
				Resource: v1beta1.SchemeGroupVersion.WithResource("virtualservices")},
			Name: "hello-go-mesh",
		}},
		WantPatches: []clientgotesting.PatchActionImpl{patchFinalizers("default", "hello-go")},
		WantEvents: []string{
			Eventf(corev1.EventTypeNormal, "FinalizerUpdate", `Updated "hello-go" finalizers`),
		},
	}, {
		Name:           "another class is not ours",
		Key:            "default/hello-go",
		Ctx:            withStatus(true, nil),
		Objects:        objects(ing("hello-go", WithIngressClass(netcfg.SkiffIngressClassName))),
		PostConditions: []func(*testing.T, *TableRow){probed(0)},
	}}

	// Istio specs are protos: compare them as such.
	for i := range table {
		table[i].CmpOpts = append(table[i].CmpOpts, protocmp.Transform())
	}
	istioCfg, err := config.NewIstioFromConfigMap(&corev1.ConfigMap{})
	if err != nil {
		t.Fatal(err)
	}
	netCfg, err := netcfg.NewConfigFromMap(nil)
	if err != nil {
		t.Fatal(err)
	}
	table.Test(t, makeFactory(func(ctx context.Context, ls *listers, _ configmap.Watcher) controller.Reconciler {
		r := &Reconciler{
			istioClientSet:       fakeistioclient.Get(ctx),
			virtualServiceLister: ls.virtualServices(),
			statusManager:        ctx.Value(statusKey{}).(*fakeStatus),
		}
		return ingressreconciler.NewReconciler(ctx, logging.FromContext(ctx), fakeskiffclient.Get(ctx),
			ls.ingresses(), controller.GetEventRecorder(ctx), r, netcfg.IstioIngressClassName,
			controller.Options{ConfigStore: &testConfigStore{&config.Config{Istio: istioCfg, Network: netCfg}}})
	}))
}

type testConfigStore struct{ c *config.Config }

func (s *testConfigStore) ToContext(ctx context.Context) context.Context {
	return config.ToContext(ctx, s.c)
}
