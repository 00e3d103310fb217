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

package sinkbinding

import (
	"context"
	"os"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"knative.dev/pkg/apis/duck"
	"knative.dev/pkg/client/injection/ducks/duck/v1/podspecable"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/client/injection/kube/informers/core/v1/namespace"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/clients/dynamicclient"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/reconciler"
	"knative.dev/pkg/resolver"
	"knative.dev/pkg/tracker"
	"knative.dev/pkg/webhook/psbinding"

	"github.com/skiffhq/skiff/pkg/apis/feature"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	sbinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/sinkbinding"
	listers "github.com/skiffhq/skiff/pkg/client/listers/sources/v1"
)

const (
	controllerAgentName = "sinkbinding-controller"

	// WebhookName is the MutatingWebhookConfiguration the binding webhook
	// manages (config/eventing/webhooks).
	WebhookName = "sinkbindings.webhook.sources.knative.dev"
	// WebhookPath is where the binding webhook is served.
	WebhookPath = "/sinkbindings"

	// SelectionModeEnv selects which objects the binding webhook sees:
	// "inclusion" only those in namespaces (or themselves) labelled
	// bindings.knative.dev/include=true; otherwise all but those labelled
	// bindings.knative.dev/exclude=true.
	SelectionModeEnv = "SINK_BINDING_SELECTION_MODE"
)

// NewController returns the SinkBinding reconciler: psbinding's
// BaseReconciler binding the subjects, and the sink resolution.
func NewController(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)

	sbInformer := sbinformer.Get(ctx)
	sbLister := sbInformer.Lister()
	psInformerFactory := podspecable.Get(ctx)
	namespaceInformer := namespace.Get(ctx)

	var globalResync func()
	featureStore := feature.NewStore(logger.Named("feature-config-store"), func(name string, value interface{}) {
		if globalResync != nil {
			globalResync()
		}
	})
	featureStore.WatchConfigs(cmw)

	c := &psbinding.BaseReconciler{
		LeaderAwareFuncs: reconciler.LeaderAwareFuncs{
			PromoteFunc: func(bkt reconciler.Bucket, enq func(reconciler.Bucket, types.NamespacedName)) error {
				all, err := sbLister.List(labels.Everything())
				if err != nil {
					return err
				}
				for _, elt := range all {
					enq(bkt, types.NamespacedName{Namespace: elt.GetNamespace(), Name: elt.GetName()})
				}
				return nil
			},
		},
		GVR: v1.SchemeGroupVersion.WithResource("sinkbindings"),
		Get: func(namespace string, name string) (psbinding.Bindable, error) {
			return sbLister.SinkBindings(namespace).Get(name)
		},
		DynamicClient:   dynamicclient.Get(ctx),
		Recorder:        createRecorder(ctx, controllerAgentName),
		NamespaceLister: namespaceInformer.Lister(),
	}
	impl := controller.NewContext(ctx, c, controller.ControllerOptions{
		WorkQueueName: "SinkBindings",
		Logger:        logger,
	})
	globalResync = func() {
		impl.GlobalResync(sbInformer.Informer())
	}

	sbInformer.Informer().AddEventHandler(controller.HandleAll(impl.Enqueue))
	// A namespace (re)labelled for inclusion or exclusion changes which
	// subjects its bindings reach.
	namespaceInformer.Informer().AddEventHandler(controller.HandleAll(func(obj interface{}) {
		ns, err := kmeta.DeletionHandlingAccessor(obj)
		if err != nil {
			return
		}
		enqueueInNamespace(sbLister, ns.GetName(), impl)
	}))

	sbResolver := resolver.NewURIResolverFromTracker(ctx, impl.Tracker)
	c.SubResourcesReconciler = &SinkBindingSubResourcesReconciler{
		res:          sbResolver,
		tracker:      impl.Tracker,
		featureStore: featureStore,
	}
	c.WithContext = func(ctx context.Context, _ psbinding.Bindable) (context.Context, error) {
		return v1.WithURIResolver(ctx, sbResolver), nil
	}
	c.Tracker = impl.Tracker
	// Subjects of any PodSpecable kind are watched as they are first
	// referenced, and their changes re-bind through the tracker.
	c.Factory = &duck.CachedInformerFactory{
		Delegate: &duck.EnqueueInformerFactory{
			Delegate:     psInformerFactory,
			EventHandler: controller.HandleAll(c.Tracker.OnChanged),
		},
	}
	return impl
}

