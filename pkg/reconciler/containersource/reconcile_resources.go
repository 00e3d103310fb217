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

package containersource

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/controller"

	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/containersource/resources"
)

// reconcileReceiveAdapter creates or updates the Deployment running the
// template and propagates its availability.
func (r *Reconciler) reconcileReceiveAdapter(ctx context.Context, source *v1.ContainerSource) error {
	expected := resources.MakeDeployment(source)
	ra, err := r.deploymentLister.Deployments(expected.Namespace).Get(expected.Name)
	switch {
	case apierrors.IsNotFound(err):
		ra, err = r.kubeClientSet.AppsV1().Deployments(expected.Namespace).Create(ctx, expected, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating new Deployment: %w", err)
		}
		controller.GetEventRecorder(ctx).Eventf(source, corev1.EventTypeNormal, deploymentCreated, "Deployment created %q", ra.Name)
	case err != nil:
		return fmt.Errorf("getting Deployment: %w", err)
	case !metav1.IsControlledBy(ra, source):
		return fmt.Errorf("deployment %q is not owned by ContainerSource %q", ra.Name, source.Name)
	case podSpecChanged(&ra.Spec.Template.Spec, &expected.Spec.Template.Spec):
		want := ra.DeepCopy()
		want.Spec.Template.Spec = expected.Spec.Template.Spec
		if ra, err = r.kubeClientSet.AppsV1().Deployments(expected.Namespace).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating Deployment: %w", err)
		}
		controller.GetEventRecorder(ctx).Eventf(source, corev1.EventTypeNormal, deploymentUpdated, "Deployment updated %q", ra.Name)
	}
	source.Status.PropagateReceiveAdapterStatus(ra)
	return nil
}

// reconcileSinkBinding creates or updates the source's SinkBinding and
// takes its sink URI and readiness.
func (r *Reconciler) reconcileSinkBinding(ctx context.Context, source *v1.ContainerSource) error {
	expected := resources.MakeSinkBinding(source)
	sb, err := r.sinkBindingLister.SinkBindings(source.Namespace).Get(expected.Name)
	switch {
	case apierrors.IsNotFound(err):
		sb, err = r.eventingClientSet.SourcesV1().SinkBindings(source.Namespace).Create(ctx, expected, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating new SinkBinding: %w", err)
		}
		controller.GetEventRecorder(ctx).Eventf(source, corev1.EventTypeNormal, sinkBindingCreated, "SinkBinding created %q", sb.Name)
	case err != nil:
		return fmt.Errorf("getting SinkBinding: %w", err)
	case !metav1.IsControlledBy(sb, source):
		return fmt.Errorf("SinkBinding %q is not owned by ContainerSource %q", sb.Name, source.Name)
	case !equality.Semantic.DeepDerivative(expected.Spec, sb.Spec):
		want := sb.DeepCopy()
		want.Spec = expected.Spec
		if sb, err = r.eventingClientSet.SourcesV1().SinkBindings(source.Namespace).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating SinkBinding: %w", err)
		}
		controller.GetEventRecorder(ctx).Eventf(source, corev1.EventTypeNormal, sinkBindingUpdated, "SinkBinding updated %q", sb.Name)
	}
	source.Status.PropagateSinkBindingStatus(&sb.Status)
	return nil
}

// podSpecChanged tells whether have lacks what want sets; fields the
// apiserver defaults, and the K_SINK / K_CE_OVERRIDES the binding webhook
// adds, are not drift.
func podSpecChanged(have, want *corev1.PodSpec) bool {
	return !equality.Semantic.DeepDerivative(want, have)
}
