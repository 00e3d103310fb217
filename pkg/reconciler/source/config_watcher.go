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

// Package source holds what the source reconcilers share: the ConfigWatcher
// that turns the system namespace's logging, observability and tracing
// ConfigMaps into the K_LOGGING_CONFIG, K_METRICS_CONFIG and
// K_TRACING_CONFIG environment of the adapters they run.
package source

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/metrics"
	tracingconfig "knative.dev/pkg/tracing/config"
)

// Names of the environment variables the adapters read their configuration
// from (pkg/adapter/v2 EnvConfig).
const (
	EnvLoggingCfg = "K_LOGGING_CONFIG"
	EnvMetricsCfg = "K_METRICS_CONFIG"
	EnvTracingCfg = "K_TRACING_CONFIG"
)

// ConfigAccessor exposes the observability configuration an adapter gets.
type ConfigAccessor interface {
	ToEnvVars() []corev1.EnvVar
	LoggingConfig() *logging.Config
	MetricsConfig() *metrics.ExporterOptions
	TracingConfig() *tracingconfig.Config
}

var _ ConfigAccessor = (*ConfigWatcher)(nil)

// ConfigWatcher keeps track of the logging, metrics and tracing
// configurations by watching their ConfigMaps. A configuration that is not
// watched stays nil and is left out of ToEnvVars.
type ConfigWatcher struct {
	logger    *zap.SugaredLogger
	component string

	// mu guards the configurations: the watcher updates them while
	// reconcilers read them.
	mu         sync.RWMutex
	loggingCfg *logging.Config
	metricsCfg *metrics.ExporterOptions
	tracingCfg *tracingconfig.Config
}

// ConfigWatcherOption selects a ConfigMap a ConfigWatcher observes.
type ConfigWatcherOption func(*ConfigWatcher, configmap.Watcher)

// WatchConfigurations returns a ConfigWatcher observing the ConfigMaps the
// options select, or logging, metrics and tracing when none is given.
// component names the adapter, whose per-component logging level (from
// config-logging's loglevel.<component>) its logging configuration gets.
func WatchConfigurations(loggingCtx context.Context, component string,
	cmw configmap.Watcher, opts ...ConfigWatcherOption) *ConfigWatcher {
	cw := &ConfigWatcher{
		logger:    logging.FromContext(loggingCtx),
		component: component,
	}
	if len(opts) == 0 {
		opts = []ConfigWatcherOption{WithLogging, WithMetrics, WithTracing}
	}
	for _, opt := range opts {
		opt(cw, cmw)
	}
	return cw
}

// WithLogging observes config-logging.
func WithLogging(cw *ConfigWatcher, cmw configmap.Watcher) {
	cw.loggingCfg = &logging.Config{}
	watchConfigMap(cmw, logging.ConfigMapName(), cw.updateFromLoggingConfigMap)
}

// WithMetrics observes config-observability.
func WithMetrics(cw *ConfigWatcher, cmw configmap.Watcher) {
	cw.metricsCfg = &metrics.ExporterOptions{}
	watchConfigMap(cmw, metrics.ConfigMapName(), cw.updateFromMetricsConfigMap)
}

// WithTracing observes config-tracing.
func WithTracing(cw *ConfigWatcher, cmw configmap.Watcher) {
	cw.tracingCfg = &tracingconfig.Config{}
	watchConfigMap(cmw, tracingconfig.ConfigName, cw.updateFromTracingConfigMap)
}

// watchConfigMap watches cmName, as an empty ConfigMap while it does not
// exist when the watcher supports defaults (config-tracing is optional).
func watchConfigMap(cmw configmap.Watcher, cmName string, obs configmap.Observer) {
	if dcmw, ok := cmw.(configmap.DefaultingWatcher); ok {
		dcmw.WatchWithDefault(corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: cmName},
			Data:       map[string]string{},
		}, obs)
		return
	}
	cmw.Watch(cmName, obs)
}

// LoggingConfig returns the logging configuration, nil if not watched.
func (cw *ConfigWatcher) LoggingConfig() *logging.Config {
	if cw == nil {
		return nil
	}
	cw.mu.RLock()
	defer cw.mu.RUnlock()
	return cw.loggingCfg
}

// MetricsConfig returns the metrics configuration, nil if not watched.
func (cw *ConfigWatcher) MetricsConfig() *metrics.ExporterOptions {
	if cw == nil {
		return nil
	}
	cw.mu.RLock()
	defer cw.mu.RUnlock()
	return cw.metricsCfg
}

// TracingConfig returns the tracing configuration, nil if not watched.
func (cw *ConfigWatcher) TracingConfig() *tracingconfig.Config {
	if cw == nil {
		return nil
	}
	cw.mu.RLock()
	defer cw.mu.RUnlock()
	return cw.tracingCfg
}

func withoutExample(cfg *corev1.ConfigMap) map[string]string {
	data := make(map[string]string, len(cfg.Data))
	for k, v := range cfg.Data {
		if k != "_example" {
			data[k] = v
		}
	}
	return data
}

func (cw *ConfigWatcher) updateFromLoggingConfigMap(cfg *corev1.ConfigMap) {
	if cfg == nil {
		return
	}
	loggingCfg, err := logging.NewConfigFromMap(withoutExample(cfg))
	if err != nil {
		cw.logger.Warnw("Failed to create logging config from ConfigMap", zap.String("cfg.Name", cfg.Name), zap.Error(err))
		return
	}
	cw.mu.Lock()
	cw.loggingCfg = loggingCfg
	cw.mu.Unlock()
	cw.logger.Debugw("Updated logging config from ConfigMap", zap.String("cfg.Name", cfg.Name))
}

