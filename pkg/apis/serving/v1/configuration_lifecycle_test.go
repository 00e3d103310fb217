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
	"testing"

	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
)

func TestConfigurationIsReadyFailedUpToDate(t *testing.T) {
	observed := func(s duckv1.Status, gen int64) duckv1.Status { s.ObservedGeneration = gen; return s }
	tests := []struct {
		name         string
		gen          int64
		status       ConfigurationStatus
		wantReady    bool
		wantFailed   bool
		wantUpToDate bool
	}{{
		name: "empty status",
	}, {
		name: "ready, latest created is latest ready",
		gen:  1,
		status: ConfigurationStatus{
			Status:                    observed(readyStatus("Ready", "True", "", ""), 1),
			ConfigurationStatusFields: ConfigurationStatusFields{LatestCreatedRevisionName: "a", LatestReadyRevisionName: "a"},
		},
		wantReady:    true,
		wantUpToDate: true,
	}, {
		name: "ready, newer revision created",
		gen:  1,
		status: ConfigurationStatus{
			Status:                    observed(readyStatus("Ready", "True", "", ""), 1),
			ConfigurationStatusFields: ConfigurationStatusFields{LatestCreatedRevisionName: "b", LatestReadyRevisionName: "a"},
		},
		wantReady: true,
	}, {
		name: "ready, generation not observed",
		gen:  2,
		status: ConfigurationStatus{
			Status:                    observed(readyStatus("Ready", "True", "", ""), 1),
			ConfigurationStatusFields: ConfigurationStatusFields{LatestCreatedRevisionName: "a", LatestReadyRevisionName: "a"},
		},
	}, {
		name:       "failed",
		status:     ConfigurationStatus{Status: readyStatus("Ready", "False", "RevisionFailed", "")},
		wantFailed: true,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			c := &Configuration{Status: test.status}
			c.Generation = test.gen
			if got := c.IsReady(); got != test.wantReady {
				t.Errorf("IsReady() = %v, want %v", got, test.wantReady)
			}
			if got := c.IsFailed(); got != test.wantFailed {
				t.Errorf("IsFailed() = %v, want %v", got, test.wantFailed)
			}
			if got := c.IsLatestReadyRevisionNameUpToDate(); got != test.wantUpToDate {
				t.Errorf("IsLatestReadyRevisionNameUpToDate() = %v, want %v", got, test.wantUpToDate)
			}
		})
	}
}

func TestConfigurationLifecycle(t *testing.T) {
	type step func(*ConfigurationStatus)
	created := func(n string) step { return func(s *ConfigurationStatus) { s.SetLatestCreatedRevisionName(n) } }
	ready := func(n string) step { return func(s *ConfigurationStatus) { s.SetLatestReadyRevisionName(n) } }
	failed := func(n string) step { return func(s *ConfigurationStatus) { s.MarkLatestCreatedFailed(n, "boom") } }

	tests := []struct {
		name        string
		steps       []step
		want        string
		wantCreated string
		wantReady   string
		wantMessage string
	}{{
		name: "initialized",
		want: "Unknown",
	}, {
		name:        "typical flow",
		steps:       []step{created("foo-00001"), ready("foo-00001")},
		want:        "True",
		wantCreated: "foo-00001",
		wantReady:   "foo-00001",
	}, {
		name:        "second revision created while the first is ready",
		steps:       []step{created("foo-00001"), ready("foo-00001"), created("foo-00002")},
		want:        "Unknown",
		wantCreated: "foo-00002",
		wantReady:   "foo-00001",
	}, {
		name:        "an older revision becoming ready is not enough",
		steps:       []step{created("foo-00001"), created("foo-00002"), ready("foo-00001")},
		want:        "Unknown",
		wantCreated: "foo-00002",
		wantReady:   "foo-00001",
	}, {
		name:        "first revision fails",
		steps:       []step{created("foo-00001"), failed("foo-00001")},
		want:        "False/RevisionFailed",
		wantCreated: "foo-00001",
		wantMessage: `Revision "foo-00001" failed with message: boom.`,
	}, {
		name:        "first revision fails, second recovers",
		steps:       []step{created("foo-00001"), failed("foo-00001"), created("foo-00002"), ready("foo-00002")},
		want:        "True",
		wantCreated: "foo-00002",
		wantReady:   "foo-00002",
	}, {
		name:        "second revision fails",
		steps:       []step{created("foo-00001"), ready("foo-00001"), created("foo-00002"), failed("foo-00002")},
		want:        "False/RevisionFailed",
		wantCreated: "foo-00002",
		wantReady:   "foo-00001",
	}, {
		name:        "revision creation fails",
		steps:       []step{func(s *ConfigurationStatus) { s.MarkRevisionCreationFailed("quota") }},
		want:        "False/RevisionFailed",
		wantMessage: "Revision creation failed with message: quota.",
	}, {
		name: "latest ready deleted, then fixed",
		steps: []step{created("foo-00001"), ready("foo-00001"),
			(*ConfigurationStatus).MarkLatestReadyDeleted,
			created("foo-00002"), ready("foo-00002")},
		want:        "True",
		wantCreated: "foo-00002",
		wantReady:   "foo-00002",
	}, {
		name:        "latest ready deleted",
		steps:       []step{created("foo-00001"), ready("foo-00001"), (*ConfigurationStatus).MarkLatestReadyDeleted},
		want:        "False/RevisionDeleted",
		wantCreated: "foo-00001",
		wantReady:   "foo-00001",
		wantMessage: `Revision "foo-00001" was deleted.`,
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &ConfigurationStatus{}
			s.InitializeConditions()
			for _, st := range test.steps {
				st(s)
			}
			checkConds(t, s, map[apis.ConditionType]string{ConfigurationConditionReady: test.want})
			if s.LatestCreatedRevisionName != test.wantCreated {
				t.Errorf("LatestCreatedRevisionName = %q, want %q", s.LatestCreatedRevisionName, test.wantCreated)
			}
			if s.LatestReadyRevisionName != test.wantReady {
				t.Errorf("LatestReadyRevisionName = %q, want %q", s.LatestReadyRevisionName, test.wantReady)
			}
			if test.wantMessage != "" {
				checkMessage(t, s, ConfigurationConditionReady, test.wantMessage)
			}
		})
	}
}

func TestConfigurationGetTemplate(t *testing.T) {
	cs := &ConfigurationSpec{}
	cs.GetTemplate().Name = "foo"
	if cs.Template.Name != "foo" {
		t.Error("GetTemplate() does not point into the spec")
	}
}
