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

// Package resources builds the Revisions a Configuration stamps out.
package resources

import (
	"context"
	"fmt"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

// MakeRevision creates the Revision for the configuration's current
// generation: named from the template (BYO name) or <config>-%05d of the
// generation, labelled with its configuration, generation, UIDs and service,
// controlled by the configuration, with routing state pending (or active if
// the configuration is already routed), stamped at tm.
func MakeRevision(_ context.Context, configuration *v1.Configuration, tm time.Time) *v1.Revision {
	// Start from the ObjectMeta/Spec inlined in the Configuration resources.
	template := configuration.Spec.GetTemplate().DeepCopy()
	rev := &v1.Revision{
		ObjectMeta: template.ObjectMeta,
		Spec:       template.Spec,
	}
	rev.Namespace = configuration.Namespace
	if rev.Name == "" {
		rev.Name = kmeta.ChildName(configuration.Name, fmt.Sprintf("-%05d", configuration.Generation))
	}

	// Pending tells the labeler and the garbage collector that no route has
	// been considered yet: it is neither routed nor collectable.
	rev.SetRoutingState(v1.RoutingStatePending, tm)

	updateRevisionLabels(rev, configuration)
	updateRevisionAnnotations(rev, configuration, tm)

	// Deleting the Configuration deletes its Revisions.
	rev.OwnerReferences = append(rev.OwnerReferences, *kmeta.NewControllerRef(configuration))

	return rev
}

// updateRevisionLabels sets the revision's labels derived from its Configuration.
func updateRevisionLabels(rev, config metav1.Object) {
	labels := rev.GetLabels()
	if labels == nil {
		labels = make(map[string]string, 5)
	}

	for _, key := range []string{
		serving.ConfigurationLabelKey,
		serving.ServiceLabelKey,
		serving.ConfigurationGenerationLabelKey,
		serving.ConfigurationUIDLabelKey,
		serving.ServiceUIDLabelKey,
	} {
		if value := RevisionLabelValueForKey(key, config); value != "" {
			labels[key] = value
		}
	}

	rev.SetLabels(labels)
}

// updateRevisionAnnotations carries the Configuration's updater over as the
// revision's creator, and its routes: a revision of a routed Configuration
// is routed from birth, so it is active, not pending.
func updateRevisionAnnotations(rev *v1.Revision, config metav1.Object, tm time.Time) {
	annotations := rev.GetAnnotations()
	if annotations == nil {
		annotations = make(map[string]string, 1)
	}

	cans := config.GetAnnotations()
	if c, ok := cans[serving.UpdaterAnnotation]; ok {
		annotations[serving.CreatorAnnotation] = c
	}
	if v, ok := cans[serving.RoutesAnnotationKey]; ok {
		annotations[serving.RoutesAnnotationKey] = v
		rev.SetRoutingState(v1.RoutingStateActive, tm)
	}

	rev.SetAnnotations(annotations)
}

// RevisionLabelValueForKey returns the value of a Revision label derived from
// its Configuration, or "" for keys that are not.
func RevisionLabelValueForKey(key string, config metav1.Object) string {
	switch key {
	case serving.ConfigurationLabelKey:
		return config.GetName()
	case serving.ServiceLabelKey:
		return config.GetLabels()[serving.ServiceLabelKey]
	case serving.ConfigurationGenerationLabelKey:
		return strconv.FormatInt(config.GetGeneration(), 10)
	case serving.ConfigurationUIDLabelKey:
		return string(config.GetUID())
	case serving.ServiceUIDLabelKey:
		return config.GetLabels()[serving.ServiceUIDLabelKey]
	}
	return ""
}
