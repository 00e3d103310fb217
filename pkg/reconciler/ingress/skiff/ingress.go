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

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/network"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	ingressreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/networking/v1alpha1/ingress"
	"github.com/skiffhq/skiff/pkg/ingress/status"
)

const (
	// GatewayServiceName is the LoadBalancer Service of the gateway's
	// external listener.
	GatewayServiceName = "skiff-gateway"
	// InternalGatewayServiceName is the ClusterIP Service of the gateway's
	// internal listener, where Routes' placeholder Services point.
	InternalGatewayServiceName = "skiff-gateway-internal"
	// GatewayPortName names the HTTP port of both Services and their
	// Endpoints.
	GatewayPortName = "http"

	notReconciledReason  = "ReconcileIngressFailed"
	notReconciledMessage = "Ingress reconciliation failed"
)

// PublicGatewayDomain is the cluster-local name of the external listener.
func PublicGatewayDomain() string {
	return network.GetServiceHostname(GatewayServiceName, system.Namespace())
}

// PrivateGatewayDomain is the cluster-local name of the internal listener.
func PrivateGatewayDomain() string {
	return network.GetServiceHostname(InternalGatewayServiceName, system.Namespace())
}

// Gateway is the part of the in-process gateway the reconciler programs
// (implemented by *gateway.Gateway).
type Gateway interface {
	Upsert(ing *v1alpha1.Ingress) error
	Delete(key types.NamespacedName)
}

// Reconciler programs the local gateway and reports readiness.
type Reconciler struct {
	gateway       Gateway
	statusManager status.Manager
}

var (
	_ ingressreconciler.Interface         = (*Reconciler)(nil)
	_ ingressreconciler.ReadOnlyInterface = (*Reconciler)(nil)
	_ pkgreconciler.OnDeletionInterface   = (*Reconciler)(nil)
)

// ReconcileKind (leader) serves the Ingress locally, then probes every
// gateway pod for it and publishes the load balancers once all serve it.
func (r *Reconciler) ReconcileKind(ctx context.Context, ing *v1alpha1.Ingress) pkgreconciler.Event {
	logger := logging.FromContext(ctx)
	// PreProcessReconcile defaulted ing already; ObserveKind must hash the
	// same spec, so both go through program.
	if err := r.program(ing); err != nil {
		ing.Status.MarkIngressNotReady(notReconciledReason, notReconciledMessage)
		// The spec will not compile until it changes: do not retry.
		return controller.NewPermanentError(err)
	}
	ing.Status.MarkNetworkConfigured()

	// Once a generation was seen Ready it was probed: skip probing on
	// resyncs and after a leader change (cold prober caches), as net-istio.
	ready := ing.IsReady()
	if !ready {
		var err error
		ready, err = r.statusManager.IsReady(ctx, ing)
		switch {
		case errors.Is(err, status.ErrNoProbeTargets):
			// No gateway pod is ready yet; a change of the gateway
			// Endpoints resyncs every Ingress.
			logger.Infow("Waiting for gateway pods", zap.Error(err))
			ready = false
		case err != nil:
			ing.Status.MarkIngressNotReady(notReconciledReason, notReconciledMessage)
			return fmt.Errorf("failed to probe Ingress %s/%s: %w", ing.Namespace, ing.Name, err)
		}
	}

	if ready {
		ing.Status.MarkLoadBalancerReady(
			[]v1alpha1.LoadBalancerIngressStatus{{DomainInternal: PublicGatewayDomain()}},
			[]v1alpha1.LoadBalancerIngressStatus{{DomainInternal: PrivateGatewayDomain()}},
		)
	} else {
		ing.Status.MarkLoadBalancerNotReady()
	}
	return nil
}

// ObserveKind (non-leader replicas) serves the Ingress locally; the leader
// writes the status.
func (r *Reconciler) ObserveKind(ctx context.Context, ing *v1alpha1.Ingress) pkgreconciler.Event {
	if err := r.program(ing); err != nil {
		logging.FromContext(ctx).Warnw("Cannot serve Ingress", zap.Error(err))
		return controller.NewPermanentError(err)
	}
	return nil
}

// ObserveDeletion stops serving an Ingress that no longer exists (in every
// replica; the informer's delete handler usually did already).
func (r *Reconciler) ObserveDeletion(_ context.Context, key types.NamespacedName) error {
	r.gateway.Delete(key)
	return nil
}

func (r *Reconciler) program(ing *v1alpha1.Ingress) error {
	ing.SetDefaults(context.Background())
	return r.gateway.Upsert(ing)
}
