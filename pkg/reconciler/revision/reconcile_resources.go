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
	"fmt"

	"go.uber.org/zap"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/kmp"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/resources"
	resourcenames "github.com/skiffhq/skiff/pkg/reconciler/revision/resources/names"
)

// stuckWaitingReasons are kubelet's reasons for a container that will not
// start until someone acts (fix the image, the secret, the config). Upstream
// reports them only once the progress deadline has passed; Skiff shows them
// at once as ResourcesAvailable=Unknown, so `kubectl get rev` tells why the
// revision is not ready, and still fails the revision only at the deadline.
var stuckWaitingReasons = sets.New(
	"ErrImagePull",
	"ImagePullBackOff",
	"InvalidImageName",
	"ErrImageNeverPull",
	"CreateContainerConfigError",
	"CreateContainerError",
)

func (c *Reconciler) reconcileDeployment(ctx context.Context, rev *v1.Revision) error {
	ns := rev.Namespace
	deploymentName := resourcenames.Deployment(rev)
	logger := logging.FromContext(ctx).With(zap.String(logkey.Deployment, deploymentName))

	deployment, err := c.deploymentLister.Deployments(ns).Get(deploymentName)
	if apierrs.IsNotFound(err) {
		// Deployment does not exist. Create it.
		rev.Status.MarkResourcesAvailableUnknown(v1.ReasonDeploying, "")
		rev.Status.MarkContainerHealthyUnknown(v1.ReasonDeploying, "")
		if _, err = c.createDeployment(ctx, rev); err != nil {
			return fmt.Errorf("failed to create deployment %q: %w", deploymentName, err)
		}
		logger.Infof("Created deployment %q", deploymentName)
		return nil
	} else if err != nil {
		return fmt.Errorf("failed to get deployment %q: %w", deploymentName, err)
	} else if !metav1.IsControlledBy(deployment, rev) {
		// Surface an error in the revision's status, and return an error.
		rev.Status.MarkResourcesAvailableFalse(v1.ReasonNotOwned, v1.ResourceNotOwnedMessage("Deployment", deploymentName))
		return fmt.Errorf("revision: %q does not own Deployment: %q", rev.Name, deploymentName)
	}

	// The deployment exists, but make sure that it has the shape that we expect.
	deployment, err = c.checkAndUpdateDeployment(ctx, rev, deployment)
	if err != nil {
		return fmt.Errorf("failed to update deployment %q: %w", deploymentName, err)
	}

	rev.Status.PropagateDeploymentStatus(&deployment.Status)

	// If a container keeps crashing (no active pods in the deployment although we want some)
	if deployment.Spec.Replicas != nil && *deployment.Spec.Replicas > 0 && deployment.Status.AvailableReplicas == 0 {
		c.diagnosePods(ctx, rev, deployment)
	}

	if deployment.Status.ReadyReplicas > 0 {
		rev.Status.MarkContainerHealthyTrue()
	}
	return nil
}

