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

package trigger

import (
	"context"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/client/injection/ducks/duck/v1/source"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	eventingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	brokerinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/broker"
	triggerinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/eventing/v1/trigger"
	subscriptioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/messaging/v1/subscription"
	brokerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/broker"
	triggerreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/eventing/v1/trigger"
	eventinglisters "github.com/skiffhq/skiff/pkg/client/listers/eventing/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

// NewController creates the reconciler of the Triggers of
// MTChannelBasedBrokers.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)
	triggerInformer := triggerinformer.Get(ctx)
	brokerInformer := brokerinformer.Get(ctx)
	subscriptionInformer := subscriptioninformer.Get(ctx)

	r := &Reconciler{
		eventingClientSet:  eventingclient.Get(ctx),
		subscriptionLister: subscriptionInformer.Lister(),
		brokerLister:       brokerInformer.Lister(),
	}
	ours := filterTriggers(r.brokerLister)
	impl := triggerreconciler.NewImpl(ctx, r, func(*controller.Impl) controller.Options {
		return controller.Options{PromoteFilterFunc: ours}
	})
	r.sourceTracker = duck.NewListableTrackerFromTracker(ctx, source.Get, impl.Tracker)
	r.uriResolver = resolver.NewURIResolverFromTracker(ctx, impl.Tracker)

	triggerInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: ours,
		Handler:    controller.HandleAll(impl.Enqueue),
	})

	// A broker's change (readiness, channel, delivery) concerns all its
	// triggers.
	triggerLister := triggerInformer.Lister()
	brokerInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: pkgreconciler.AnnotationFilterFunc(brokerreconciler.ClassAnnotationKey, eventing.MTChannelBrokerClassValue, false /*allowUnset*/),
		Handler: controller.HandleAll(func(obj interface{}) {
			b, ok := obj.(*eventingv1.Broker)
			if !ok {
				return
			}
			for _, t := range triggersOf(logger, triggerLister, b) {
				impl.Enqueue(t)
			}
		}),
	})

	subscriptionInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: controller.FilterController(&eventingv1.Trigger{}),
		Handler:    controller.HandleAll(impl.EnqueueControllerOf),
	})
	return impl
}

// filterTriggers passes the Triggers whose Broker is an MTChannelBasedBroker.
func filterTriggers(brokerLister eventinglisters.BrokerLister) func(interface{}) bool {
	return func(obj interface{}) bool {
		t, ok := obj.(*eventingv1.Trigger)
		if !ok {
			return false
		}
		b, err := brokerLister.Brokers(t.Namespace).Get(t.Spec.Broker)
		if err != nil {
			return false
		}
		return b.GetAnnotations()[eventing.BrokerClassKey] == eventing.MTChannelBrokerClassValue
	}
}

// triggersOf lists the broker's Triggers (labelled with its name, in its
// namespace).
func triggersOf(logger *zap.SugaredLogger, triggerLister eventinglisters.TriggerLister, b *eventingv1.Broker) []*eventingv1.Trigger {
	selector := labels.SelectorFromSet(map[string]string{eventing.BrokerLabelKey: b.Name})
	triggers, err := triggerLister.Triggers(b.Namespace).List(selector)
	if err != nil {
		logger.Warnw("Failed to list triggers", zap.Any("broker", b), zap.Error(err))
		return nil
	}
	return triggers
}
