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

package skiff

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	. "knative.dev/pkg/reconciler/testing"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	fakeskiffclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	ingressreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/networking/v1alpha1/ingress"
	"github.com/skiffhq/skiff/pkg/ingress/status"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	. "github.com/skiffhq/skiff/pkg/testing"
)

// The load balancers: skiff-gateway(-internal).<system namespace>.svc.cluster.local.
var (
	publicLB  = PublicGatewayDomain()
	privateLB = PrivateGatewayDomain()
)

// fakeGateway records what the reconciler programs.
type fakeGateway struct {
	mu       sync.Mutex
	err      error
	upserted []string // namespace/name@generation
	deleted  []string
}

func (g *fakeGateway) Upsert(ing *v1alpha1.Ingress) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return g.err
	}
	g.upserted = append(g.upserted, fmt.Sprintf("%s/%s@%d", ing.Namespace, ing.Name, ing.Generation))
	return nil
}

func (g *fakeGateway) Delete(key types.NamespacedName) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.deleted = append(g.deleted, key.String())
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

type fakesKey struct{}

type fakes struct {
	gw     *fakeGateway
	status *fakeStatus
}

// with gives a row its fake gateway and prober.
func with(gwErr error, ready bool, probeErr error) context.Context {
	return context.WithValue(context.Background(), fakesKey{}, &fakes{
		gw:     &fakeGateway{err: gwErr},
		status: &fakeStatus{ready: ready, err: probeErr},
	})
}

func fakesOf(ctx context.Context) *fakes { return ctx.Value(fakesKey{}).(*fakes) }

// programmed asserts what the gateway was given.
func programmed(want ...string) func(*testing.T, *TableRow) {
	return func(t *testing.T, r *TableRow) {
		t.Helper()
		if got := fakesOf(r.Ctx).gw.upserted; !cmp.Equal(got, want) {
			t.Errorf("gateway programmed with %v, want %v", got, want)
		}
	}
}

// probed asserts how often the prober was asked.
func probed(n int) func(*testing.T, *TableRow) {
	return func(t *testing.T, r *TableRow) {
		t.Helper()
		if got := fakesOf(r.Ctx).status.calls; got != n {
			t.Errorf("prober asked %d times, want %d", got, n)
		}
	}
}

func king(name string, opts ...IngressOption) *v1alpha1.Ingress {
	base := []IngressOption{
		WithIngressGeneration(1),
		WithIngressRules(
			v1alpha1.IngressRule{
				Hosts:      []string{name + ".ns.svc.cluster.local"},
				Visibility: v1alpha1.IngressVisibilityClusterLocal,
				HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: []v1alpha1.HTTPIngressPath{{
					Splits: []v1alpha1.IngressBackendSplit{{
						IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "ns", ServiceName: name + "-00001", ServicePort: intstr.FromInt(80)},
						Percent:        100,
					}},
				}}},
			},
		),
	}
	return Ingress("ns", name, append(base, opts...)...)
}

func withInitConditions(ing *v1alpha1.Ingress) { ing.Status.InitializeConditions() }

