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

package feature

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Flag is the value of one feature flag.
type Flag string

const (
	// Enabled turns on an optional behavior.
	Enabled Flag = "Enabled"
	// Disabled turns off an optional behavior.
	Disabled Flag = "Disabled"
	// Allowed neither explicitly disables or enables a behavior.
	Allowed Flag = "Allowed"
	// Strict is only valid for TransportEncryption.
	Strict Flag = "Strict"
	// Permissive is only valid for TransportEncryption.
	Permissive Flag = "Permissive"
)

// Flags maps feature names to their state. A missing entry means the feature
// is not enabled.
type Flags map[string]Flag

// toggles are the known flags whose value must be one of
// enabled/disabled/allowed (case-insensitive); any other value is rejected so
// a typo in config-features does not silently turn a feature off.
var toggles = map[string]bool{
	KReferenceGroup:          true,
	DeliveryRetryAfter:       true,
	DeliveryTimeout:          true,
	KReferenceMapping:        true,
	EvenTypeAutoCreate:       true,
	OIDCAuthentication:       true,
	CrossNamespaceEventLinks: true,
	NewAPIServerFilters:      true,
}

func newDefaults() Flags {
	return Flags{
		KReferenceGroup:          Disabled,
		DeliveryRetryAfter:       Disabled,
		DeliveryTimeout:          Enabled,
		KReferenceMapping:        Disabled,
		TransportEncryption:      Disabled,
		OIDCAuthentication:       Disabled,
		EvenTypeAutoCreate:       Disabled,
		NewAPIServerFilters:      Disabled,
		CrossNamespaceEventLinks: Disabled,
	}
}

// IsEnabled returns true if the feature is enabled.
func (e Flags) IsEnabled(featureName string) bool {
	return e != nil && e[featureName] == Enabled
}

// IsDisabled returns true if the feature is disabled.
func (e Flags) IsDisabled(featureName string) bool {
	return e != nil && e[featureName] == Disabled
}

// IsAllowed returns true if the feature is enabled or allowed.
func (e Flags) IsAllowed(featureName string) bool {
	return e.IsEnabled(featureName) || (e != nil && e[featureName] == Allowed)
}

// IsPermissiveTransportEncryption returns true if TransportEncryption is Permissive.
func (e Flags) IsPermissiveTransportEncryption() bool {
	return e != nil && e[TransportEncryption] == Permissive
}

// IsStrictTransportEncryption returns true if TransportEncryption is Strict.
func (e Flags) IsStrictTransportEncryption() bool {
	return e != nil && e[TransportEncryption] == Strict
}

// IsDisabledTransportEncryption returns true if TransportEncryption is Disabled.
func (e Flags) IsDisabledTransportEncryption() bool {
	return e != nil && e[TransportEncryption] == Disabled
}

// IsOIDCAuthentication returns true if OIDC authentication is enabled.
// Skiff does not implement OIDC; the flag is kept so configs parse.
func (e Flags) IsOIDCAuthentication() bool {
	return e != nil && e[OIDCAuthentication] == Enabled
}

// IsCrossNamespaceEventLinks returns true if cross-namespace references are enabled.
func (e Flags) IsCrossNamespaceEventLinks() bool {
	return e != nil && e[CrossNamespaceEventLinks] == Enabled
}

// NodeSelector returns the apiserversources-nodeselector-* entries with the
// prefix stripped.
func (e Flags) NodeSelector() map[string]string {
	out := map[string]string{}
	for k, v := range e {
		if strings.HasPrefix(k, NodeSelectorLabel) {
			out[strings.TrimPrefix(k, NodeSelectorLabel)] = strings.TrimSpace(string(v))
		}
	}
	return out
}

func (e Flags) String() string {
	return fmt.Sprintf("%+v", map[string]Flag(e))
}

// NewFlagsConfigFromMap creates Flags from config-features data, starting
// from the defaults. Keys starting with "_" are ignored. Unknown keys are
// kept verbatim (other components may read them); known toggles must hold
// enabled, disabled or allowed.
func NewFlagsConfigFromMap(data map[string]string) (Flags, error) {
	flags := newDefaults()
	for k, v := range data {
		if strings.HasPrefix(k, "_") {
			continue
		}
		key := strings.TrimSpace(k)
		val := strings.TrimSpace(v)
		switch {
		case strings.EqualFold(val, string(Enabled)):
			flags[key] = Enabled
		case strings.EqualFold(val, string(Disabled)):
			flags[key] = Disabled
		case strings.EqualFold(val, string(Allowed)):
			flags[key] = Allowed
		case key == TransportEncryption && strings.EqualFold(val, string(Permissive)):
			flags[key] = Permissive
		case key == TransportEncryption && strings.EqualFold(val, string(Strict)):
			flags[key] = Strict
		case key == TransportEncryption:
			return nil, fmt.Errorf("feature %q: invalid value %q, want one of enabled, disabled, permissive, strict", key, v)
		case toggles[key]:
			return nil, fmt.Errorf("feature %q: invalid value %q, want one of enabled, disabled, allowed", key, v)
		default:
			flags[key] = Flag(v)
		}
	}
	return flags, nil
}

// NewFlagsConfigFromConfigMap creates Flags from the config-features ConfigMap.
func NewFlagsConfigFromConfigMap(config *corev1.ConfigMap) (Flags, error) {
	return NewFlagsConfigFromMap(config.Data)
}