func (cw *ConfigWatcher) updateFromMetricsConfigMap(cfg *corev1.ConfigMap) {
	if cfg == nil {
		return
	}
	opts := &metrics.ExporterOptions{
		Domain:    metrics.Domain(),
		Component: cw.component,
		ConfigMap: withoutExample(cfg),
	}
	cw.mu.Lock()
	cw.metricsCfg = opts
	cw.mu.Unlock()
	cw.logger.Debugw("Updated metrics config from ConfigMap", zap.String("cfg.Name", cfg.Name))
}

func (cw *ConfigWatcher) updateFromTracingConfigMap(cfg *corev1.ConfigMap) {
	if cfg == nil {
		return
	}
	tracingCfg, err := tracingconfig.NewTracingConfigFromMap(withoutExample(cfg))
	if err != nil {
		cw.logger.Warnw("Failed to create tracing config from ConfigMap", zap.String("cfg.Name", cfg.Name), zap.Error(err))
		return
	}
	cw.mu.Lock()
	cw.tracingCfg = tracingCfg
	cw.mu.Unlock()
	cw.logger.Debugw("Updated tracing config from ConfigMap", zap.String("cfg.Name", cfg.Name))
}

// ToEnvVars serializes the watched configurations into the adapter's
// environment, in the order logging, metrics, tracing.
func (cw *ConfigWatcher) ToEnvVars() []corev1.EnvVar {
	envs := make([]corev1.EnvVar, 0, 3)
	if cw.LoggingConfig() != nil {
		envs = append(envs, cw.loggingConfigEnvVar())
	}
	if cw.MetricsConfig() != nil {
		envs = append(envs, cw.metricsConfigEnvVar())
	}
	if cw.TracingConfig() != nil {
		envs = append(envs, cw.tracingConfigEnvVar())
	}
	return envs
}

// loggingConfigEnvVar serializes the logging configuration, with the
// component's own level (loglevel.<component>) applied to it, since the
// adapter reads a single zap configuration.
func (cw *ConfigWatcher) loggingConfigEnvVar() corev1.EnvVar {
	logCfg := cw.LoggingConfig()
	if lvl, ok := logCfg.LoggingLevel[cw.component]; ok {
		newLogCfg, err := overrideLoggingLevel(logCfg, lvl)
		if err != nil {
			cw.logger.Warnw(fmt.Sprintf("Failed to apply logging level %q to logging config", lvl), zap.Error(err))
		} else {
			logCfg = newLogCfg
		}
	}
	cfg, err := logging.ConfigToJSON(logCfg)
	if err != nil {
		cw.logger.Warnw("Error while serializing logging config", zap.Error(err))
	}
	return corev1.EnvVar{Name: EnvLoggingCfg, Value: cfg}
}

// overrideLoggingLevel returns a copy of cfg whose zap configuration has
// the given level.
func overrideLoggingLevel(cfg *logging.Config, lvl zapcore.Level) (*logging.Config, error) {
	tmpCfg := &zapConfig{}
	if err := json.Unmarshal([]byte(cfg.LoggingConfig), tmpCfg); err != nil {
		return nil, fmt.Errorf("deserializing logging config from ConfigMap: %w", err)
	}
	tmpCfg.Level = zap.NewAtomicLevelAt(lvl)
	b, err := json.Marshal(tmpCfg)
	if err != nil {
		return nil, fmt.Errorf("serializing logging config with logging level applied: %w", err)
	}
	out := *cfg
	out.LoggingConfig = string(b)
	return &out, nil
}

func (cw *ConfigWatcher) metricsConfigEnvVar() corev1.EnvVar {
	cfg, err := metrics.OptionsToJSON(cw.MetricsConfig())
	if err != nil {
		cw.logger.Warnw("Error while serializing metrics config", zap.Error(err))
	}
	return corev1.EnvVar{Name: EnvMetricsCfg, Value: cfg}
}

func (cw *ConfigWatcher) tracingConfigEnvVar() corev1.EnvVar {
	cfg, err := tracingconfig.TracingConfigToJSON(cw.TracingConfig())
	if err != nil {
		cw.logger.Warnw("Error while serializing tracing config", zap.Error(err))
	}
	return corev1.EnvVar{Name: EnvTracingCfg, Value: cfg}
}

// zapConfig is zap.Config with its encoder functions as the strings the
// ConfigMap holds, so a logging configuration survives a JSON round trip.
type zapConfig struct {
	zap.Config

	EncoderConfig struct {
		zapcore.EncoderConfig

		EncodeLevel    string `json:"levelEncoder" yaml:"levelEncoder"`
		EncodeTime     string `json:"timeEncoder" yaml:"timeEncoder"`
		EncodeDuration string `json:"durationEncoder" yaml:"durationEncoder"`
		EncodeCaller   string `json:"callerEncoder" yaml:"callerEncoder"`
		EncodeName     string `json:"nameEncoder" yaml:"nameEncoder"`
	} `json:"encoderConfig" yaml:"encoderConfig"`
}

// EmptyVarsGenerator generates empty env vars. Intended to be used in tests.
type EmptyVarsGenerator struct {
	ConfigAccessor
}

var _ ConfigAccessor = (*EmptyVarsGenerator)(nil)

// ToEnvVars returns the three variables with empty values.
func (*EmptyVarsGenerator) ToEnvVars() []corev1.EnvVar {
	return []corev1.EnvVar{
		{Name: EnvLoggingCfg},
		{Name: EnvMetricsCfg},
		{Name: EnvTracingCfg},
	}
}