// NewSinkBindingWebhook returns the constructor of the binding webhook:
// it binds K_SINK and K_CE_OVERRIDES into subjects as they are admitted,
// and keeps the rules of the sinkbindings.webhook.sources.knative.dev
// MutatingWebhookConfiguration to the kinds the bindings name.
func NewSinkBindingWebhook(opts ...psbinding.ReconcilerOption) injection.ControllerConstructor {
	return func(ctx context.Context, _ configmap.Watcher) *controller.Impl {
		withContext := WithContextFactory(ctx, func(types.NamespacedName) {})
		return psbinding.NewAdmissionController(ctx, WebhookName, WebhookPath, ListAll, withContext, opts...)
	}
}

// SelectorFromEnv is the webhook's object selector as
// SINK_BINDING_SELECTION_MODE says (exclusion by default, as upstream).
func SelectorFromEnv() psbinding.ReconcilerOption {
	if os.Getenv(SelectionModeEnv) == "inclusion" {
		return psbinding.WithSelector(psbinding.InclusionSelector)
	}
	return psbinding.WithSelector(psbinding.ExclusionSelector)
}

// ListAll lists every SinkBinding for the binding webhook, which handler
// hears about their changes.
func ListAll(ctx context.Context, handler cache.ResourceEventHandler) psbinding.ListAll {
	informer := sbinformer.Get(ctx)
	informer.Informer().AddEventHandler(handler)
	return func() ([]psbinding.Bindable, error) {
		l, err := informer.Lister().List(labels.Everything())
		if err != nil {
			return nil, err
		}
		bl := make([]psbinding.Bindable, 0, len(l))
		for _, elt := range l {
			bl = append(bl, elt)
		}
		return bl, nil
	}
}

// WithContextFactory returns the webhook's BindableContext: a URI
// resolver for Do to resolve the sinks with.
func WithContextFactory(ctx context.Context, handler func(types.NamespacedName)) psbinding.BindableContext {
	r := resolver.NewURIResolverFromTracker(ctx, tracker.New(handler, controller.GetTrackerLease(ctx)))
	return func(ctx context.Context, _ psbinding.Bindable) (context.Context, error) {
		return v1.WithURIResolver(ctx, r), nil
	}
}

// createRecorder is the context's event recorder, or one of its own
// writing Events through the kube client.
func createRecorder(ctx context.Context, agentName string) record.EventRecorder {
	logger := logging.FromContext(ctx)
	if recorder := controller.GetEventRecorder(ctx); recorder != nil {
		return recorder
	}
	eventBroadcaster := record.NewBroadcaster()
	watches := []watch.Interface{
		eventBroadcaster.StartLogging(logger.Named("event-broadcaster").Infof),
		eventBroadcaster.StartRecordingToSink(
			&typedcorev1.EventSinkImpl{Interface: kubeclient.Get(ctx).CoreV1().Events("")}),
	}
	recorder := eventBroadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: agentName})
	go func() {
		<-ctx.Done()
		for _, w := range watches {
			w.Stop()
		}
	}()
	return recorder
}

func enqueueInNamespace(sbLister listers.SinkBindingLister, ns string, impl *controller.Impl) {
	sbs, err := sbLister.SinkBindings(ns).List(labels.Everything())
	if err != nil {
		return
	}
	for _, sb := range sbs {
		impl.EnqueueKey(types.NamespacedName{Namespace: sb.Namespace, Name: sb.Name})
	}
}
