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

package apiserversource

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.uber.org/zap"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/apis/feature"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/apiserversource/resources"
)

// reconcileSink resolves spec.sink into status.sinkUri.
func (r *Reconciler) reconcileSink(ctx context.Context, source *v1.ApiServerSource) error {
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

// reconcileNamespaces records the namespaces to watch: the source's own,
// or those its namespaceSelector selects (sorted).
func (r *Reconciler) reconcileNamespaces(_ context.Context, src *v1.ApiServerSource) error {
	if src.Spec.NamespaceSelector == nil {
		src.Status.Namespaces = []string{src.Namespace}
		return nil
	}
	selector, err := metav1.LabelSelectorAsSelector(src.Spec.NamespaceSelector)
	if err != nil {
		return fmt.Errorf("parsing spec.namespaceSelector: %w", err)
	}
	namespaces, err := r.namespaceLister.List(selector)
	if err != nil {
		return fmt.Errorf("listing the selected namespaces: %w", err)
	}
	names := make([]string, 0, len(namespaces))
	for _, ns := range namespaces {
		names = append(names, ns.Name)
	}
	sort.Strings(names)
	src.Status.Namespaces = names
	return nil
}

// allNamespaces tells whether the selector selects every namespace (it is
// set and empty): the adapter then watches cluster-wide.
func allNamespaces(selector *metav1.LabelSelector) bool {
	return selector != nil && len(selector.MatchLabels) == 0 && len(selector.MatchExpressions) == 0
}

// serviceAccountUser is the user the adapter runs as.
func serviceAccountUser(src *v1.ApiServerSource) string {
	sa := src.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	return "system:serviceaccount:" + src.Namespace + ":" + sa
}

// reconcilePermissions asks the apiserver (SubjectAccessReview) whether
// the adapter's ServiceAccount may get, list and watch every resource in
// every namespace it watches. Missing permissions mark the source not
// Ready, naming each missing verb, and stop the reconcile before an
// adapter that could only crash-loop is run; the error requeues the source
// with backoff, so granting the permissions is noticed.
func (r *Reconciler) reconcilePermissions(ctx context.Context, src *v1.ApiServerSource) error {
	if len(src.Spec.Resources) == 0 {
		src.Status.MarkSufficientPermissions()
		return nil
	}
	user := serviceAccountUser(src)
	var missing []string
	for _, res := range src.Spec.Resources {
		gv, err := schema.ParseGroupVersion(res.APIVersion)
		if err != nil {
			return fmt.Errorf("parsing apiVersion %q: %w", res.APIVersion, err)
		}
		gvr, _ := meta.UnsafeGuessKindToResource(gv.WithKind(res.Kind))
		for _, ns := range src.Status.Namespaces {
			var missingVerbs []string
			for _, verb := range []string{"get", "list", "watch"} {
				sar := &authorizationv1.SubjectAccessReview{
					Spec: authorizationv1.SubjectAccessReviewSpec{
						ResourceAttributes: &authorizationv1.ResourceAttributes{
							Namespace: ns,
							Verb:      verb,
							Group:     gv.Group,
							Resource:  gvr.Resource,
						},
						User: user,
					},
				}
				response, err := r.kubeClientSet.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
				if err != nil {
					return fmt.Errorf("checking whether %s may %s %s: %w", user, verb, gvr.Resource, err)
				}
				if !response.Status.Allowed {
					missingVerbs = append(missingVerbs, verb)
				}
			}
			if len(missingVerbs) > 0 {
				missing = append(missing, fmt.Sprintf("%s resource %q in API group %q in Namespace %q",
					strings.Join(missingVerbs, ", "), gvr.Resource, gv.Group, ns))
			}
		}
	}
	if len(missing) == 0 {
		src.Status.MarkSufficientPermissions()
		return nil
	}
	msg := fmt.Sprintf("User %s cannot %s", user, strings.Join(missing, ", "))
	src.Status.MarkNoSufficientPermissions(NoSufficientPermissionsReason, "%s", msg)
	return fmt.Errorf("insufficient permissions: %s", msg)
}

// reconcileReceiveAdapter creates or updates the source's adapter
// Deployment and propagates its availability.
func (r *Reconciler) reconcileReceiveAdapter(ctx context.Context, src *v1.ApiServerSource) error {
	expected, err := resources.MakeReceiveAdapter(&resources.ReceiveAdapterArgs{
		Image:         r.receiveAdapterImage,
		Source:        src,
		Labels:        resources.Labels(src.Name),
		SinkURI:       src.Status.SinkURI.String(),
		CACerts:       src.Status.SinkCACerts,
		Configs:       r.configs,
		Namespaces:    src.Status.Namespaces,
		AllNamespaces: allNamespaces(src.Spec.NamespaceSelector),
		NodeSelector:  feature.FromContextOrDefaults(ctx).NodeSelector(),
	})
	if err != nil {
		return fmt.Errorf("making the receive adapter: %w", err)
	}

	ra, err := r.deploymentLister.Deployments(src.Namespace).Get(expected.Name)
	switch {
	case apierrors.IsNotFound(err):
		ra, err = r.kubeClientSet.AppsV1().Deployments(src.Namespace).Create(ctx, expected, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating the receive adapter: %w", err)
		}
		controller.GetEventRecorder(ctx).Eventf(src, corev1.EventTypeNormal, apiserversourceDeploymentCreated, "Deployment created")
	case err != nil:
		return fmt.Errorf("getting the receive adapter: %w", err)
	case !metav1.IsControlledBy(ra, src):
		return fmt.Errorf("deployment %q is not owned by ApiServerSource %q", ra.Name, src.Name)
	case podSpecChanged(&ra.Spec.Template.Spec, &expected.Spec.Template.Spec):
		want := ra.DeepCopy()
		want.Spec.Template.Spec = expected.Spec.Template.Spec
		if ra, err = r.kubeClientSet.AppsV1().Deployments(src.Namespace).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating the receive adapter: %w", err)
		}
		controller.GetEventRecorder(ctx).Eventf(src, corev1.EventTypeNormal, apiserversourceDeploymentUpdated, "Deployment %q updated", ra.Name)
	}
	src.Status.PropagateDeploymentAvailability(ra)
	return nil
}

// podSpecChanged tells whether have lacks what want sets (defaulted fields
// are not drift), or has other environment: the environment is all ours.
func podSpecChanged(have, want *corev1.PodSpec) bool {
	if !equality.Semantic.DeepDerivative(want, have) {
		return true
	}
	if len(have.Containers) != len(want.Containers) {
		return true
	}
	for i := range want.Containers {
		if !equality.Semantic.DeepEqual(want.Containers[i].Env, have.Containers[i].Env) {
			return true
		}
	}
	return false
}
