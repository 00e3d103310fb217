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

package adapter

import (
	"encoding/json"
	"os"
	"strconv"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	kle "knative.dev/pkg/leaderelection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/tracing"
	tracingconfig "knative.dev/pkg/tracing/config"
)

// EnvConfigConstructor returns an empty EnvConfigAccessor that
// envconfig.Process fills from the environment.
type EnvConfigConstructor func() EnvConfigAccessor

// The environment every adapter reads; the source reconcilers set it on the
// adapter's container (K_SINK and K_CE_OVERRIDES may come from a
// SinkBinding instead).
const (
	EnvConfigComponent            = "K_COMPONENT"
	EnvConfigNamespace            = "NAMESPACE"
	EnvConfigName                 = "NAME"
	EnvConfigResourceGroup        = "K_RESOURCE_GROUP"
	EnvConfigSink                 = "K_SINK"
	EnvConfigAudience             = "K_AUDIENCE"
	EnvConfigOIDCServiceAccount   = "K_OIDC_SERVICE_ACCOUNT"
	EnvConfigCACert               = "K_CA_CERTS"
	EnvConfigCEOverrides          = "K_CE_OVERRIDES"
	EnvConfigMetricsConfig        = "K_METRICS_CONFIG"
	EnvConfigLoggingConfig        = "K_LOGGING_CONFIG"
	EnvConfigTracingConfig        = "K_TRACING_CONFIG"
	EnvConfigLeaderElectionConfig = "K_LEADER_ELECTION_CONFIG"
	EnvSinkTimeout                = "K_SINK_TIMEOUT"
)

// EnvConfig is the minimal set of configuration parameters source adapters
// should support; adapters embed it in their own envconfig struct.
type EnvConfig struct {
	// Component is the kind of this adapter (set by Main, not the
	// environment).
	Component string `envconfig:"K_COMPONENT"`

	// Namespace is the namespace the adapter runs in, used for metrics,
	// the Kn-Namespace header and as the namespace of its Kubernetes events.
	Namespace string `envconfig:"NAMESPACE"`

	// Name is the name of the adapter's source.
	Name string `envconfig:"NAME" default:"adapter"`

	// ResourceGroup is the group of the source's resource, for metrics.
	ResourceGroup string `envconfig:"K_RESOURCE_GROUP" default:"adapter.sources.knative.dev"`

	// Sink is the URI the adapter sends events to.
	Sink string `envconfig:"K_SINK"`

	// Audience is the OIDC audience of the sink (unused: Skiff runs with
	// authentication-oidc disabled).
	Audience *string `envconfig:"K_AUDIENCE"`

	// OIDCServiceAccountName is the ServiceAccount whose OIDC tokens the
	// adapter would send (unused, see Audience).
	OIDCServiceAccountName *string `envconfig:"K_OIDC_SERVICE_ACCOUNT"`

	// CACerts are the PEM certificates the sink's TLS certificate chains
	// to, for https sinks.
	CACerts *string `envconfig:"K_CA_CERTS"`

	// CEOverrides is the JSON of the source's duckv1.CloudEventOverrides:
	// extensions set on every event sent.
	CEOverrides string `envconfig:"K_CE_OVERRIDES"`

	// MetricsConfigJson is metrics.ExporterOptions as JSON.
	MetricsConfigJson string `envconfig:"K_METRICS_CONFIG" default:"{}"`

	// LoggingConfigJson is logging.Config as JSON.
	LoggingConfigJson string `envconfig:"K_LOGGING_CONFIG" default:"{}"`

	// TracingConfigJson is tracing config.Config as JSON.
	TracingConfigJson string `envconfig:"K_TRACING_CONFIG"`

	// LeaderElectionConfigJson is leaderelection.ComponentConfig as JSON.
	LeaderElectionConfigJson string `envconfig:"K_LEADER_ELECTION_CONFIG"`

	// EnvSinkTimeout is the time in seconds a sink may take to answer.
	EnvSinkTimeout string `envconfig:"K_SINK_TIMEOUT"`

	logger *zap.SugaredLogger
}

// EnvConfigAccessor is the interface adapters use to read EnvConfig.
type EnvConfigAccessor interface {
	// SetComponent sets the component name.
	SetComponent(string)

	// GetSink returns the sink URI.
	GetSink() string

	// GetCACerts returns the sink's CA certificates, nil if none.
	GetCACerts() *string

	// GetAudience returns the sink's OIDC audience, nil if none.
	GetAudience() *string

	// GetOIDCServiceAccountName returns the OIDC ServiceAccount, nil if none.
	GetOIDCServiceAccountName() *types.NamespacedName

	// GetNamespace returns the namespace of the adapter.
	GetNamespace() string

	// GetName returns the name of the adapter's source.
	GetName() string

	// GetMetricsConfig returns the metrics exporter options.
	GetMetricsConfig() (*metrics.ExporterOptions, error)

	// GetLogger returns the logger built from the logging configuration.
	GetLogger() *zap.SugaredLogger

	// SetupTracing sets up tracing from the tracing configuration.
	SetupTracing(*zap.SugaredLogger) (tracing.Tracer, error)

	// GetCloudEventOverrides returns the CloudEvent overrides.
	GetCloudEventOverrides() (*duckv1.CloudEventOverrides, error)

	// GetLeaderElectionConfig returns the leader election configuration.
	GetLeaderElectionConfig() (*kle.ComponentConfig, error)

	// GetSinktimeout returns the sink timeout in seconds, -1 for none.
	GetSinktimeout() int
}

var _ EnvConfigAccessor = (*EnvConfig)(nil)

