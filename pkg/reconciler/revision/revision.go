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

// Package revision reconciles Revisions: it resolves image tags to digests,
// runs the revision as a Deployment (user containers plus the queue-proxy
// sidecar) and hands its scaling to a PodAutoscaler, and reflects both in the
// revision's ResourcesAvailable, ContainerHealthy, Active and Ready
// conditions.
package revision

import (
	"context"
	"strings"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/kubernetes"
	appsv1listers "k8s.io/client-go/listers/apps/v1"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	clientset "github.com/skiffhq/skiff/pkg/client/clientset/versioned"
	revisionreconciler "github.com/skiffhq/skiff/pkg/client/injection/reconciler/serving/v1/revision"
	palisters "github.com/skiffhq/skiff/pkg/client/listers/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
	resourcenames "github.com/skiffhq/skiff/pkg/reconciler/revision/resources/names"
)

type resolver interface {
	Resolve(*zap.SugaredLogger, *v1.Revision, k8schainOptions, sets.Set[string], time.Duration) ([]v1.ContainerStatus, []v1.ContainerStatus, error)
	Clear(types.NamespacedName)
	Forget(types.NamespacedName)
}

// Reconciler implements controller.Reconciler for Revision resources.
type Reconciler struct {
	kubeclient kubernetes.Interface
	client     clientset.Interface

	podAutoscalerLister palisters.PodAutoscalerLister
	deploymentLister    appsv1listers.DeploymentLister

	resolver resolver
	// applied lets reconciles skip comparing Deployments whose spec has not
	// changed since it was last found right.
	applied appliedSpecs
	// localMode skips digest resolution for every image (SKIFF_LOCAL_MODE).
	localMode bool
}

// Check that our Reconciler implements the necessary interfaces.
var (
	_ revisionreconciler.Interface      = (*Reconciler)(nil)
	_ pkgreconciler.OnDeletionInterface = (*Reconciler)(nil)
)

// ReconcileKind implements Interface.ReconcileKind.
func (c *Reconciler) ReconcileKind(ctx context.Context, rev *v1.Revision) pkgreconciler.Event {
	ctx, cancel := context.WithTimeout(ctx, pkgreconciler.DefaultTimeout)
	defer cancel()

	readyBeforeReconcile := rev.IsReady()
	c.updateRevisionLoggingURL(ctx, rev)

	reconciled, err := c.reconcileDigest(ctx, rev)
	if err != nil {
		return err
	}
	if !reconciled {
		// Digest not resolved yet, wait for background resolution to re-enqueue the revision.
		rev.Status.MarkResourcesAvailableUnknown(v1.ReasonResolvingDigests, "")
		return nil
	}

	for _, phase := range []func(context.Context, *v1.Revision) error{
		c.reconcileDeployment,
		c.reconcilePA,
	} {
		if err := phase(ctx, rev); err != nil {
			return err
		}
	}

	readyAfterReconcile := rev.Status.GetCondition(v1.RevisionConditionReady).IsTrue()
	logger := logging.FromContext(ctx)
	if !readyBeforeReconcile && readyAfterReconcile {
		logger.Info("Revision became ready")
		controller.GetEventRecorder(ctx).Event(
			rev, corev1.EventTypeNormal, "RevisionReady",
			"Revision becomes ready upon all resources being ready")
	} else if readyBeforeReconcile && !readyAfterReconcile {
		logger.Info("Revision stopped being ready")
	}
	return nil
}

