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

// Package sinkbinding reconciles SinkBindings with knative.dev/pkg's
// psbinding: the reconciler patches K_SINK and K_CE_OVERRIDES into the
// pod templates of the binding's subjects (a Deployment, Job, DaemonSet,
// StatefulSet... by name or by label selector) and takes them out again
// when the binding is deleted; the binding webhook (NewSinkBindingWebhook)
// does the same to subjects as they are created or updated. Both run in
// the eventing webhook, as upstream.
package sinkbinding

import (
	"context"
	"errors"

	"go.uber.org/zap"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"
	"knative.dev/pkg/webhook/psbinding"

	"github.com/skiffhq/skiff/pkg/apis/feature"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

// SinkBindingSubResourcesReconciler resolves the binding's sink into its
// status, after psbinding has bound the subjects.
type SinkBindingSubResourcesReconciler struct {
	res          *resolver.URIResolver
	tracker      tracker.Interface
	featureStore *feature.Store
}

var _ psbinding.SubResourcesReconcilerInterface = (*SinkBindingSubResourcesReconciler)(nil)

// Reconcile resolves the sink (tracking it, so a moved sink rebinds the
// subjects) and sets the OIDC conditions.
func (s *SinkBindingSubResourcesReconciler) Reconcile(ctx context.Context, b psbinding.Bindable) error {
	sb := b.(*v1.SinkBinding)
	if s.res == nil {
		err := errors.New("resolver is nil")
		sb.Status.MarkBindingUnavailable("NoResolver", "No Resolver associated with context for sink")
		return err
	}
	if ref := sb.Spec.Sink.Ref; ref != nil {
		if err := s.tracker.TrackReference(tracker.Reference{
			APIVersion: ref.APIVersion,
			Kind:       ref.Kind,
			Namespace:  ref.Namespace,
			Name:       ref.Name,
		}, b); err != nil {
			logging.FromContext(ctx).Errorw("Failed to track the sink", zap.Error(err))
		}
	}
	addr, err := s.res.AddressableFromDestinationV1(ctx, sb.Spec.Sink, sb)
	if err != nil {
		logging.FromContext(ctx).Errorw("Failed to get Addressable from Destination", zap.Error(err))
		sb.Status.MarkBindingUnavailable("NoAddressable", "Addressable could not be extracted from destination")
		return err
	}
	sb.Status.MarkSink(addr)

	// No OIDC tokens: no identity, no token Secret to mount.
	sb.Status.Auth = nil
	sb.Status.OIDCTokenSecretName = nil
	flags := feature.Flags(nil)
	if s.featureStore != nil {
		flags = s.featureStore.Load()
	}
	if flags.IsOIDCAuthentication() {
		msg := "Skiff's sources send events without OIDC tokens; set %s to disabled in config-features"
		sb.Status.MarkOIDCIdentityCreatedFailed(reconcilersource.OIDCNotSupportedReason, msg, feature.OIDCAuthentication)
		sb.Status.MarkOIDCTokenSecretCreatedFailed(reconcilersource.OIDCNotSupportedReason, msg, feature.OIDCAuthentication)
		return nil
	}
	sb.Status.MarkOIDCIdentityCreatedSucceededWithReason(reconcilersource.OIDCFeatureDisabledReason, "")
	sb.Status.MarkOIDCTokenSecretCreatedSuccceededWithReason(reconcilersource.OIDCFeatureDisabledReason, "")
	return nil
}

// ReconcileDeletion has nothing of its own to clean up: psbinding undoes
// the binding on the subjects.
func (*SinkBindingSubResourcesReconciler) ReconcileDeletion(context.Context, psbinding.Bindable) error {
	return nil
}
