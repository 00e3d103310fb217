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

// Package inmemorychannel is the imc-dispatcher: it watches InMemoryChannels,
// configures the durable multi-channel handler (multichannelfanout) with each
// ready channel's subscribers, marks those subscribers ready in the channel's
// status (what the Subscription reconciler waits for), serves the channels
// on :8080, and once every channel is configured after a start, replays the
// events the previous run accepted but did not finish.
package inmemorychannel

import (
	"context"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis/duck"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/reconciler"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	v1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/channel/multichannelfanout"
	messagingv1 "github.com/skiffhq/skiff/pkg/client/clientset/versioned/typed/messaging/v1"
	inmemorychannelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/inmemorychannel"
)

// ChannelHandler is what the reconciler configures (multichannelfanout's
// EventHandler).
type ChannelHandler interface {
	SetChannel(cfg multichannelfanout.ChannelConfig)
	DeleteChannel(host string)
}

// Reconciler keeps the dispatcher's channel configuration in step with the
// InMemoryChannels.
type Reconciler struct {
	handler            ChannelHandler
	messagingClientSet messagingv1.MessagingV1Interface
}

var (
	_ inmemorychannelreconciler.Interface         = (*Reconciler)(nil)
	_ inmemorychannelreconciler.ReadOnlyInterface = (*Reconciler)(nil)
)

// ReconcileKind configures the channel and, on the leader, patches its
// subscribers ready.
func (r *Reconciler) ReconcileKind(ctx context.Context, imc *v1.InMemoryChannel) reconciler.Event {
	if err := r.reconcile(ctx, imc); err != nil {
		return err
	}
	if !imc.IsReady() {
		return nil
	}
	return r.patchSubscriberStatus(ctx, imc)
}

// ObserveKind configures the channel on replicas that are not the leader:
// every dispatcher replica serves every channel.
func (r *Reconciler) ObserveKind(ctx context.Context, imc *v1.InMemoryChannel) reconciler.Event {
	return r.reconcile(ctx, imc)
}

// reconcile configures every channel that has an address, ready or not:
// while this dispatcher restarts, the IMC controller sees its endpoints go
// away and marks the channels not ready, yet the events they accepted
// before must be replayed to their subscribers (upstream skips channels
// that are not ready, which it can afford as it keeps nothing).
func (r *Reconciler) reconcile(ctx context.Context, imc *v1.InMemoryChannel) error {
	if imc.Status.Address == nil || imc.Status.Address.URL == nil {
		logging.FromContext(ctx).Debug("IMC has no address yet, skipping")
		return nil
	}
	cfg, err := multichannelfanout.ChannelConfigFromInMemoryChannel(imc)
	if err != nil {
		return fmt.Errorf("building the channel configuration: %w", err)
	}
	r.handler.SetChannel(cfg)
	return nil
}

// patchSubscriberStatus marks every subscriber of the channel ready: the
// dispatcher delivers to it from now on.
func (r *Reconciler) patchSubscriberStatus(ctx context.Context, imc *v1.InMemoryChannel) error {
	after := imc.DeepCopy()
	after.Status.Subscribers = make([]eventingduckv1.SubscriberStatus, 0, len(imc.Spec.Subscribers))
	for _, sub := range imc.Spec.Subscribers {
		after.Status.Subscribers = append(after.Status.Subscribers, eventingduckv1.SubscriberStatus{
			UID:                sub.UID,
			ObservedGeneration: sub.Generation,
			Ready:              corev1.ConditionTrue,
		})
	}
	jsonPatch, err := duck.CreatePatch(imc, after)
	if err != nil {
		return fmt.Errorf("creating JSON patch: %w", err)
	}
	if len(jsonPatch) == 0 {
		return nil
	}
	patch, err := jsonPatch.MarshalJSON()
	if err != nil {
		return fmt.Errorf("marshaling JSON patch: %w", err)
	}
	if _, err := r.messagingClientSet.InMemoryChannels(imc.Namespace).Patch(ctx, imc.Name, types.JSONPatchType, patch, metav1.PatchOptions{}, "status"); err != nil {
		return fmt.Errorf("patching subscriber status: %w", err)
	}
	return nil
}

// deleteFunc drops a deleted channel's configuration.
func (r *Reconciler) deleteFunc(obj interface{}) {
	acc, err := kmeta.DeletionHandlingAccessor(obj)
	if err != nil {
		return
	}
	imc, ok := acc.(*v1.InMemoryChannel)
	if !ok || imc == nil || imc.Status.Address == nil || imc.Status.Address.URL == nil {
		return
	}
	if host := imc.Status.Address.URL.Host; host != "" {
		r.handler.DeleteChannel(host)
	}
}

func logError(logger *zap.SugaredLogger, msg string, err error) {
	if err != nil {
		logger.Errorw(msg, zap.Error(err))
	}
}
