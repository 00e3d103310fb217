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
	"context"
	"encoding/json"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"sigs.k8s.io/yaml"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

const (
	// DefaultsConfigName is the name of config map for the default
	// configs that brokers should use.
	DefaultsConfigName = "config-br-defaults"

	// BrokerDefaultsKey is the name of the key that's used for finding
	// defaults for broker configs.
	BrokerDefaultsKey = "default-br-config"

	// DefaultBrokerClass is the class given to Brokers when config-br-defaults
	// has not been loaded. It equals eventing.MTChannelBrokerClassValue (that
	// package imports this one, so the value is repeated here).
	DefaultBrokerClass = "MTChannelBasedBroker"

	// DefaultBrokerConfigName is the ConfigMap the default Broker config
	// refers to; it holds the channel template for the trigger channel.
	DefaultBrokerConfigName = "config-br-default-channel"

	// DefaultBrokerConfigNamespace is where DefaultBrokerConfigName lives.
	DefaultBrokerConfigNamespace = "knative-eventing"
)

var errNotSetUp = errors.New("Defaults for Broker Configurations for cluster have not been set up. You can set them via ConfigMap config-br-defaults.")

// Defaults includes the default values to be populated by the webhook.
type Defaults struct {
	// NamespaceDefaultsConfig are the default Broker Configs for each namespace.
	// Namespace is the key, the value is the NamespaceDefaultConfig
	NamespaceDefaultsConfig map[string]*DefaultConfig `json:"namespaceDefaults,omitempty"`

	// ClusterDefaultConfig is the default broker config for all the
	// namespaces that are not in NamespaceDefaultsConfig. Different broker
	// classes can have different default configs.
	ClusterDefaultConfig *DefaultConfig `json:"clusterDefault,omitempty"`
}

// DefaultConfig contains the default configuration for the cluster or a namespace.
type DefaultConfig struct {
	// DefaultBrokerClass and the inline BrokerConfig are the default broker
	// class and its config for the whole cluster/namespace.
	DefaultBrokerClass string `json:"brokerClass,omitempty"`

	// Deprecated: Use the config in BrokerClasses instead
	*BrokerConfig `json:",inline"`

	// BrokerClasses are per-class configs, keyed by broker class name.
	// +optional
	BrokerClasses map[string]*BrokerConfig `json:"brokerClasses,omitempty"`

	// DisallowDifferentNamespaceConfig, when true, rejects Brokers whose
	// spec.config points to another namespace.
	DisallowDifferentNamespaceConfig *bool `json:"disallowDifferentNamespaceConfig,omitempty"`
}

// BrokerConfig contains configuration for a given broker: the reference to
// the config it should use and its delivery.
type BrokerConfig struct {
	*duckv1.KReference `json:",inline"`
	Delivery           *eventingduckv1.DeliverySpec `json:"delivery,omitempty"`
}

// NewDefaultsConfigFromMap creates Defaults from config-br-defaults data.
// The default-br-config key is required; its YAML must only hold known
// fields and valid delivery specs, so a typo is rejected when the ConfigMap
// is applied rather than surfacing later on every Broker.
func NewDefaultsConfigFromMap(data map[string]string) (*Defaults, error) {
	value, present := data[BrokerDefaultsKey]
	if !present || value == "" {
		return nil, fmt.Errorf("ConfigMap is missing (or empty) key: %q : %v", BrokerDefaultsKey, data)
	}
	nc := &Defaults{}
	if err := parseEntry(value, nc); err != nil {
		return nil, fmt.Errorf("failed to parse %q: %w", BrokerDefaultsKey, err)
	}
	if err := nc.validate(); err != nil {
		return nil, fmt.Errorf("invalid %q: %w", BrokerDefaultsKey, err)
	}
	return nc, nil
}

