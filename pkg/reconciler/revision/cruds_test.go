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

package revision

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	fakekube "k8s.io/client-go/kubernetes/fake"
	"knative.dev/pkg/logging"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/resources"

	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

// serverDefaulted is what the API server returns for a Deployment we
// built: the same spec plus defaults, at some generation.
func serverDefaulted(t *testing.T, d *appsv1.Deployment, generation int64) *appsv1.Deployment {
	t.Helper()
	d = d.DeepCopy()
	d.Generation = generation
	for i := range d.Spec.Template.Spec.Containers {
		d.Spec.Template.Spec.Containers[i].TerminationMessagePath = "/dev/termination-log"
		d.Spec.Template.Spec.Containers[i].ImagePullPolicy = "IfNotPresent"
	}
	d.Spec.Template.Spec.DNSPolicy = "ClusterFirst"
	return d
}

func updates(client *fakekube.Clientset) int {
	n := 0
	for _, a := range client.Actions() {
		if a.GetVerb() == "update" && a.GetResource().Resource == "deployments" {
			n++
		}
	}
	return n
}

func TestCheckAndUpdateDeploymentSkipsUnchangedSpecs(t *testing.T) {
	rev := Revision("foo", "rev", withDefaultContainerStatuses())
	cfg := reconcilerTestConfig()
	ctx := config.ToContext(logging.WithLogger(context.Background(), logtesting.TestLogger(t)), cfg)
	want, err := resources.MakeDeployment(rev, cfg)
	if err != nil {
		t.Fatal(err)
	}

	have := serverDefaulted(t, want, 1)
	client := fakekube.NewSimpleClientset(have)
	c := &Reconciler{kubeclient: client}

	// Defaults make the specs differ: the first look updates.
	if _, err := c.checkAndUpdateDeployment(ctx, rev, have); err != nil {
		t.Fatal(err)
	}
	if got := updates(client); got != 1 {
		t.Fatalf("first reconcile made %d updates, want 1", got)
	}

	// Same generation, same wish: nothing to do, whatever the defaults.
	for i := 0; i < 3; i++ {
		if _, err := c.checkAndUpdateDeployment(ctx, rev, have); err != nil {
			t.Fatal(err)
		}
	}
	if got := updates(client); got != 1 {
		t.Errorf("steady reconciles made %d updates in all, want still 1", got)
	}

	// Someone edits the spec (the generation moves): it is repaired.
	edited := have.DeepCopy()
	edited.Generation = 2
	edited.Spec.Template.Spec.Containers[0].Image = "tampered"
	got, err := c.checkAndUpdateDeployment(ctx, rev, edited)
	if err != nil {
		t.Fatal(err)
	}
	if updates(client) != 2 || got.Spec.Template.Spec.Containers[0].Image == "tampered" {
		t.Errorf("edited deployment not repaired: %d updates, image %q", updates(client), got.Spec.Template.Spec.Containers[0].Image)
	}

	// The configuration changes (new queue-proxy image) at the same
	// generation: the wish changed, so it is compared and updated.
	cfg.Deployment.QueueSidecarImage = "queue:v2"
	if _, err := c.checkAndUpdateDeployment(ctx, rev, have); err != nil {
		t.Fatal(err)
	}
	if got := updates(client); got != 3 {
		t.Errorf("config change made %d updates in all, want 3", got)
	}

	// Deleting the revision forgets the deployment.
	c.resolver = nopResolver{}
	if err := c.ObserveDeletion(ctx, typesName("foo", "rev")); err != nil {
		t.Fatal(err)
	}
	if len(c.applied.m) != 0 {
		t.Errorf("applied specs after deletion = %v, want none", c.applied.m)
	}
}

func typesName(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}
