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

package pingsource

import (
	"context"
	"fmt"

	"go.uber.org/zap"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/ptr"
	"knative.dev/pkg/system"
	"knative.dev/pkg/tracker"

	"github.com/skiffhq/skiff/pkg/adapter/mtping"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/pingsource/resources"
)

// reconcileSink resolves spec.sink into status.sinkUri.
func (r *Reconciler) reconcileSink(ctx context.Context, source *sourcesv1.PingSource) error {
	dest := source.Spec.Sink.DeepCopy()
	if dest.Ref != nil && dest.Ref.Namespace == "" {
		dest.Ref.Namespace = source.GetNamespace()
	}
	sinkAddr, err := r.sinkResolver.AddressableFromDestinationV1(ctx, *dest, source)
	if err != nil {
		logging.FromContext(ctx).Errorw("Unable to resolve the sink", zap.Error(err))
		source.Status.MarkNoSink("NotFound", "")
		return newWarningSinkNotFound(dest)
	}
	source.Status.MarkSink(sinkAddr)
	return nil
}

// reconcileReceiveAdapter makes sure the shared adapter Deployment runs:
// scaled up from zero (it ships with no replicas until a PingSource
// exists) and with the current environment. It belongs to the
// installation, not to any source, so it is neither created nor owned
// here; the source tracks it for its Deployed condition.
func (r *Reconciler) reconcileReceiveAdapter(ctx context.Context, source *sourcesv1.PingSource) error {
	ns := system.Namespace()
	if err := r.tracker.TrackReference(tracker.Reference{
		APIVersion: "apps/v1",
		Kind:       "Deployment",
		Namespace:  ns,
		Name:       resources.MTAdapterName,
	}, source); err != nil {
		return fmt.Errorf("tracking the %s Deployment: %w", resources.MTAdapterName, err)
	}

	d, err := r.deploymentLister.Deployments(ns).Get(resources.MTAdapterName)
	if apierrors.IsNotFound(err) {
		source.Status.PropagateDeploymentAvailability(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: resources.MTAdapterName}})
		return fmt.Errorf("the PingSource adapter Deployment %s/%s does not exist", ns, resources.MTAdapterName)
	} else if err != nil {
		return fmt.Errorf("getting the PingSource adapter Deployment: %w", err)
	}

	expected := resources.MakeReceiveAdapterEnvVar(resources.Args{
		ConfigEnvVars:   r.configAcc.ToEnvVars(),
		LeConfig:        r.leConfig,
		NoShutdownAfter: mtping.GetNoShutDownAfterValue(),
		SinkTimeout:     adapter.GetSinkTimeout(logging.FromContext(ctx)),
	})
	if want, update := desiredAdapter(d, expected); update {
		if d, err = r.kubeClientSet.AppsV1().Deployments(ns).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating the PingSource adapter Deployment: %w", err)
		}
		controller.GetEventRecorder(ctx).Event(source, corev1.EventTypeNormal, pingSourceDeploymentUpdated, "PingSource adapter deployment updated")
	}
	source.Status.PropagateDeploymentAvailability(d)
	return nil
}

// desiredAdapter returns the adapter Deployment with the expected
// environment (followed by the variables of its own the Deployment has,
// such as POD_NAME) and at least one replica, and whether that differs
// from d. A Deployment without the dispatcher container is left as it is.
func desiredAdapter(d *appsv1.Deployment, expected []corev1.EnvVar) (*appsv1.Deployment, bool) {
	i := findContainer(&d.Spec.Template.Spec, resources.ContainerName)
	if i < 0 {
		return d, false
	}
	scaledToZero := d.Spec.Replicas != nil && *d.Spec.Replicas == 0
	envChanged := !equality.Semantic.DeepDerivative(expected, d.Spec.Template.Spec.Containers[i].Env)
	if !scaledToZero && !envChanged {
		return d, false
	}
	want := d.DeepCopy()
	want.Spec.Template.Spec.Containers[i].Env = withOwnEnv(expected, d.Spec.Template.Spec.Containers[i].Env)
	if scaledToZero {
		want.Spec.Replicas = ptr.Int32(1)
	}
	return want, true
}

func findContainer(podSpec *corev1.PodSpec, name string) int {
	for i := range podSpec.Containers {
		if podSpec.Containers[i].Name == name {
			return i
		}
	}
	return -1
}

// withOwnEnv is expected followed by the variables of existing that
// expected does not set.
func withOwnEnv(expected, existing []corev1.EnvVar) []corev1.EnvVar {
	ours := make(map[string]bool, len(expected))
	for _, e := range expected {
		ours[e.Name] = true
	}
	out := append(make([]corev1.EnvVar, 0, len(expected)+len(existing)), expected...)
	for _, e := range existing {
		if !ours[e.Name] {
			out = append(out, e)
		}
	}
	return out
}
