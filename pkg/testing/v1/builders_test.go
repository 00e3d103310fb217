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
	"time"

	clocktesting "k8s.io/utils/clock/testing"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestRevisionBuilders(t *testing.T) {
	r := Revision("ns", "foo-00001", MarkRevisionReady, WithRevContainerConcurrency(3),
		WithRevisionLabel(serving.ConfigurationLabelKey, "foo"),
		WithRoutingState(v1.RoutingStateActive, clocktesting.NewFakePassiveClock(time.Unix(100, 0))))
	if !r.IsReady() {
		t.Error("MarkRevisionReady did not make the revision ready")
	}
	if r.Spec.GetContainerConcurrency() != 3 {
		t.Errorf("containerConcurrency = %d, want 3", r.Spec.GetContainerConcurrency())
	}
	if r.Spec.TimeoutSeconds == nil {
		t.Error("Revision() did not apply defaults")
	}
	if r.Labels[serving.ConfigurationLabelKey] != "foo" || r.GetRoutingState() != v1.RoutingStateActive {
		t.Errorf("labels = %v", r.Labels)
	}

	failed := Revision("ns", "foo-00002", WithInitRevConditions, MarkContainerExiting(1, "crash"), WithRevisionObservedGeneration(1))
	if !failed.IsFailed() {
		t.Error("MarkContainerExiting did not fail the revision")
	}
}

func TestConfigurationBuilders(t *testing.T) {
	c := Configuration("ns", "foo", WithConfigGeneration(2), WithConfigObservedGen,
		WithLatestCreated("foo-00002"), WithLatestReady("foo-00002"))
	if !c.IsReady() || !c.IsLatestReadyRevisionNameUpToDate() {
		t.Errorf("configuration not ready: %+v", c.Status)
	}
	c = Configuration("ns", "foo", WithLatestCreated("foo-00001"), MarkLatestCreatedFailed("boom"))
	if !c.IsFailed() {
		t.Errorf("configuration not failed: %+v", c.Status)
	}
}

func TestRouteBuilders(t *testing.T) {
	r := Route("ns", "foo", WithConfigTarget("foo"), WithRouteUID("uid"), WithInitRouteConditions,
		MarkTrafficAssigned, MarkIngressReady, MarkCertificateReady, WithURL, WithIngressClass("skiff"))
	if !r.IsReady() {
		t.Errorf("route not ready: %+v", r.Status)
	}
	if lr := r.Spec.Traffic[0].LatestRevision; lr == nil || !*lr {
		t.Error("Route() did not apply defaults")
	}
	if got, want := r.Status.URL.String(), "http://foo.ns.example.com"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if r.Annotations[networking.IngressClassAnnotationKey] != "skiff" {
		t.Errorf("annotations = %v", r.Annotations)
	}

	r = Route("ns", "foo", WithInitRouteConditions, MarkCertificateNotOwned, WithRouteUID("1234"))
	if c := r.Status.GetCondition(v1.RouteConditionCertificateProvisioned); c == nil || c.Reason != "CertificateNotOwned" {
		t.Errorf("CertificateProvisioned = %v", c)
	}

	defer func() {
		if recover() == nil {
			t.Error("WithStatusTraffic accepted a target without a revision")
		}
	}()
	WithStatusTraffic(v1.TrafficTarget{ConfigurationName: "foo", Percent: ptr.Int64(100)})
}

func TestServiceBuilders(t *testing.T) {
	s := DefaultService("foo", "ns", WithRunLatestRollout, WithInitSvcConditions,
		WithReadyConfig("foo-00001"), WithReadyRoute, WithSvcStatusDomain)
	if c := s.Status.GetCondition(apis.ConditionReady); c == nil || !c.IsTrue() {
		t.Errorf("service not ready: %+v", s.Status)
	}
	if s.Status.LatestReadyRevisionName != "foo-00001" {
		t.Errorf("latestReadyRevisionName = %q", s.Status.LatestReadyRevisionName)
	}
	if len(s.Spec.Traffic) != 1 || *s.Spec.Traffic[0].Percent != 100 {
		t.Errorf("traffic = %v, want the defaulted run-latest target", s.Spec.Traffic)
	}

	s = Service("foo", "ns", WithNamedRevision, WithInitSvcConditions, MarkRevisionNameTaken)
	if c := s.Status.GetCondition(v1.ServiceConditionRoutesReady); c == nil || c.Reason != "RevisionNameTaken" {
		t.Errorf("RoutesReady = %v", c)
	}
	s = Service("foo", "ns", WithInitSvcConditions, MarkConfigurationNotOwned)
	if c := s.Status.GetCondition(v1.ServiceConditionConfigurationsReady); c == nil ||
		c.Message != `There is an existing Configuration "foo" that we do not own.` {
		t.Errorf("ConfigurationsReady = %v", c)
	}
}
