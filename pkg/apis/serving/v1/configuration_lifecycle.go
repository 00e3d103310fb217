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
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
)

// configCondSet has Ready only: it follows the latest created revision.
var configCondSet = apis.NewLivingConditionSet()

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*Configuration) GetConditionSet() apis.ConditionSet {
	return configCondSet
}

// GetGroupVersionKind returns the GroupVersionKind.
func (*Configuration) GetGroupVersionKind() schema.GroupVersionKind {
	return SchemeGroupVersion.WithKind("Configuration")
}

// IsReady returns true if the Configuration is Ready and its latest
// generation has been observed.
func (c *Configuration) IsReady() bool {
	cs := c.Status
	return cs.ObservedGeneration == c.Generation &&
		cs.GetCondition(ConfigurationConditionReady).IsTrue()
}

// IsFailed returns true if the latest generation has been observed and
// Ready is False.
func (c *Configuration) IsFailed() bool {
	cs := c.Status
	return cs.ObservedGeneration == c.Generation &&
		cs.GetCondition(ConfigurationConditionReady).IsFalse()
}

// IsLatestReadyRevisionNameUpToDate returns true if the Configuration is
// ready and its latest created revision is also its latest ready one.
func (c *Configuration) IsLatestReadyRevisionNameUpToDate() bool {
	return c.IsReady() &&
		c.Status.LatestCreatedRevisionName == c.Status.LatestReadyRevisionName
}

// InitializeConditions sets the initial values to the conditions.
func (cs *ConfigurationStatus) InitializeConditions() {
	configCondSet.Manage(cs).InitializeConditions()
}

// GetTemplate returns a pointer to the RevisionTemplateSpec; never nil.
func (cs *ConfigurationSpec) GetTemplate() *RevisionTemplateSpec {
	return &cs.Template
}

// SetLatestCreatedRevisionName records the latest created revision, and
// marks Ready Unknown unless it is also the latest ready one.
func (cs *ConfigurationStatus) SetLatestCreatedRevisionName(name string) {
	cs.LatestCreatedRevisionName = name
	if cs.LatestReadyRevisionName != name {
		configCondSet.Manage(cs).MarkUnknown(ConfigurationConditionReady, "", "")
	}
}

// SetLatestReadyRevisionName records the latest ready revision, and marks
// Ready True when it is also the latest created one.
func (cs *ConfigurationStatus) SetLatestReadyRevisionName(name string) {
	cs.LatestReadyRevisionName = name
	if cs.LatestReadyRevisionName == cs.LatestCreatedRevisionName {
		configCondSet.Manage(cs).MarkTrue(ConfigurationConditionReady)
	}
}

// MarkLatestCreatedFailed marks Ready False because the latest created
// Revision failed.
func (cs *ConfigurationStatus) MarkLatestCreatedFailed(name, message string) {
	configCondSet.Manage(cs).MarkFalse(
		ConfigurationConditionReady,
		"RevisionFailed",
		"Revision %q failed with message: %s.", name, message)
}

// MarkRevisionCreationFailed marks Ready False because creating the
// Revision failed.
func (cs *ConfigurationStatus) MarkRevisionCreationFailed(message string) {
	configCondSet.Manage(cs).MarkFalse(
		ConfigurationConditionReady,
		"RevisionFailed",
		"Revision creation failed with message: %s.", message)
}

// MarkLatestReadyDeleted marks Ready False because the latest ready
// Revision was deleted.
func (cs *ConfigurationStatus) MarkLatestReadyDeleted() {
	configCondSet.Manage(cs).MarkFalse(
		ConfigurationConditionReady,
		"RevisionDeleted",
		"Revision %q was deleted.", cs.LatestReadyRevisionName)
}
