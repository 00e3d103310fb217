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

package broker

import (
	"context"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	duckapis "knative.dev/pkg/apis/duck"
	"knative.dev/pkg/kmap"
	"knative.dev/pkg/logging"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources"
	"github.com/skiffhq/skiff/pkg/reconciler/broker/resources/names"
)

// reconcileTriggerChannel creates the trigger channel or brings its delivery,
// labels and annotations back to what the broker wants, and mirrors its
// address into the broker. It returns nil (and no error) while the channel
// has no address.
func (r *Reconciler) reconcileTriggerChannel(ctx context.Context, b *eventingv1.Broker) (*eventingduckv1.Channelable, error) {
	logger := logging.FromContext(ctx)

	template, err := r.channelTemplate(b)
	if err != nil {
		b.Status.MarkTriggerChannelFailed("ChannelTemplateFailed", "Error on setting up the ChannelTemplate: %s", err)
		return nil, err
	}
	ref := corev1.ObjectReference{
		APIVersion: template.APIVersion,
		Kind:       template.Kind,
		Namespace:  b.Namespace,
		Name:       names.TriggerChannelName(b.Name),
	}
	// Track before reading, so a channel created or changed from now on
	// brings the broker back.
	if err := r.channelableTracker.TrackInNamespace(ctx, b)(ref); err != nil {
		b.Status.MarkTriggerChannelFailed("ChannelTemplateFailed", "Error on setting up the ChannelTemplate: %s", err)
		return nil, fmt.Errorf("unable to track changes to the trigger channel: %w", err)
	}

	desired, err := resources.MakeTriggerChannel(b, *template)
	if err != nil {
		b.Status.MarkTriggerChannelFailed("ChannelTemplateFailed", "Error on setting up the ChannelTemplate: %s", err)
		return nil, fmt.Errorf("building the trigger channel: %w", err)
	}

	ch, err := r.getOrCreateTriggerChannel(ctx, b, ref, desired)
	if err != nil {
		logger.Errorw("Problem reconciling the trigger channel", zap.Error(err))
		b.Status.MarkTriggerChannelFailed("ChannelFailure", "%v", err)
		return nil, fmt.Errorf("failed to reconcile trigger channel: %w", err)
	}

	if ch.Status.Address == nil || ch.Status.Address.URL == nil || ch.Status.Address.URL.Host == "" {
		logger.Debugw("Trigger channel does not have an address", zap.Any("channel", ref))
		b.Status.MarkTriggerChannelFailed("NoAddress", "Channel does not have an address.")
		return nil, nil
	}
	propagateTriggerChannel(b, ref, ch)
	return ch, nil
}

// getOrCreateTriggerChannel returns the trigger channel, creating it if
// missing and patching the fields the broker propagates (delivery, labels,
// annotations) if they drifted.
func (r *Reconciler) getOrCreateTriggerChannel(ctx context.Context, b *eventingv1.Broker, ref corev1.ObjectReference, desiredU *unstructured.Unstructured) (*eventingduckv1.Channelable, error) {
	gvr, _ := meta.UnsafeGuessKindToResource(ref.GroupVersionKind())
	client := r.dynamicClientSet.Resource(gvr).Namespace(ref.Namespace)

	lister, err := r.channelableTracker.ListerFor(ref)
	if err != nil {
		return nil, fmt.Errorf("getting lister for %s: %w", gvr, err)
	}
	obj, err := lister.ByNamespace(ref.Namespace).Get(ref.Name)
	if apierrs.IsNotFound(err) {
		created, err := client.Create(ctx, desiredU, metav1.CreateOptions{})
		if err != nil {
			return nil, fmt.Errorf("failed to create channel %s/%s: %w", ref.Namespace, ref.Name, err)
		}
		logging.FromContext(ctx).Infow("Created trigger channel", zap.Any("channel", ref))
		ch := &eventingduckv1.Channelable{}
		if err := duckapis.FromUnstructured(created, ch); err != nil {
			return nil, fmt.Errorf("failed to convert channel %s/%s to Channelable: %w", ref.Namespace, ref.Name, err)
		}
		return ch, nil
	} else if err != nil {
		return nil, fmt.Errorf("failed to get channel %s/%s: %w", ref.Namespace, ref.Name, err)
	}

	ch, ok := obj.(*eventingduckv1.Channelable)
	if !ok {
		return nil, fmt.Errorf("channel %s/%s is a %T, not a Channelable", ref.Namespace, ref.Name, obj)
	}
	if !metav1.IsControlledBy(ch, b) {
		return nil, fmt.Errorf("broker %q does not own channel %q", b.Name, ch.Name)
	}

	desired := &eventingduckv1.Channelable{}
	if err := duckapis.FromUnstructured(desiredU, desired); err != nil {
		return nil, fmt.Errorf("failed to convert desired channel %s/%s to Channelable: %w", ref.Namespace, ref.Name, err)
	}
	// Only what the broker propagates is compared; everything else (e.g.
	// subscribers, added by Subscriptions) belongs to others.
	if equality.Semantic.DeepDerivative(desired.Spec.Delivery, ch.Spec.Delivery) &&
		equality.Semantic.DeepDerivative(desired.Annotations, ch.Annotations) &&
		equality.Semantic.DeepDerivative(desired.Labels, ch.Labels) {
		return ch, nil
	}
	// Labels and annotations others added (e.g. the webhook's
	// messaging.knative.dev/subscribable) are kept; delivery is the broker's.
	// A merge patch (unlike upstream's JSON patch) is deterministic.
	patch, err := duckapis.CreateMergePatch(
		eventingduckv1.Channelable{
			ObjectMeta: metav1.ObjectMeta{Annotations: ch.Annotations, Labels: ch.Labels},
			Spec:       eventingduckv1.ChannelableSpec{Delivery: ch.Spec.Delivery},
		},
		eventingduckv1.Channelable{
			ObjectMeta: metav1.ObjectMeta{
				Annotations: kmap.Union(ch.Annotations, desired.Annotations),
				Labels:      kmap.Union(ch.Labels, desired.Labels),
			},
			Spec: eventingduckv1.ChannelableSpec{Delivery: desired.Spec.Delivery},
		})
	if err != nil {
		return nil, fmt.Errorf("creating patch for channel %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	if _, err := client.Patch(ctx, ref.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		return nil, fmt.Errorf("patching channel %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	logging.FromContext(ctx).Infow("Patched trigger channel", zap.Any("channel", ref), zap.ByteString("patch", patch))
	return ch, nil
}
