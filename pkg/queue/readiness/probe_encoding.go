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
	"encoding/json"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// DecodeProbes parses SERVING_READINESS_PROBE: a JSON *corev1.Probe, or a
// JSON []*corev1.Probe when multiContainerProbes is set.
func DecodeProbes(jsonProbe string, multiContainerProbes bool) ([]*corev1.Probe, error) {
	if multiContainerProbes {
		var probes []*corev1.Probe
		if err := json.Unmarshal([]byte(jsonProbe), &probes); err != nil {
			return nil, fmt.Errorf("decoding readiness probes: %w", err)
		}
		return probes, nil
	}
	p := &corev1.Probe{}
	if err := json.Unmarshal([]byte(jsonProbe), p); err != nil {
		return nil, fmt.Errorf("decoding readiness probe: %w", err)
	}
	return []*corev1.Probe{p}, nil
}

// EncodeSingleProbe returns the JSON of a single probe, for the revision
// reconciler to put in SERVING_READINESS_PROBE.
func EncodeSingleProbe(rp *corev1.Probe) (string, error) {
	if rp == nil {
		return "", errors.New("cannot encode nil probe")
	}
	probeJSON, err := json.Marshal(rp)
	if err != nil {
		return "", fmt.Errorf("encoding readiness probe: %w", err)
	}
	return string(probeJSON), nil
}

// EncodeMultipleProbes returns the JSON of a list of probes (one per
// container), used when multi-container probing is enabled.
func EncodeMultipleProbes(rps []*corev1.Probe) (string, error) {
	if len(rps) == 0 {
		return "", errors.New("cannot encode nil or empty probes")
	}
	probeJSON, err := json.Marshal(rps)
	if err != nil {
		return "", fmt.Errorf("encoding readiness probes: %w", err)
	}
	return string(probeJSON), nil
}