// diagnosePods looks at one of the deployment's pods (they all run the same
// spec) and surfaces why it is not available: unschedulable, a user
// container that exited, or one that cannot start.
func (c *Reconciler) diagnosePods(ctx context.Context, rev *v1.Revision, deployment *appsv1.Deployment) {
	logger := logging.FromContext(ctx)
	pods, err := c.kubeclient.CoreV1().Pods(rev.Namespace).List(ctx, metav1.ListOptions{
		LabelSelector: metav1.FormatLabelSelector(deployment.Spec.Selector),
		Limit:         1,
	})
	if err != nil {
		// Diagnosis is best effort; the deployment's own status still counts.
		logger.Errorw("Error getting pods", zap.Error(err))
		return
	}
	if len(pods.Items) == 0 {
		return
	}
	pod := pods.Items[0]

	// A pod that cannot be scheduled (e.g. resource constraints) has no
	// container statuses yet.
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse {
			rev.Status.MarkResourcesAvailableFalse(cond.Reason, cond.Message)
			break
		}
	}

	for _, status := range pod.Status.ContainerStatuses {
		if status.Name == resources.QueueContainerName {
			continue
		}
		if t := status.LastTerminationState.Terminated; t != nil {
			logger.Infof("marking exiting with: %d/%s", t.ExitCode, t.Message)
			message := t.Message
			if t.ExitCode == 0 && message == "" {
				// Still say something when the container exits without a message.
				message = "container exited with no error"
			}
			rev.Status.MarkContainerHealthyFalse(v1.ExitCodeReason(t.ExitCode), v1.RevisionContainerExitingMessage(message))
			return
		}
		if w := status.State.Waiting; w != nil {
			if hasDeploymentTimedOut(deployment) {
				logger.Infof("marking resources unavailable with: %s: %s", w.Reason, w.Message)
				rev.Status.MarkResourcesAvailableFalse(w.Reason, w.Message)
				return
			}
			if stuckWaitingReasons.Has(w.Reason) {
				rev.Status.MarkResourcesAvailableUnknown(w.Reason, w.Message)
				return
			}
		}
	}
}

func (c *Reconciler) reconcilePA(ctx context.Context, rev *v1.Revision) error {
	ns := rev.Namespace

	deploymentName := resourcenames.Deployment(rev)
	deployment, err := c.deploymentLister.Deployments(ns).Get(deploymentName)
	if apierrs.IsNotFound(err) {
		// Just created: the lister has not seen it yet. The PA only needs
		// the deployment to judge reachability of failing revisions.
		deployment = nil
	} else if err != nil {
		return fmt.Errorf("failed to get deployment %q: %w", deploymentName, err)
	}

	paName := resourcenames.PA(rev)
	logger := logging.FromContext(ctx)

	pa, err := c.podAutoscalerLister.PodAutoscalers(ns).Get(paName)
	if apierrs.IsNotFound(err) {
		// PA does not exist. Create it.
		pa, err = c.createPA(ctx, rev, deployment)
		if err != nil {
			return fmt.Errorf("failed to create PA %q: %w", paName, err)
		}
		logger.Info("Created PA: ", paName)
	} else if err != nil {
		return fmt.Errorf("failed to get PA %q: %w", paName, err)
	} else if !metav1.IsControlledBy(pa, rev) {
		// Surface an error in the revision's status, and return an error.
		rev.Status.MarkResourcesAvailableFalse(v1.ReasonNotOwned, v1.ResourceNotOwnedMessage("PodAutoscaler", paName))
		return fmt.Errorf("revision: %q does not own PodAutoscaler: %q", rev.Name, paName)
	}

	// The PA's spec follows the revision (reachability changes with routing).
	tmpl := resources.MakePA(rev, deployment)
	if !equality.Semantic.DeepEqual(tmpl.Spec, pa.Spec) {
		diff, _ := kmp.SafeDiff(tmpl.Spec, pa.Spec) // Can't realistically fail on PASpec.
		logger.Infof("PA %s needs reconciliation, diff(-want,+got):\n%s", pa.Name, diff)

		want := pa.DeepCopy()
		want.Spec = tmpl.Spec
		if pa, err = c.client.AutoscalingV1alpha1().PodAutoscalers(ns).Update(ctx, want, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("failed to update PA %q: %w", paName, err)
		}
	}

	rev.Status.PropagateAutoscalerStatus(&pa.Status)
	return nil
}

// hasDeploymentTimedOut is true once the Deployment gave up progressing
// (see https://kubernetes.io/docs/concepts/workloads/controllers/deployment).
func hasDeploymentTimedOut(deployment *appsv1.Deployment) bool {
	for _, cond := range deployment.Status.Conditions {
		if cond.Status != corev1.ConditionFalse {
			continue
		}
		if cond.Type == appsv1.DeploymentProgressing && cond.Reason == v1.ReasonProgressDeadlineExceeded {
			return true
		}
	}
	return false
}
