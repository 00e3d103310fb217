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

package gc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	cm "knative.dev/pkg/configmap"
)

const (
	// ConfigName is the name of the config map for garbage collection.
	ConfigName = "config-gc"

	// Disabled is the value (-1) used by various config map values to indicate
	// the setting is disabled.
	Disabled = -1

	// disabled is how a user spells Disabled in the ConfigMap.
	disabled = "disabled"
)

// Config defines the tunable parameters for Garbage Collection.
type Config struct {
	// Duration from creation when a Revision should be considered active
	// and exempt from GC. MaxNonActiveRevisions may override this if set.
	// Disabled (-1) ignores the creation time.
	RetainSinceCreateTime time.Duration
	// Duration from last active when a Revision should be considered active
	// and exempt from GC. MaxNonActiveRevisions may override this if set.
	// Disabled (-1) ignores the last active time.
	RetainSinceLastActiveTime time.Duration
	// Minimum number of non-active revisions to keep before considering for GC.
	MinNonActiveRevisions int64
	// Maximum number of non-active revisions to keep, regardless of creation
	// or staleness time-bounds. Disabled (-1) sets no maximum.
	MaxNonActiveRevisions int64
}

// DeepCopy returns a copy of c (all fields are values).
func (c *Config) DeepCopy() *Config {
	if c == nil {
		return nil
	}
	out := *c
	return &out
}

func defaultConfig() *Config {
	return &Config{
		RetainSinceCreateTime:     48 * time.Hour,
		RetainSinceLastActiveTime: 15 * time.Hour,
		MinNonActiveRevisions:     20,
		MaxNonActiveRevisions:     1000,
	}
}

// NewConfigFromConfigMapFunc returns a constructor of Config from config-gc,
// for configmap.Constructors. The context is kept for upstream compatibility
// of the signature.
func NewConfigFromConfigMapFunc(context.Context) func(configMap *corev1.ConfigMap) (*Config, error) {
	return NewConfigFromConfigMap
}

// NewConfigFromConfigMap parses config-gc; keys it does not hold keep their
// defaults, and inconsistent settings (min > max, negative values) are errors.
func NewConfigFromConfigMap(configMap *corev1.ConfigMap) (*Config, error) {
	c := defaultConfig()

	var retainCreate, retainActive, maxNonActive string
	if err := cm.Parse(configMap.Data,
		cm.AsString("retain-since-create-time", &retainCreate),
		cm.AsString("retain-since-last-active-time", &retainActive),
		cm.AsInt64("min-non-active-revisions", &c.MinNonActiveRevisions),
		cm.AsString("max-non-active-revisions", &maxNonActive),
	); err != nil {
		return nil, fmt.Errorf("failed to parse data: %w", err)
	}

	if err := parseDisabledOrDuration(retainCreate, &c.RetainSinceCreateTime); err != nil {
		return nil, fmt.Errorf("failed to parse retain-since-create-time: %w", err)
	}
	if err := parseDisabledOrDuration(retainActive, &c.RetainSinceLastActiveTime); err != nil {
		return nil, fmt.Errorf("failed to parse retain-since-last-active-time: %w", err)
	}
	if err := parseDisabledOrInt64(maxNonActive, &c.MaxNonActiveRevisions); err != nil {
		return nil, fmt.Errorf("failed to parse max-non-active-revisions: %w", err)
	}

	if c.MinNonActiveRevisions < 0 {
		return nil, fmt.Errorf("min-non-active-revisions must be non-negative, was: %d", c.MinNonActiveRevisions)
	}
	if c.MaxNonActiveRevisions >= 0 && c.MinNonActiveRevisions > c.MaxNonActiveRevisions {
		return nil, fmt.Errorf("min-non-active-revisions(%d) must be <= max-non-active-revisions(%d)",
			c.MinNonActiveRevisions, c.MaxNonActiveRevisions)
	}
	return c, nil
}

func parseDisabledOrInt64(val string, toSet *int64) error {
	switch {
	case val == "":
		// keep default value
	case strings.EqualFold(val, disabled):
		*toSet = Disabled
	default:
		// ParseUint rejects negative numbers, so "-1" cannot sneak in as Disabled.
		parsed, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return err
		}
		if parsed > math.MaxInt64 {
			return fmt.Errorf("value should be lower than %v", int64(math.MaxInt64))
		}
		*toSet = int64(parsed)
	}
	return nil
}

func parseDisabledOrDuration(val string, toSet *time.Duration) error {
	switch {
	case val == "":
		// keep default value
	case strings.EqualFold(val, disabled):
		*toSet = time.Duration(Disabled)
	default:
		parsed, err := time.ParseDuration(val)
		if err != nil {
			return err
		}
		if parsed < 0 {
			return errors.New("must be non-negative")
		}
		*toSet = parsed
	}
	return nil
}