// NewDefaultsConfigFromConfigMap creates Defaults from the config-br-defaults ConfigMap.
func NewDefaultsConfigFromConfigMap(config *corev1.ConfigMap) (*Defaults, error) {
	return NewDefaultsConfigFromMap(config.Data)
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

func (d *Defaults) validate() error {
	var errs *apis.FieldError
	errs = errs.Also(d.ClusterDefaultConfig.validate().ViaField("clusterDefault"))
	for ns, c := range d.NamespaceDefaultsConfig {
		errs = errs.Also(c.validate().ViaKey(ns).ViaField("namespaceDefaults"))
	}
	if errs != nil {
		return errs
	}
	return nil
}

func (c *DefaultConfig) validate() *apis.FieldError {
	if c == nil {
		return nil
	}
	var errs *apis.FieldError
	if c.BrokerConfig != nil {
		errs = errs.Also(c.BrokerConfig.Delivery.Validate(context.Background()).ViaField("delivery"))
	}
	for class, bc := range c.BrokerClasses {
		if bc != nil {
			errs = errs.Also(bc.Delivery.Validate(context.Background()).ViaField("delivery").ViaKey(class).ViaField("brokerClasses"))
		}
	}
	return errs
}

// builtinDefaults is what Brokers get when config-br-defaults has not been
// loaded: the MTChannelBasedBroker class backed by config-br-default-channel.
// No delivery defaults: those only come from the ConfigMap.
func builtinDefaults() *Defaults {
	return &Defaults{
		ClusterDefaultConfig: &DefaultConfig{
			DefaultBrokerClass: DefaultBrokerClass,
			BrokerConfig: &BrokerConfig{
				KReference: &duckv1.KReference{
					APIVersion: "v1",
					Kind:       "ConfigMap",
					Name:       DefaultBrokerConfigName,
					Namespace:  DefaultBrokerConfigNamespace,
				},
			},
		},
	}
}

/*
GetBrokerConfig returns the BrokerConfig for a namespace and broker class,
following upstream's precedence:

 1. With a broker class:
    a. the namespace's config for that class (its inline config when the
    class is the namespace default, else its brokerClasses entry);
    b. otherwise the cluster config for that class;
    c. otherwise the cluster default config.
 2. Without a class: the namespace's default class (then as 1), else the
    cluster default class and config.
 3. Without any cluster default config: an error.
*/
func (d *Defaults) GetBrokerConfig(ns string, brokerClassName *string) (*BrokerConfig, error) {
	if d == nil {
		return nil, errNotSetUp
	}
	if brokerClassName != nil && *brokerClassName != "" {
		return d.getBrokerConfigByClassName(ns, *brokerClassName)
	}
	return d.getBrokerConfigForEmptyClassName(ns)
}

func (d *Defaults) getBrokerConfigByClassName(ns string, brokerClassName string) (*BrokerConfig, error) {
	if nsConfig, ok := d.NamespaceDefaultsConfig[ns]; ok && nsConfig != nil {
		if config, ok := nsConfig.BrokerClasses[brokerClassName]; ok && config != nil {
			return config, nil
		}
		if nsConfig.DefaultBrokerClass == brokerClassName && nsConfig.BrokerConfig != nil {
			return nsConfig.BrokerConfig, nil
		}
	}
	return d.getClusterDefaultBrokerConfig(brokerClassName)
}

func (d *Defaults) getBrokerConfigForEmptyClassName(ns string) (*BrokerConfig, error) {
	if nsConfig, ok := d.NamespaceDefaultsConfig[ns]; ok && nsConfig != nil && nsConfig.DefaultBrokerClass != "" {
		return d.getBrokerConfigByClassName(ns, nsConfig.DefaultBrokerClass)
	}
	return d.getClusterDefaultBrokerConfig("")
}

func (d *Defaults) getClusterDefaultBrokerConfig(brokerClassName string) (*BrokerConfig, error) {
	if d.ClusterDefaultConfig == nil || d.ClusterDefaultConfig.BrokerConfig == nil {
		return nil, errNotSetUp
	}
	if config, ok := d.ClusterDefaultConfig.BrokerClasses[brokerClassName]; ok && config != nil {
		return config, nil
	}
	return d.ClusterDefaultConfig.BrokerConfig, nil
}

// GetBrokerClass returns the namespace's default broker class, else the
// cluster's, else an error.
func (d *Defaults) GetBrokerClass(ns string) (string, error) {
	if d == nil {
		return "", errNotSetUp
	}
	if nsConfig, ok := d.NamespaceDefaultsConfig[ns]; ok && nsConfig != nil && nsConfig.DefaultBrokerClass != "" {
		return nsConfig.DefaultBrokerClass, nil
	}
	if d.ClusterDefaultConfig != nil && d.ClusterDefaultConfig.DefaultBrokerClass != "" {
		return d.ClusterDefaultConfig.DefaultBrokerClass, nil
	}
	return "", fmt.Errorf("Neither namespace specific nor cluster default broker class is found for namespace %q, please set them via ConfigMap config-br-defaults", ns)
}
