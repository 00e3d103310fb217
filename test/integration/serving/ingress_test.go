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

package serving

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/client/clientset/versioned"
)

// startFakeIngress stands in for the KIngress implementation (Skiff's
// gateway, tested on its own): it reports every KIngress of namespace ns
// ready on the gateway's Services once its generation is seen, as the
// gateway's reconciler does after programming and probing its routes.
func startFakeIngress(t *testing.T, cfg *rest.Config, ns string) {
	t.Helper()
	client, err := versioned.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("creating a Skiff client: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			ings, err := client.NetworkingV1alpha1().Ingresses(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				continue
			}
			for i := range ings.Items {
				ing := &ings.Items[i]
				if ing.Status.ObservedGeneration == ing.Generation && ing.IsReady() {
					continue
				}
				ing.Status.InitializeConditions()
				ing.Status.MarkNetworkConfigured()
				ing.Status.MarkLoadBalancerReady(
					[]netv1alpha1.LoadBalancerIngressStatus{{DomainInternal: "skiff-gateway.knative-serving.svc.cluster.local"}},
					[]netv1alpha1.LoadBalancerIngressStatus{{DomainInternal: "skiff-gateway-internal.knative-serving.svc.cluster.local"}})
				ing.Status.ObservedGeneration = ing.Generation
				client.NetworkingV1alpha1().Ingresses(ns).UpdateStatus(ctx, ing, metav1.UpdateOptions{})
			}
		}
	}()
}