// SetComponent sets the component name (logger name, metrics component).
func (e *EnvConfig) SetComponent(component string) {
	e.Component = component
}

// GetMetricsConfig parses K_METRICS_CONFIG.
func (e *EnvConfig) GetMetricsConfig() (*metrics.ExporterOptions, error) {
	return metrics.JSONToOptions(e.MetricsConfigJson)
}

// GetLogger builds (once) the logger K_LOGGING_CONFIG describes, falling
// back to the default configuration when it is malformed.
func (e *EnvConfig) GetLogger() *zap.SugaredLogger {
	if e.logger == nil {
		loggingConfig, err := logging.JSONToConfig(e.LoggingConfigJson)
		if err != nil {
			if loggingConfig, err = logging.NewConfigFromMap(map[string]string{}); err != nil {
				panic(err)
			}
		}
		logger, _ := logging.NewLoggerFromConfig(loggingConfig, e.Component)
		e.logger = logger
	}
	return e.logger
}

// GetSink returns K_SINK.
func (e *EnvConfig) GetSink() string {
	return e.Sink
}

// GetOIDCServiceAccountName returns K_OIDC_SERVICE_ACCOUNT in the adapter's
// namespace, nil if unset.
func (e *EnvConfig) GetOIDCServiceAccountName() *types.NamespacedName {
	if e.OIDCServiceAccountName == nil {
		return nil
	}
	return &types.NamespacedName{Namespace: e.Namespace, Name: *e.OIDCServiceAccountName}
}

// GetCACerts returns K_CA_CERTS, nil if unset.
func (e *EnvConfig) GetCACerts() *string {
	return e.CACerts
}

// GetAudience returns K_AUDIENCE, nil if unset.
func (e *EnvConfig) GetAudience() *string {
	return e.Audience
}

// GetNamespace returns NAMESPACE.
func (e *EnvConfig) GetNamespace() string {
	return e.Namespace
}

// GetName returns NAME.
func (e *EnvConfig) GetName() string {
	return e.Name
}

// GetSinktimeout returns K_SINK_TIMEOUT in seconds, -1 (no timeout) when
// it is not a number.
func (e *EnvConfig) GetSinktimeout() int {
	if duration, err := strconv.Atoi(e.EnvSinkTimeout); err == nil {
		return duration
	}
	if e.EnvSinkTimeout != "" {
		e.GetLogger().Warnf("Sink timeout configuration %q is invalid, default to -1 (no timeout)", e.EnvSinkTimeout)
	}
	return -1
}

// SetupTracing publishes traces as K_TRACING_CONFIG says, the no-op tracer
// when it is malformed.
func (e *EnvConfig) SetupTracing(logger *zap.SugaredLogger) (tracing.Tracer, error) {
	config, err := tracingconfig.JSONToTracingConfig(e.TracingConfigJson)
	if err != nil {
		logger.Warnw("Tracing configuration is invalid, using the no-op default", zap.Error(err))
	}
	return tracing.SetupPublishingWithStaticConfig(logger, "", config)
}

// GetCloudEventOverrides parses K_CE_OVERRIDES; empty overrides when unset.
func (e *EnvConfig) GetCloudEventOverrides() (*duckv1.CloudEventOverrides, error) {
	var ceOverrides duckv1.CloudEventOverrides
	if len(e.CEOverrides) > 0 {
		if err := json.Unmarshal([]byte(e.CEOverrides), &ceOverrides); err != nil {
			return nil, err
		}
	}
	return &ceOverrides, nil
}

// GetLeaderElectionConfig parses K_LEADER_ELECTION_CONFIG, the default
// (one bucket, 15 s lease) when unset or malformed.
func (e *EnvConfig) GetLeaderElectionConfig() (*kle.ComponentConfig, error) {
	if e.LeaderElectionConfigJson == "" {
		return e.defaultLeaderElectionConfig(), nil
	}
	var config kle.ComponentConfig
	if err := json.Unmarshal([]byte(e.LeaderElectionConfigJson), &config); err != nil {
		return e.defaultLeaderElectionConfig(), err
	}
	config.Component = e.Component
	if config.Buckets == 0 {
		config.Buckets = 1
	}
	return &config, nil
}

func (e *EnvConfig) defaultLeaderElectionConfig() *kle.ComponentConfig {
	return &kle.ComponentConfig{
		Component:     e.Component,
		Buckets:       1,
		LeaseDuration: 15 * time.Second,
		RenewDeadline: 10 * time.Second,
		RetryPeriod:   2 * time.Second,
	}
}

// LeaderElectionComponentConfigToJSON converts a ComponentConfig to the
// K_LEADER_ELECTION_CONFIG value ("" for nil).
func LeaderElectionComponentConfigToJSON(cfg *kle.ComponentConfig) (string, error) {
	if cfg == nil {
		return "", nil
	}
	jsonCfg, err := json.Marshal(cfg)
	return string(jsonCfg), err
}

// GetSinkTimeout reads K_SINK_TIMEOUT from this process's environment (the
// controller passes its own value on to the adapters): seconds, -1 when
// unset or invalid.
func GetSinkTimeout(logger *zap.SugaredLogger) int {
	str := os.Getenv(EnvSinkTimeout)
	if str == "" {
		return -1
	}
	duration, err := strconv.Atoi(str)
	if err != nil || duration < 0 {
		if logger != nil {
			logger.Errorf("%s environment value is invalid. It must be a integer greater than zero. (got %s)", EnvSinkTimeout, str)
		}
		return -1
	}
	return duration
}
