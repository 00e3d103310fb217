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
package subscription

import (
	"context"

	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection/clients/dynamicclient"
	"knative.dev/pkg/resolver"

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/client/injection/ducks/duck/v1/channelable"
	channelinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/messaging/v1/channel"
	subscriptioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/messaging/v1/subscription"
	subscriptionreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/subscription"
	"github.com/skiffhq/skiff/pkg/reconciler/channel/duck"
)

// NewController creates the Subscription reconciler.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	subscriptionInformer := subscriptioninformer.Get(ctx)
	channelInformer := channelinformer.Get(ctx)

	r := &Reconciler{
		dynamicClientSet: dynamicclient.Get(ctx),
		channelLister:    channelInformer.Lister(),
	}
	impl := subscriptionreconciler.NewImpl(ctx, r)
	r.channelableTracker = duck.NewListableTrackerFromTracker(ctx, channelable.Get, impl.Tracker)
	r.destinationResolver = resolver.NewURIResolverFromTracker(ctx, impl.Tracker)
	r.tracker = impl.Tracker

	subscriptionInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))

	// Generic Channels are read through their typed informer: report their
	// changes to the tracker (with TypeMeta, which informers may drop).
	channelInformer.Informer().AddEventHandler(controller.HandleAll(
		controller.EnsureTypeMeta(r.tracker.OnChanged, messagingv1.SchemeGroupVersion.WithKind("Channel")),
	))
	return impl
}
