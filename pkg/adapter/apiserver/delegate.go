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

package apiserver

import (
	"context"
	"hash/fnv"
	"sync"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/cache"

	"github.com/skiffhq/skiff/pkg/adapter/apiserver/events"
	"github.com/skiffhq/skiff/pkg/eventfilter"
)

type makeEventFunc func(source, apiServerSourceName string, obj interface{}, ref bool) (context.Context, cloudevents.Event, error)

// work is one change to send.
type work struct {
	makeEvent makeEventFunc
	obj       *unstructured.Unstructured
}

// resourceDelegate turns the informers' notifications into events. The
// changes of one object go through one sender, in order; different objects
// are sent in parallel, so a slow sink costs one round trip per object,
// not per event of the whole source (upstream sends one at a time).
type resourceDelegate struct {
	ce                  cloudevents.Client
	source              string
	ref                 bool
	apiServerSourceName string
	owner               *controllerFilter
	filter              eventfilter.Filter
	logger              *zap.SugaredLogger

	queues []chan work
	wg     sync.WaitGroup
}

// start runs n senders.
func (a *resourceDelegate) start(n, depth int) {
	a.queues = make([]chan work, n)
	for i := range a.queues {
		q := make(chan work, depth)
		a.queues[i] = q
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for w := range q {
				a.handleKubernetesObject(w.makeEvent, w.obj)
			}
		}()
	}
}

// stop sends what is queued and stops the senders; the informers must be
// stopped first.
func (a *resourceDelegate) stop() {
	for _, q := range a.queues {
		close(q)
	}
	a.wg.Wait()
}

// handler is what the informers call. The objects of the initial list are
// not events (the source reports changes, as upstream, which does not list
// either); objects listed again after a watch gap are.
func (a *resourceDelegate) handler() cache.ResourceEventHandler {
	return cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj interface{}, isInInitialList bool) {
			if !isInInitialList {
				a.enqueue(events.MakeAddEvent, obj)
			}
		},
		UpdateFunc: func(oldObj, newObj interface{}) {
			o, ok1 := oldObj.(*unstructured.Unstructured)
			n, ok2 := newObj.(*unstructured.Unstructured)
			if ok1 && ok2 && o.GetResourceVersion() == n.GetResourceVersion() {
				// A relist that found the object unchanged.
				return
			}
			a.enqueue(events.MakeUpdateEvent, newObj)
		},
		DeleteFunc: func(obj interface{}) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			a.enqueue(events.MakeDeleteEvent, obj)
		},
	}
}

func (a *resourceDelegate) enqueue(makeEvent makeEventFunc, obj interface{}) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		a.logger.Warnf("Ignoring a %T", obj)
		return
	}
	if a.owner != nil && a.owner.filtered(u) {
		return
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(u.GetNamespace()))
	_, _ = h.Write([]byte{'/'})
	_, _ = h.Write([]byte(u.GetName()))
	a.queues[h.Sum32()%uint32(len(a.queues))] <- work{makeEvent: makeEvent, obj: u}
}

func (a *resourceDelegate) handleKubernetesObject(makeEvent makeEventFunc, obj interface{}) {
	ctx, event, err := makeEvent(a.source, a.apiServerSourceName, obj, a.ref)
	if err != nil {
		a.logger.Infow("Event creation failed", zap.Error(err))
		return
	}
	if a.filter != nil && a.filter.Filter(ctx, event) == eventfilter.FailFilter {
		a.logger.Debugf("Event type %s filtered out", event.Type())
		return
	}
	a.sendCloudEvent(ctx, event)
}

func (a *resourceDelegate) sendCloudEvent(ctx context.Context, event cloudevents.Event) {
	event.SetID(uuid.New().String()) // an ID here, so logs can name it
	source := event.Context.GetSource()
	subject := event.Context.GetSubject()
	if result := a.ce.Send(ctx, event); !cloudevents.IsACK(result) {
		a.logger.Errorw("Failed to send cloudevent", zap.Error(result), zap.String("source", source),
			zap.String("subject", subject), zap.String("id", event.ID()))
		return
	}
	a.logger.Debugf("Cloudevent sent id: %s, source: %s, subject: %s", event.ID(), source, subject)
}
