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
// Package channel reconciles generic Channels: each is backed by a channel
// of the kind its template names (InMemoryChannel by default, from
// default-ch-webhook), whose address and status it mirrors.
package channel

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	duckapis "knative.dev/pkg/apis/duck"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	channelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/channel"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

// Reconciler reconciles generic Channels.
type Reconciler struct {
	dynamicClientSet   dynamic.Interface
	channelableTracker duck.ListableTracker
}

// Check that our Reconciler implements Interface.
var _ channelreconciler.Interface = (*Reconciler)(nil)

// ReconcileKind makes the backing channel and mirrors its status, address
// and subscriber statuses into the Channel.
func (r *Reconciler) ReconcileKind(ctx context.Context, c *messagingv1.Channel) pkgreconciler.Event {
	if c.Spec.ChannelTemplate == nil {
		// The webhook defaults it from default-ch-webhook.
		c.Status.MarkBackingChannelFailed("ChannelTemplateMissing", "spec.channelTemplate is not set")
		return errors.New("spec.channelTemplate is not set")
	}
	backingRef := duckv1.KReference{
		APIVersion: c.Spec.ChannelTemplate.APIVersion,
		Kind:       c.Spec.ChannelTemplate.Kind,
		Name:       c.Name,
		Namespace:  c.Namespace,
	}
	// Track first, so the backing channel's changes bring the Channel back.
	if err := r.channelableTracker.TrackInNamespaceKReference(ctx, c)(backingRef); err != nil {
		c.Status.MarkBackingChannelFailed("ChannelFailure", "%v", err)
		return fmt.Errorf("unable to track changes to the backing channel: %w", err)
	}

	backing, err := r.reconcileBackingChannel(ctx, c, backingRef)
	if err != nil {
		c.Status.MarkBackingChannelFailed("ChannelFailure", "%v", err)
		return fmt.Errorf("problem reconciling the backing channel: %w", err)
	}

	c.Status.Channel = &backingRef
	c.Status.PropagateStatuses(&backing.Status)

	switch {
	case c.Spec.Delivery == nil || c.Spec.Delivery.DeadLetterSink == nil:
		c.Status.MarkDeadLetterSinkNotConfigured()
	case backing.Status.DeliveryStatus.IsSet():
		c.Status.MarkDeadLetterSinkResolvedSucceeded(backing.Status.DeliveryStatus)
	default:
		c.Status.MarkDeadLetterSinkResolvedFailed(fmt.Sprintf("Backing Channel %s didn't set status.deadLetterSinkURI", backing.Name), "")
	}
	return nil
}

// reconcileBackingChannel creates the backing channel (with the Channel's
// subscribers and delivery, and the template's spec), or brings its
// delivery back to the Channel's.
func (r *Reconciler) reconcileBackingChannel(ctx context.Context, c *messagingv1.Channel, ref duckv1.KReference) (*eventingduckv1.Channelable, error) {
	logger := logging.FromContext(ctx)
	lister, err := r.channelableTracker.ListerForKReference(ref)
	if err != nil {
		return nil, fmt.Errorf("getting lister for %s: %w", ref.Kind, err)
	}
	gvr, _ := meta.UnsafeGuessKindToResource(c.Spec.ChannelTemplate.GroupVersionKind())
	client := r.dynamicClientSet.Resource(gvr).Namespace(c.Namespace)

	obj, err := lister.ByNamespace(ref.Namespace).Get(ref.Name)
	if apierrs.IsNotFound(err) {
		desired, err := duck.NewPhysicalChannel(
			c.Spec.ChannelTemplate.TypeMeta,
			metav1.ObjectMeta{
				Name:            c.Name,
				Namespace:       c.Namespace,
				OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(c)},
			},
			duck.WithChannelableSpec(c.Spec.ChannelableSpec),
			duck.WithPhysicalChannelSpec(c.Spec.ChannelTemplate.Spec),
		)
		if err != nil {
			return nil, fmt.Errorf("building the backing channel: %w", err)
		}
		created, err := client.Create(ctx, desired, metav1.CreateOptions{})
		if err != nil {
			return nil, fmt.Errorf("creating the backing channel: %w", err)
		}
		logger.Infow("Created backing channel", zap.Any("channel", ref))
		ch := &eventingduckv1.Channelable{}
		if err := duckapis.FromUnstructured(created, ch); err != nil {
			return nil, fmt.Errorf("converting the backing channel to Channelable: %w", err)
		}
		return ch, nil
	} else if err != nil {
		return nil, fmt.Errorf("getting the backing channel: %w", err)
	}

	ch, ok := obj.(*eventingduckv1.Channelable)
	if !ok {
		return nil, fmt.Errorf("backing channel %s is a %T, not a Channelable", ref.Name, obj)
	}
	if !metav1.IsControlledBy(ch, c) {
		return nil, fmt.Errorf("channel %q does not own backing %s %q", c.Name, ref.Kind, ch.Name)
	}
	// Subscribers are the Subscriptions' business; delivery is the
	// Channel's.
	if equality.Semantic.DeepEqual(c.Spec.Delivery, ch.Spec.Delivery) {
		return ch, nil
	}
	patch, err := duckapis.CreateMergePatch(
		eventingduckv1.Channelable{Spec: eventingduckv1.ChannelableSpec{Delivery: ch.Spec.Delivery}},
		eventingduckv1.Channelable{Spec: eventingduckv1.ChannelableSpec{Delivery: c.Spec.Delivery}})
	if err != nil {
		return nil, fmt.Errorf("creating patch for the backing channel: %w", err)
	}
	if _, err := client.Patch(ctx, ch.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		return nil, fmt.Errorf("patching the backing channel: %w", err)
	}
	logger.Infow("Patched backing channel delivery", zap.ByteString("patch", patch))
	return ch, nil
}
