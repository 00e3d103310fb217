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
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/kmp"
	"knative.dev/pkg/logging"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/resources"
)

// appliedSpecs remembers, per Deployment, the generation at which its spec
// was last seen to match what the reconciler wants, and a hash of what it
// wanted. The API server fills in defaults, so the spec read back never
// equals the one built, and comparing them means an (idempotent) update on
// every reconcile; a Deployment's generation changes with any change to its
// spec, so an unchanged generation and an unchanged wish need no look at all.
type appliedSpecs struct {
	mu sync.Mutex
	m  map[types.NamespacedName]appliedSpec
}

type appliedSpec struct {
	generation int64
	hash       uint64
}

func (a *appliedSpecs) matches(key types.NamespacedName, generation int64, hash uint64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	got, ok := a.m[key]
	return ok && got.generation == generation && got.hash == hash
}

func (a *appliedSpecs) store(key types.NamespacedName, generation int64, hash uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = make(map[types.NamespacedName]appliedSpec)
	}
	a.m[key] = appliedSpec{generation: generation, hash: hash}
}

func (a *appliedSpecs) forget(key types.NamespacedName) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.m, key)
}

// specHash hashes the JSON of a DeploymentSpec (JSON sorts map keys, so
// equal specs hash equally).
func specHash(spec *appsv1.DeploymentSpec) (uint64, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return 0, fmt.Errorf("hashing deployment spec: %w", err)
	}
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64(), nil
}

func (c *Reconciler) createDeployment(ctx context.Context, rev *v1.Revision) (*appsv1.Deployment, error) {
	deployment, err := resources.MakeDeployment(rev, config.FromContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("failed to make deployment: %w", err)
	}
	hash, err := specHash(&deployment.Spec)
	if err != nil {
		return nil, err
	}
	d, err := c.kubeclient.AppsV1().Deployments(deployment.Namespace).Create(ctx, deployment, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	c.applied.store(types.NamespacedName{Namespace: d.Namespace, Name: d.Name}, d.Generation, hash)
	return d, nil
}

// checkAndUpdateDeployment brings the Deployment's spec back to what the
// revision and configuration say, keeping the replicas the autoscaler set
// and the (immutable) selector.
func (c *Reconciler) checkAndUpdateDeployment(ctx context.Context, rev *v1.Revision, have *appsv1.Deployment) (*appsv1.Deployment, error) {
	logger := logging.FromContext(ctx)

	deployment, err := resources.MakeDeployment(rev, config.FromContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("failed to update deployment: %w", err)
	}

	// Preserve the current scale of the Deployment.
	deployment.Spec.Replicas = have.Spec.Replicas

	// Preserve the label selector since it's immutable.
	deployment.Spec.Selector = have.Spec.Selector

	key := types.NamespacedName{Namespace: have.Namespace, Name: have.Name}
	hash, err := specHash(&deployment.Spec)
	if err != nil {
		return nil, err
	}
	if c.applied.matches(key, have.Generation, hash) {
		return have, nil
	}

	// If the spec we want is the spec we have, then we're good.
	if equality.Semantic.DeepEqual(have.Spec, deployment.Spec) {
		c.applied.store(key, have.Generation, hash)
		return have, nil
	}

	// Otherwise attempt an update (with ONLY the spec changes).
	desiredDeployment := have.DeepCopy()
	desiredDeployment.Spec = deployment.Spec

	// Carry over new labels.
	desiredDeployment.Labels = kmeta.UnionMaps(deployment.Labels, desiredDeployment.Labels)

	d, err := c.kubeclient.AppsV1().Deployments(deployment.Namespace).Update(ctx, desiredDeployment, metav1.UpdateOptions{})
	if err != nil {
		return nil, err
	}
	c.applied.store(key, d.Generation, hash)

	// If what comes back from the update (with defaults applied by the API server) is the same
	// as what we have then nothing changed.
	if equality.Semantic.DeepEqual(have.Spec, d.Spec) {
		return d, nil
	}
	diff, err := kmp.SafeDiff(have.Spec, d.Spec)
	if err != nil {
		return nil, err
	}
	logger.Info("Reconciled deployment diff (-desired, +observed): ", diff)
	return d, nil
}

func (c *Reconciler) createPA(ctx context.Context, rev *v1.Revision, deployment *appsv1.Deployment) (*autoscalingv1alpha1.PodAutoscaler, error) {
	pa := resources.MakePA(rev, deployment)
	// The class (and its metric) come from the revision's annotations or
	// config-autoscaler. The webhook defaults them too; setting them here
	// means a PA never waits for a class without one.
	pa.SetDefaults(apiconfig.ToContext(ctx, config.FromContext(ctx).Config))
	return c.client.AutoscalingV1alpha1().PodAutoscalers(pa.Namespace).Create(ctx, pa, metav1.CreateOptions{})
}
