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

package v1

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

// propagateDeploymentAvailability copies the Available condition of d onto
// condition t: True, False and Unknown carry over with their reason and
// message; a Deployment without that condition yet (or no Deployment at all)
// is Unknown with reason DeploymentUnavailable, as upstream reports it.
func propagateDeploymentAvailability(m apis.ConditionManager, t apis.ConditionType, d *appsv1.Deployment) {
	// A Deployment whose controller has not yet seen its latest spec reports
	// the availability of the previous one: right after the PingSource
	// reconciler scales the shared adapter up from zero it still says
	// Available=True (zero of zero replicas), which would make the source
	// Ready until the Deployment controller catches up and takes it back.
	if d != nil && d.Generation > d.Status.ObservedGeneration {
		m.MarkUnknown(t, "DeploymentProgressing", "The Deployment '%s' has not yet observed generation %d.", d.Name, d.Generation)
		return
	}
	if d != nil {
		for _, cond := range d.Status.Conditions {
			if cond.Type != appsv1.DeploymentAvailable {
				continue
			}
			switch cond.Status {
			case corev1.ConditionTrue:
				m.MarkTrue(t)
			case corev1.ConditionFalse:
				m.MarkFalse(t, cond.Reason, "%s", cond.Message)
			default:
				m.MarkUnknown(t, cond.Reason, "%s", cond.Message)
			}
			return
		}
	}
	name := ""
	if d != nil {
		name = d.Name
	}
	m.MarkUnknown(t, "DeploymentUnavailable", "The Deployment '%s' is unavailable.", name)
}

// markSink records the resolved sink address on a SourceStatus and sets
// condition t; a nil address is a False condition with reason SinkEmpty.
func markSink(m apis.ConditionManager, t apis.ConditionType, s *duckv1.SourceStatus, addr *duckv1.Addressable) {
	if addr == nil {
		m.MarkFalse(t, "SinkEmpty", "Sink has resolved to empty.")
		return
	}
	s.SinkURI = addr.URL
	s.SinkCACerts = addr.CACerts
	s.SinkAudience = addr.Audience
	m.MarkTrue(t)
}
