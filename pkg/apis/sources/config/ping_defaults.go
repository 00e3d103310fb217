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

// Package config holds the typed form of the config-ping-defaults ConfigMap
// and a store that attaches it to contexts for the PingSource webhook and
// reconciler.
package config

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	cm "knative.dev/pkg/configmap"
)

const (
	// PingDefaultsConfigName is the name of the ConfigMap holding the
	// defaults and limits PingSources use.
	PingDefaultsConfigName = "config-ping-defaults"

	// DataMaxSizeKey is the key of the maximum size, in bytes, of a
	// PingSource's data (or dataBase64, counted before decoding).
	DataMaxSizeKey = "data-max-size"

	// LegacyDataMaxSizeKey is the pre-1.0 spelling of DataMaxSizeKey, still
	// honoured (DataMaxSizeKey wins when both are set) so that old
	// ConfigMaps keep working.
	LegacyDataMaxSizeKey = "dataMaxSize"

	// DefaultDataMaxSize means "no limit".
	DefaultDataMaxSize = -1
)

// PingDefaults includes the default values and limits the webhook applies
// to PingSources.
type PingDefaults struct {
	// DataMaxSize is the maximum length of spec.data or spec.dataBase64 in
	// bytes; any negative value means no limit.
	DataMaxSize int64 `json:"data-max-size"`
}

// NewPingDefaultsConfigFromMap creates a PingDefaults from the supplied map.
func NewPingDefaultsConfigFromMap(data map[string]string) (*PingDefaults, error) {
	nc := &PingDefaults{DataMaxSize: DefaultDataMaxSize}

	if err := cm.Parse(data,
		// Legacy key first so that the current key overrides it.
		cm.AsInt64(LegacyDataMaxSizeKey, &nc.DataMaxSize),
		cm.AsInt64(DataMaxSizeKey, &nc.DataMaxSize),
	); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", PingDefaultsConfigName, err)
	}
	return nc.GetPingConfig(), nil
}

// NewPingDefaultsConfigFromConfigMap creates a PingDefaults from the supplied
// ConfigMap.
func NewPingDefaultsConfigFromConfigMap(config *corev1.ConfigMap) (*PingDefaults, error) {
	return NewPingDefaultsConfigFromMap(config.Data)
}

// GetPingConfig normalises the receiver (every negative limit becomes
// DefaultDataMaxSize) and returns it.
func (d *PingDefaults) GetPingConfig() *PingDefaults {
	if d.DataMaxSize < 0 {
		d.DataMaxSize = DefaultDataMaxSize
	}
	return d
}

// DeepCopy returns a copy of the receiver.
func (d *PingDefaults) DeepCopy() *PingDefaults {
	if d == nil {
		return nil
	}
	out := new(PingDefaults)
	*out = *d
	return out
}
