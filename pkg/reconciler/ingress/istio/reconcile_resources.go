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

package istio

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"istio.io/client-go/pkg/apis/networking/v1beta1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/controller"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

// reconcileVirtualServices creates or updates the desired VirtualServices,
// then deletes the other ones the Ingress controls.
func (r *Reconciler) reconcileVirtualServices(ctx context.Context, ing *v1alpha1.Ingress, desired []*v1beta1.VirtualService) error {
	kept := sets.New[string]()
	for _, d := range desired {
		if d.GetAnnotations()[networking.IngressClassAnnotationKey] != netcfg.IstioIngressClassName {
			// Resources without the istio class annotation are not
			// created, so obsolete ones get cleaned up.
			continue
		}
		if err := r.reconcileVirtualService(ctx, ing, d); err != nil {
			return err
		}
		kept.Insert(d.Name)
	}
	return r.deleteVirtualServices(ctx, ing, kept)
}

func (r *Reconciler) reconcileVirtualService(ctx context.Context, ing *v1alpha1.Ingress, desired *v1beta1.VirtualService) error {
	recorder := controller.GetEventRecorder(ctx)
	ns, name := desired.Namespace, desired.Name
	vs, err := r.virtualServiceLister.VirtualServices(ns).Get(name)
	switch {
	case apierrs.IsNotFound(err):
		if _, err := r.istioClientSet.NetworkingV1beta1().VirtualServices(ns).Create(ctx, desired, metav1.CreateOptions{}); err != nil {
			recorder.Eventf(ing, corev1.EventTypeWarning, "CreationFailed", "Failed to create VirtualService %s/%s: %v", ns, name, err)
			return fmt.Errorf("failed to create VirtualService: %w", err)
		}
		recorder.Eventf(ing, corev1.EventTypeNormal, "Created", "Created VirtualService %q", name)
	case err != nil:
		return fmt.Errorf("failed to get VirtualService %s/%s: %w", ns, name, err)
	case !metav1.IsControlledBy(vs, ing):
		ing.Status.MarkResourceNotOwned("VirtualService", name)
		return fmt.Errorf("notowned: owner: %s with Type %T does not own VirtualService: %q", ing.Name, ing, name)
	case hasDesiredDiff(vs, desired):
		// Don't modify the informer's copy.
		existing := vs.DeepCopy()
		existing.Spec = *desired.Spec.DeepCopy()
		existing.Labels = desired.Labels
		existing.Annotations = desired.Annotations
		if _, err := r.istioClientSet.NetworkingV1beta1().VirtualServices(ns).Update(ctx, existing, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("failed to update VirtualService: %w", err)
		}
		recorder.Eventf(ing, corev1.EventTypeNormal, "Updated", "Updated VirtualService %s/%s", ns, name)
	}
	return nil
}

func hasDesiredDiff(current, desired *v1beta1.VirtualService) bool {
	return !cmp.Equal(current.Spec.DeepCopy(), desired.Spec.DeepCopy(), protocmp.Transform()) ||
		!cmp.Equal(current.Labels, desired.Labels) ||
		!cmp.Equal(current.Annotations, desired.Annotations)
}

// deleteVirtualServices deletes the VirtualServices the Ingress controls
// except kept, found by the Ingress label (and the Route label older
// releases used), in name order.
func (r *Reconciler) deleteVirtualServices(ctx context.Context, ing *v1alpha1.Ingress, kept sets.Set[string]) error {
	selectors := []labels.Set{{networking.IngressLabelKey: ing.GetName()}}
	if route := ing.GetLabels()[serving.RouteLabelKey]; route != "" {
		selectors = append(selectors, labels.Set{serving.RouteLabelKey: route})
	}
	deleted := sets.New[string]()
	for _, sel := range selectors {
		vses, err := r.virtualServiceLister.VirtualServices(ing.GetNamespace()).List(labels.SelectorFromSet(sel))
		if err != nil {
			return fmt.Errorf("failed to list VirtualServices: %w", err)
		}
		sort.Slice(vses, func(i, j int) bool { return vses[i].Name < vses[j].Name })
		for _, vs := range vses {
			if kept.Has(vs.Name) || deleted.Has(vs.Name) || !metav1.IsControlledBy(vs, ing) {
				continue
			}
			err := r.istioClientSet.NetworkingV1beta1().VirtualServices(vs.Namespace).Delete(ctx, vs.Name, metav1.DeleteOptions{})
			if err != nil && !apierrs.IsNotFound(err) {
				return fmt.Errorf("failed to delete VirtualService: %w", err)
			}
			deleted.Insert(vs.Name)
		}
	}
	return nil
}
