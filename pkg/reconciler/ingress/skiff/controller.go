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

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/tools/cache"
	endpointsinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints"
	serviceinformer "knative.dev/pkg/client/injection/kube/informers/core/v1/service"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/reconciler"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	networkinginformers "github.com/skiffhq/skiff/pkg/client/informers/externalversions/networking/v1alpha1"
	ingressinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/ingress"
	ingressreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/networking/v1alpha1/ingress"
	"github.com/skiffhq/skiff/pkg/ingress/gateway"
	"github.com/skiffhq/skiff/pkg/ingress/status"
)

// Options configure the gateway a controller runs.
type Options struct {
	// Serve says where to listen; nothing is served when all addresses and
	// listeners are empty.
	Serve gateway.ServeConfig
	// Gateway tunes the data plane. LocalDomains defaults to the two
	// gateway Services' names.
	Gateway gateway.Options
	// OnGateway, when set, receives the gateway once created (tests).
	OnGateway func(*gateway.Gateway)
}

type optionsKey struct{}

// WithOptions returns a context carrying the options NewController uses.
func WithOptions(ctx context.Context, o Options) context.Context {
	return context.WithValue(ctx, optionsKey{}, o)
}

func optionsFrom(ctx context.Context) Options {
	o, _ := ctx.Value(optionsKey{}).(Options)
	return o
}

// classFilter selects the KIngresses this gateway serves.
var classFilter = reconciler.AnnotationFilterFunc(networking.IngressClassAnnotationKey, netcfg.SkiffIngressClassName, false)

// NewController returns the skiff KIngress controller and starts the
// gateway it programs: its listeners serve as soon as they are bound, and
// its readiness (the admin /ready) turns true once every KIngress existing
// at start is served, so a new gateway pod receives traffic only with the
// full configuration.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)
	opts := optionsFrom(ctx)

	ingressInformer := ingressinformer.Get(ctx)
	serviceInformer := serviceinformer.Get(ctx)
	endpointsInformer := endpointsinformer.Get(ctx)

	gwOpts := opts.Gateway
	if gwOpts.Logger == nil {
		gwOpts.Logger = logger.Named("gateway")
	}
	if gwOpts.LocalDomains == nil {
		gwOpts.LocalDomains = []string{PublicGatewayDomain(), PrivateGatewayDomain()}
	}
	gw := gateway.New(gateway.ListerResolver(serviceInformer.Lister(), endpointsInformer.Lister()), gwOpts)
	if opts.OnGateway != nil {
		opts.OnGateway(gw)
	}

	r := &Reconciler{gateway: gw}
	impl := ingressreconciler.NewImpl(ctx, r, netcfg.SkiffIngressClassName, func(*controller.Impl) controller.Options {
		return controller.Options{PromoteFilterFunc: classFilter}
	})

	prober := status.NewProber(
		logger.Named("status-manager"),
		NewProbeTargetLister(endpointsInformer.Lister()),
		func(ing *v1alpha1.Ingress) {
			impl.EnqueueKey(types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name})
		})
	r.statusManager = prober
	prober.Start(ctx.Done())

	// Deletion (or a change of class away from us) stops serving at once,
	// in every replica.
	ingressInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: classFilter,
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    impl.Enqueue,
			UpdateFunc: controller.PassNew(impl.Enqueue),
			DeleteFunc: func(obj interface{}) {
				if acc, err := kmeta.DeletionHandlingAccessor(obj); err == nil {
					gw.Delete(types.NamespacedName{Namespace: acc.GetNamespace(), Name: acc.GetName()})
				}
				prober.CancelIngressProbing(obj)
			},
		},
	})

	// Backends follow their Services and Endpoints without touching the
	// routing table.
	refresh := func(obj interface{}) {
		if acc, err := kmeta.DeletionHandlingAccessor(obj); err == nil {
			gw.Refresh(acc.GetNamespace(), acc.GetName())
		}
	}
	serviceInformer.Informer().AddEventHandler(controller.HandleAll(refresh))
	endpointsInformer.Informer().AddEventHandler(controller.HandleAll(refresh))

	// When the gateway pods change, forget probes of pods that left and
	// re-evaluate every Ingress (some may have waited for a first pod).
	isGatewayEndpoints := func(obj interface{}) bool {
		acc, err := kmeta.DeletionHandlingAccessor(obj)
		return err == nil && acc.GetNamespace() == system.Namespace() &&
			(acc.GetName() == GatewayServiceName || acc.GetName() == InternalGatewayServiceName)
	}
	resyncAll := func() { impl.FilteredGlobalResync(classFilter, ingressInformer.Informer()) }
	endpointsInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: isGatewayEndpoints,
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc: func(interface{}) { resyncAll() },
			UpdateFunc: func(oldObj, newObj interface{}) {
				for ip := range endpointIPs(oldObj).Difference(endpointIPs(newObj)) {
					prober.CancelPodProbingByIP(ip)
				}
				resyncAll()
			},
			DeleteFunc: func(obj interface{}) {
				for ip := range endpointIPs(obj) {
					prober.CancelPodProbingByIP(ip)
				}
				resyncAll()
			},
		},
	})

	go prefill(ctx, gw, ingressInformer, serviceInformer.Informer(), endpointsInformer.Informer())
	go func() {
		if err := gw.Run(ctx, opts.Serve); err != nil {
			logger.Fatalw("Gateway failed", zap.Error(err))
		}
	}()
	return impl
}

// prefill serves every KIngress of the class once the caches are synced,
// then marks the gateway ready.
func prefill(ctx context.Context, gw *gateway.Gateway, ingresses networkinginformers.IngressInformer, informers ...cache.SharedIndexInformer) {
	logger := logging.FromContext(ctx)
	synced := []cache.InformerSynced{ingresses.Informer().HasSynced}
	for _, inf := range informers {
		synced = append(synced, inf.HasSynced)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return
	}
	err := gw.Replace(func() ([]*v1alpha1.Ingress, error) {
		all, err := ingresses.Lister().List(labels.Everything())
		if err != nil {
			return nil, err
		}
		out := make([]*v1alpha1.Ingress, 0, len(all))
		for _, ing := range all {
			if !classFilter(ing) {
				continue
			}
			ing = ing.DeepCopy()
			ing.SetDefaults(ctx)
			out = append(out, ing)
		}
		return out, nil
	})
	if err != nil {
		// Those Ingresses are reported NotReady by their reconciliation;
		// the others must not wait for them.
		logger.Warnw("Some Ingresses cannot be served", zap.Error(err))
	}
	gw.SetReady(true)
	logger.Infow("Gateway ready", zap.Int("ingresses", len(gw.List())))
}

func endpointIPs(obj interface{}) sets.Set[string] {
	ips := sets.New[string]()
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	if eps, ok := obj.(*corev1.Endpoints); ok {
		for _, ss := range eps.Subsets {
			for _, a := range ss.Addresses {
				ips.Insert(a.IP)
			}
		}
	}
	return ips
}
