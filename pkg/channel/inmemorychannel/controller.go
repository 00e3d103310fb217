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

package inmemorychannel

import (
	"context"
	"os"
	"sync/atomic"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/channel"
	"github.com/skiffhq/skiff/pkg/channel/multichannelfanout"
	eventingclient "github.com/skiffhq/skiff/pkg/client/injection/client"
	inmemorychannelinformer "github.com/skiffhq/skiff/pkg/client/injection/informers/messaging/v1/inmemorychannel"
	inmemorychannelreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/messaging/v1/inmemorychannel"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

const (
	// HTTPPort serves the channels (the imc-dispatcher Service's port 80
	// targets it).
	HTTPPort = 8080
	// FinalizerName is the dispatcher's finalizer, as upstream.
	FinalizerName = "imc-dispatcher"
	// DefaultEventLogDir is where the durable log lives unless EVENT_LOG_DIR
	// says otherwise; mount an emptyDir there on a cluster.
	DefaultEventLogDir = "/var/run/skiff/imc-dispatcher"
)

// NewController starts the imc-dispatcher: the channel server, the durable
// log and the InMemoryChannel controller that configures them.
func NewController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	logger := logging.FromContext(ctx)

	dir := os.Getenv("EVENT_LOG_DIR")
	if dir == "" {
		dir = DefaultEventLogDir
	}
	container := os.Getenv("CONTAINER_NAME")
	if container == "" {
		container = "dispatcher"
	}
	pod := os.Getenv("POD_NAME")
	if pod == "" {
		pod = "imc-dispatcher"
	}
	reporter := channel.NewStatsReporter(container, kmeta.ChildName(pod, uuid.New().String()))

	handler, err := multichannelfanout.NewEventHandler(ctx, logger.Desugar(), multichannelfanout.Options{
		Dir:        dir,
		Dispatcher: kncloudevents.NewDispatcher(),
		Reporter:   reporter,
	})
	if err != nil {
		logger.Fatalw("Opening the event log", zap.String("dir", dir), zap.Error(err))
	}

	informer := inmemorychannelinformer.Get(ctx)
	r := &Reconciler{
		handler:            handler,
		messagingClientSet: eventingclient.Get(ctx).MessagingV1(),
	}
	impl := inmemorychannelreconciler.NewImpl(ctx, r, func(*controller.Impl) controller.Options {
		return controller.Options{SkipStatusUpdates: true, FinalizerName: FinalizerName}
	})
	informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    impl.Enqueue,
		UpdateFunc: controller.PassNew(impl.Enqueue),
		DeleteFunc: r.deleteFunc,
	})

	// Ready (and replaying) once every channel that exists at start is
	// configured, so replayed events find their subscribers.
	var ready atomic.Bool
	go func() {
		if !cache.WaitForCacheSync(ctx.Done(), informer.Informer().HasSynced) {
			return
		}
		imcs, err := informer.Lister().List(labels.Everything())
		logError(logger, "Listing InMemoryChannels", err)
		for _, imc := range imcs {
			logError(logger, "Configuring channel "+imc.Namespace+"/"+imc.Name, r.reconcile(ctx, imc))
		}
		if n := handler.Replay(ctx); n > 0 {
			logger.Infow("Replaying events accepted before the restart", zap.Int("count", n))
		}
		ready.Store(true)
	}()

	receiver := kncloudevents.NewHTTPEventReceiver(HTTPPort, handler, ready.Load)
	go func() {
		logError(logger, "Channel server", receiver.StartListen(ctx))
		logError(logger, "Closing the event log", handler.Close())
	}()
	return impl
}
