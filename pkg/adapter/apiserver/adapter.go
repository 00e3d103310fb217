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

// Package apiserver is the ApiServerSource receive adapter: it watches the
// configured resources (in the source's namespaces, with their label
// selectors) and sends a CloudEvent for every add, update and delete.
package apiserver

import (
	"context"
	"fmt"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/eventfilter/subscriptionsapi"
)

const (
	// DefaultSenders is how many objects' events are sent in parallel.
	DefaultSenders = 8
	// senderQueueDepth is how many changes wait per sender before the
	// informer's own buffer holds them.
	senderQueueDepth = 256
)

// Args are what the adapter needs.
type Args struct {
	Discovery discovery.DiscoveryInterface
	Dynamic   dynamic.Interface
	Client    cloudevents.Client
	// Source is the events' source: the apiserver's URL.
	Source string
	// Name is the ApiServerSource's name (metrics).
	Name   string
	Config Config
	// Senders is how many objects' events are sent in parallel
	// (DefaultSenders if 0).
	Senders int
}

type apiServerAdapter struct {
	ce       cloudevents.Client
	logger   *zap.SugaredLogger
	config   Config
	discover discovery.DiscoveryInterface
	k8s      dynamic.Interface
	source   string
	name     string
	senders  int
}

var _ adapter.Adapter = (*apiServerAdapter)(nil)

// New returns the adapter.
func New(ctx context.Context, args Args) adapter.Adapter {
	senders := args.Senders
	if senders <= 0 {
		senders = DefaultSenders
	}
	return &apiServerAdapter{
		ce:       args.Client,
		logger:   logging.FromContext(ctx),
		config:   args.Config,
		discover: args.Discovery,
		k8s:      args.Dynamic,
		source:   args.Source,
		name:     args.Name,
		senders:  senders,
	}
}

// Start watches until ctx is done.
func (a *apiServerAdapter) Start(ctx context.Context) error {
	delegate := &resourceDelegate{
		ce:                  a.ce,
		source:              a.source,
		logger:              a.logger,
		ref:                 a.config.EventMode == v1.ReferenceMode,
		apiServerSourceName: a.name,
	}
	if len(a.config.Filters) > 0 {
		delegate.filter = subscriptionsapi.NewAllFilter(subscriptionsapi.MaterializeFiltersList(a.logger.Desugar(), a.config.Filters)...)
	}
	if o := a.config.ResourceOwner; o != nil {
		a.logger.Infow("Only objects controlled by the owner kind are sent",
			zap.String("APIVersion", o.APIVersion), zap.String("Kind", o.Kind))
		delegate.owner = &controllerFilter{apiVersion: o.APIVersion, kind: o.Kind}
	}
	delegate.start(a.senders, senderQueueDepth)

	a.logger.Infow("Starting", zap.Any("config", a.config))
	informerCtx, stopInformers := context.WithCancel(ctx)
	// running counts the informers' Run; once it returns, their handlers
	// are no longer called.
	var running sync.WaitGroup
	stop := func() {
		stopInformers()
		running.Wait()
		delegate.stop()
	}
	for _, configRes := range a.config.Resources {
		resources, err := a.discover.ServerResourcesForGroupVersion(configRes.GVR.GroupVersion().String())
		if err != nil {
			stop()
			return fmt.Errorf("failed to retrieve information about resource %s: %w", configRes.GVR.String(), err)
		}
		exists := false
		for _, apires := range resources.APIResources {
			if apires.Name != configRes.GVR.Resource {
				continue
			}
			exists = true
			var clients []dynamic.ResourceInterface
			if apires.Namespaced && !a.config.AllNamespaces {
				for _, ns := range a.config.Namespaces {
					clients = append(clients, a.k8s.Resource(configRes.GVR).Namespace(ns))
				}
			} else {
				clients = append(clients, a.k8s.Resource(configRes.GVR))
			}
			for _, res := range clients {
				lw := &cache.ListWatch{
					ListFunc:  asUnstructuredLister(informerCtx, res.List, configRes.LabelSelector),
					WatchFunc: asUnstructuredWatcher(informerCtx, res.Watch, configRes.LabelSelector),
				}
				inf := cache.NewSharedIndexInformer(lw, &unstructured.Unstructured{}, 0, cache.Indexers{})
				if _, err := inf.AddEventHandler(delegate.handler()); err != nil {
					stop()
					return fmt.Errorf("watching %s: %w", configRes.GVR.String(), err)
				}
				running.Add(1)
				go func() {
					defer running.Done()
					inf.Run(informerCtx.Done())
				}()
			}
			break
		}
		if !exists {
			a.logger.Errorf("Could not retrieve information about resource %s: it doesn't exist", configRes.GVR.String())
		}
	}

	<-ctx.Done()
	stop()
	return nil
}

type unstructuredLister func(context.Context, metav1.ListOptions) (*unstructured.UnstructuredList, error)

func asUnstructuredLister(ctx context.Context, ulist unstructuredLister, selector string) cache.ListFunc {
	return func(opts metav1.ListOptions) (runtime.Object, error) {
		if selector != "" && opts.LabelSelector == "" {
			opts.LabelSelector = selector
		}
		return ulist(ctx, opts)
	}
}

type structuredWatcher func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)

func asUnstructuredWatcher(ctx context.Context, wf structuredWatcher, selector string) cache.WatchFunc {
	return func(lo metav1.ListOptions) (watch.Interface, error) {
		if selector != "" && lo.LabelSelector == "" {
			lo.LabelSelector = selector
		}
		return wf(ctx, lo)
	}
}
