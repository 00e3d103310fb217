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

package metric

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	. "knative.dev/pkg/reconciler/testing"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	servingclient "github.com/skiffhq/skiff/pkg/client/injection/client/fake"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/autoscaling/v1alpha1/metric/fake"
	metricreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/autoscaling/v1alpha1/metric"
	. "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	. "github.com/skiffhq/skiff/pkg/testing"
)

type collectorKey struct{}

// testCollector records what the reconciler asks of the collector and
// returns the error the row sets.
type testCollector struct {
	metrics.Collector
	createOrUpdateCalls atomic.Int32
	createOrUpdateError error

	mu      sync.Mutex
	deleted []types.NamespacedName
	watcher func(types.NamespacedName)
}

func (c *testCollector) CreateOrUpdate(*autoscalingv1alpha1.Metric) error {
	c.createOrUpdateCalls.Add(1)
	return c.createOrUpdateError
}

func (c *testCollector) Delete(namespace, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleted = append(c.deleted, types.NamespacedName{Namespace: namespace, Name: name})
}

func (c *testCollector) Watch(fn func(types.NamespacedName)) { c.watcher = fn }

func withCollector(c *testCollector) context.Context {
	return context.WithValue(context.Background(), collectorKey{}, c)
}

func metric(ns, name string, opts ...MetricOption) *autoscalingv1alpha1.Metric {
	return Metric(ns, name, opts...)
}

func TestReconcile(t *testing.T) {
	retryAttempted := false
	deletions := &testCollector{}
	table := TableTest{{
		Name: "bad workqueue key, too many parts",
		Key:  "too/many/parts",
	}, {
		Name: "bad workqueue key, too few parts",
		Key:  "too-few-parts",
	}, {
		Name:    "first reconcile: collection starts, metric becomes ready",
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001")},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001", WithMetricReady),
		}},
	}, {
		Name:    "steady state: ready metric, no status write",
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001", WithMetricReady)},
	}, {
		Name:    "status update conflict is retried",
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001")},
		WithReactors: []clientgotesting.ReactionFunc{
			func(action clientgotesting.Action) (bool, runtime.Object, error) {
				if retryAttempted || !action.Matches("update", "metrics") || action.GetSubresource() != "status" {
					return false, nil, nil
				}
				retryAttempted = true
				return true, nil, apierrs.NewConflict(schema.GroupResource{Resource: "metrics"}, "hello-00001", errors.New("conflict"))
			},
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001", WithMetricReady),
		}, {
			Object: metric("default", "hello-00001", WithMetricReady),
		}},
	}, {
		Name:    "status update failure: event and error",
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001")},
		WithReactors: []clientgotesting.ReactionFunc{
			InduceFailure("update", "metrics"),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001", WithMetricReady),
		}},
		WantEvents: []string{
			Eventf(corev1.EventTypeWarning, "UpdateFailed",
				`Failed to update status for "hello-00001": inducing failure for update metrics`),
		},
		WantErr: true,
	}, {
		Name:    "scrape failure: metric failed with CollectionFailed",
		Ctx:     withCollector(&testCollector{createOrUpdateError: errors.New("pods exhausted")}),
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001", WithMetricReady)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001",
				WithMetricFailed("CollectionFailed", "Failed to reconcile metric collection: pods exhausted")),
		}},
	}, {
		Name: "scrape failure again: no status write",
		Ctx:  withCollector(&testCollector{createOrUpdateError: errors.New("pods exhausted")}),
		Key:  "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001",
			WithMetricFailed("CollectionFailed", "Failed to reconcile metric collection: pods exhausted"))},
	}, {
		Name:    "pods cannot be counted: metric not ready with NoEndpoints",
		Ctx:     withCollector(&testCollector{createOrUpdateError: metrics.ErrFailedGetEndpoints}),
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001")},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001", WithMetricNotReady("NoEndpoints", metrics.ErrFailedGetEndpoints.Error())),
		}},
	}, {
		Name:    "service scrape reached no new pod: metric failed with DidNotReceiveStat",
		Ctx:     withCollector(&testCollector{createOrUpdateError: metrics.ErrDidNotReceiveStat}),
		Key:     "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001")},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001", WithMetricFailed("DidNotReceiveStat", metrics.ErrDidNotReceiveStat.Error())),
		}},
	}, {
		Name: "collection recovered: metric ready again",
		Key:  "default/hello-00001",
		Objects: []runtime.Object{metric("default", "hello-00001",
			WithMetricFailed("CollectionFailed", "Failed to reconcile metric collection: pods exhausted"))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{{
			Object: metric("default", "hello-00001", WithMetricReady),
		}},
	}, {
		Name: "metric deleted: collection stops",
		Ctx:  withCollector(deletions),
		Key:  "default/gone-00001",
		PostConditions: []func(*testing.T, *TableRow){
			func(t *testing.T, _ *TableRow) {
				want := types.NamespacedName{Namespace: "default", Name: "gone-00001"}
				if len(deletions.deleted) != 1 || deletions.deleted[0] != want {
					t.Errorf("collections deleted = %v, want [%v]", deletions.deleted, want)
				}
			},
		},
	}}

	table.Test(t, MakeFactory(func(ctx context.Context, listers *Listers, _ configmap.Watcher) controller.Reconciler {
		col := &testCollector{}
		if c, ok := ctx.Value(collectorKey{}).(*testCollector); ok {
			col = c
		}
		return metricreconciler.NewReconciler(ctx, logging.FromContext(ctx),
			servingclient.Get(ctx), listers.GetMetricLister(),
			controller.GetEventRecorder(ctx), &reconciler{collector: col})
	}))
}

// TestController runs the controller on fake informers: a new Metric
// starts a collection, a deleted one stops it, and the collector's watch
// enqueues Metrics.
func TestController(t *testing.T) {
	ctx, cancel, informers := SetupFakeContextWithCancel(t)
	collector := &testCollector{}
	ctl := NewController(ctx, configmap.NewStaticWatcher(), collector)
	if collector.watcher == nil {
		t.Fatal("the controller did not watch the collector")
	}
	wf, err := RunAndSyncInformers(ctx, informers...)
	if err != nil {
		cancel()
		t.Fatal("RunAndSyncInformers:", err)
	}
	done := make(chan struct{})
	defer func() {
		cancel()
		wf()
		<-done
	}()
	go func() {
		defer close(done)
		ctl.RunContext(ctx, 1)
	}()

	m := metric("default", "hello-00001")
	client := servingclient.Get(ctx)
	if _, err := client.AutoscalingV1alpha1().Metrics(m.Namespace).Create(ctx, m, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "CreateOrUpdate", func() bool { return collector.createOrUpdateCalls.Load() > 0 })

	// The collector's state changed: the Metric is reconciled again.
	n := collector.createOrUpdateCalls.Load()
	collector.watcher(types.NamespacedName{Namespace: "default", Name: "hello-00001"})
	waitFor(t, "a reconcile after the collector's inform", func() bool { return collector.createOrUpdateCalls.Load() > n })

	if err := client.AutoscalingV1alpha1().Metrics(m.Namespace).Delete(ctx, m.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Delete", func() bool {
		collector.mu.Lock()
		defer collector.mu.Unlock()
		return len(collector.deleted) > 0
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting for", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
