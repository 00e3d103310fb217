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

// Package eventing holds the table-test plumbing of the eventing
// reconcilers: listers over a row's objects and a MakeFactory wiring fake
// kube, Skiff and dynamic clients (upstream
// knative.dev/eventing/pkg/reconciler/testing/v1).
package eventing

import (
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fakekubeclientset "k8s.io/client-go/kubernetes/fake"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/reconciler/testing"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	fakeclientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned/fake"
	eventinglisters "github.com/skiffhq/skiff/pkg/client/listers/eventing/v1"
	messaginglisters "github.com/skiffhq/skiff/pkg/client/listers/messaging/v1"
)

// SystemNamespace is what system.Namespace() returns in tests using this
// package: the namespace of the shipped configuration, so rows read like the
// seed (broker-ingress.knative-eventing.svc.cluster.local).
const SystemNamespace = "knative-eventing"

func init() {
	// Runs after knative.dev/pkg/system/testing's init (a dependency), which
	// sets knative-testing.
	os.Setenv("SYSTEM_NAMESPACE", SystemNamespace)
}

var clientSetSchemes = []func(*runtime.Scheme) error{
	fakekubeclientset.AddToScheme,
	fakeclientset.AddToScheme,
	duckv1.AddToScheme,
	eventingduckv1.AddToScheme,
}

// NewScheme returns a scheme knowing every kind a table row may hold: kube,
// all Skiff groups, and the duck types.
func NewScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	for _, addTo := range clientSetSchemes {
		if err := addTo(scheme); err != nil {
			panic(err)
		}
	}
	return scheme
}

// Listers serves a table row's objects through typed listers.
type Listers struct {
	sorter testing.ObjectSorter
}

// NewListers indexes objs by kind.
func NewListers(objs []runtime.Object) Listers {
	ls := Listers{sorter: testing.NewObjectSorter(NewScheme())}
	ls.sorter.AddObjects(objs...)
	return ls
}

// GetKubeObjects returns the objects the fake kube clientset serves.
func (l *Listers) GetKubeObjects() []runtime.Object {
	return l.sorter.ObjectsForSchemeFunc(fakekubeclientset.AddToScheme)
}

// GetSkiffObjects returns the objects the fake Skiff clientset serves.
func (l *Listers) GetSkiffObjects() []runtime.Object {
	return l.sorter.ObjectsForSchemeFunc(fakeclientset.AddToScheme)
}

// GetBrokerLister lists Brokers.
func (l *Listers) GetBrokerLister() eventinglisters.BrokerLister {
	return eventinglisters.NewBrokerLister(l.sorter.IndexerForObjectType(&eventingv1.Broker{}))
}

// GetTriggerLister lists Triggers.
func (l *Listers) GetTriggerLister() eventinglisters.TriggerLister {
	return eventinglisters.NewTriggerLister(l.sorter.IndexerForObjectType(&eventingv1.Trigger{}))
}

// GetSubscriptionLister lists Subscriptions.
func (l *Listers) GetSubscriptionLister() messaginglisters.SubscriptionLister {
	return messaginglisters.NewSubscriptionLister(l.sorter.IndexerForObjectType(&messagingv1.Subscription{}))
}

// GetChannelLister lists Channels.
func (l *Listers) GetChannelLister() messaginglisters.ChannelLister {
	return messaginglisters.NewChannelLister(l.sorter.IndexerForObjectType(&messagingv1.Channel{}))
}

// GetInMemoryChannelLister lists InMemoryChannels.
func (l *Listers) GetInMemoryChannelLister() messaginglisters.InMemoryChannelLister {
	return messaginglisters.NewInMemoryChannelLister(l.sorter.IndexerForObjectType(&messagingv1.InMemoryChannel{}))
}

// GetDeploymentLister lists Deployments.
func (l *Listers) GetDeploymentLister() appsv1listers.DeploymentLister {
	return appsv1listers.NewDeploymentLister(l.sorter.IndexerForObjectType(&appsv1.Deployment{}))
}

// GetServiceLister lists core Services.
func (l *Listers) GetServiceLister() corev1listers.ServiceLister {
	return corev1listers.NewServiceLister(l.sorter.IndexerForObjectType(&corev1.Service{}))
}

// GetEndpointsLister lists Endpoints.
func (l *Listers) GetEndpointsLister() corev1listers.EndpointsLister {
	return corev1listers.NewEndpointsLister(l.sorter.IndexerForObjectType(&corev1.Endpoints{}))
}

// GetConfigMapLister lists ConfigMaps.
func (l *Listers) GetConfigMapLister() corev1listers.ConfigMapLister {
	return corev1listers.NewConfigMapLister(l.sorter.IndexerForObjectType(&corev1.ConfigMap{}))
}
