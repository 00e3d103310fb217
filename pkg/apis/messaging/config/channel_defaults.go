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

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	"sigs.k8s.io/yaml"
)

const (
	// ChannelDefaultsConfigName is the name of config map for the default
	// configs that channels should use.
	ChannelDefaultsConfigName = "default-ch-webhook"

	// ChannelDefaulterKey is the key in the ConfigMap to get the name of the
	// default Channel CRD.
	ChannelDefaulterKey = "default-ch-config"
)

// ChannelDefaults includes the default values to be populated by the webhook.
type ChannelDefaults struct {
	// NamespaceDefaults are the default Channels CRDs for each namespace.
	// namespace is the key, the value is the default ChannelTemplate to use.
	NamespaceDefaults map[string]*ChannelTemplateSpec `json:"namespaceDefaults,omitempty"`
	// ClusterDefault is the default Channel CRD for all namespaces that are
	// not in NamespaceDefaults.
	ClusterDefault *ChannelTemplateSpec `json:"clusterDefault,omitempty"`
}

// NewChannelDefaultsConfigFromMap creates ChannelDefaults from
// default-ch-webhook data. The default-ch-config key is required, unknown
// fields are rejected and every template must name a kind and apiVersion.
func NewChannelDefaultsConfigFromMap(data map[string]string) (*ChannelDefaults, error) {
	value, present := data[ChannelDefaulterKey]
	if !present || value == "" {
		return nil, fmt.Errorf("ConfigMap is missing (or empty) key: %q : %v", ChannelDefaulterKey, data)
	}
	nc := &ChannelDefaults{}
	if err := parseEntry(value, nc); err != nil {
		return nil, fmt.Errorf("failed to parse %q: %w", ChannelDefaulterKey, err)
	}
	var errs *apis.FieldError
	errs = errs.Also(nc.ClusterDefault.validate().ViaField("clusterDefault"))
	for ns, tmpl := range nc.NamespaceDefaults {
		errs = errs.Also(tmpl.validate().ViaKey(ns).ViaField("namespaceDefaults"))
	}
	if errs != nil {
		return nil, fmt.Errorf("invalid %q: %w", ChannelDefaulterKey, errs)
	}
	return nc, nil
}

// NewChannelDefaultsConfigFromConfigMap creates ChannelDefaults from the
// default-ch-webhook ConfigMap.
func NewChannelDefaultsConfigFromConfigMap(config *corev1.ConfigMap) (*ChannelDefaults, error) {
	return NewChannelDefaultsConfigFromMap(config.Data)
}

func parseEntry(entry string, out interface{}) error {
	j, err := yaml.YAMLToJSON([]byte(entry))
	if err != nil {
		return fmt.Errorf("ConfigMap's value could not be converted to JSON: %w : %v", err, entry)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

func (t *ChannelTemplateSpec) validate() *apis.FieldError {
	if t == nil {
		return nil
	}
	var errs *apis.FieldError
	if t.Kind == "" {
		errs = errs.Also(apis.ErrMissingField("kind"))
	}
	if t.APIVersion == "" {
		errs = errs.Also(apis.ErrMissingField("apiVersion"))
	}
	return errs
}

// builtinDefaults is what Channels get when default-ch-webhook has not been
// loaded: an InMemoryChannel.
func builtinDefaults() *ChannelDefaults {
	return &ChannelDefaults{
		ClusterDefault: &ChannelTemplateSpec{
			TypeMeta: metav1.TypeMeta{APIVersion: "messaging.knative.dev/v1", Kind: "InMemoryChannel"},
		},
	}
}

// GetChannelConfig returns the namespace's channel template, else the
// cluster default, else an error.
func (d *ChannelDefaults) GetChannelConfig(ns string) (*ChannelTemplateSpec, error) {
	if d == nil {
		return nil, errors.New("Defaults are nil")
	}
	if value, present := d.NamespaceDefaults[ns]; present && value != nil {
		return value, nil
	}
	if d.ClusterDefault != nil {
		return d.ClusterDefault, nil
	}
	return nil, errors.New("Defaults for Channel Configurations have not been set up.")
}