// reconcileDigest fills the revision's container statuses with the images'
// digests, so its pods run exactly the image it was created with. It returns
// false while a resolution is still running in the background. Images that
// need no registry (see resolveOffline) are answered here at once, sparing
// a round trip through the background queue.
func (c *Reconciler) reconcileDigest(ctx context.Context, rev *v1.Revision) (bool, error) {
	totalNumOfContainers := len(rev.Spec.Containers) + len(rev.Spec.InitContainers)

	// The image digest has already been resolved.
	if len(rev.Status.ContainerStatuses)+len(rev.Status.InitContainerStatuses) == totalNumOfContainers {
		c.resolver.Clear(types.NamespacedName{Namespace: rev.Namespace, Name: rev.Name})
		return true, nil
	}

	cfgs := config.FromContext(ctx)
	if initStatuses, statuses, ok := offlineStatuses(rev, cfgs.Deployment.RegistriesSkippingTagResolving, c.localMode); ok {
		rev.Status.ContainerStatuses = statuses
		rev.Status.InitContainerStatuses = initStatuses
		return true, nil
	}

	imagePullSecrets := make([]string, 0, len(rev.Spec.ImagePullSecrets))
	for _, s := range rev.Spec.ImagePullSecrets {
		imagePullSecrets = append(imagePullSecrets, s.Name)
	}
	opt := k8schainOptions{
		Namespace:          rev.Namespace,
		ServiceAccountName: rev.Spec.ServiceAccountName,
		ImagePullSecrets:   imagePullSecrets,
	}

	logger := logging.FromContext(ctx)
	initContainerStatuses, statuses, err := c.resolver.Resolve(logger, rev, opt, cfgs.Deployment.RegistriesSkippingTagResolving, cfgs.Deployment.DigestResolutionTimeout)
	if err != nil {
		// Clear the resolver so we can retry the digest resolution rather than
		// being stuck with this error.
		c.resolver.Clear(types.NamespacedName{Namespace: rev.Namespace, Name: rev.Name})
		rev.Status.MarkContainerHealthyFalse(v1.ReasonContainerMissing, err.Error())
		return true, err
	}

	if len(statuses) > 0 || len(initContainerStatuses) > 0 {
		rev.Status.ContainerStatuses = statuses
		rev.Status.InitContainerStatuses = initContainerStatuses
		return true, nil
	}

	// No digest yet, wait for re-enqueue when resolution is done.
	return false, nil
}

// offlineStatuses returns the container statuses when every image can be
// answered without a registry, and false otherwise.
func offlineStatuses(rev *v1.Revision, registriesToSkip sets.Set[string], localMode bool) (initStatuses, statuses []v1.ContainerStatus, ok bool) {
	resolve := func(containers []corev1.Container) ([]v1.ContainerStatus, bool) {
		if len(containers) == 0 {
			return nil, true
		}
		out := make([]v1.ContainerStatus, len(containers))
		for i, c := range containers {
			digest, ok := resolveOffline(c.Image, registriesToSkip, localMode)
			if !ok {
				return nil, false
			}
			out[i] = v1.ContainerStatus{Name: c.Name, ImageDigest: digest}
		}
		return out, true
	}
	if initStatuses, ok = resolve(rev.Spec.InitContainers); !ok {
		return nil, nil, false
	}
	if statuses, ok = resolve(rev.Spec.Containers); !ok {
		return nil, nil, false
	}
	return initStatuses, statuses, true
}

func (c *Reconciler) updateRevisionLoggingURL(ctx context.Context, rev *v1.Revision) {
	config := config.FromContext(ctx)
	if config.Observability.LoggingURLTemplate == "" {
		rev.Status.LogURL = ""
		return
	}

	rev.Status.LogURL = strings.ReplaceAll(
		config.Observability.LoggingURLTemplate,
		"${REVISION_UID}", string(rev.UID))
}

// ObserveDeletion implements OnDeletionInterface.ObserveDeletion.
func (c *Reconciler) ObserveDeletion(_ context.Context, key types.NamespacedName) error {
	c.resolver.Forget(key)
	c.applied.forget(types.NamespacedName{Namespace: key.Namespace, Name: resourcenames.Deployment(&v1.Revision{ObjectMeta: metav1.ObjectMeta{Name: key.Name}})})
	return nil
}