func TestReconcile(t *testing.T) {
	table := TableTest{{
		Name: "bad workqueue key",
		Key:  "too/many/parts",
		Ctx:  with(nil, false, nil),
	}, {
		Name: "key not found",
		Key:  "ns/not-found",
		Ctx:  with(nil, false, nil),
	}, {
		Name:    "first reconcile: gateway programmed, load balancer not ready while the gateway pods are probed",
		Key:     "ns/hello",
		Ctx:     with(nil, false, nil),
		Objects: []runtime.Object{king("hello")},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", withInitConditions, WithNetworkConfigured, WithLoadBalancerNotReady, WithIngressObservedGeneration(1)),
		}},
		PostConditions: []func(*testing.T, *TableRow){programmed("ns/hello@1"), probed(1)},
	}, {
		Name:    "every gateway pod serves it: load balancers are the skiff-gateway Services",
		Key:     "ns/hello",
		Ctx:     with(nil, true, nil),
		Objects: []runtime.Object{king("hello", withInitConditions, WithNetworkConfigured, WithLoadBalancerNotReady, WithIngressObservedGeneration(1))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", withInitConditions, WithNetworkConfigured, WithLoadBalancerReady(publicLB, privateLB), WithIngressObservedGeneration(1)),
		}},
		PostConditions: []func(*testing.T, *TableRow){programmed("ns/hello@1"), probed(1)},
	}, {
		Name: "steady state: still programmed (every replica serves it), not probed again, no status update",
		Key:  "ns/hello",
		Ctx:  with(nil, false, errors.New("must not be probed")),
		Objects: []runtime.Object{
			king("hello", withInitConditions, WithNetworkConfigured, WithLoadBalancerReady(publicLB, privateLB), WithIngressObservedGeneration(1)),
		},
		PostConditions: []func(*testing.T, *TableRow){programmed("ns/hello@1"), probed(0)},
	}, {
		Name: "new generation: probed again before Ready",
		Key:  "ns/hello",
		Ctx:  with(nil, false, nil),
		Objects: []runtime.Object{
			king("hello", WithIngressGeneration(2), withInitConditions, WithNetworkConfigured, WithLoadBalancerReady(publicLB, privateLB), WithIngressObservedGeneration(1)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", WithIngressGeneration(2), withInitConditions, WithNetworkConfigured, WithLoadBalancerReady(publicLB, privateLB),
				WithLoadBalancerNotReady, WithIngressObservedGeneration(2)),
		}},
		PostConditions: []func(*testing.T, *TableRow){programmed("ns/hello@2"), probed(1)},
	}, {
		Name:    "no gateway pod ready yet: not ready, no error (gateway Endpoints changes resync)",
		Key:     "ns/hello",
		Ctx:     with(nil, false, fmt.Errorf("listing: %w", status.ErrNoProbeTargets)),
		Objects: []runtime.Object{king("hello")},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", withInitConditions, WithNetworkConfigured, WithLoadBalancerNotReady, WithIngressObservedGeneration(1)),
		}},
		PostConditions: []func(*testing.T, *TableRow){programmed("ns/hello@1")},
	}, {
		Name:    "probing fails: error and event, network still configured",
		Key:     "ns/hello",
		Ctx:     with(nil, false, errors.New("endpoints lister broken")),
		Objects: []runtime.Object{king("hello")},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", withInitConditions, WithNetworkConfigured, WithIngressObservedGeneration(1),
				WithIngressNotReady("ReconcileIngressFailed", "Ingress reconciliation failed")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "failed to probe Ingress ns/hello: endpoints lister broken"),
		},
	}, {
		Name:    "the gateway cannot serve the spec: not ready, permanent error",
		Key:     "ns/hello",
		Ctx:     with(errors.New("spec.rules[0]: no http block"), false, nil),
		Objects: []runtime.Object{king("hello")},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", withInitConditions, WithIngressObservedGeneration(1),
				WithIngressNotReady("ReconcileIngressFailed", "Ingress reconciliation failed")),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "InternalError", "spec.rules[0]: no http block"),
		},
		PostConditions: []func(*testing.T, *TableRow){probed(0)},
	}, {
		Name:           "another class is not ours: not programmed, untouched",
		Key:            "ns/hello",
		Ctx:            with(nil, true, nil),
		Objects:        []runtime.Object{king("hello", WithIngressClass(netcfg.IstioIngressClassName))},
		PostConditions: []func(*testing.T, *TableRow){programmed(), probed(0)},
	}, {
		Name:    "status update fails: error and event",
		Key:     "ns/hello",
		Ctx:     with(nil, true, nil),
		Objects: []runtime.Object{king("hello")},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "ingresses"),
		},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: king("hello", withInitConditions, WithNetworkConfigured, WithLoadBalancerReady(publicLB, privateLB), WithIngressObservedGeneration(1)),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "UpdateFailed", "Failed to update status for %q: %v", "hello", "inducing failure for update ingresses"),
		},
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		f := fakesOf(ctx)
		r := &Reconciler{gateway: f.gw, statusManager: f.status}
		return ingressreconciler.NewReconciler(ctx, logging.FromContext(ctx), fakeskiffclient.Get(ctx),
			listers.GetIngressLister(), controller.GetEventRecorder(ctx), r, netcfg.SkiffIngressClassName)
	}))
}

// TestNonLeaderObserves: replicas that are not the leader program their
// own gateway too, and write nothing.
func TestNonLeaderObserves(t *testing.T) {
	ctx := with(nil, true, nil)
	f := fakesOf(ctx)
	ing := king("hello")
	ls := NewListers([]runtime.Object{ing})
	ctx, client := fakeskiffclient.With(ctx, ing)
	r := ingressreconciler.NewReconciler(ctx, logging.FromContext(ctx), client, ls.GetIngressLister(),
		nil, &Reconciler{gateway: f.gw, statusManager: f.status}, netcfg.SkiffIngressClassName)
	// Never promoted: not the leader.
	if err := r.Reconcile(ctx, "ns/hello"); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if got := f.gw.upserted; !cmp.Equal(got, []string{"ns/hello@1"}) {
		t.Errorf("programmed %v, want ns/hello@1", got)
	}
	if f.status.calls != 0 {
		t.Error("a non-leader probed")
	}
	for _, a := range client.Actions() {
		if a.GetVerb() != "get" && a.GetVerb() != "list" && a.GetVerb() != "watch" {
			t.Errorf("a non-leader wrote: %v", a)
		}
	}

	// Once the Ingress is gone, it stops being served.
	if err := r.Reconcile(ctx, "ns/gone"); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if got := f.gw.deleted; !cmp.Equal(got, []string{"ns/gone"}) {
		t.Errorf("deleted %v, want ns/gone", got)
	}
}
