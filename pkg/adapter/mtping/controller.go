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

package mtping

import (
	"context"

	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	pingsourceinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/sources/v1/pingsource"
	pingsourcereconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/sources/v1/pingsource"
)

// NewController returns the controller telling the adapter which
// PingSources to schedule. It writes nothing back (the eventing
// controller owns the status); losing a bucket unschedules its sources.
func NewController(ctx context.Context, a adapter.Adapter) *controller.Impl {
	mtadapter, ok := a.(MTAdapter)
	if !ok {
		logging.FromContext(ctx).Fatal("Multi-tenant adapters must implement the MTAdapter interface")
	}

	r := &Reconciler{mtadapter: mtadapter}
	impl := pingsourcereconciler.NewImpl(ctx, r, func(*controller.Impl) controller.Options {
		return controller.Options{
			SkipStatusUpdates: true,
			DemoteFunc:        mtadapter.RemoveBucket,
		}
	})

	pingsourceinformer.Get(ctx).Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: impl.Enqueue,
		UpdateFunc: func(_, obj interface{}) {
			if isBeingDeleted(obj) {
				r.removeFunc(obj)
				return
			}
			impl.Enqueue(obj)
		},
		DeleteFunc: r.removeFunc,
	})
	return impl
}
