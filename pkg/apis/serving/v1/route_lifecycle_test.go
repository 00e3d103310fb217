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

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
)

type fakeCert struct {
	name   string
	status duckv1.Status
}

func (c *fakeCert) GetName() string           { return c.name }
func (c *fakeCert) GetStatus() *duckv1.Status { return &c.status }

func ingressStatus(status corev1.ConditionStatus, reason, msg string) netv1alpha1.IngressStatus {
	return netv1alpha1.IngressStatus{Status: readyStatus(netv1alpha1.IngressConditionReady, status, reason, msg)}
}

func TestRouteIsReadyAndFailed(t *testing.T) {
	tests := []struct {
		name       string
		gen        int64
		obsGen     int64
		status     corev1.ConditionStatus
		wantReady  bool
		wantFailed bool
	}{
		{name: "ready", status: "True", wantReady: true},
		{name: "ready, not observed", gen: 2, obsGen: 1, status: "True"},
		{name: "failed", status: "False", wantFailed: true},
		{name: "failed, not observed", gen: 2, obsGen: 1, status: "False"},
		{name: "unknown", status: "Unknown"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			r := &Route{Status: RouteStatus{Status: readyStatus("Ready", test.status, "", "")}}
			r.Generation, r.Status.ObservedGeneration = test.gen, test.obsGen
			if got := r.IsReady(); got != test.wantReady {
				t.Errorf("IsReady() = %v, want %v", got, test.wantReady)
			}
			if got := r.IsFailed(); got != test.wantFailed {
				t.Errorf("IsFailed() = %v, want %v", got, test.wantFailed)
			}
		})
	}
}

