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
	"fmt"

	"go.uber.org/zap"
	istioclientset "istio.io/client-go/pkg/clientset/versioned"
	istiolisters "istio.io/client-go/pkg/listers/networking/v1beta1"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	ingressreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/networking/v1alpha1/ingress"
	"github.com/skiffhq/skiff/pkg/ingress/status"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/resources"
)

const (
	virtualServiceNotReconciled = "ReconcileVirtualServiceFailed"
	notReconciledReason         = "ReconcileIngressFailed"
	notReconciledMessage        = "Ingress reconciliation failed"
)

// Reconciler implements the control loop for the Ingress resources.
type Reconciler struct {
	istioClientSet       istioclientset.Interface
	virtualServiceLister istiolisters.VirtualServiceLister
	statusManager        status.Manager
}

var (
	_ ingressreconciler.Interface = (*Reconciler)(nil)
	_ ingressreconciler.Finalizer = (*Reconciler)(nil)
)

// ReconcileKind programs the VirtualServices of the Ingress and reports its
// load balancers once the gateway pods serve it.
func (r *Reconciler) ReconcileKind(ctx context.Context, ing *v1alpha1.Ingress) pkgreconciler.Event {
	if err := r.reconcileIngress(ctx, ing); err != nil {
		logging.FromContext(ctx).Errorw("Failed to reconcile Ingress", zap.Error(err))
		ing.Status.MarkIngressNotReady(notReconciledReason, notReconciledMessage)
		return err
	}
	return nil
}

func (r *Reconciler) reconcileIngress(ctx context.Context, ing *v1alpha1.Ingress) error {
	gateways, err := resources.GatewaysFromContext(ctx, ing)
	if err != nil {
		return err
	}
	gatewayNames := map[v1alpha1.IngressVisibility]sets.Set[string]{}
	for vis, gws := range gateways {
		gatewayNames[vis] = sets.New[string]()
		for _, gw := range gws {
			gatewayNames[vis].Insert(gw.QualifiedName())
		}
	}

	vses, err := resources.MakeVirtualServices(ing, gatewayNames)
	if err != nil {
		return err
	}
	if err := r.reconcileVirtualServices(ctx, ing, vses); err != nil {
		ing.Status.MarkLoadBalancerFailed(virtualServiceNotReconciled, err.Error())
		return err
	}
	ing.Status.MarkNetworkConfigured()

	// Once a generation was seen Ready it was probed: skip probing on
	// resyncs and after a leader change (cold prober caches).
	ready := ing.IsReady()
	if !ready {
		if ready, err = r.statusManager.IsReady(ctx, ing); err != nil {
			return fmt.Errorf("failed to probe Ingress %s/%s: %w", ing.GetNamespace(), ing.GetName(), err)
		}
	}
	if ready {
		ing.Status.MarkLoadBalancerReady(
			lbStatus(gateways[v1alpha1.IngressVisibilityExternalIP]),
			lbStatus(gateways[v1alpha1.IngressVisibilityClusterLocal]))
	} else {
		ing.Status.MarkLoadBalancerNotReady()
	}
	return nil
}

// FinalizeKind deletes the VirtualServices of the Ingress before it goes
// (they are owned by it, but garbage collection may be slow or off) and
// forgets its probes.
func (r *Reconciler) FinalizeKind(ctx context.Context, ing *v1alpha1.Ingress) pkgreconciler.Event {
	if p, ok := r.statusManager.(*status.Prober); ok {
		p.CancelIngressProbing(ing)
	}
	return r.deleteVirtualServices(ctx, ing, sets.New[string]())
}

// lbStatus is the load balancer of the first Gateway of a visibility: its
// Service, or the mesh when it has none.
func lbStatus(gateways []config.Gateway) []v1alpha1.LoadBalancerIngressStatus {
	if len(gateways) == 0 || gateways[0].ServiceURL == "" {
		return []v1alpha1.LoadBalancerIngressStatus{{MeshOnly: true}}
	}
	return []v1alpha1.LoadBalancerIngressStatus{{DomainInternal: gateways[0].ServiceURL}}
}
