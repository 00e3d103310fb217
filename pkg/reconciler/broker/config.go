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

package broker

import (
	"encoding/json"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
)

// Config is what a broker's spec.config ConfigMap (config-br-default-channel
// by default) says about the broker.
type Config struct {
	// DefaultChannelTemplate is the kind (and spec) of the trigger channel.
	DefaultChannelTemplate messagingv1.ChannelTemplateSpec
}

const (
	channelTemplateSpec       = "channel-template-spec"
	legacyChannelTemplateSpec = "channelTemplateSpec"
)

// NewConfigFromConfigMap parses the channel template (YAML) of a broker
// config ConfigMap.
func NewConfigFromConfigMap(cm *corev1.ConfigMap) (*Config, error) {
	temp := cm.Data[channelTemplateSpec]
	if temp == "" {
		// Accepted for backwards compatibility, as upstream.
		temp = cm.Data[legacyChannelTemplateSpec]
	}
	if temp == "" {
		return nil, errors.New("empty or missing value for config")
	}
	j, err := yaml.YAMLToJSON([]byte(temp))
	if err != nil {
		return nil, fmt.Errorf("ConfigMap's value could not be converted to JSON: %w, %s", err, temp)
	}
	config := &Config{}
	if err := json.Unmarshal(j, &config.DefaultChannelTemplate); err != nil {
		return nil, fmt.Errorf("ConfigMap's value could not be unmarshaled: %w, %s", err, string(j))
	}
	if config.DefaultChannelTemplate.APIVersion == "" || config.DefaultChannelTemplate.Kind == "" {
		return nil, fmt.Errorf("channel template %q names no apiVersion and kind", temp)
	}
	return config, nil
}