func TestRouteLifecycle(t *testing.T) {
	type step func(*RouteStatus)
	certReady := func(s *RouteStatus) { s.MarkCertificateReady("cert") }
	trafficOK := (*RouteStatus).MarkTrafficAssigned
	ingressOK := func(s *RouteStatus) { s.PropagateIngressStatus(ingressStatus("True", "", "")) }

	tests := []struct {
		name  string
		steps []step
		want  map[apis.ConditionType]string
	}{{
		name: "initialized",
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "Unknown",
			RouteConditionAllTrafficAssigned:     "Unknown",
			RouteConditionIngressReady:           "Unknown",
			RouteConditionCertificateProvisioned: "Unknown",
		},
	}, {
		name:  "typical flow",
		steps: []step{trafficOK, ingressOK, certReady},
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "True",
			RouteConditionAllTrafficAssigned:     "True",
			RouteConditionIngressReady:           "True",
			RouteConditionCertificateProvisioned: "True",
		},
	}, {
		name:  "TLS not enabled counts as provisioned",
		steps: []step{trafficOK, ingressOK, func(s *RouteStatus) { s.MarkTLSNotEnabled(ExternalDomainTLSNotEnabledMessage) }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "True",
			RouteConditionCertificateProvisioned: "True/TLSNotEnabled",
		},
	}, {
		name:  "HTTP downgrade counts as provisioned",
		steps: []step{trafficOK, ingressOK, func(s *RouteStatus) { s.MarkHTTPDowngrade("cert") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "True",
			RouteConditionCertificateProvisioned: "True/HTTPDowngrade",
		},
	}, {
		name:  "configuration not yet ready",
		steps: []step{ingressOK, certReady, func(s *RouteStatus) { s.MarkConfigurationNotReady("cfg") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "Unknown/RevisionMissing",
			RouteConditionAllTrafficAssigned: "Unknown/RevisionMissing",
		},
	}, {
		name:  "configuration failed",
		steps: []step{ingressOK, certReady, func(s *RouteStatus) { s.MarkConfigurationFailed("cfg") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "False/RevisionMissing",
			RouteConditionAllTrafficAssigned: "False/RevisionMissing",
		},
	}, {
		name:  "revision not yet ready",
		steps: []step{func(s *RouteStatus) { s.MarkRevisionNotReady("rev") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "Unknown/RevisionMissing",
			RouteConditionAllTrafficAssigned: "Unknown/RevisionMissing",
		},
	}, {
		name:  "revision failed",
		steps: []step{func(s *RouteStatus) { s.MarkRevisionFailed("rev") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "False/RevisionMissing",
			RouteConditionAllTrafficAssigned: "False/RevisionMissing",
		},
	}, {
		name:  "missing target",
		steps: []step{func(s *RouteStatus) { s.MarkMissingTrafficTarget("Configuration", "cfg") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "False/ConfigurationMissing",
			RouteConditionAllTrafficAssigned: "False/ConfigurationMissing",
		},
	}, {
		name:  "unknown traffic error",
		steps: []step{trafficOK, func(s *RouteStatus) { s.MarkUnknownTrafficError("hmm") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "Unknown/Unknown",
			RouteConditionAllTrafficAssigned: "Unknown/Unknown",
		},
	}, {
		name:  "revision target traffic error",
		steps: []step{trafficOK, func(s *RouteStatus) { s.MarkRevisionTargetTrafficError("Bad", "bad") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:              "False/Bad",
			RouteConditionAllTrafficAssigned: "False/Bad",
		},
	}, {
		name: "ingress fails, then recovers",
		steps: []step{trafficOK, certReady, ingressOK,
			func(s *RouteStatus) { s.PropagateIngressStatus(ingressStatus("False", "GatewayDown", "down")) }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:        "False/GatewayDown",
			RouteConditionIngressReady: "False/GatewayDown",
		},
	}, {
		name: "ingress recovers",
		steps: []step{trafficOK, certReady,
			func(s *RouteStatus) { s.PropagateIngressStatus(ingressStatus("False", "GatewayDown", "down")) },
			ingressOK},
		want: map[apis.ConditionType]string{
			RouteConditionReady:        "True",
			RouteConditionIngressReady: "True",
		},
	}, {
		name:  "ingress unknown",
		steps: []step{trafficOK, certReady, func(s *RouteStatus) { s.PropagateIngressStatus(ingressStatus("Unknown", "Probing", "")) }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:        "Unknown/Probing",
			RouteConditionIngressReady: "Unknown/Probing",
		},
	}, {
		name:  "ingress without status",
		steps: []step{trafficOK, certReady, ingressOK, func(s *RouteStatus) { s.PropagateIngressStatus(netv1alpha1.IngressStatus{}) }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:        "Unknown/IngressNotConfigured",
			RouteConditionIngressReady: "Unknown/IngressNotConfigured",
		},
	}, {
		name:  "ingress not configured",
		steps: []step{(*RouteStatus).MarkIngressNotConfigured},
		want: map[apis.ConditionType]string{
			RouteConditionIngressReady: "Unknown/IngressNotConfigured",
		},
	}, {
		name:  "rollout in progress",
		steps: []step{trafficOK, certReady, ingressOK, (*RouteStatus).MarkIngressRolloutInProgress},
		want: map[apis.ConditionType]string{
			RouteConditionReady:        "Unknown/RolloutInProgress",
			RouteConditionIngressReady: "Unknown/RolloutInProgress",
		},
	}, {
		name:  "placeholder service not owned",
		steps: []step{trafficOK, certReady, func(s *RouteStatus) { s.MarkServiceNotOwned("foo") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:        "False/NotOwned",
			RouteConditionIngressReady: "False/NotOwned",
		},
	}, {
		name:  "placeholder endpoints not owned",
		steps: []step{func(s *RouteStatus) { s.MarkEndpointNotOwned("foo") }},
		want: map[apis.ConditionType]string{
			RouteConditionIngressReady: "False/NotOwned",
		},
	}, {
		name:  "certificate not ready",
		steps: []step{trafficOK, ingressOK, func(s *RouteStatus) { s.MarkCertificateNotReady(&fakeCert{name: "cert"}) }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "Unknown/CertificateNotReady",
			RouteConditionCertificateProvisioned: "Unknown/CertificateNotReady",
		},
	}, {
		name:  "certificate provision failed",
		steps: []step{trafficOK, ingressOK, func(s *RouteStatus) { s.MarkCertificateProvisionFailed(&fakeCert{name: "cert"}) }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "False/CertificateProvisionFailed",
			RouteConditionCertificateProvisioned: "False/CertificateProvisionFailed",
		},
	}, {
		name:  "certificate not owned",
		steps: []step{trafficOK, ingressOK, func(s *RouteStatus) { s.MarkCertificateNotOwned("cert") }},
		want: map[apis.ConditionType]string{
			RouteConditionReady:                  "False/CertificateNotOwned",
			RouteConditionCertificateProvisioned: "False/CertificateNotOwned",
		},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RouteStatus{}
			s.InitializeConditions()
			for _, st := range test.steps {
				st(s)
			}
			checkConds(t, s, test.want)
		})
	}
}

func TestRouteMessages(t *testing.T) {
	failedCert := &fakeCert{name: "route-1234", status: readyStatus("Ready", "False", "ACMEFailed", "")}
	tests := []struct {
		name string
		mark func(*RouteStatus)
		ct   apis.ConditionType
		want string
	}{
		{"service not owned", func(s *RouteStatus) { s.MarkServiceNotOwned("foo") },
			RouteConditionIngressReady, `There is an existing placeholder Service "foo" that we do not own.`},
		{"endpoint not owned", func(s *RouteStatus) { s.MarkEndpointNotOwned("foo") },
			RouteConditionIngressReady, `There is an existing placeholder Endpoint "foo" that we do not own.`},
		{"rollout", (*RouteStatus).MarkIngressRolloutInProgress,
			RouteConditionIngressReady, "A gradual rollout of the latest revision(s) is in progress."},
		{"not configured", (*RouteStatus).MarkIngressNotConfigured,
			RouteConditionIngressReady, "Ingress has not yet been reconciled."},
		{"configuration not ready", func(s *RouteStatus) { s.MarkConfigurationNotReady("cfg") },
			RouteConditionAllTrafficAssigned, `Configuration "cfg" is waiting for a Revision to become ready.`},
		{"configuration failed", func(s *RouteStatus) { s.MarkConfigurationFailed("cfg") },
			RouteConditionAllTrafficAssigned, `Configuration "cfg" does not have any ready Revision.`},
		{"revision not ready", func(s *RouteStatus) { s.MarkRevisionNotReady("rev") },
			RouteConditionAllTrafficAssigned, `Revision "rev" is not yet ready.`},
		{"revision failed", func(s *RouteStatus) { s.MarkRevisionFailed("rev") },
			RouteConditionAllTrafficAssigned, `Revision "rev" failed to become ready.`},
		{"missing target", func(s *RouteStatus) { s.MarkMissingTrafficTarget("Revision", "rev") },
			RouteConditionAllTrafficAssigned, `Revision "rev" referenced in traffic not found.`},
		{"unknown traffic error keeps %", func(s *RouteStatus) { s.MarkUnknownTrafficError("50% gone") },
			RouteConditionAllTrafficAssigned, "50% gone"},
		{"certificate failed", func(s *RouteStatus) { s.MarkCertificateProvisionFailed(failedCert) },
			RouteConditionCertificateProvisioned, "Certificate route-1234 fails to be provisioned: ACMEFailed"},
		{"certificate not ready", func(s *RouteStatus) { s.MarkCertificateNotReady(&fakeCert{name: "route-1234"}) },
			RouteConditionCertificateProvisioned, "Certificate route-1234 is not ready: "},
		{"certificate not owned", func(s *RouteStatus) { s.MarkCertificateNotOwned("route-1234") },
			RouteConditionCertificateProvisioned, "There is an existing certificate route-1234 that we don't own."},
		{"TLS not enabled", func(s *RouteStatus) { s.MarkTLSNotEnabled(TLSNotEnabledForClusterLocalMessage) },
			RouteConditionCertificateProvisioned, "TLS is not enabled for cluster-local"},
		{"HTTP downgrade", func(s *RouteStatus) { s.MarkHTTPDowngrade("route-1234") },
			RouteConditionCertificateProvisioned, "Certificate route-1234 is not ready downgrade HTTP."},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := &RouteStatus{}
			s.InitializeConditions()
			test.mark(s)
			checkMessage(t, s, test.ct, test.want)
		})
	}
}

func TestRolloutDuration(t *testing.T) {
	tests := []struct {
		name  string
		annos map[string]string
		want  time.Duration
	}{
		{"none", nil, 0},
		{"valid", map[string]string{serving.RolloutDurationKey: "2m"}, 2 * time.Minute},
		{"old key", map[string]string{serving.GroupName + "/rolloutDuration": "10s"}, 10 * time.Second},
		{"new key wins", map[string]string{serving.RolloutDurationKey: "1s", serving.GroupName + "/rolloutDuration": "10s"}, time.Second},
		{"invalid", map[string]string{serving.RolloutDurationKey: "soon"}, 0},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			r := &Route{}
			r.Annotations = test.annos
			if got := r.RolloutDuration(); got != test.want {
				t.Errorf("RolloutDuration() = %v, want %v", got, test.want)
			}
		})
	}
}
