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

package readiness

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestProbeEncodingRoundTrip(t *testing.T) {
	probes := []*corev1.Probe{{
		ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Host: "127.0.0.1", Port: intstr.FromInt32(8080)}},
		SuccessThreshold: 1,
	}, {
		ProbeHandler:   corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(9000), Scheme: corev1.URISchemeHTTP}},
		PeriodSeconds:  5,
		TimeoutSeconds: 2,
	}}

	single, err := EncodeSingleProbe(probes[0])
	if err != nil {
		t.Fatal("EncodeSingleProbe:", err)
	}
	if got, err := DecodeProbes(single, false); err != nil || !cmp.Equal(got, probes[:1]) {
		t.Errorf("DecodeProbes(single) = %v, %v; diff %s", got, err, cmp.Diff(got, probes[:1]))
	}

	multi, err := EncodeMultipleProbes(probes)
	if err != nil {
		t.Fatal("EncodeMultipleProbes:", err)
	}
	if got, err := DecodeProbes(multi, true); err != nil || !cmp.Equal(got, probes) {
		t.Errorf("DecodeProbes(multi) = %v, %v; diff %s", got, err, cmp.Diff(got, probes))
	}

	// Upstream's format, as the revision reconciler writes it.
	got, err := DecodeProbes(`{"tcpSocket":{"port":8080,"host":"127.0.0.1"},"successThreshold":1}`, false)
	if err != nil || !cmp.Equal(got, probes[:1]) {
		t.Errorf("DecodeProbes(upstream JSON) = %v, %v", got, err)
	}
}

func TestProbeEncodingErrors(t *testing.T) {
	if _, err := DecodeProbes("{", false); err == nil {
		t.Error("DecodeProbes accepted invalid JSON")
	}
	if _, err := DecodeProbes(`{"tcpSocket":{}}`, true); err == nil {
		t.Error("DecodeProbes(multi) accepted a single probe")
	}
	if _, err := EncodeSingleProbe(nil); err == nil {
		t.Error("EncodeSingleProbe(nil) succeeded")
	}
	if _, err := EncodeMultipleProbes(nil); err == nil {
		t.Error("EncodeMultipleProbes(nil) succeeded")
	}
}
